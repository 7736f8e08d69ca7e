"""Grid screening: households, leads, visits (and the key people they find), lead-list imports, completion
rates; a grid worker sees only their grid's households, a district officer their district."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from twofront.core import pii
from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent, Person, Region
from twofront.core.services.people import id_number_index
from twofront.core.testing import sample_identity
from twofront.metrics.services import refresh_dirty
from twofront.prevention.choices import LeadStatus
from twofront.prevention.models import Household, KeyCategory, KeyPersonEntry, Lead, ScreeningVisit
from twofront.prevention.selectors_screening import completion_rates, rate_table
from twofront.prevention.services import screening as services
from twofront.prevention.tests.test_screening_kit import (
    GRID_1,
    GRID_2,
    YUNYAN_GRID,
    call,
    check_answer,
    community_fixture,  # noqa: F401  (the fixture)
    matrix,
    state,
)
from twofront.transfer.models import ImportJob

API = "/api/v1/prevention"
TODAY = timezone.localdate


def close_contact() -> KeyCategory:
    return KeyCategory.objects.get_or_create(code="close_contact", defaults={"name": "密切接触者"})[0]


# -- visits ----------------------------------------------------------------------------------------

def test_a_visit_settles_the_households_pending_leads_of_its_campaign(community, personas):
    worker = personas["grid_nanming"]
    visit = services.record_visit(community.household, actor=worker, members_present=[community.person.pk],
                                  travel_history=["武汉"], symptoms=["fever"], follow_up=True)
    community.lead.refresh_from_db()
    assert visit.campaign == community.campaign  # the first-due lead's campaign
    assert (community.lead.status, community.lead.visit) == (LeadStatus.VISITED, visit)
    assert Lead.objects.get(pk=community.lead_2.pk).status == LeadStatus.PENDING  # another household's
    event = AuditEvent.objects.get(action="prevention.visit.recorded", actor=worker)
    assert event.changes["leads_settled"] == [community.lead.pk] and event.region.code == GRID_1


def test_a_key_category_places_the_lead_person_once(community, personas):
    worker, category = personas["grid_nanming"], close_contact()
    services.record_visit(community.household, actor=worker, key_category=category,
                          members_present=[community.person.pk, community.relative.pk])
    entry = KeyPersonEntry.objects.get()
    assert (entry.person, entry.category, entry.since, entry.region.code) == (community.person, category, TODAY(),
                                                                              GRID_1)
    assert AuditEvent.objects.filter(action="prevention.key_person.added", actor=worker).count() == 1
    # a whole-household lead: the members present are placed; already placed people stay as they are
    services.add_household_member(community.household_2, actor=worker, person=community.relative)
    services.record_visit(community.household_2, actor=worker, key_category=category,
                          members_present=[community.relative.pk])
    assert set(KeyPersonEntry.objects.values_list("person_id", flat=True)) == {community.person.pk,
                                                                               community.relative.pk}


@pytest.mark.parametrize("change", [
    {"members_present": "stranger"},  # not a member
    {"symptoms": ["sneezing"]},
    {"key_category": "nobody_present"},  # a whole-household lead and nobody marked present
    {"travel_history": ["x" * 65]},
])
def test_a_bad_visit_is_refused_and_changes_nothing(community, personas, change):
    kwargs = {"members_present": [], "symptoms": [], "travel_history": []}
    if change.get("members_present") == "stranger":
        kwargs["members_present"] = [community.stranger.pk]
    elif "key_category" in change:
        kwargs["key_category"] = close_contact()
    else:
        kwargs.update(change)
    before = state()
    with pytest.raises(ValidationError):
        services.record_visit(community.household_2, actor=personas["grid_nanming"], **kwargs)
    assert state() == before


def test_a_grid_worker_works_only_their_grid(community, personas):
    worker = personas["grid_nanming"]
    before = state()
    for call_ in (lambda: services.record_visit(community.household_grid_2, actor=worker),
                  lambda: services.move_household(community.household, actor=worker, region=community.household_grid_2.region),
                  lambda: services.create_household(actor=worker, region=Region.objects.get(code=GRID_2), address="x"),
                  lambda: services.assign_lead(community.lead, actor=worker, assignee=worker)):
        with pytest.raises(PermissionDenied):
            call_()
    assert state() == before


def test_moving_a_household_takes_its_pending_leads(community, personas):
    officer = personas["nanming"]
    services.move_household(community.household, actor=officer, region=Region.objects.get(code=GRID_2))
    community.lead.refresh_from_db()
    assert (community.lead.region.code, community.lead.assigned_to) == (GRID_2, None)
    with pytest.raises(ValidationError):  # a household lives in a grid
        services.move_household(community.household, actor=officer, region=Region.objects.get(code="520102001"))


def test_leads_are_unique_per_campaign_and_inside_its_region(community, personas):
    officer = personas["commander"]
    with pytest.raises(Conflict):
        services.create_lead(community.campaign, actor=officer, household=community.household, person=community.person)
    with pytest.raises(ValidationError):
        services.create_lead(community.campaign, actor=officer, household=community.household_yunyan)
    with pytest.raises(ValidationError):  # a person must be a member of the household
        services.create_lead(community.campaign, actor=officer, household=community.household_2,
                             person=community.person)


def test_assign_and_not_found(community, personas):
    officer = personas["nanming"]
    lead = services.assign_lead(community.lead_2, actor=officer, assignee=personas["grid_nanming"])
    assert lead.assigned_to == personas["grid_nanming"]
    with pytest.raises(ValidationError):  # Yunyan's officer works no grid in Nanming
        services.assign_lead(community.lead_2, actor=officer, assignee=personas["yunyan"])
    lead = services.mark_lead_not_found(community.lead_2, actor=personas["grid_nanming"], note="查无此人")
    assert lead.status == LeadStatus.NOT_FOUND
    with pytest.raises(Conflict):
        services.mark_lead_not_found(lead, actor=officer, note="again")


# -- lead lists through the import engine ----------------------------------------------------------

HEADER = "摸排任务编号,姓名,身份证号,住址,网格代码,走访期限\n"


def _upload(client, rows: list[str], policy: str = "valid"):
    content = (HEADER + "\n".join(rows) + "\n").encode("utf-8")
    response = client.post("/api/v1/transfer/imports/screening_leads",
                           {"file": SimpleUploadedFile("leads.csv", content, content_type="text/csv"), "policy": policy})
    assert response.status_code == 202, response.content
    return ImportJob.objects.get(pk=response.json()["id"])


def test_lead_list_import_with_a_bad_row(community, personas, client_as):
    campaign, known = community.campaign.pk, community.neighbour
    new = [sample_identity(i, seed=31) for i in range(2)]
    bad_id = new[1]["id_number"][:-1] + ("0" if new[1]["id_number"][-1] != "0" else "1")
    due = (TODAY() + datetime.timedelta(days=2)).isoformat()
    rows = [f"{campaign},{new[0]['name']},{new[0]['id_number']},新华路9号,{GRID_1},{due}",
            f"{campaign},{known.name},{pii.decrypt(known.id_number_ct)},新华路2号,{GRID_2},",
            f"{campaign},{new[1]['name']},{bad_id},新华路9号,{GRID_1},{due}"]
    client = client_as(personas["nanming"])
    before = state()
    rejected = _upload(client, rows, policy="reject")
    assert (rejected.status, rejected.error_count, rejected.rows_written) == ("rejected", 1, 0)
    assert state()["prevention.Lead"] == before["prevention.Lead"]

    job = _upload(client, rows)
    assert (job.status, job.rows_written, job.error_count) == ("succeeded", 2, 1)
    created = Person.objects.get(id_number_index=id_number_index(new[0]["id_number"]))
    lead = Lead.objects.get(person=created)
    assert (lead.region.code, lead.household.address, lead.assigned_to, str(lead.due_on)) == (
        GRID_1, "新华路9号", personas["grid_nanming"], due)
    assert lead.household.memberships.filter(person=created).exists()
    # the known person is linked, not registered again, and joins the existing household at that address
    assert Person.objects.filter(id_number_index=known.id_number_index).count() == 1
    assert Lead.objects.get(person=known).household == community.household_grid_2
    assert AuditEvent.objects.filter(action="prevention.lead.imported", actor=personas["nanming"]).count() == 1

    # re-importing never duplicates and never reopens a visited lead
    services.record_visit(lead.household, actor=personas["grid_nanming"], members_present=[created.pk])
    _upload(client, rows[:2])
    assert Lead.objects.filter(campaign=campaign).count() == 5
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.VISITED


def test_lead_import_refuses_rows_outside_the_importers_or_campaigns_region(community, personas, client_as):
    ident = sample_identity(3, seed=31)
    yunyan_row = f"{community.campaign.pk},{ident['name']},{ident['id_number']},黔东路1号,{YUNYAN_GRID},"
    job = _upload(client_as(personas["nanming"]), [yunyan_row])  # not my grid: a row error
    assert (job.status, job.rows_written) == ("rejected", 0)
    job = _upload(client_as(personas["commander"]), [yunyan_row])  # my grid, but not the campaign's region
    assert (job.status, job.rows_written) == ("failed", 0)
    assert not Person.objects.filter(name=ident["name"]).exists()
    grid_worker = client_as(personas["grid_nanming"]).post("/api/v1/transfer/imports/screening_leads", {
        "file": SimpleUploadedFile("leads.csv", HEADER.encode()), "policy": "valid"})
    assert grid_worker.status_code == 403


# -- completion rates ------------------------------------------------------------------------------

def _raw(region: Region) -> dict:
    households = Household.objects.filter(region__path__startswith=region.path)
    leads = Lead.objects.filter(region__path__startswith=region.path)
    screened = households.filter(visits__campaign__isnull=False).distinct().count()
    visited = leads.filter(status=LeadStatus.VISITED).count()

    def rate(part, whole):
        return round(part / whole * 100, 2) if whole else None

    return {"households": households.count(), "households_screened": screened,
            "screening_rate": rate(screened, households.count()), "leads": leads.count(), "leads_visited": visited,
            "lead_completion": rate(visited, leads.count())}


def test_completion_rates_equal_the_raw_counts_at_every_level(community, personas):
    worker, officer = personas["grid_nanming"], personas["commander"]
    services.record_visit(community.household, actor=worker)
    services.record_visit(community.household, actor=worker)  # a second visit screens nobody twice
    services.record_visit(community.household_yunyan, actor=officer)
    services.record_visit(community.household_2, actor=worker, campaign=None)  # settles lead_2's campaign
    refresh_dirty()
    for code in ("520100", "520102", "520102001", "520102001001", GRID_1):
        table = rate_table(completion_rates(officer, region=code))
        for row in [table["total"], *table["children"]]:
            expected = _raw(Region.objects.get(code=row["region_code"]))
            assert {k: row[k] for k in expected} == expected, row["region_code"]
    assert _raw(Region.objects.get(code="520102001001"))["screening_rate"] == 66.67  # 2 of 3 households


def test_district_officers_read_rates_of_their_district_only(community, personas, client_as):
    refresh_dirty()
    client = client_as(personas["nanming"])
    assert client.get(f"{API}/screening/rates").json()["total"]["region_code"] == "520102"
    assert client.get(f"{API}/screening/rates?region=520103").status_code == 404
    assert client_as(personas["grid_nanming"]).get(f"{API}/screening/rates").status_code == 403


# -- API: persona x endpoint x status --------------------------------------------------------------

HOUSEHOLD = f"{API}/households/{{household}}"
LEAD = f"{API}/leads/{{lead}}"
CASES = [
    ("households", "get", f"{API}/households", None,
     {None: 401, "nanming": 200, "grid_nanming": 200, "yunyan": 200, "auditor": 403, "norole": 403}),
    ("household", "get", HOUSEHOLD, None,
     {None: 401, "commander": 200, "nanming": 200, "grid_nanming": 200, "yunyan": 404, "auditor": 404,
      "norole": 404}),
    ("household_other_grid", "get", f"{API}/households/{{household_grid_2}}", None,
     {"grid_nanming": 404, "nanming": 200}),
    ("household_create", "post", f"{API}/households", {"address": "新华路5号", "region_code": GRID_1},
     {None: 401, "nanming": 201, "grid_nanming": 201, "yunyan": 403, "norole": 403}),
    ("household_create_not_grid", "post", f"{API}/households", {"address": "x", "region_code": "520102001"},
     {"nanming": 422}),
    ("member_add", "post", f"{HOUSEHOLD}/members", {"person_id": "{stranger}", "relation": "子女"},
     {None: 401, "nanming": 201, "grid_nanming": 201, "yunyan": 404}),
    ("member_again", "post", f"{HOUSEHOLD}/members", {"person_id": "{person}"}, {"grid_nanming": 409}),
    ("move", "post", f"{HOUSEHOLD}/grid", {"region_code": GRID_2},
     {None: 401, "nanming": 200, "grid_nanming": 403, "yunyan": 404}),
    ("visit", "post", f"{HOUSEHOLD}/visits", {"members_present": ["{person}"], "symptoms": ["cough"]},
     {None: 401, "commander": 201, "nanming": 201, "grid_nanming": 201, "yunyan": 404, "auditor": 404,
      "norole": 404}),
    ("visit_other_grid", "post", f"{API}/households/{{household_grid_2}}/visits", {}, {"grid_nanming": 404}),
    ("visit_bad_campaign", "post", f"{HOUSEHOLD}/visits", {"campaign_id": "{campaign_yunyan}"},
     {"grid_nanming": 422}),
    ("visit_bad_symptom", "post", f"{HOUSEHOLD}/visits", {"symptoms": ["sneezing"]}, {"grid_nanming": 422}),
    ("visits", "get", f"{HOUSEHOLD}/visits", None, {None: 401, "grid_nanming": 200, "yunyan": 404}),
    ("campaigns", "get", f"{API}/campaigns", None,
     {None: 401, "nanming": 200, "yunyan": 200, "grid_nanming": 403, "norole": 403}),
    ("campaign", "get", f"{API}/campaigns/{{campaign}}", None, {None: 401, "nanming": 200, "yunyan": 404}),
    ("campaign_create", "post", f"{API}/campaigns", {"name": "返筑人员摸排", "region_code": "520102001"},
     {None: 401, "nanming": 201, "yunyan": 403, "grid_nanming": 403}),
    ("lead_create", "post", f"{API}/campaigns/{{campaign}}/leads", {"household_id": "{household}",
                                                                    "person_id": "{relative}"},
     {None: 401, "nanming": 201, "yunyan": 404, "grid_nanming": 404}),
    ("lead_create_duplicate", "post", f"{API}/campaigns/{{campaign}}/leads",
     {"household_id": "{household}", "person_id": "{person}"}, {"nanming": 409}),
    ("leads", "get", f"{API}/leads", None, {None: 401, "nanming": 200, "grid_nanming": 200, "norole": 403}),
    ("lead", "get", LEAD, None, {None: 401, "nanming": 200, "grid_nanming": 200, "yunyan": 404, "norole": 404}),
    ("lead_assign", "post", f"{LEAD}/assign", {"username": "grid_nanming"},
     {None: 401, "nanming": 200, "grid_nanming": 403, "yunyan": 404}),
    ("lead_assign_not_a_worker", "post", f"{LEAD}/assign", {"username": "yunyan"}, {"nanming": 422}),
    ("lead_not_found", "post", f"{LEAD}/not-found", {"note": "已搬离"},
     {None: 401, "nanming": 200, "grid_nanming": 200, "yunyan": 404}),
    ("rates", "get", f"{API}/screening/rates", None,
     {None: 401, "commander": 200, "nanming": 200, "grid_nanming": 403, "norole": 403}),
]
WRITES = {"household_create": "prevention.household.created", "member_add": "prevention.household.member_added",
          "move": "prevention.household.moved", "visit": "prevention.visit.recorded",
          "campaign_create": "prevention.campaign.created", "lead_create": "prevention.lead.created",
          "lead_assign": "prevention.lead.assigned", "lead_not_found": "prevention.lead.not_found"}


def _fill(value, names: dict):
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in names:
        return names[value[1:-1]]  # a bare "{person}" in a body is the integer id
    return value.format(**names) if isinstance(value, str) else value


@pytest.mark.parametrize(("name", "method", "url", "body", "persona", "status"), list(matrix(CASES)))
def test_api_matrix(community, personas, client_as, name, method, url, body, persona, status):
    c = community
    names = {"household": c.household.pk, "household_grid_2": c.household_grid_2.pk, "lead": c.lead.pk,
             "person": c.person.pk, "relative": c.relative.pk, "campaign": c.campaign.pk,
             "campaign_yunyan": c.campaign_yunyan.pk, "stranger": c.stranger.pk}
    user = personas[persona] if persona else None
    before = state()
    response = call(client_as(user), method, _fill(url, names), _fill(body, names))
    check_answer(response, status, before, action=WRITES.get(name), actor=user)


def test_a_grid_worker_sees_only_their_grids_households_and_a_district_officer_their_district(community, personas,
                                                                                                  client_as):
    def addresses(persona, path="households"):
        rows = client_as(personas[persona]).get(f"{API}/{path}?limit=100").json()["items"]
        return {row.get("address") for row in rows}

    c = community
    assert addresses("grid_nanming") == {c.household.address, c.household_2.address}
    assert addresses("nanming") == {c.household.address, c.household_2.address, c.household_grid_2.address}
    assert addresses("yunyan") == {c.household_yunyan.address}
    detail = client_as(personas["grid_nanming"]).get(f"{API}/households/{c.household.pk}").json()
    assert (detail["member_count"], detail["pending_leads"], len(detail["members"])) == (2, 1, 2)
    assert addresses("grid_nanming", "leads") == {c.household.address, c.household_2.address}
    leads = client_as(personas["grid_nanming"]).get(f"{API}/leads?mine=true").json()["items"]
    assert [row["id"] for row in leads] == [c.lead.pk, c.lead_2.pk]  # due first


def test_a_visit_retried_with_the_same_key_is_recorded_once(community, personas, client_as):
    client = client_as(personas["grid_nanming"])
    url = f"{API}/households/{community.household.pk}/visits"
    body = {"members_present": [community.person.pk], "travel_history": ["武汉"]}
    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="visit-1")
    again = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="visit-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert ScreeningVisit.objects.count() == 1 and first.json()["leads_settled"] == [community.lead.pk]


# -- pages -----------------------------------------------------------------------------------------

PAGES = [
    ("today", "/prevention/grid/today/", {None: 302, "grid_nanming": 200, "nanming": 200, "auditor": 403,
                                          "norole": 403}),
    ("households", "/prevention/households/", {None: 302, "grid_nanming": 200, "auditor": 403}),
    ("household", "/prevention/households/{household}/", {None: 302, "grid_nanming": 200, "yunyan": 404}),
    ("household_other_grid", "/prevention/households/{household_grid_2}/", {"grid_nanming": 404, "nanming": 200}),
    ("visit", "/prevention/households/{household}/visit/", {None: 302, "grid_nanming": 200, "yunyan": 404}),
    ("campaigns", "/prevention/campaigns/", {None: 302, "nanming": 200, "grid_nanming": 403}),
    ("campaign", "/prevention/campaigns/{campaign}/", {None: 302, "nanming": 200, "yunyan": 404}),
    ("campaign_create", "/prevention/campaigns/new/", {None: 302, "nanming": 200, "grid_nanming": 403}),
    ("rates", "/prevention/grid/rates/", {None: 302, "nanming": 200, "grid_nanming": 403}),
    ("rates_other_district", "/prevention/grid/rates/?region=520103", {"nanming": 404, "commander": 200}),
]


@pytest.mark.parametrize(("name", "url", "persona", "status"),
                         [pytest.param(n, u, p, s, id=f"{n}-{p or 'anonymous'}") for n, u, e in PAGES
                          for p, s in e.items()])
def test_page_matrix(community, personas, client_as, name, url, persona, status):
    c = community
    url = url.format(household=c.household.pk, household_grid_2=c.household_grid_2.pk, campaign=c.campaign.pk)
    response = client_as(personas[persona] if persona else None).get(url)
    assert response.status_code == status


def test_the_grid_workers_day_on_pages(community, personas, client_as):
    client = client_as(personas["grid_nanming"])
    today = client.get("/prevention/grid/today/").content.decode()
    assert today.index(community.household.address) < today.index(community.household_2.address)  # overdue first
    assert community.household_grid_2.address not in today and community.person.id_number_masked in today
    url = f"/prevention/households/{community.household.pk}/visit/"
    response = client.post(url, {"members_present": [community.person.pk], "travel_history": "武汉，孝感",
                                 "symptoms": ["fever"], "key_category": close_contact().code, "follow_up": "on"})
    assert response.status_code == 302 and response["Location"] == "/prevention/grid/today/"
    visit = ScreeningVisit.objects.get()
    assert (visit.travel_history, visit.symptoms, visit.follow_up) == (["武汉", "孝感"], ["fever"], True)
    worklist = client.get("/prevention/grid/today/").content.decode().split('id="households"')[1]
    assert community.household.address not in worklist and community.household_2.address in worklist
    before = state()
    assert client.post(url, {"members_present": [999999]}).status_code == 422 and state() == before


def test_rates_page_drills_down(community, personas, client_as):
    services.record_visit(community.household, actor=personas["grid_nanming"])
    refresh_dirty()
    client = client_as(personas["nanming"])
    page = client.get("/prevention/grid/rates/").content.decode()
    assert "?region=520102001&amp;" in page  # a street row links one level down
    page = client.get("/prevention/grid/rates/?region=520102001001").content.decode()
    assert 'data-region="520102001001001"' in page and "50.0%" in page  # grid 1: 1 of 2 households screened


def test_the_lead_list_import_page_and_template(community, personas, client_as):
    officer = client_as(personas["nanming"])
    assert officer.get("/transfer/import/screening_leads/").status_code == 200
    assert officer.get("/transfer/templates/screening_leads/").status_code == 200
    assert client_as(personas["grid_nanming"]).get("/transfer/import/screening_leads/").status_code == 403
    assert "/transfer/import/screening_leads/" in officer.get(f"/prevention/campaigns/{community.campaign.pk}/").content.decode()
