"""Every enterprise metric, after a refresh of the cells the services marked dirty, equals a raw count of the
records, for the city and for each district. Overdue stays right as time passes, without any nightly job."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q, Sum
from django.utils import timezone

from twofront.core.choices import OrganisationKind
from twofront.core.models import Organisation, Region, RoleAssignment, User
from twofront.enterprise.choices import (
    AppealCategory,
    AppealStatus,
    DeclarationStatus,
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
    SupplyRequest,
)
from twofront.enterprise.services import (
    checkins,
    commissioners,
    declarations,
    employees,
    enterprises,
    supplies,
)
from twofront.enterprise.testing import credit_code, employee_identity
from twofront.metrics import registry, selectors
from twofront.metrics.services import rebuild, refresh_dirty

TODAY = timezone.localdate


def read(user, key: str, region: str, date_to: datetime.date | None = None):
    result = selectors.values(user, key, region_code=region, date_to=date_to or TODAY())
    item = result.values[0]
    return selectors.number(item.metric, item.value)


def in_region(code: str, lookup: str = "enterprise__region") -> Q:
    path = Region.objects.get(code=code).path
    return Q(**{f"{lookup}__path__startswith": path})


def ratio(numerator, denominator, percent=True):
    return None if not denominator else round(numerator / denominator * (100 if percent else 1), 2)


def raw(key: str, code: str, day: datetime.date) -> float | int | None:
    """The figure straight from the records, by the rule each metric declares (a metric declared without a
    rule here fails with KeyError, so every new one gets checked)."""
    enterprises_in = Enterprise.objects.filter(in_region(code, "region"))
    declared = ResumptionDeclaration.objects.filter(in_region(code)).exclude(status=DeclarationStatus.DRAFT)
    roster = Employee.objects.filter(in_region(code), active=True)
    checks = HealthCheckin.objects.filter(in_region(code, "region"), day=day)
    requests = SupplyRequest.objects.filter(in_region(code))
    appeals = Appeal.objects.filter(in_region(code))
    closed = appeals.filter(status=AppealStatus.CLOSED)
    stationed = CommissionerAssignment.objects.filter(in_region(code))
    open_appeals = appeals.filter(status__in=[AppealStatus.OPEN, AppealStatus.ESCALATED])
    counts = {
        "enterprise.registered": enterprises_in.count(),
        "enterprise.above_designated": enterprises_in.filter(scale=Scale.ABOVE_DESIGNATED).count(),
        "enterprise.key_projects": enterprises_in.filter(key_project=True).count(),
        "enterprise.declared": declared.values("enterprise").distinct().count(),
        "enterprise.approved": declared.filter(status=DeclarationStatus.APPROVED).values("enterprise").distinct().count(),
        "enterprise.resumed": enterprises_in.filter(resumed_on__lte=day).count(),
        "enterprise.employees_expected": roster.count(),
        "enterprise.employees_back": roster.filter(actual_return_date__lte=day).count(),
        "enterprise.checkins": checks.count(),
        "enterprise.checkins_abnormal": checks.filter(abnormal=True).count(),
        "enterprise.supply_requests_open": requests.exclude(status__in=[SupplyStatus.RECEIVED,
                                                                        SupplyStatus.REJECTED]).count(),
        "enterprise.supply_requests_fulfilled": requests.filter(status=SupplyStatus.RECEIVED).count(),
        "enterprise.appeals_open": open_appeals.count(),
        "enterprise.appeals_closed": closed.count(),
        "enterprise.appeals_overdue": open_appeals.filter(deadline__lt=day).count(),
        "enterprise.appeal_hours_to_close": closed.aggregate(h=Sum("hours_to_close"))["h"] or 0,
        "enterprise.commissioners": stationed.values("commissioner").distinct().count(),
        "enterprise.covered": stationed.values("enterprise").distinct().count(),
    }
    counts["enterprise.resumption_rate"] = ratio(counts["enterprise.resumed"], counts["enterprise.registered"])
    counts["enterprise.employees_back_rate"] = ratio(counts["enterprise.employees_back"],
                                                     counts["enterprise.employees_expected"])
    counts["enterprise.checkin_coverage"] = ratio(counts["enterprise.checkins"], counts["enterprise.employees_expected"])
    counts["enterprise.appeal_average_hours"] = ratio(counts["enterprise.appeal_hours_to_close"],
                                                      counts["enterprise.appeals_closed"], percent=False)
    counts["enterprise.coverage_rate"] = ratio(counts["enterprise.covered"], counts["enterprise.registered"])
    value = counts[key]
    return float(value) if isinstance(value, Decimal) else value


def assert_all_metrics_equal_raw_counts(user, day=None, *, keys=None) -> None:
    day = day or TODAY()
    keys = keys or [m.key for m in registry.all_metrics() if m.key.startswith("enterprise.")]
    mismatches = [(key, code, read(user, key, code, day), raw(key, code, day))
                  for key in keys for code in ("520100", "520102", "520103")
                  if read(user, key, code, day) != raw(key, code, day)]
    assert not mismatches, "metric != raw count (key, region, metric, raw):\n" + "\n".join(map(str, mismatches))


@pytest.fixture
def kit(enterprise_personas):
    # The kit builds its enterprises and A's commissioner directly, not through services: mark them as
    # an import would, so the rollups start from the kit's records.
    from twofront.metrics.dirty import touch_many

    touch_many(Enterprise, [(e.region_id, e.created_at) for e in Enterprise.objects.all()])
    touch_many(CommissionerAssignment, [(a.enterprise.region_id, a.since)
                                        for a in CommissionerAssignment.objects.select_related("enterprise")])
    return enterprise_personas


@pytest.fixture
def department(kit):
    return Organisation.objects.create(name="市工信局", kind=OrganisationKind.DEPARTMENT, region=kit.region("520100"))


def test_supplies_appeals_and_commissioners_equal_raw_counts(kit, department):
    commander, nanming, yunyan = kit["commander"], kit["nanming"], kit["yunyan"]
    supplier = supplies.create_supplier(actor=nanming, name="南明物资", region=kit.region("520102"))
    supplies.adjust_stock(supplier, actor=nanming, kind=SupplyKind.MASK, change=1000)
    # supply requests: A has one received, one rejected, one open; B one open
    for _ in range(3):
        supplies.submit_supply_request(actor=kit["hr_a"], enterprise=kit.a, lines=[{"kind": "mask", "quantity": 10}])
    supplies.submit_supply_request(actor=kit["hr_b"], enterprise=kit.b, lines=[{"kind": "gloves", "quantity": 5}])
    received, rejected, _open = SupplyRequest.objects.filter(enterprise=kit.a).order_by("pk")
    received = supplies.approve_supply_request(received, actor=nanming)
    received = supplies.allocate_supplies(received, actor=nanming,
                                          allocations=[{"kind": "mask", "supplier": supplier, "quantity": 10}])
    supplies.receive_supplies(supplies.deliver_supplies(received, actor=nanming), actor=kit["hr_a"])
    supplies.reject_supply_request(rejected, actor=nanming, note="已有库存")
    # appeals: A raises three (one escalated, one closed), B one
    raised = [commissioners.raise_appeal(actor=kit["hr_a"], enterprise=kit.a, category=AppealCategory.FUNDS,
                                         description=f"问题{i}") for i in range(3)]
    commissioners.raise_appeal(actor=kit["hr_b"], enterprise=kit.b, category=AppealCategory.LEGAL, description="合同")
    commissioners.escalate_appeal(raised[0], actor=kit["commissioner_a"], department=department)
    Appeal.objects.filter(pk=raised[1].pk).update(created_at=timezone.now() - datetime.timedelta(hours=7))
    raised[1].refresh_from_db()
    commissioners.close_appeal(raised[1], actor=nanming, answer="已协调贷款")
    # commissioners: a second one serves A and C
    other = User.objects.create_user("commissioner_x")
    RoleAssignment.objects.create(user=other, role="commissioner", region=kit.region("520102"))
    commissioners.assign_commissioner(actor=nanming, enterprise=kit.c, commissioner=other)
    commissioners.assign_commissioner(actor=nanming, enterprise=kit.a, commissioner=other)

    refresh_dirty()

    assert_all_metrics_equal_raw_counts(commander)
    assert read(commander, "enterprise.supply_requests_open", "520100") == 2
    assert read(commander, "enterprise.supply_requests_fulfilled", "520102") == 1
    assert read(commander, "enterprise.appeals_open", "520102") == 2
    assert read(commander, "enterprise.appeal_average_hours", "520100") == 7.0
    assert read(commander, "enterprise.commissioners", "520100") == 2
    assert read(commander, "enterprise.covered", "520102") == 2
    # and the district sees only its own figures
    assert read(yunyan, "enterprise.appeals_open", "520103") == 1

    # when the first assignment of A ends, A stays covered (by the other) and the figures follow
    first = CommissionerAssignment.objects.get(enterprise=kit.a, commissioner=kit["commissioner_a"])
    commissioners.end_assignment(first, actor=nanming)
    refresh_dirty()
    assert_all_metrics_equal_raw_counts(commander)
    assert read(commander, "enterprise.commissioners", "520100") == 1


def test_overdue_follows_the_clock_without_touching_rollups(kit):
    # given appeals due in 1, 3 and 5 days, refreshed once
    for days in (1, 3, 5):
        commissioners.raise_appeal(actor=kit["hr_a"], enterprise=kit.a, category=AppealCategory.TRANSPORT,
                                   description=f"{days}天内答复", deadline=TODAY() + datetime.timedelta(days=days))
    refresh_dirty()
    commander = kit["commander"]

    # then reading later days (as the dashboard will on those days) counts those past their deadline,
    # with no refresh in between: the day dimension is the first overdue day
    for offset, overdue in ((0, 0), (1, 0), (2, 1), (4, 2), (6, 3)):
        day = TODAY() + datetime.timedelta(days=offset)
        assert read(commander, "enterprise.appeals_overdue", "520102", day) == overdue == raw(
            "enterprise.appeals_overdue", "520102", day)

    # when the oldest is closed, the next refresh takes it out
    commissioners.close_appeal(Appeal.objects.order_by("deadline").first(), actor=kit["nanming"], answer="已解决")
    refresh_dirty()
    assert read(commander, "enterprise.appeals_overdue", "520102", TODAY() + datetime.timedelta(days=6)) == 2


@pytest.fixture
def resumption(kit, django_capture_on_commit_callbacks):
    """A new Nanming enterprise; A declared, approved and resumed, B declared and returned; A's roster of
    three (two back: yesterday and today; one checked in with a fever), B's roster of one."""
    nanming = kit["nanming"]
    enterprises.create_enterprise(actor=nanming, credit_code=credit_code("520102", 9), name="南明新材料有限公司",
                                  industry="C", scale="small", region=kit.region("520102001"))
    decl_a = declarations.create_declaration(kit.a, actor=kit["hr_a"], planned_date=TODAY(), expected_headcount=3)
    declarations.approve_declaration(declarations.submit_declaration(decl_a, actor=kit["hr_a"]), actor=nanming)
    enterprises.mark_resumed(kit.a, actor=nanming, resumed_on=TODAY())
    decl_b = declarations.create_declaration(kit.b, actor=kit["hr_b"], planned_date=TODAY(), expected_headcount=2)
    declarations.return_declaration(declarations.submit_declaration(decl_b, actor=kit["hr_b"]), actor=kit["yunyan"],
                                    reason="缺少消毒方案")
    roster = []
    for i in range(3):
        ident = employee_identity(200 + i)
        roster.append(employees.add_employee(kit.a, actor=kit["hr_a"], id_number=ident["id_number"],
                                             name=ident["name"], phone=ident["phone"]))
    ident = employee_identity(210)
    employees.add_employee(kit.b, actor=kit["hr_b"], id_number=ident["id_number"], name=ident["name"],
                           phone=ident["phone"])
    employees.update_employee(roster[0], actor=kit["hr_a"], actual_return_date=TODAY() - datetime.timedelta(days=1))
    employees.update_employee(roster[1], actor=kit["hr_a"], actual_return_date=TODAY())
    with django_capture_on_commit_callbacks(execute=True):  # check-ins mark their cells after commit
        checkins.record_checkin(roster[0], actor=kit["hr_a"], source="hr", temperature=Decimal("36.5"))
        checkins.record_checkin(roster[1], actor=kit["hr_a"], source="hr", temperature=Decimal("38.2"))
    refresh_dirty()


def test_registration_resumption_roster_and_checkins_equal_raw_counts(kit, resumption):
    commander = kit["commander"]
    assert_all_metrics_equal_raw_counts(commander, keys=[
        "enterprise.registered", "enterprise.resumed", "enterprise.resumption_rate", "enterprise.employees_expected",
        "enterprise.checkins", "enterprise.checkins_abnormal", "enterprise.checkin_coverage"])
    assert read(commander, "enterprise.registered", "520102") == 3
    assert read(commander, "enterprise.resumed", "520102") == 1
    assert read(commander, "enterprise.checkins_abnormal", "520102") == 1
    assert read(commander, "enterprise.checkin_coverage", "520102") == round(2 / 3 * 100, 2)


@pytest.mark.xfail(strict=True, reason="services not in this module mark no dirty cell for these metrics yet: "
                   "declarations.submit/approve/return_declaration (ResumptionDeclaration at submitted_at and "
                   "reviewed_at) and employees.update_employee/add_employee (Employee at the old and new "
                   "actual_return_date)")
def test_declarations_and_employees_back_equal_raw_counts(kit, resumption):
    commander = kit["commander"]
    assert_all_metrics_equal_raw_counts(commander)
    assert read(commander, "enterprise.declared", "520100") == 2
    assert read(commander, "enterprise.approved", "520100") == 1
    assert read(commander, "enterprise.employees_back", "520102") == 2


def test_every_rule_holds_after_a_full_rebuild(kit, resumption):
    # the declarations themselves are right, whatever cells the services marked
    rebuild()
    assert_all_metrics_equal_raw_counts(kit["commander"])
    assert read(kit["commander"], "enterprise.declared", "520100") == 2
    assert read(kit["commander"], "enterprise.employees_back", "520102") == 2


def test_checkin_coverage_over_several_days_is_the_daily_average(personas):
    """Check-ins are a daily flow and the roster a stock: a week reads as the average day, not 7x."""

    from twofront.metrics import registry
    from twofront.metrics.selectors import _Reader

    reader = _Reader(personas.region("520102"), None, [])
    first, last = datetime.date(2020, 3, 1), datetime.date(2020, 3, 7)
    reader.stored[(first, last)] = {"enterprise.checkins": {None: Decimal(21)},
                                    "enterprise.employees_expected": {None: Decimal(4)}}
    frame = reader.frame(registry.get("enterprise.checkin_coverage"), (first, last))
    assert frame[None] == Decimal(21) / (4 * 7) * 100  # 75 %, where dividing by the roster alone gives 525 %
