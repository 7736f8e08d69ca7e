"""The resumption front's part of the reference scenarios (twofront.core.scenarios).

guiyang-2020: enterprises above designated size and major projects, nearly 2,000 enterprise commissioners
(驻企专员, the article's figure: 1,990 here) stationed with them, resumption declarations and resumption,
rosters with daily health check-ins, epidemic-supply requests and appeals about materials, labour,
transport and funds (the four difficulties the article names). The article gives no count of enterprises,
employees, requests or appeals: those are synthetic. "demo": six enterprises with a week of check-ins and
open work (a declaration to review, a supply request, an appeal), dated in the last 30 days.
"""

import datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from twofront.core.choices import OrganisationKind, RegionLevel
from twofront.core.identity import credit_code_check_char
from twofront.core.models import Organisation, Region, RoleAssignment, User
from twofront.core.roles import Role
from twofront.core.scenarios import bulk_create, step
from twofront.enterprise.choices import (
    AppealCategory,
    AppealStatus,
    DeclarationStatus,
    Industry,
    Scale,
    SupplyKind,
    SupplyStatus,
)
from twofront.enterprise.models import (
    Appeal,
    CommissionerAssignment,
    Employee,
    Enterprise,
    HealthCheckin,
    ResumptionDeclaration,
    Supplier,
    SupplyRequest,
    SupplyRequestLine,
)
from twofront.metrics.dirty import touch_many

GY, DEMO = "guiyang-2020", "demo"
BATCH = 2000

SIZES = {
    # above designated size (incl. key projects), key projects, small, micro, commissioners (article: ~2,000)
    GY: {"above": 2000, "key": 150, "small": 600, "micro": 400, "commissioners": 1990, "employees_each": 3,
         "checkin_days": 3, "resumed_share": 0.95, "supply_requests": 300, "appeals": 400},
    DEMO: {"above": 3, "key": 1, "small": 2, "micro": 1, "commissioners": 3, "employees_each": 10,
           "checkin_days": 7, "resumed_share": 0.7, "supply_requests": 3, "appeals": 4},
}
SERIAL_BASE = {GY: 4_000_000, DEMO: 6_000_000}
NAME_HEADS = ["筑城", "黔灵", "甲秀", "林城", "花溪", "观山", "南明", "云岩", "乌江", "金阳", "阳明", "泉都",
              "百花", "红枫", "息烽", "开磷", "修文", "清镇", "白云", "乌当", "贵铝", "双龙", "小孟", "麦架"]
NAME_MIDS = ["恒达", "华信", "兴黔", "鑫源", "创新", "宏图", "天成", "远航", "博瑞", "安康", "同心", "永顺",
             "科睿", "众合", "聚力", "瑞丰"]
INDUSTRY_NOUNS = {Industry.C: ("精密制造", "药业", "电子科技", "食品", "机械", "新材料"),
                  Industry.E: ("建设工程", "路桥建设"), Industry.F: ("商贸", "超市"), Industry.G: ("物流", "运输"),
                  Industry.H: ("餐饮服务", "酒店管理"), Industry.I: ("大数据科技", "软件"),
                  Industry.D: ("能源",), Industry.A: ("蔬菜种植专业合作社", "生态农业")}
INDUSTRY_WEIGHTS = [Industry.C] * 5 + [Industry.E] * 2 + [Industry.F, Industry.G, Industry.H, Industry.I,
                                                             Industry.D, Industry.A]


def credit_code(serial: int, region6: str) -> str:
    first17 = f"91{region6}MA{serial:07d}"
    return first17 + credit_code_check_char(first17)


def _n(ctx, value: int) -> int:
    return ctx.n(value) if ctx.reference else value


@step(GY, DEMO, order=40, name="enterprise.enterprises")
def enterprises(ctx) -> None:
    sizes = SIZES[GY if ctx.reference else DEMO]
    streets = ctx.regions(RegionLevel.STREET)
    n_above, n_key = _n(ctx, sizes["above"]), _n(ctx, sizes["key"])
    plan = ([Scale.ABOVE_DESIGNATED] * n_above + [Scale.SMALL] * _n(ctx, sizes["small"])
            + [Scale.MICRO] * _n(ctx, sizes["micro"]))
    prefix = "" if ctx.reference else "（演示）"
    registered = ctx.start + datetime.timedelta(days=14) if ctx.reference else ctx.start
    orgs, firms = [], []
    for i, scale in enumerate(plan):
        region = streets[ctx.rng.randrange(len(streets))]
        industry = INDUSTRY_WEIGHTS[ctx.rng.randrange(len(INDUSTRY_WEIGHTS))]
        nouns = INDUSTRY_NOUNS[industry]
        name = (f"{prefix}贵州{NAME_HEADS[i % len(NAME_HEADS)]}{NAME_MIDS[i // len(NAME_HEADS) % len(NAME_MIDS)]}"
                f"{nouns[i % len(nouns)]}有限公司")
        if i >= len(NAME_HEADS) * len(NAME_MIDS):
            name = name.replace("有限公司", f"{i // (len(NAME_HEADS) * len(NAME_MIDS)) + 1}号有限公司")
        code = credit_code(SERIAL_BASE[ctx.scenario] + i, region.code[:6])
        orgs.append(Organisation(name=name[:128], kind=OrganisationKind.ENTERPRISE, region=region, code=code))
        day = ctx.day(registered, registered + datetime.timedelta(days=10))
        firm = Enterprise(credit_code=code, name=name[:128], industry=industry, scale=scale,
                          key_project=scale == Scale.ABOVE_DESIGNATED and i < n_key, region=region,
                          address=f"{region.name}{ctx.rng.randint(1, 399)}号", contact_name="综合办",
                          created_at=ctx.moment(day, 9))
        if ctx.rng.random() < sizes["resumed_share"] or (firm.key_project and ctx.reference):
            firm.resumed_on = ctx.day(day + datetime.timedelta(days=3), min(ctx.as_of, day + datetime.timedelta(days=60)))
        firms.append(firm)
    orgs = Organisation.objects.bulk_create(orgs, batch_size=BATCH)
    for org, firm in zip(orgs, firms, strict=True):
        firm.organisation = org
    firms = bulk_create(Enterprise, firms, batch_size=BATCH)
    created_days = [f.created_at.date() for f in firms]
    resumed = [f for f in firms if f.resumed_on]

    # Declarations: approved for the enterprises that resumed; the others submitted and waiting for review.
    declarations = []
    for firm in firms:
        planned = firm.resumed_on or min(ctx.as_of + datetime.timedelta(days=7),
                                         firm.created_at.date() + datetime.timedelta(days=10))
        submitted = firm.created_at + datetime.timedelta(hours=2)
        headcount = ctx.rng.randint(20, 800) if firm.scale == Scale.ABOVE_DESIGNATED else ctx.rng.randint(3, 60)
        out_of_town = headcount * ctx.rng.randint(5, 40) // 100
        approved = firm.resumed_on is not None
        reviewed = min(submitted + datetime.timedelta(days=1), ctx.moment(firm.resumed_on, 9)) if approved else None
        declarations.append(ResumptionDeclaration(
            enterprise=firm, planned_date=planned, expected_headcount=headcount, local_employees=headcount - out_of_town,
            out_of_town_employees=out_of_town, mask_stock_days=ctx.rng.randint(3, 14), disinfection=True,
            temperature_checks=True, isolation_room=True, canteen_arrangement="错峰分餐", responsible_person="安全员",
            status=DeclarationStatus.APPROVED if approved else DeclarationStatus.SUBMITTED, submitted_at=submitted,
            review_due=submitted + datetime.timedelta(days=2), reviewed_at=reviewed,
            reviewed_by=ctx.actor if approved else None))
    ResumptionDeclaration.objects.bulk_create(declarations, batch_size=BATCH)
    touch_many(Enterprise, {(f.region_id, d) for f, d in zip(firms, created_days, strict=True)}
               | {(f.region_id, f.resumed_on) for f in resumed})
    touch_many(ResumptionDeclaration, {(d.enterprise.region_id, d.submitted_at) for d in declarations}
               | {(d.enterprise.region_id, d.reviewed_at) for d in declarations if d.reviewed_at})

    _commissioners(ctx, sizes, [f for f in firms if f.scale == Scale.ABOVE_DESIGNATED], registered)
    _rosters(ctx, sizes, firms)
    _supplies_and_appeals(ctx, sizes, firms)

    article = "article" if ctx.reference else "demo"
    synthetic = "synthetic" if ctx.reference else "demo"
    ctx.expect("enterprise.registered", len(firms), "企业服务及员工健康信息平台：企业 (enterprises registered)",
               source=synthetic)
    ctx.expect("enterprise.above_designated", n_above, "规模以上企业 (enterprises above designated size)", source=synthetic)
    ctx.expect("enterprise.key_projects", n_key, "重大工程和项目 (key projects)", source=synthetic)
    ctx.expect("enterprise.declared", len(declarations), "复工申报 (enterprises that declared resumption)",
               source=synthetic)
    ctx.expect("enterprise.approved", len(resumed), "复工申报审核通过 (approved)", source=synthetic)
    ctx.expect("enterprise.resumed", len(resumed), "企业复工复产 (enterprises resumed)", source=synthetic)
    ctx.expect("enterprise.commissioners", _n(ctx, sizes["commissioners"]), "派驻近2000名驻企专员 (commissioners)",
               source=article)
    ctx.expect("enterprise.covered", n_above, "规模以上企业、重大工程和项目均有驻企专员 (enterprises covered)",
               source=synthetic)


def _commissioners(ctx, sizes: dict, targets: list, since_first: datetime.date) -> None:
    count = _n(ctx, sizes["commissioners"])
    base = "zqzy" if ctx.reference else "zqzy_demo"
    taken = set(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    unusable = make_password(None)  # they sign in once an administrator sets a password
    users = [User(username=f"{base}{i + 1:05d}", display_name=f"驻企专员{i + 1:04d}", password=unusable)
             for i in range(count) if f"{base}{i + 1:05d}" not in taken]
    users = User.objects.bulk_create(users, batch_size=BATCH)
    districts = {r.code: r.pk for r in Region.objects.filter(level=RegionLevel.DISTRICT)}
    assignments, roles = [], []
    # Each commissioner serves one enterprise above designated size; where there are more enterprises
    # than commissioners the first ones take a second enterprise, so every such enterprise has one.
    for i in range(max(len(users), len(targets))):
        user, firm = users[i % len(users)], targets[i % len(targets)]
        if i < len(users):
            roles.append(RoleAssignment(user=user, role=Role.COMMISSIONER, region_id=districts[firm.region.code[:6]]))
        since = max(since_first, firm.created_at.date()) + datetime.timedelta(days=1)
        assignments.append(CommissionerAssignment(commissioner=user, enterprise=firm, since=min(since, ctx.as_of)))
    RoleAssignment.objects.bulk_create(roles, batch_size=BATCH, ignore_conflicts=True)
    CommissionerAssignment.objects.bulk_create(assignments, batch_size=BATCH, ignore_conflicts=True)
    touch_many(CommissionerAssignment, {(a.enterprise.region_id, a.since) for a in assignments})


def _rosters(ctx, sizes: dict, firms: list) -> None:
    each = sizes["employees_each"]
    regions = [f.region for f in firms for _ in range(each)]
    persons = ctx.persons(len(regions), regions)
    employees = []
    for i, person in enumerate(persons):
        firm = firms[i // each]
        out = i % 4 == 0
        back = firm.resumed_on is not None and i % 10 != 9
        employees.append(Employee(enterprise=firm, person=person, out_of_town=out,
                                  origin_region_code="522601" if out else "",
                                  planned_return_date=firm.resumed_on or ctx.as_of,
                                  actual_return_date=max(firm.resumed_on, firm.created_at.date()) if back else None,
                                  quarantine_needed=out and i % 8 == 0, phone_masked=person.phone_masked,
                                  created_at=firm.created_at))
    employees = bulk_create(Employee, employees, batch_size=BATCH)
    touch_many(Employee, {(e.enterprise.region_id, e.created_at) for e in employees}
               | {(e.enterprise.region_id, e.actual_return_date) for e in employees if e.actual_return_date})
    checkins = []
    days = [ctx.as_of - datetime.timedelta(days=k) for k in range(sizes["checkin_days"])]
    on_as_of = abnormal = 0
    for k, employee in enumerate(employees):
        if employee.actual_return_date is None:
            continue
        for day in days:
            if day < employee.actual_return_date:
                continue
            fever = (k + day.day) % 97 == 0
            checkins.append(HealthCheckin(employee=employee, enterprise=employee.enterprise, day=day,
                                          temperature=Decimal("37.6") if fever else Decimal("36.") + Decimal(k % 8) / 10,
                                          symptoms=["fever"] if fever else [], location="贵阳市", abnormal=fever,
                                          region_id=employee.enterprise.region_id,
                                          residence_region_id=employee.person.region_id, source="qr"))
            on_as_of += day == ctx.as_of
            abnormal += fever
    HealthCheckin.objects.bulk_create(checkins, batch_size=BATCH)
    touch_many(HealthCheckin, {(c.region_id, c.day) for c in checkins})
    synthetic = "synthetic" if ctx.reference else "demo"
    ctx.expect("enterprise.employees_expected", len(employees), "员工健康信息平台：在册员工 (employees on rosters)",
               source=synthetic)
    ctx.expect("enterprise.employees_back", sum(e.actual_return_date is not None for e in employees),
               "返岗员工 (employees back at work)", source=synthetic)
    ctx.expect("enterprise.checkins", on_as_of, "员工每日健康打卡 (check-ins on the as-of day)", source=synthetic,
               period=(ctx.as_of, ctx.as_of))
    ctx.expect("enterprise.checkins_abnormal", abnormal, "健康打卡异常 (abnormal check-ins)", source=synthetic,
               period=(days[-1], ctx.as_of))


def _supplies_and_appeals(ctx, sizes: dict, firms: list) -> None:
    streets = ctx.regions(RegionLevel.STREET)
    Supplier.objects.create(name="贵阳市防疫物资保障组" if ctx.reference else "（演示）防疫物资供应站",
                            region=streets[0].parent)
    requests, lines, fulfilled = [], [], 0
    for i in range(_n(ctx, sizes["supply_requests"])):
        firm = firms[(i * 7) % len(firms)]
        submitted = ctx.moment(ctx.day(firm.created_at.date(), min(ctx.as_of, firm.created_at.date()
                                                                    + datetime.timedelta(days=20))), 10)
        done = ctx.reference or i % 2 == 0
        fulfilled += done
        requests.append(SupplyRequest(enterprise=firm, submitted_at=submitted if done
                                      else ctx.moment(ctx.as_of - datetime.timedelta(days=1 + i % 3), 10), status=SupplyStatus.RECEIVED if done else SupplyStatus.SUBMITTED,
                                      note="复工防疫物资需求申报", reviewed_by=ctx.actor if done else None,
                                      reviewed_at=submitted + datetime.timedelta(hours=4) if done else None,
                                      delivered_at=submitted + datetime.timedelta(days=1) if done else None,
                                      received_at=min(submitted + datetime.timedelta(days=2),
                                                      ctx.moment(ctx.as_of, 18)) if done else None))
    requests = bulk_create(SupplyRequest, requests, batch_size=BATCH)
    for i, request in enumerate(requests):
        for kind, quantity in ((SupplyKind.MASK, 500 + 100 * (i % 10)), (SupplyKind.DISINFECTANT, 20 + i % 30)):
            lines.append(SupplyRequestLine(request=request, kind=kind, quantity=quantity, stock_days=i % 5,
                                           allocated=quantity if request.status == SupplyStatus.RECEIVED else 0))
    SupplyRequestLine.objects.bulk_create(lines, batch_size=BATCH)
    touch_many(SupplyRequest, {(r.enterprise.region_id, r.submitted_at) for r in requests}
               | {(r.enterprise.region_id, r.received_at) for r in requests if r.received_at})

    categories = [AppealCategory.MATERIALS, AppealCategory.LABOUR, AppealCategory.TRANSPORT, AppealCategory.FUNDS]
    texts = {AppealCategory.MATERIALS: "口罩、消毒液等防疫物资不足", AppealCategory.LABOUR: "外地员工返岗困难，用工缺口",
             AppealCategory.TRANSPORT: "原材料运输车辆通行受阻", AppealCategory.FUNDS: "流动资金紧张，申请续贷"}
    appeals, closed = [], 0
    for i in range(_n(ctx, sizes["appeals"])):
        firm = firms[(i * 11) % len(firms)]
        done = ctx.reference or i % 2 == 1
        raised = ctx.moment(ctx.day(firm.created_at.date(), min(ctx.as_of, firm.created_at.date()
                                                                  + datetime.timedelta(days=30))), 9) if done \
            else ctx.moment(ctx.as_of - datetime.timedelta(days=1 + 3 * i), 9)
        deadline = raised.date() + datetime.timedelta(days=5)
        closed_at = min(raised + datetime.timedelta(hours=6 + 7 * (i % 10)), ctx.moment(ctx.as_of, 20)) if done else None
        closed += done
        category = categories[i % len(categories)]
        appeals.append(Appeal(enterprise=firm, category=category, description=texts[category], deadline=deadline,
                              status=AppealStatus.CLOSED if done else AppealStatus.OPEN,
                              answer="已协调解决" if done else "", closed_at=closed_at,
                              closed_by=ctx.actor if done else None, rating=5 if done else None,
                              overdue_on=deadline + datetime.timedelta(days=1),
                              hours_to_close=(Decimal((closed_at - raised).total_seconds()) / 3600).quantize(Decimal("0.1"))
                              if done else None, created_by=ctx.actor, created_at=raised))
    appeals = bulk_create(Appeal, appeals, batch_size=BATCH)
    touch_many(Appeal, {(a.enterprise.region_id, d) for a in appeals for d in (a.created_at, a.overdue_on, a.closed_at)
                        if d})
    synthetic = "synthetic" if ctx.reference else "demo"
    ctx.expect("enterprise.supply_requests_fulfilled", fulfilled, "企业防疫物资需求申报：已满足 (supply requests fulfilled)",
               source=synthetic)
    ctx.expect("enterprise.appeals_closed", closed, "协调解决物资、用工、运输、资金等困难 (appeals closed)",
               source=synthetic)
