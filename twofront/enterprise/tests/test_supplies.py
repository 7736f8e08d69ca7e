"""Epidemic-supplies demand declarations: who may do what, the workflow rules, and stock that never oversells."""

import json
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent
from twofront.core.testing import client_for
from twofront.enterprise.choices import SupplyKind, SupplyStatus
from twofront.enterprise.models import Allocation, Supplier, SupplierStock, SupplyRequest, SupplyRequestLine
from twofront.enterprise.services import supplies

API = "/api/v1/enterprise"
MASKS, GLOVES = SupplyKind.MASK, SupplyKind.GLOVES


def call(client, method: str, url: str, body=None):
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    return getattr(client, method)(url, **kwargs)


def client_of(personas, name):
    return client_for(personas[name] if name else None)


def state_of(*querysets) -> list:
    """Everything a refused call must leave untouched, as plain rows."""
    return [list(qs.order_by("pk").values()) for qs in querysets]


@pytest.fixture
def kit(enterprise_personas):
    return enterprise_personas


@pytest.fixture
def nanming_supplier(kit):
    supplier = Supplier.objects.create(name="南明医药物资公司", region=kit.region("520102"))
    SupplierStock.objects.create(supplier=supplier, kind=MASKS, quantity=1000)
    SupplierStock.objects.create(supplier=supplier, kind=GLOVES, quantity=50)
    return supplier


@pytest.fixture
def yunyan_supplier(kit):
    supplier = Supplier.objects.create(name="云岩防护用品公司", region=kit.region("520103"))
    SupplierStock.objects.create(supplier=supplier, kind=MASKS, quantity=1000)
    return supplier


@pytest.fixture
def request_in(kit, nanming_supplier):
    """request_in(status): enterprise A's request for 500 masks and 20 gloves, driven to `status`."""

    def make(status: str = SupplyStatus.SUBMITTED) -> SupplyRequest:
        req = supplies.submit_supply_request(actor=kit["hr_a"], enterprise=kit.a, note="复工首周",
                                             lines=[{"kind": MASKS, "quantity": 500, "stock_days": 2},
                                                    {"kind": GLOVES, "quantity": 20, "stock_days": 0}])
        steps = {
            SupplyStatus.REJECTED: [lambda r: supplies.reject_supply_request(r, actor=kit["nanming"], note="重复申报")],
            SupplyStatus.APPROVED: [lambda r: supplies.approve_supply_request(r, actor=kit["nanming"])],
        }
        steps[SupplyStatus.ALLOCATED] = steps[SupplyStatus.APPROVED] + [
            lambda r: supplies.allocate_supplies(r, actor=kit["nanming"], allocations=[
                {"kind": MASKS, "supplier": nanming_supplier, "quantity": 500}])]
        steps[SupplyStatus.DELIVERED] = steps[SupplyStatus.ALLOCATED] + [
            lambda r: supplies.deliver_supplies(r, actor=kit["nanming"])]
        steps[SupplyStatus.RECEIVED] = steps[SupplyStatus.DELIVERED] + [
            lambda r: supplies.receive_supplies(r, actor=kit["hr_a"])]
        for step in steps.get(status, []):
            req = step(req)
        assert req.status == status
        return req

    return make


# --- permission matrix: (name, method, url, body, request status needed, {persona: expected status}) ---------

ALLOCATE = {"allocations": [{"kind": MASKS, "supplier_id": "{supplier}", "quantity": 100}]}
LINES = {"lines": [{"kind": MASKS, "quantity": 100, "stock_days": 1}], "note": ""}

API_CASES = [
    ("list", "get", "/supply-requests", None, SupplyStatus.SUBMITTED,
     {None: 401, "norole": 403, "hr_a": 200, "hr_b": 200, "commissioner_a": 200, "nanming": 200, "yunyan": 200}),
    ("get", "get", "/supply-requests/{pk}", None, SupplyStatus.SUBMITTED,
     {None: 401, "norole": 404, "hr_a": 200, "hr_b": 404, "commissioner_a": 200, "nanming": 200, "yunyan": 404,
      "commander": 200}),
    ("create", "post", "/enterprises/{enterprise}/supply-requests", LINES, None,
     {None: 401, "norole": 404, "hr_a": 201, "hr_b": 404, "commissioner_a": 403, "nanming": 403, "yunyan": 404}),
    ("approve", "post", "/supply-requests/{pk}/approve", {"note": "同意"}, SupplyStatus.SUBMITTED,
     {None: 401, "norole": 404, "hr_a": 403, "hr_b": 404, "commissioner_a": 403, "nanming": 200,
      "street_nanming": 200, "commander": 200, "yunyan": 404}),
    ("reject", "post", "/supply-requests/{pk}/reject", {"note": "库存充足"}, SupplyStatus.SUBMITTED,
     {None: 401, "hr_a": 403, "commissioner_a": 403, "nanming": 200, "yunyan": 404}),
    ("allocate", "post", "/supply-requests/{pk}/allocate", ALLOCATE, SupplyStatus.APPROVED,
     {None: 401, "hr_a": 403, "hr_b": 404, "commissioner_a": 403, "nanming": 200, "yunyan": 404}),
    ("deliver", "post", "/supply-requests/{pk}/deliver", None, SupplyStatus.ALLOCATED,
     {None: 401, "hr_a": 403, "commissioner_a": 403, "nanming": 200, "yunyan": 404}),
    ("receive", "post", "/supply-requests/{pk}/receive", None, SupplyStatus.DELIVERED,
     {None: 401, "hr_a": 200, "hr_b": 404, "commissioner_a": 403, "nanming": 403, "yunyan": 404}),
    ("suppliers", "get", "/suppliers", None, None, {None: 401, "norole": 403, "nanming": 200, "hr_a": 200}),
    ("supplier", "get", "/suppliers/{supplier}", None, None,
     {None: 401, "nanming": 200, "commissioner_a": 200, "yunyan": 404, "hr_a": 404, "norole": 404}),
    ("supplier_create", "post", "/suppliers", {"name": "新华路药房", "region_code": "520102001"}, None,
     {None: 401, "norole": 403, "nanming": 201, "yunyan": 403, "hr_a": 403, "commissioner_a": 403}),
    ("supplier_update", "patch", "/suppliers/{supplier}", {"name": "南明医药物资有限公司"}, None,
     {None: 401, "nanming": 200, "yunyan": 404, "commissioner_a": 403}),
    ("stock", "post", "/suppliers/{supplier}/stock", {"kind": MASKS, "change": 200, "reason": "到货"}, None,
     {None: 401, "nanming": 200, "commander": 200, "yunyan": 404, "commissioner_a": 403, "hr_a": 404}),
]
WRITES = {"create": "enterprise.supply_request.submitted", "approve": "enterprise.supply_request.approved",
          "reject": "enterprise.supply_request.rejected", "allocate": "enterprise.supply_request.allocated",
          "deliver": "enterprise.supply_request.delivered", "receive": "enterprise.supply_request.received",
          "supplier_create": "enterprise.supplier.created", "supplier_update": "enterprise.supplier.updated",
          "stock": "enterprise.supplier.stock_adjusted"}


def _fill(value, ids: dict):
    text = json.dumps(value)
    for key, pk in ids.items():
        text = text.replace(f'"{{{key}}}"', str(pk)).replace(f"{{{key}}}", str(pk))
    return json.loads(text)


def _matrix(cases):
    for name, method, url, body, status, expected in cases:
        for persona, code in expected.items():
            yield pytest.param(name, method, url, body, status, persona, code, id=f"{name}-{persona or 'anonymous'}")


@pytest.mark.parametrize(("name", "method", "url", "body", "needs", "persona", "expected"), list(_matrix(API_CASES)))
def test_api_matrix(kit, request_in, nanming_supplier, name, method, url, body, needs, persona, expected):
    # given a request of enterprise A in the state the endpoint needs
    req = request_in(needs) if needs else None
    ids = {"pk": req.pk if req else 0, "enterprise": kit.a.pk, "supplier": nanming_supplier.pk}
    watched = (SupplyRequest.objects.all(), SupplyRequestLine.objects.all(), SupplierStock.objects.all(),
               Supplier.objects.all(), Allocation.objects.all())
    before, events = state_of(*watched), AuditEvent.objects.count()
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    # when the persona calls the endpoint
    response = call(client_of(kit, persona), method, _fill(API + url, ids), _fill(body, ids) if body else None)

    # then it answers as the matrix says; refused calls change nothing, allowed writes are audited once
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert state_of(*watched) == before
        assert AuditEvent.objects.count() == events
    elif name in WRITES:
        new = AuditEvent.objects.filter(pk__gt=last_event)
        assert list(new.values_list("action", "actor_username")) == [(WRITES[name], persona)]


def test_lists_hold_only_what_the_persona_may_see(kit, request_in, nanming_supplier, yunyan_supplier):
    # given a request of A (Nanming) and one of B (Yunyan)
    mine = request_in()
    theirs = supplies.submit_supply_request(actor=kit["hr_b"], enterprise=kit.b, lines=[{"kind": MASKS, "quantity": 5}])

    def ids(persona, url="/supply-requests"):
        return {item["id"] for item in call(client_of(kit, persona), "get", f"{API}{url}?limit=500").json()["items"]}

    # then each sees their own only
    assert ids("hr_a") == {mine.pk}
    assert ids("hr_b") == {theirs.pk}
    assert ids("commissioner_a") == {mine.pk}
    assert ids("nanming") == {mine.pk}
    assert ids("yunyan") == {theirs.pk}
    assert ids("commander") == {mine.pk, theirs.pk}
    assert ids("yunyan", "/suppliers") == {yunyan_supplier.pk}
    assert ids("nanming", "/suppliers") == {nanming_supplier.pk}
    assert call(client_of(kit, "nanming"), "get", f"{API}/supply-requests?enterprise_id={kit.b.pk}").json()["count"] == 0


def test_full_workflow_through_the_api(kit, nanming_supplier):
    hr, official = client_of(kit, "hr_a"), client_of(kit, "nanming")
    # given enterprise A declares its needs
    created = call(hr, "post", f"{API}/enterprises/{kit.a.pk}/supply-requests",
                   {"lines": [{"kind": MASKS, "quantity": 300, "stock_days": 3},
                              {"kind": GLOVES, "quantity": 40}], "note": "生产线复工"})
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["status"] == "submitted"
    assert [(line["kind"], line["quantity"], line["stock_days"]) for line in created.json()["lines"]] == [
        ("mask", 300, 3), ("gloves", 40, 0)]

    # when the district approves and allocates masks in two rounds and gloves from what is in stock
    assert call(official, "post", f"{API}/supply-requests/{pk}/approve", {"note": ""}).json()["status"] == "approved"
    first = call(official, "post", f"{API}/supply-requests/{pk}/allocate",
                 {"allocations": [{"kind": MASKS, "supplier_id": nanming_supplier.pk, "quantity": 200}]})
    assert first.status_code == 200 and first.json()["status"] == "allocated"
    second = call(official, "post", f"{API}/supply-requests/{pk}/allocate",
                  {"allocations": [{"kind": MASKS, "supplier_id": nanming_supplier.pk, "quantity": 100},
                                   {"kind": GLOVES, "supplier_id": nanming_supplier.pk, "quantity": 40}]})
    assert second.status_code == 200
    lines = {line["kind"]: line for line in second.json()["lines"]}
    assert lines["mask"]["allocated"] == 300 and len(lines["mask"]["allocations"]) == 2
    assert lines["gloves"]["allocations"][0]["supplier_name"] == nanming_supplier.name

    # then stock went down by exactly what was allocated
    stock = dict(SupplierStock.objects.filter(supplier=nanming_supplier).values_list("kind", "quantity"))
    assert stock == {"mask": 700, "gloves": 10}

    # and after delivery the enterprise confirms receipt: the request is fulfilled
    assert call(official, "post", f"{API}/supply-requests/{pk}/deliver").json()["status"] == "delivered"
    received = call(hr, "post", f"{API}/supply-requests/{pk}/receive")
    assert received.status_code == 200 and received.json()["received_at"]
    assert call(hr, "get", f"{API}/supply-requests?open=true").json()["count"] == 0
    assert call(hr, "get", f"{API}/supply-requests?status=received").json()["count"] == 1
    actions = list(AuditEvent.objects.filter(object_type="enterprise.supplyrequest", object_id=str(pk))
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["enterprise.supply_request.submitted", "enterprise.supply_request.approved",
                       "enterprise.supply_request.allocated", "enterprise.supply_request.allocated",
                       "enterprise.supply_request.delivered", "enterprise.supply_request.received"]


def test_the_same_submission_retried_with_its_key_creates_one_request(kit):
    client = client_of(kit, "hr_a")
    body = json.dumps(LINES)
    answers = [client.post(f"{API}/enterprises/{kit.a.pk}/supply-requests", body, content_type="application/json",
                           headers={"Idempotency-Key": "supplies-1"}) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert SupplyRequest.objects.count() == 1


# --- workflow rules: each refusal names its reason and changes nothing ---------------------------------------

REFUSALS = [
    # (state, step, expected error)
    (SupplyStatus.APPROVED, lambda kit, r, s: supplies.approve_supply_request(r, actor=kit["nanming"]), Conflict),
    (SupplyStatus.REJECTED, lambda kit, r, s: supplies.approve_supply_request(r, actor=kit["nanming"]), Conflict),
    (SupplyStatus.SUBMITTED, lambda kit, r, s: supplies.reject_supply_request(r, actor=kit["nanming"], note="  "),
     ValidationError),
    (SupplyStatus.SUBMITTED, lambda kit, r, s: supplies.allocate_supplies(
        r, actor=kit["nanming"], allocations=[{"kind": MASKS, "supplier": s, "quantity": 1}]), Conflict),
    (SupplyStatus.APPROVED, lambda kit, r, s: supplies.allocate_supplies(
        r, actor=kit["nanming"], allocations=[{"kind": MASKS, "supplier": s, "quantity": 501}]), ValidationError),
    (SupplyStatus.APPROVED, lambda kit, r, s: supplies.allocate_supplies(
        r, actor=kit["nanming"], allocations=[{"kind": GLOVES, "supplier": s, "quantity": 20},
                                              {"kind": MASKS, "supplier": s, "quantity": 500},
                                              {"kind": GLOVES, "supplier": s, "quantity": 1}]), ValidationError),
    (SupplyStatus.APPROVED, lambda kit, r, s: supplies.allocate_supplies(
        r, actor=kit["nanming"], allocations=[{"kind": SupplyKind.PROTECTIVE_SUIT, "supplier": s, "quantity": 1}]),
     ValidationError),
    (SupplyStatus.APPROVED, lambda kit, r, s: supplies.allocate_supplies(
        r, actor=kit["nanming"], allocations=[{"kind": MASKS, "supplier": s, "quantity": 0}]), ValidationError),
    (SupplyStatus.APPROVED, lambda kit, r, s: supplies.allocate_supplies(
        r, actor=kit["nanming"], allocations=[{"kind": MASKS, "supplier": Supplier.objects.get(name="云岩防护用品公司"),
                                               "quantity": 10}]), ValidationError),
    (SupplyStatus.SUBMITTED, lambda kit, r, s: supplies.deliver_supplies(r, actor=kit["nanming"]), Conflict),
    (SupplyStatus.ALLOCATED, lambda kit, r, s: supplies.receive_supplies(r, actor=kit["hr_a"]), Conflict),
    (SupplyStatus.RECEIVED, lambda kit, r, s: supplies.receive_supplies(r, actor=kit["hr_a"]), Conflict),
    (SupplyStatus.DELIVERED, lambda kit, r, s: supplies.receive_supplies(r, actor=kit["hr_b"]), PermissionDenied),
    (SupplyStatus.SUBMITTED, lambda kit, r, s: supplies.approve_supply_request(r, actor=kit["yunyan"]),
     PermissionDenied),
]


@pytest.mark.parametrize(("state", "step", "error"), REFUSALS, ids=[f"{i}-{r[0]}" for i, r in enumerate(REFUSALS)])
def test_refused_steps_change_nothing(kit, request_in, nanming_supplier, yunyan_supplier, state, step, error):
    req = request_in(state)
    watched = (SupplyRequest.objects.all(), SupplyRequestLine.objects.all(), SupplierStock.objects.all(),
               Allocation.objects.all())
    before, events = state_of(*watched), AuditEvent.objects.count()
    with pytest.raises(error):
        step(kit, req, nanming_supplier)
    assert state_of(*watched) == before
    assert AuditEvent.objects.count() == events


def test_allocating_more_than_in_stock_is_409_and_keeps_the_stock(kit, request_in, nanming_supplier):
    req = request_in(SupplyStatus.APPROVED)
    response = call(client_of(kit, "nanming"), "post", f"{API}/supply-requests/{req.pk}/allocate",
                    {"allocations": [{"kind": MASKS, "supplier_id": nanming_supplier.pk, "quantity": 400},
                                     {"kind": GLOVES, "supplier_id": nanming_supplier.pk, "quantity": 20}]})
    assert response.status_code == 200
    SupplierStock.objects.filter(supplier=nanming_supplier, kind=GLOVES).update(quantity=15)  # some written off
    again = request_in(SupplyStatus.APPROVED)
    response = call(client_of(kit, "nanming"), "post", f"{API}/supply-requests/{again.pk}/allocate",
                    {"allocations": [{"kind": MASKS, "supplier_id": nanming_supplier.pk, "quantity": 100},
                                     {"kind": GLOVES, "supplier_id": nanming_supplier.pk, "quantity": 20}]})
    # masks would fit (600 left) but gloves would not (15 left): all or nothing
    assert response.status_code == 409
    assert "15" in response.json()["detail"]
    stock = dict(SupplierStock.objects.filter(supplier=nanming_supplier).values_list("kind", "quantity"))
    assert stock == {"mask": 600, "gloves": 15}
    assert not Allocation.objects.filter(line__request=again).exists()


def test_stock_adjustment_never_goes_below_zero(kit, nanming_supplier):
    client = client_of(kit, "nanming")
    url = f"{API}/suppliers/{nanming_supplier.pk}/stock"
    assert call(client, "post", url, {"kind": GLOVES, "change": -51}).status_code == 409
    assert call(client, "post", url, {"kind": GLOVES, "change": 0}).status_code == 422
    out = call(client, "post", url, {"kind": GLOVES, "change": -50, "reason": "过期报废"})
    assert out.status_code == 200
    assert {s["kind"]: s["quantity"] for s in out.json()["stock"]}["gloves"] == 0
    assert call(client, "post", url, {"kind": SupplyKind.THERMOMETER, "change": 30}).status_code == 200
    assert SupplierStock.objects.get(supplier=nanming_supplier, kind=SupplyKind.THERMOMETER).quantity == 30
    assert AuditEvent.objects.get(action="enterprise.supplier.stock_adjusted", reason="过期报废").changes == {
        "gloves": [50, 0]}


def test_invalid_bodies_are_422_with_field_errors(kit, request_in):
    client = client_of(kit, "hr_a")
    url = f"{API}/enterprises/{kit.a.pk}/supply-requests"
    twice = call(client, "post", url, {"lines": [{"kind": MASKS, "quantity": 1}, {"kind": MASKS, "quantity": 2}]})
    assert twice.status_code == 422
    assert twice.json()["errors"][0]["loc"] == ["lines.1.kind"]
    assert call(client, "post", url, {"lines": []}).status_code == 422
    assert call(client, "post", url, {"lines": [{"kind": "vaccine", "quantity": 1}]}).status_code == 422
    assert call(client, "post", url, {"lines": [{"kind": MASKS, "quantity": 1}], "note": "a\x00b"}).status_code == 422
    req = request_in()
    rejected = call(client_of(kit, "nanming"), "post", f"{API}/supply-requests/{req.pk}/reject", {"note": ""})
    assert rejected.status_code == 422 and rejected.json()["errors"][0]["loc"] == ["note"]
    assert SupplyRequest.objects.count() == 1


# --- concurrency: many officials allocating from one stock at once never oversell --------------------------

@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_never_oversell(enterprise_personas_tx):
    kit = enterprise_personas_tx
    supplier = Supplier.objects.create(name="紧俏物资供应商", region=kit.region("520102"))
    SupplierStock.objects.create(supplier=supplier, kind=MASKS, quantity=1000)
    requests = []
    for _ in range(12):
        req = supplies.submit_supply_request(actor=kit["hr_a"], enterprise=kit.a,
                                             lines=[{"kind": MASKS, "quantity": 300}])
        requests.append(supplies.approve_supply_request(req, actor=kit["nanming"]))
    results, barrier = [], threading.Barrier(len(requests))

    def allocate(req):
        try:
            client = client_for(kit["nanming"])
            barrier.wait(timeout=30)
            response = call(client, "post", f"{API}/supply-requests/{req.pk}/allocate",
                            {"allocations": [{"kind": MASKS, "supplier_id": supplier.pk, "quantity": 300}]})
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate, args=(req,)) for req in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # then exactly three fit into 1000 masks; the others are refused and nothing is oversold
    assert sorted(results) == [200] * 3 + [409] * 9
    assert SupplierStock.objects.get(supplier=supplier, kind=MASKS).quantity == 100
    assert sum(Allocation.objects.values_list("quantity", flat=True)) == 900
    assert SupplyRequest.objects.filter(status=SupplyStatus.ALLOCATED).count() == 3
    assert AuditEvent.objects.filter(action="enterprise.supply_request.allocated").count() == 3


# --- pages -----------------------------------------------------------------------------------------------

PAGE_CASES = [
    ("list", "get", "/enterprise/supply-requests/", None,
     {None: 302, "norole": 403, "hr_a": 200, "nanming": 200, "commissioner_a": 200}),
    ("detail", "get", "/enterprise/supply-requests/{pk}/", None,
     {None: 302, "hr_a": 200, "hr_b": 404, "nanming": 200, "yunyan": 404, "commissioner_a": 200}),
    ("create", "get", "/enterprise/supply-requests/new/", None, {None: 302, "hr_a": 200, "nanming": 403}),
    ("approve", "post", "/enterprise/supply-requests/{pk}/approve/", {"note": "同意"},
     {None: 302, "hr_a": 403, "yunyan": 404, "nanming": 302}),
    ("suppliers", "get", "/enterprise/suppliers/", None, {None: 302, "nanming": 200, "norole": 403}),
    ("supplier", "get", "/enterprise/suppliers/{supplier}/", None, {None: 302, "nanming": 200, "yunyan": 404}),
    ("supplier_new", "get", "/enterprise/suppliers/new/", None, {None: 302, "nanming": 200, "hr_a": 403}),
    ("supplier_edit", "get", "/enterprise/suppliers/{supplier}/edit/", None,
     {None: 302, "nanming": 200, "yunyan": 404, "commissioner_a": 403}),
    ("stock", "post", "/enterprise/suppliers/{supplier}/stock/", {"kind": MASKS, "change": "5"},
     {None: 302, "nanming": 302, "yunyan": 404, "commissioner_a": 403}),
]


@pytest.mark.parametrize(("name", "method", "url", "data", "persona", "expected"),
                         [pytest.param(n, m, u, d, p, s, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, d, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(kit, request_in, nanming_supplier, name, method, url, data, persona, expected):
    req = request_in()
    url = url.format(pk=req.pk, supplier=nanming_supplier.pk)
    response = getattr(client_of(kit, persona), method)(url, data or {})
    assert response.status_code == expected
    if persona is None:
        assert response["Location"].startswith("/login/")


def test_pages_walk_the_workflow(kit, nanming_supplier):
    hr, official = client_of(kit, "hr_a"), client_of(kit, "nanming")
    # the enterprise fills in masks only
    response = hr.post("/enterprise/supply-requests/new/", {"enterprise": kit.a.pk, "quantity_mask": "200",
                                                            "stock_days_mask": "1", "note": ""})
    assert response.status_code == 302
    req = SupplyRequest.objects.get()
    assert response["Location"] == f"/enterprise/supply-requests/{req.pk}/"
    assert list(req.lines.values_list("kind", "quantity", "stock_days")) == [("mask", 200, 1)]
    # the official sees the review form, approves, then allocates (a refusal re-renders with 409)
    page = official.get(f"/enterprise/supply-requests/{req.pk}/").content.decode()
    assert 'id="review"' in page and 'id="receive"' not in page
    official.post(f"/enterprise/supply-requests/{req.pk}/approve/", {"note": ""})
    too_much = official.post(f"/enterprise/supply-requests/{req.pk}/allocate/",
                             {"supplier_mask": nanming_supplier.pk, "quantity_mask": "201"})
    assert too_much.status_code == 422
    SupplierStock.objects.filter(supplier=nanming_supplier, kind=MASKS).update(quantity=150)
    short = official.post(f"/enterprise/supply-requests/{req.pk}/allocate/",
                          {"supplier_mask": nanming_supplier.pk, "quantity_mask": "200"})
    assert short.status_code == 409 and "150" in short.content.decode()
    assert official.post(f"/enterprise/supply-requests/{req.pk}/allocate/",
                         {"supplier_mask": nanming_supplier.pk, "quantity_mask": "150"}).status_code == 302
    assert official.post(f"/enterprise/supply-requests/{req.pk}/deliver/").status_code == 302
    # the enterprise confirms; the list shows it fulfilled
    assert 'id="receive"' in hr.get(f"/enterprise/supply-requests/{req.pk}/").content.decode()
    assert hr.post(f"/enterprise/supply-requests/{req.pk}/receive/").status_code == 302
    req.refresh_from_db()
    assert req.status == SupplyStatus.RECEIVED
    listing = hr.get("/enterprise/supply-requests/")
    assert listing.context["figures"] == {"open": 0, "fulfilled": 1}
    assert len(hr.get("/enterprise/supply-requests/?status=open").context["rows"]) == 0
    assert len(hr.get("/enterprise/supply-requests/?status=received").context["rows"]) == 1


def test_empty_supply_form_is_refused(kit):
    response = client_of(kit, "hr_a").post("/enterprise/supply-requests/new/", {"enterprise": kit.a.pk})
    assert response.status_code == 422
    assert not SupplyRequest.objects.exists()


@pytest.mark.parametrize("url", [f"{API}/suppliers?name=a%00b", f"{API}/suppliers?region=5201%00",
                                 f"{API}/commissioner-assignments?commissioner=a%00b"])
def test_nul_characters_in_filters_are_422_not_a_database_error(kit, url):
    assert client_of(kit, "nanming").get(url).status_code == 422
