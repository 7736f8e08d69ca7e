"""The risk rules page: every official sees the versions and their rules; the city command centre publishes."""

import json

import pytest

from twofront.core import risk
from twofront.core.models import AuditEvent, RiskRuleSet
from twofront.core.testing import client_for

LIST, PUBLISH = "/risk/rules/", "/risk/rules/publish/"


def publish(client, rules, notes="境外输入防控", activate=True):
    data = {"rules": rules if isinstance(rules, str) else json.dumps(rules, ensure_ascii=False), "notes": notes}
    if activate:
        data["activate"] = "on"
    return client.post(PUBLISH, data)


def test_officials_read_the_rules_in_force_in_words(personas):
    page = client_for(personas["nanming"]).get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "版本 1" in html and "密切接触者" in html and "重点人员类别" in html and "14 天（自事实之日起）" in html
    assert PUBLISH not in html  # a district officer reads, the city publishes


def test_people_without_the_registry_see_no_rules(personas):
    assert client_for(personas["norole"]).get(LIST).status_code == 403
    assert client_for(None).get(LIST).status_code == 302  # to the login page


def test_only_the_city_command_centre_publishes(personas):
    before = RiskRuleSet.objects.count()
    officer = client_for(personas["nanming"])
    assert officer.get(PUBLISH).status_code == 403
    assert publish(officer, risk.DEFAULT_RULES).status_code == 403
    assert RiskRuleSet.objects.count() == before


def test_the_editor_starts_from_the_version_in_force_or_the_one_asked(personas):
    commander = client_for(personas["commander"])
    form = commander.get(PUBLISH)
    assert form.status_code == 200 and "close_contact" in form.content.decode()
    assert commander.get(PUBLISH + "?from=99").status_code == 404
    assert commander.get(PUBLISH + "?from=abc").status_code == 404
    assert commander.get(LIST + "?version=99").status_code == 404


@pytest.mark.parametrize(("rules", "error"), [
    ("[{", "不是有效的 JSON"),
    ([{"id": "x", "fact": "no_such_fact", "level": "red", "reason": {"zh": "无"}}], "unknown fact kind: no_such_fact"),
    ([{"id": "x", "fact": "travel", "level": "green", "reason": {"zh": "绿"}}], "rules[0]"),
    ([], "非空列表"),
])
def test_a_bad_rule_set_is_refused_with_the_reason_and_nothing_is_written(personas, rules, error):
    before = list(RiskRuleSet.objects.values_list("version", "active"))
    response = publish(client_for(personas["commander"]), rules)
    assert response.status_code == 422
    assert error in response.content.decode()
    assert list(RiskRuleSet.objects.values_list("version", "active")) == before


def test_publishing_puts_the_new_version_in_force_and_is_audited(personas, person_nanming):
    rules = [*risk.DEFAULT_RULES, {"id": "abroad", "fact": "travel", "match": {"value_prefix_in": ["99"]},
                                   "level": "red", "lasts_days": 14, "reason": {"zh": "境外旅居史", "en": "abroad"}}]
    response = publish(client_for(personas["commander"]), rules)
    assert response.status_code == 302 and response["Location"] == LIST + "?version=2"
    assert RiskRuleSet.objects.get(active=True).version == 2
    assert AuditEvent.objects.filter(action="core.risk.rules_published", actor=personas["commander"]).exists()
    page = client_for(personas["nanming"]).get(response["Location"]).content.decode()
    assert "境外旅居史" in page and "99…" in page
    assert risk.status_for(person_nanming).rule_version == 2


def test_a_version_can_be_published_without_putting_it_in_force(personas):
    publish(client_for(personas["commander"]), risk.DEFAULT_RULES, activate=False)
    assert RiskRuleSet.objects.get(active=True).version == 1
    assert RiskRuleSet.objects.filter(version=2, active=False).exists()


def test_the_menu_shows_the_rules_to_the_command_centre(personas):
    assert 'href="/risk/rules/"' in client_for(personas["commander"]).get("/").content.decode()
    assert 'href="/risk/rules/"' not in client_for(personas["grid_nanming"]).get("/").content.decode()


def test_a_persons_status_links_the_rules_that_gave_it(personas, person_nanming):
    page = client_for(personas["nanming"]).get(f"/persons/{person_nanming.pk}/").content.decode()
    assert 'href="/risk/rules/?version=1"' in page
