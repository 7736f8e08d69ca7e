"""Declarations waiting for review in the officials' to-do list, urgent once past the review deadline."""

import datetime

from django.utils import timezone

from twofront.core.todo import todos_for
from twofront.enterprise.models import ResumptionDeclaration
from twofront.enterprise.services import declarations as services
from twofront.enterprise.tests.test_declarations import PLAN


def counts(user) -> dict:
    return {item.key: (item.count, item.urgent) for item in todos_for(user) if item.key.startswith("enterprise.")}


def test_a_submitted_declaration_waits_for_its_reviewers_only(enterprise_personas):
    hr = enterprise_personas["hr_a"]
    draft = services.create_declaration(enterprise_personas.a, actor=hr, **PLAN)
    assert counts(enterprise_personas["street_nanming"]) == {}
    submitted = services.submit_declaration(draft, actor=hr)
    assert counts(enterprise_personas["street_nanming"]) == {"enterprise.declarations.to_review": (1, False)}
    assert counts(enterprise_personas["yunyan"]) == counts(hr) == counts(enterprise_personas["hr_b"]) == {}
    ResumptionDeclaration.objects.filter(pk=submitted.pk).update(
        review_due=timezone.now() - datetime.timedelta(hours=1))
    assert counts(enterprise_personas["street_nanming"]) == {"enterprise.declarations.overdue": (1, True),
                                                             "enterprise.declarations.to_review": (1, False)}
    services.approve_declaration(submitted, actor=enterprise_personas["street_nanming"])
    assert counts(enterprise_personas["street_nanming"]) == {}


def test_an_overdue_appeal_is_urgent_for_those_who_see_it(enterprise_personas):
    from twofront.enterprise.choices import AppealCategory
    from twofront.enterprise.services import commissioners
    from twofront.enterprise.tests.test_appeals import late

    appeal = commissioners.raise_appeal(actor=enterprise_personas["hr_a"], enterprise=enterprise_personas.a,
                                        category=AppealCategory.LABOUR, description="外地员工返岗需要包车")
    assert "enterprise.appeals.overdue" not in counts(enterprise_personas["nanming"])
    late(appeal, 2)
    assert counts(enterprise_personas["nanming"])["enterprise.appeals.overdue"] == (1, True)
    assert counts(enterprise_personas["commissioner_a"])["enterprise.appeals.overdue"] == (1, True)
    assert "enterprise.appeals.overdue" not in counts(enterprise_personas["yunyan"])
    assert "enterprise.appeals.overdue" not in counts(enterprise_personas["hr_b"])
