"""Work groups (专项工作组): a command post's leading group and special work groups with remits and members
seconded from departments; one leader a group; each command post sees and runs its own."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from twofront.command.choices import MemberRole
from twofront.command.models import WorkGroup, WorkGroupMember
from twofront.command.services import groups as services
from twofront.command.tests.test_supervision_kit import (
    NANMING,
    YUNYAN,
    assert_refused,
    call,
    check_api_case,
    check_page_case,
    kit_fixture,  # noqa: F401  (the `kit` fixture)
    state_of,
)
from twofront.core.errors import Conflict
from twofront.core.models import AuditEvent

API = "/api/v1/command"
# The 8 special work groups of the article's leading group (贵阳市新冠肺炎疫情防控领导小组).
EIGHT = ["综合协调组", "疫情防控组", "医疗救治组", "物资保障组", "宣传报道组", "社会稳定组", "督导检查组", "复工复产组"]


def everything() -> list:
    return state_of(WorkGroup.objects.all(), WorkGroupMember.objects.all(), AuditEvent.objects.all())


def refused(call_, error=Exception):
    assert_refused(call_, error, everything)


@pytest.fixture
def nanming_group(kit):
    group = services.create_work_group(actor=kit["nanming"], region=kit.region(NANMING), name="疫情防控组",
                                       remit="社区封闭管理、重点人员排查")
    services.add_member(group, actor=kit["nanming"], user=kit["nanming"], position="副区长", role=MemberRole.LEADER,
                        department="区政府")
    return group


def test_the_city_sets_up_its_leading_group_and_eight_work_groups(kit):
    city = kit.region("520100")
    leading = services.create_work_group(actor=kit["commander"], region=city, name="疫情防控领导小组", leading=True,
                                         remit="统筹全市疫情防控和复工复产")
    for name in EIGHT:
        services.create_work_group(actor=kit["commander"], region=city, name=name)
    assert list(WorkGroup.objects.filter(region=city).values_list("name", flat=True))[0] == leading.name
    assert WorkGroup.objects.filter(region=city).count() == 9
    refused(lambda: services.create_work_group(actor=kit["commander"], region=city, name="第二领导小组", leading=True),
            Conflict)
    refused(lambda: services.create_work_group(actor=kit["commander"], region=city, name="综合协调组"), Conflict)
    assert AuditEvent.objects.filter(action="command.workgroup.created").count() == 9


def test_members_one_leader_and_an_account_at_most_once(kit, nanming_group):
    services.add_member(nanming_group, actor=kit["nanming"], name="王某", department="区卫健局", position="局长",
                        role=MemberRole.DEPUTY)
    refused(lambda: services.add_member(nanming_group, actor=kit["nanming"], name="李某", role=MemberRole.LEADER),
            Conflict)
    refused(lambda: services.add_member(nanming_group, actor=kit["nanming"], user=kit["nanming"]), Conflict)
    refused(lambda: services.add_member(nanming_group, actor=kit["nanming"], user=kit["yunyan"]), ValidationError)
    refused(lambda: services.add_member(nanming_group, actor=kit["nanming"], name="", role=MemberRole.MEMBER),
            ValidationError)
    member = services.add_member(nanming_group, actor=kit["nanming"], user=kit["street_nanming"])
    assert member.name == "street_nanming"  # the account's name when none is given
    leader = nanming_group.members.get(role=MemberRole.LEADER)
    services.update_member(leader, actor=kit["nanming"], name=leader.name, user=leader.user, role=MemberRole.DEPUTY)
    services.update_member(member, actor=kit["nanming"], name="张某", user=member.user, role=MemberRole.LEADER)
    services.remove_member(member, actor=kit["nanming"])
    assert list(AuditEvent.objects.filter(object_id=str(nanming_group.pk)).order_by("pk")
                .values_list("action", flat=True))[-3:] == ["command.workgroup.member_updated",
                                                           "command.workgroup.member_updated",
                                                           "command.workgroup.member_removed"]


def test_other_districts_cannot_touch_a_group(kit, nanming_group):
    member = nanming_group.members.get()
    refused(lambda: services.update_work_group(nanming_group, actor=kit["yunyan"], name="x"), PermissionDenied)
    refused(lambda: services.add_member(nanming_group, actor=kit["yunyan"], name="x"), PermissionDenied)
    refused(lambda: services.remove_member(member, actor=kit["community_nanming"]), PermissionDenied)
    refused(lambda: services.create_work_group(actor=kit["yunyan"], region=kit.region(NANMING), name="x"),
            PermissionDenied)


API_CASES = [
    ("list", "get", "/groups", None, None,
     {None: 401, "commander": 200, "nanming": 200, "community_nanming": 200, "grid_nanming": 403, "norole": 403}),
    ("get", "get", "/groups/{g}", None, None,
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "street_nanming": 404, "norole": 404}),
    ("create", "post", "/groups", {"region_code": NANMING, "name": "物资保障组", "remit": "口罩、消毒液"},
     "command.workgroup.created",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 403, "community_nanming": 403, "norole": 403}),
    ("update", "patch", "/groups/{g}", {"remit": "社区防控"}, "command.workgroup.updated",
     {None: 401, "commander": 200, "nanming": 200, "yunyan": 404, "community_nanming": 404, "norole": 404}),
    ("add_member", "post", "/groups/{g}/members", {"name": "赵某", "department": "区公安分局", "role": "member"},
     "command.workgroup.member_added",
     {None: 401, "commander": 201, "nanming": 201, "yunyan": 404, "norole": 404}),
    ("second_leader", "post", "/groups/{g}/members", {"name": "钱某", "role": "leader"}, None, {"nanming": 409}),
    ("unknown_account", "post", "/groups/{g}/members", {"username": "nobody"}, None, {"nanming": 422}),
    ("update_member", "put", "/groups/{g}/members/{m}", {"name": "孙某", "role": "deputy"},
     "command.workgroup.member_updated", {None: 401, "nanming": 200, "yunyan": 404}),
    ("remove_member", "delete", "/groups/{g}/members/{m}", None, "command.workgroup.member_removed",
     {None: 401, "nanming": 204, "yunyan": 404, "norole": 404}),
]


@pytest.mark.parametrize(("name", "method", "url", "body", "action", "persona", "expected"),
                         [pytest.param(n, m, u, b, a, p, c, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, b, a, e in API_CASES for p, c in e.items()])
def test_api_matrix(kit, nanming_group, name, method, url, body, action, persona, expected):
    ids = {"g": nanming_group.pk, "m": nanming_group.members.get().pk}
    check_api_case(kit, persona, method, API + url.format(**ids), body, action, expected, everything)


def test_lists_hold_only_my_jurisdiction(kit, nanming_group):
    yunyan_group = services.create_work_group(actor=kit["yunyan"], region=kit.region(YUNYAN), name="疫情防控组")

    def ids(persona):
        return {g["id"] for g in call(kit.client(persona), "get", f"{API}/groups?limit=100").json()["items"]}

    assert ids("nanming") == {nanming_group.pk}
    assert ids("yunyan") == {yunyan_group.pk}
    assert ids("commander") == {nanming_group.pk, yunyan_group.pk}
    detail = call(kit.client("nanming"), "get", f"{API}/groups/{nanming_group.pk}").json()
    assert [(m["role"], m["username"], m["position"]) for m in detail["members"]] == [("leader", "nanming", "副区长")]


PAGE_CASES = [
    ("list", "get", "/command/groups/", {None: 302, "nanming": 200, "community_nanming": 200, "grid_nanming": 403}),
    ("new", "get", "/command/groups/new/", {None: 302, "nanming": 200, "community_nanming": 403, "norole": 403}),
    ("detail", "get", "/command/groups/{g}/", {None: 302, "nanming": 200, "commander": 200, "yunyan": 404}),
    ("edit", "get", "/command/groups/{g}/edit/", {None: 302, "nanming": 200, "community_nanming": 404,
                                                  "yunyan": 404}),
    ("add_member", "post", "/command/groups/{g}/members/", {None: 302, "nanming": 302, "yunyan": 404}),
    ("edit_member", "get", "/command/groups/{g}/members/{m}/edit/", {None: 302, "nanming": 200, "yunyan": 404}),
    ("remove_member", "post", "/command/groups/{g}/members/{m}/remove/", {None: 302, "nanming": 302, "yunyan": 404}),
]


@pytest.mark.parametrize(("name", "method", "url", "persona", "status"),
                         [pytest.param(n, m, u, p, s, id=f"{n}-{p or 'anonymous'}")
                          for n, m, u, e in PAGE_CASES for p, s in e.items()])
def test_page_matrix(kit, nanming_group, name, method, url, persona, status):
    ids = {"g": nanming_group.pk, "m": nanming_group.members.get().pk}
    data = {"name": "周某", "role": "member", "department": "区教育局"} if name == "add_member" else {}
    check_page_case(kit, persona, method, url.format(**ids), data, status, everything)
    if name == "add_member" and status == 302 and persona:
        assert nanming_group.members.filter(name="周某").exists()


def test_the_group_page_lists_the_leader_first(kit, nanming_group):
    services.add_member(nanming_group, actor=kit["nanming"], name="甲成员", role=MemberRole.MEMBER)
    services.add_member(nanming_group, actor=kit["nanming"], name="乙副组长", role=MemberRole.DEPUTY)
    page = kit.client("nanming").get(f"/command/groups/{nanming_group.pk}/").content.decode()
    members = page[page.index('class="data members"'):]
    assert members.index("副区长") < members.index("乙副组长") < members.index("甲成员")
