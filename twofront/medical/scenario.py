"""The last line of defence in the reference scenarios (twofront.core.scenarios).

guiyang-2020: 18 city- and county-level medical institutions with fever clinics, channels and isolation
wards, 12 of them designated hospitals (the article's figures); cases for the confirmed and suspected key
people the prevention step left in `ctx.shared` (synthetic counts), fever-clinic visits of the fever
patients, a week of daily capacity reports. Hospital names are generic (a district's people's hospital),
beds and wards are synthetic. "demo": three hospitals, dated in the last 30 days.
"""

import datetime
from decimal import Decimal

from twofront.core.choices import RegionLevel
from twofront.core.models import Person, Region
from twofront.core.scenarios import bulk_create, step
from twofront.medical import services
from twofront.medical.choices import CaseState, VisitOutcome
from twofront.medical.models import CapacityReport, Case, CaseTransition, FeverClinicVisit
from twofront.metrics.dirty import touch_many

GY, DEMO = "guiyang-2020", "demo"

# (name, district code, designated): 18 institutions with fever clinics, 12 designated.
HOSPITALS = [
    ("贵阳市公共卫生救治中心", "520112", True),
    ("贵阳市第一人民医院", "520102", True),
    ("贵阳市第二人民医院", "520103", True),
    ("贵阳市第四人民医院", "520103", True),
    ("南明区人民医院", "520102", True),
    ("云岩区人民医院", "520103", False),
    ("花溪区人民医院", "520111", True),
    ("乌当区人民医院", "520112", False),
    ("白云区人民医院", "520113", True),
    ("观山湖区人民医院", "520115", True),
    ("开阳县人民医院", "520121", True),
    ("息烽县人民医院", "520122", True),
    ("修文县人民医院", "520123", True),
    ("清镇市第一人民医院", "520181", True),
    ("贵阳市中医医院", "520102", False),
    ("贵阳市妇幼保健院", "520102", False),
    ("花溪区中医医院", "520111", False),
    ("清镇市中医医院", "520181", False),
]


@step(GY, DEMO, order=30, name="medical.hospitals")
def hospitals(ctx) -> None:
    districts = {r.code: r for r in Region.objects.filter(level=RegionLevel.DISTRICT)}
    rows = HOSPITALS if ctx.reference else HOSPITALS[:3]
    opened = ctx.start + datetime.timedelta(days=4) if ctx.reference else ctx.start
    prefix = "" if ctx.reference else "（演示）"
    made = []
    for name, code, designated in rows:
        beds = ctx.rng.randint(6, 30) * 10
        made.append(services.create_hospital(actor=ctx.actor, region=districts[code], name=f"{prefix}{name}",
                                             designated=designated, fever_clinic=True,
                                             isolation_wards=ctx.rng.randint(1, 4), beds=beds, opened_on=opened))
    designated = [h for h in made if h.designated]

    # Cases: the confirmed key people recovered (as of the article's day), the suspected ones excluded.
    cases, transitions = [], []
    confirmed = ctx.shared.get("prevention.key_people.confirmed", [])
    suspected = ctx.shared.get("prevention.key_people.suspected", [])
    first = ctx.start + datetime.timedelta(days=3) if ctx.reference else ctx.start
    region_of = dict(Person.objects.filter(pk__in=confirmed + suspected).values_list("pk", "region_id"))
    for i, person_id in enumerate(confirmed + suspected):
        is_confirmed = i < len(confirmed)
        reported = ctx.moment(ctx.day(first, first + datetime.timedelta(days=30)), 11)
        if ctx.reference:
            final = CaseState.RECOVERED if is_confirmed else CaseState.EXCLUDED
            changed = reported + datetime.timedelta(days=21 if is_confirmed else 2)
        else:
            final = CaseState.CONFIRMED if is_confirmed else CaseState.SUSPECTED
            changed = reported + datetime.timedelta(days=1 if is_confirmed else 0)
        changed = min(changed, ctx.moment(ctx.as_of, 8))
        cases.append(Case(person_id=person_id, hospital=designated[i % len(designated)], state=final,
                          reported_at=reported, state_changed_at=max(changed, reported), region_id=region_of[person_id]))
    cases = Case.objects.bulk_create(cases, batch_size=1000)
    for case in cases:
        transitions.append(CaseTransition(case=case, from_state="", to_state=CaseState.SUSPECTED, at=case.reported_at,
                                          by=ctx.actor))
        path = {CaseState.RECOVERED: [CaseState.CONFIRMED, CaseState.RECOVERED], CaseState.EXCLUDED: [CaseState.EXCLUDED],
                CaseState.CONFIRMED: [CaseState.CONFIRMED]}.get(case.state, [])
        before = CaseState.SUSPECTED
        for k, state in enumerate(path):
            at = case.reported_at + (case.state_changed_at - case.reported_at) * (k + 1) / len(path)
            transitions.append(CaseTransition(case=case, from_state=before, to_state=state, at=at, by=ctx.actor))
            before = state
    CaseTransition.objects.bulk_create(transitions, batch_size=2000)
    touch_many(Case, {(c.region_id, c.reported_at) for c in cases})

    # Fever-clinic visits of the fever patients.
    fever = ctx.shared.get("prevention.key_people.fever", [])
    visits = []
    for i, person_id in enumerate(fever):
        at = ctx.moment(ctx.day(first, ctx.as_of), 8 + i % 12, i % 60)
        visits.append(FeverClinicVisit(hospital=made[i % len(made)], person_id=person_id, visited_at=at,
                                       temperature=Decimal("37.") + Decimal(3 + i % 7) / 10, symptoms=["fever"],
                                       outcome=VisitOutcome.OBSERVATION if i % 3 else VisitOutcome.SENT_HOME,
                                       recorded_by=ctx.actor))
    FeverClinicVisit.objects.bulk_create(visits, batch_size=2000)
    touch_many(FeverClinicVisit, {(v.hospital.region_id, v.visited_at) for v in visits})

    # A week of daily capacity reports up to the as-of day.
    reports = []
    for hospital in made:
        for back in range(7):
            day = ctx.as_of - datetime.timedelta(days=back)
            rooms = hospital.isolation_wards * 10
            reports.append(CapacityReport(hospital=hospital, day=day, beds_total=hospital.beds,
                                          beds_used=ctx.rng.randint(hospital.beds // 4, hospital.beds * 3 // 4),
                                          isolation_rooms_total=rooms, isolation_rooms_used=ctx.rng.randint(0, rooms // 3),
                                          submitted_by=ctx.actor, submitted_at=ctx.moment(day, 17)))
    reports = bulk_create(CapacityReport, reports)
    touch_many(CapacityReport, {(r.hospital.region_id, r.day) for r in reports})

    article = "article" if ctx.reference else "demo"
    synthetic = "synthetic" if ctx.reference else "demo"
    ctx.expect("medical.fever_clinics", len(made), "18家市、县两级定点医疗机构设置发热门诊、通道及隔离病房", source=article)
    ctx.expect("medical.hospitals_designated", len(designated), "明确12家定点医院开展救治工作", source=article)
    if ctx.reference:
        ctx.expect("medical.cases_recovered", len(confirmed), "确诊病例治愈出院 (confirmed cases, recovered)",
                   source=synthetic)
        ctx.expect("medical.cases_excluded", len(suspected), "疑似病例排除 (suspected cases excluded)", source=synthetic)
    ctx.expect("medical.cases_reported", len(cases), "病例报告 (cases reported)", source=synthetic,
               period=(ctx.start, ctx.as_of))
    ctx.expect("medical.fever_clinic_visits", len(visits), "发热门诊就诊 (fever-clinic visits)", source=synthetic,
               period=(ctx.start, ctx.as_of))
    ctx.expect("medical.beds_total", sum(h.beds for h in made), "定点医疗机构床位 (beds reported on the as-of day)",
               source=synthetic, period=(ctx.as_of, ctx.as_of))
