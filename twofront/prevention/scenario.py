"""The prevention front's part of the reference scenarios (twofront.core.scenarios).

guiyang-2020 reproduces the article's figures that these models hold: 4,586 urban compound groups and
8,957 village groups under closed management with 3,952 and 4,737 monitoring posts, 12 designated
hotels for travellers from Hubei, the five categories of key people all tested, checkpoints registering
every vehicle and person, household-by-household screening, venues closed and disinfected. Figures the
article does not give (checkpoints, passages, key people, households, venues) are synthetic and say so.
"demo" is the same at a small size, dated in the last 30 days.

Small counts go through the services (rules and audit); large ones through bulk_create, with the metric
cells touched as the services would.
"""

import datetime
from decimal import Decimal

from twofront.core.choices import RegionLevel
from twofront.core.models import Region
from twofront.core.scenarios import bulk_create, step
from twofront.metrics.dirty import touch_many
from twofront.prevention.choices import (
    CheckpointKind,
    CompoundKind,
    Decision,
    LeadStatus,
    StayStatus,
    TestResult,
    VehicleType,
    VenueKind,
    VenueState,
)
from twofront.prevention.models import (
    ClosurePeriod,
    CompoundGroup,
    Household,
    HouseholdMember,
    KeyCategory,
    KeyPersonEntry,
    Lead,
    MonitoringPost,
    NucleicTest,
    Passage,
    PassageTraveller,
    PostDailyCount,
    QuarantineStay,
    ScreeningCampaign,
    ScreeningVisit,
    Venue,
)
from twofront.prevention.services import checkpoints as checkpoint_services
from twofront.prevention.services import quarantine as quarantine_services

GY, DEMO = "guiyang-2020", "demo"
BATCH = 2000

# Sizes at scale 1. Article figures: compounds, posts, hotels. The rest is synthetic.
SIZES = {
    GY: {"urban": 4586, "village": 8957, "urban_posts": 3952, "village_posts": 4737, "hotels": 12,
         "hubei_guests": 480, "passages": 3000, "traveller_pool": 1500, "households": 3600,
         "key": {"confirmed": 30, "suspected": 120, "fever": 600, "close_contact": 1200, "high_risk_arrival": 2400},
         "venues": {VenueKind.KTV: 420, VenueKind.INTERNET_CAFE: 610, VenueKind.LIBRARY: 14, VenueKind.MUSEUM: 9,
                    VenueKind.SCENIC_SPOT: 68}},
    DEMO: {"urban": 12, "village": 8, "urban_posts": 10, "village_posts": 6, "hotels": 2, "hubei_guests": 12,
           "passages": 60, "traveller_pool": 40, "households": 60,
           "key": {"confirmed": 1, "suspected": 2, "fever": 4, "close_contact": 6, "high_risk_arrival": 10},
           "venues": {VenueKind.KTV: 3, VenueKind.INTERNET_CAFE: 3, VenueKind.LIBRARY: 1, VenueKind.MUSEUM: 1,
                      VenueKind.SCENIC_SPOT: 2}},
}

# (name, kind, district code, location); synthetic names at real places of entry.
CHECKPOINTS = [
    ("贵阳北站出站口", CheckpointKind.STATION, "520115", "观山湖区 贵阳北站"),
    ("贵阳站出站口", CheckpointKind.STATION, "520102", "南明区 遵义路"),
    ("贵阳东站出站口", CheckpointKind.STATION, "520112", "乌当区 贵阳东站"),
    ("龙洞堡国际机场到达厅", CheckpointKind.AIRPORT, "520102", "南明区 龙洞堡"),
    ("金阳客车站", CheckpointKind.STATION, "520115", "观山湖区 金阳客车站"),
    ("贵阳汽车客运东站", CheckpointKind.STATION, "520112", "乌当区 客运东站"),
    ("贵阳东收费站", CheckpointKind.EXPRESSWAY, "520112", "沪昆高速 贵阳东"),
    ("贵阳西收费站", CheckpointKind.EXPRESSWAY, "520115", "沪昆高速 贵阳西"),
    ("花溪收费站", CheckpointKind.EXPRESSWAY, "520111", "贵阳绕城高速 花溪"),
    ("白云收费站", CheckpointKind.EXPRESSWAY, "520113", "兰海高速 白云"),
    ("清镇收费站", CheckpointKind.EXPRESSWAY, "520181", "沪昆高速 清镇"),
    ("修文收费站", CheckpointKind.EXPRESSWAY, "520123", "兰海高速 修文"),
    ("息烽收费站", CheckpointKind.EXPRESSWAY, "520122", "兰海高速 息烽"),
    ("开阳收费站", CheckpointKind.EXPRESSWAY, "520121", "贵瓮高速 开阳"),
    ("云岩区道路入口", CheckpointKind.ROAD, "520103", "云岩区 210国道"),
    ("花溪区道路入口", CheckpointKind.ROAD, "520111", "花溪区 青岩"),
]
PROVINCES = [("湖北省", "武汉市"), ("湖北省", "黄冈市"), ("四川省", "成都市"), ("重庆市", "重庆市"),
             ("湖南省", "长沙市"), ("广东省", "广州市"), ("贵州省", "遵义市"), ("贵州省", "安顺市"),
             ("贵州省", "毕节市"), ("贵州省", "黔南州"), ("云南省", "昆明市"), ("浙江省", "杭州市")]
PLATE_PREFIXES = ["贵A", "贵A", "贵A", "贵B", "贵C", "贵J", "鄂A", "川A", "渝A", "湘A", "粤A", "云A"]
VENUE_WORDS = {VenueKind.KTV: ("欢唱", "KTV"), VenueKind.INTERNET_CAFE: ("极速", "网吧"),
               VenueKind.LIBRARY: ("", "图书馆"), VenueKind.MUSEUM: ("", "博物馆"),
               VenueKind.SCENIC_SPOT: ("", "景区")}
HOTEL_WORDS = ["筑城", "林城", "黔灵", "甲秀", "花溪", "观山", "南明", "云岩", "金阳", "泉都", "阳明", "百花"]


def _sizes(ctx) -> dict:
    return SIZES[GY if ctx.reference else DEMO]


def _n(ctx, value: int) -> int:
    return ctx.n(value) if ctx.reference else value


def _bulk(model, rows: list) -> list:
    return bulk_create(model, rows, batch_size=BATCH)  # keeps the rows' 2020 creation times


def _districts() -> dict[str, Region]:
    return {r.code: r for r in Region.objects.filter(level=RegionLevel.DISTRICT)}


# -- second line: closed management of compound groups, monitoring posts --------------------------------

@step(GY, DEMO, order=20, name="prevention.compounds")
def compounds(ctx) -> None:
    sizes = _sizes(ctx)
    communities = ctx.regions(RegionLevel.COMMUNITY)
    urban = [r for r in communities if not r.name.endswith("村")]
    villages = [r for r in communities if r.name.endswith("村")]
    closed_from = ctx.start + datetime.timedelta(days=6) if ctx.reference else ctx.start
    for kind, pool, total, posts, word in (
            (CompoundKind.URBAN, urban, _n(ctx, sizes["urban"]), _n(ctx, sizes["urban_posts"]), "组团"),
            (CompoundKind.VILLAGE, villages, _n(ctx, sizes["village"]), _n(ctx, sizes["village_posts"]), "村民组")):
        seen: dict[int, int] = {}
        groups = []
        for i in range(total):
            region = pool[i % len(pool)]
            seen[region.pk] = seen.get(region.pk, 0) + 1
            name = f"{region.name}第{seen[region.pk]}{word}"
            groups.append(CompoundGroup(name=name, kind=kind, region=region,
                                        households=ctx.rng.randint(60, 900) if kind == CompoundKind.URBAN
                                        else ctx.rng.randint(20, 120)))
        groups = _bulk(CompoundGroup, groups)
        starts = [ctx.day(closed_from, closed_from + datetime.timedelta(days=8)) for _ in groups]
        _bulk(ClosurePeriod, [ClosurePeriod(compound=g, starts_on=d, note="封闭管理")
                              for g, d in zip(groups, starts, strict=True)])
        touch_many(ClosurePeriod, {(g.region_id, d) for g, d in zip(groups, starts, strict=True)})
        # Posts at the first `posts` groups (spread over every community), a second gate where posts
        # outnumber groups.
        post_rows, post_days = [], []
        for i in range(posts):
            group = groups[i % len(groups)]
            post_days.append(starts[i % len(groups)])
            post_rows.append(MonitoringPost(compound=group, name=f"{i // len(groups) + 1}号监测岗", region=group.region,
                                            created_at=ctx.moment(post_days[-1], 8)))
        post_rows = _bulk(MonitoringPost, post_rows)
        touch_many(MonitoringPost, {(p.region_id, d) for p, d in zip(post_rows, post_days, strict=True)})
        # Every post reports its in/out count on the as-of day.
        _bulk(PostDailyCount, [PostDailyCount(post=p, day=ctx.as_of, entries=ctx.rng.randint(20, 400),
                                              exits=ctx.rng.randint(20, 400), recorded_by=ctx.actor,
                                              region_id=p.region_id) for p in post_rows])
        touch_many(PostDailyCount, {(p.region_id, ctx.as_of) for p in post_rows})
        suffix = "_urban" if kind == CompoundKind.URBAN else "_village"
        figure = (f"{sizes['urban']:,} 个城市小区组团封闭管理" if kind == CompoundKind.URBAN
                  else f"{sizes['village']:,} 个村民组封闭管理")
        post_figure = (f"城市小区组团监测岗 {sizes['urban_posts']:,} 个" if kind == CompoundKind.URBAN
                       else f"村民组监测岗 {sizes['village_posts']:,} 个")
        source = "article" if ctx.reference else "demo"
        ctx.expect(f"prevention.compounds_closed{suffix}", total, figure, source=source)
        ctx.expect(f"prevention.posts_active{suffix}", posts, post_figure, source=source)
    ctx.expect("prevention.posts_reporting", _n(ctx, sizes["urban_posts"]) + _n(ctx, sizes["village_posts"]),
               "监测岗当日报数 (posts reporting on the as-of day)", source="synthetic",
               period=(ctx.as_of, ctx.as_of))


# -- second line: household-by-household screening --------------------------------------------------------

@step(GY, DEMO, order=21, name="prevention.screening")
def screening(ctx) -> None:
    grids = ctx.regions(RegionLevel.GRID) or ctx.regions(RegionLevel.COMMUNITY)
    total = _n(ctx, _sizes(ctx)["households"])
    city = Region.objects.filter(parent__isnull=True).order_by("path").first()
    first = ctx.start + datetime.timedelta(days=5) if ctx.reference else ctx.start
    campaign = ScreeningCampaign.objects.create(
        name="返筑人员逐户摸排登记" if ctx.reference else "近期返筑人员摸排", region=city, starts_on=first,
        ends_on=first + datetime.timedelta(days=16), created_by=ctx.actor,
        description="以村（居）为单位，网格化管理，逐户开展摸排登记。")
    heads = ctx.persons(total, grids)
    households = _bulk(Household, [Household(address=head.address or f"{i + 1}号", region_id=head.region_id,
                                             created_at=ctx.moment(first, 8))
                                   for i, head in enumerate(heads)])
    _bulk(HouseholdMember, [HouseholdMember(household=h, person=p, relation="户主")
                            for h, p in zip(households, heads, strict=True)])
    days = [ctx.day(first, first + datetime.timedelta(days=15)) for _ in households]
    visits = _bulk(ScreeningVisit, [ScreeningVisit(household=h, campaign=campaign, visited_by=ctx.actor,
                                                   region_id=h.region_id, travel_history=[],
                                                   notes="已登记，无异常", visited_at=ctx.moment(d, 10 + i % 8, i % 60))
                                    for i, (h, d) in enumerate(zip(households, days, strict=True))])
    _bulk(Lead, [Lead(campaign=campaign, household=h, region_id=h.region_id, assigned_to=ctx.actor,
                              due_on=first + datetime.timedelta(days=16), status=LeadStatus.VISITED, visit=v,
                              lead_key=f"{campaign.pk}:h{h.pk}", created_at=ctx.moment(first, 8))
                         for h, v in zip(households, visits, strict=True)])
    cells = {(h.region_id, first) for h in households} | {(h.region_id, d) for h, d in zip(households, days, strict=True)}
    touch_many(Household, cells)
    touch_many(ScreeningVisit, cells)
    touch_many(Lead, cells)
    source = "synthetic" if ctx.reference else "demo"
    ctx.expect("prevention.households", total, "逐户摸排：登记户数 (households registered)", source=source)
    ctx.expect("prevention.households_screened", total, "逐户摸排：已走访户数 (households screened)", source=source)
    ctx.expect("prevention.screening_rate", 100, "逐户开展摸排登记：完成率 % (every household)", source="article"
               if ctx.reference else "demo")


# -- first line: checkpoints ----------------------------------------------------------------------------

@step(GY, DEMO, order=22, name="prevention.checkpoints")
def checkpoints(ctx) -> None:
    districts = _districts()
    rows = CHECKPOINTS if ctx.reference else CHECKPOINTS[:4]
    opened = ctx.start + datetime.timedelta(days=5) if ctx.reference else ctx.start
    prefix = "" if ctx.reference else "（演示）"
    sites = [checkpoint_services.create_checkpoint(actor=ctx.actor, name=f"{prefix}{name}", kind=kind,
                                                   region=districts[code], location=location, opened_on=opened)
             for name, kind, code, location in rows]
    sizes = _sizes(ctx)
    pool = ctx.persons(_n(ctx, sizes["traveller_pool"]), list(districts.values()))
    destinations = ctx.regions(RegionLevel.STREET)
    total = _n(ctx, sizes["passages"])
    passages, moments = [], []
    for i in range(total):
        site = sites[i % len(sites)]
        province, city = PROVINCES[ctx.rng.randrange(len(PROVINCES))]
        day = ctx.day(opened)
        kind = VehicleType.BUS if i % 17 == 0 else VehicleType.TRUCK if i % 7 == 0 else VehicleType.CAR
        plate = "" if site.kind == CheckpointKind.AIRPORT else (
            f"{PLATE_PREFIXES[ctx.rng.randrange(len(PLATE_PREFIXES))]}{ctx.rng.randrange(10**5):05d}")
        moments.append(ctx.moment(day, 6 + i % 16, i % 60))
        passages.append(Passage(checkpoint=site, plate=plate, registered_at=moments[-1], confirmed_at=moments[-1],
                                vehicle_type=VehicleType.NONE if not plate else kind,
                                origin_province=province, origin_city=city,
                                destination=destinations[ctx.rng.randrange(len(destinations))],
                                registered_by=ctx.actor, region_id=site.region_id))
    passages = _bulk(Passage, passages)
    travellers, persons = [], 0
    for i, passage in enumerate(passages):
        count = 1 + (i % 3 == 0) + (i % 5 == 0)
        for k in range(count):
            person = pool[(i * 3 + k) % len(pool)]
            hubei = passage.origin_province == "湖北省"
            travellers.append(PassageTraveller(
                passage=passage, person=person, temperature=Decimal("36.") + Decimal(ctx.rng.randint(1, 8)) / 10,
                travel_history=[f"{passage.origin_province}{passage.origin_city}"],
                decision=Decision.QUARANTINE if hubei and k == 0 else Decision.HANDOVER if hubei else Decision.PASS,
                is_driver=k == 0 and bool(passage.plate)))
        persons += count
    _bulk(PassageTraveller, travellers)
    cells = {(p.region_id, m) for p, m in zip(passages, moments, strict=True)}
    touch_many(Passage, cells)
    touch_many(PassageTraveller, cells)
    source = "synthetic" if ctx.reference else "demo"
    ctx.expect("prevention.checkpoints", len(sites), "重要场站卡口、道路入口 (checkpoints)", source=source)
    ctx.expect("prevention.passages", total, "逐车检查登记 (vehicles registered)", source=source,
               period=(ctx.start, ctx.as_of))
    ctx.expect("prevention.passage_persons", persons, "逐人检查登记 (persons registered)", source=source,
               period=(ctx.start, ctx.as_of))


# -- designated hotels for travellers from Hubei ------------------------------------------------------------

@step(GY, DEMO, order=23, name="prevention.quarantine")
def quarantine(ctx) -> None:
    sizes = _sizes(ctx)
    districts = list(_districts().values())
    districts.sort(key=lambda r: r.code)
    opened = ctx.start + datetime.timedelta(days=7) if ctx.reference else ctx.start
    prefix = "" if ctx.reference else "（演示）"
    sites = []
    for i in range(sizes["hotels"]):
        rooms = ctx.rng.randint(48, 160)
        sites.append(quarantine_services.create_site(
            actor=ctx.actor, region=districts[i % len(districts)], name=f"{prefix}{HOTEL_WORDS[i % 12]}定点接待酒店",
            rooms=rooms, capacity=rooms, address=f"{districts[i % len(districts)].name}", for_hubei_travellers=True,
            opened_on=opened))
    guests = ctx.persons(_n(ctx, sizes["hubei_guests"]), districts)
    stays = []
    active = 0
    for i, person in enumerate(guests):
        site = sites[i % len(sites)]
        starts = ctx.day(opened, opened + datetime.timedelta(days=21)) if ctx.reference else ctx.day(ctx.as_of - datetime.timedelta(days=20))
        ends = starts + datetime.timedelta(days=14)
        released = ends <= ctx.as_of and (ctx.reference or i % 2 == 0)
        active += not released
        stays.append(QuarantineStay(person=person, site=site, room=f"{8 + i // 40 % 10}{i % 40 + 1:02d}",
                                    starts_on=starts, ends_on=ends,
                                    status=StayStatus.RELEASED if released else StayStatus.ACTIVE,
                                    released_at=ctx.moment(ends, 10) if released else None))
    stays = _bulk(QuarantineStay, stays)
    touch_many(QuarantineStay, {(s.site.region_id, d) for s in stays for d in (s.starts_on, s.ends_on)})
    source = "article" if ctx.reference else "demo"
    ctx.expect("prevention.quarantine_sites_hubei", len(sites), "在全省率先指定12家定点接待酒店 (designated hotels)",
               source=source)
    ctx.expect("prevention.quarantine_rooms", sum(s.rooms for s in sites), "定点酒店房间 (rooms)",
               source="synthetic" if ctx.reference else "demo")
    ctx.expect("prevention.quarantine_released", len(stays) - active, "湖北籍旅客集中观察期满解除 (released)",
               source="synthetic" if ctx.reference else "demo", period=(ctx.start, ctx.as_of))
    ctx.expect("prevention.quarantine_guests", active, "在住观察人员 (guests in quarantine)",
               source="synthetic" if ctx.reference else "demo")


# -- five categories of key people, all tested -----------------------------------------------------------------

@step(GY, DEMO, order=24, name="prevention.key_people")
def key_people(ctx) -> None:
    sizes = _sizes(ctx)["key"]
    communities = ctx.regions(RegionLevel.COMMUNITY)
    categories = {c.code: c for c in KeyCategory.objects.filter(code__in=list(sizes))}
    entries, tests, days, total, positive = [], [], [], 0, 0
    first = ctx.start + datetime.timedelta(days=3) if ctx.reference else ctx.start
    last = min(ctx.as_of - datetime.timedelta(days=2), first + datetime.timedelta(days=60))
    prefix = "GY20" if ctx.reference else f"DM{ctx.as_of:%y%m%d}"
    for code, count in sizes.items():
        people = ctx.persons(_n(ctx, count), communities[ctx.rng.randrange(40)::37])
        ctx.shared[f"prevention.key_people.{code}"] = [p.pk for p in people]
        for person in people:
            since = ctx.day(first, last)
            entries.append(KeyPersonEntry(person=person, category=categories[code], since=since,
                                          source="卡口登记" if code == "high_risk_arrival" else "摸排",
                                          region_id=person.region_id))
            result = TestResult.POSITIVE if code == "confirmed" else TestResult.NEGATIVE
            positive += code == "confirmed"
            tests.append(NucleicTest(person=person, sample_id=f"{prefix}{len(tests) + 1:08d}",
                                     sampled_at=ctx.moment(since + datetime.timedelta(days=1), 9),
                                     sample_site="市疾控中心采样点", lab="贵阳市疾病预防控制中心",
                                     result=result, result_at=ctx.moment(since + datetime.timedelta(days=2), 9),
                                     region_id=person.region_id))
            days.append(since)
        total += len(people)
    _bulk(KeyPersonEntry, entries)
    _bulk(NucleicTest, tests)
    touch_many(KeyPersonEntry, {(e.region_id, e.since) for e in entries})
    touch_many(NucleicTest, {(t.region_id, t.sampled_at) for t in tests} | {(t.region_id, t.result_at) for t in tests})
    source = "synthetic" if ctx.reference else "demo"
    ctx.expect(None, 5, "“五类人员” key-person categories (configurable)", source="article" if ctx.reference else "demo",
               count=lambda: KeyCategory.objects.filter(active=True, code__in=list(sizes)).count())
    ctx.expect("prevention.key_people_all", total, "五类人员 (key people, all five categories)", source=source)
    for code, count in sizes.items():
        ctx.expect(f"prevention.key_people_{code}", _n(ctx, count), f"五类人员：{categories[code].name}", source=source)
    ctx.expect("prevention.test_coverage_all", 100, "对全市“五类人员”核酸检测全覆盖 (testing coverage %)",
               source="article" if ctx.reference else "demo")
    ctx.expect("prevention.tests_sampled", total, "核酸检测采样 (samples)", source=source, period=(ctx.start, ctx.as_of))
    ctx.expect("prevention.tests_positive", positive, "核酸检测阳性 (positive results)", source=source,
               period=(ctx.start, ctx.as_of))


# -- venues closed and disinfected ---------------------------------------------------------------------------

@step(GY, DEMO, order=25, name="prevention.venues")
def venues(ctx) -> None:
    streets = ctx.regions(RegionLevel.STREET)
    closed = ctx.start + datetime.timedelta(days=5) if ctx.reference else ctx.start
    rows = []
    for kind, count in _sizes(ctx)["venues"].items():
        word, noun = VENUE_WORDS[kind]
        for i in range(_n(ctx, count) if kind in (VenueKind.KTV, VenueKind.INTERNET_CAFE, VenueKind.SCENIC_SPOT)
                       else count):
            street = streets[ctx.rng.randrange(len(streets))]
            day = ctx.day(closed, closed + datetime.timedelta(days=3))
            rows.append(Venue(name=f"{street.name}{word}{noun}{i + 1:03d}" if word or kind != VenueKind.SCENIC_SPOT
                              else f"{street.name}{noun}{i + 1:02d}", kind=kind, region=street,
                              address=street.name, state=VenueState.DISINFECTED, closed_on=day,
                              disinfected_on=day + datetime.timedelta(days=1)))
    _bulk(Venue, rows)
    touch_many(Venue, {(v.region_id, d) for v in rows for d in (v.closed_on, v.disinfected_on)})
    source = "synthetic" if ctx.reference else "demo"
    ctx.expect("prevention.venues_closed", len(rows),
               "KTV、网吧、图书馆、博物馆、景点景区督促关闭 (venues closed)", source=source)
    ctx.expect("prevention.venues_disinfected", len(rows), "关闭场所消毒 (venues disinfected)", source=source)

