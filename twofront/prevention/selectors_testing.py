"""Scoped reads of key people and nucleic-acid tests, shared by pages and API."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from twofront.core import scope
from twofront.core.errors import field_error
from twofront.core.models import Person
from twofront.core.scope import in_region as in_region
from twofront.core.scope import require_view as require_view
from twofront.core.services.people import find_by_id_number
from twofront.prevention.models import KeyCategory, KeyPersonEntry, NucleicTest


def find_person(user, *, person_id: int | None = None, id_number: str | None = None,
                everyone: bool = False) -> Person:
    """The person named by id (404 unless visible) or by national ID number (422 unless registered).
    `everyone`: a unit's staff (hotel, hospital) find any registered person by the card in their hand;
    officials only within their jurisdiction."""
    people = Person.objects.select_related("region")
    if person_id is not None:
        return scope.get_visible_or_404(people, user, pk=person_id)
    if not id_number:
        raise field_error("id_number", _("Enter the national ID number."))
    person = find_by_id_number(people if everyone else people.visible_to(user), id_number).first()
    if person is None:
        raise field_error("id_number", _("No registered person has this national ID number."))
    return person


def categories(user, *, active_only: bool = False) -> QuerySet:
    require_view(user, KeyCategory)
    qs = KeyCategory.objects.all()
    return qs.filter(active=True) if active_only else qs


def key_people(user, *, category: str | None = None, region: str | None = None, status: str | None = None,
               person_id: int | None = None) -> QuerySet:
    """status: "open" (still in the category) or "released"."""
    qs = KeyPersonEntry.objects.visible_to(user).select_related("person", "category", "region")
    if category:
        qs = qs.filter(category__code=category)
    if status == "open":
        qs = qs.filter(until__isnull=True)
    elif status == "released":
        qs = qs.filter(until__isnull=False)
    if person_id:
        qs = qs.filter(person_id=person_id)
    return in_region(qs, region)


def tests(user, *, result: str | None = None, region: str | None = None, person_id: int | None = None,
          sample_id: str | None = None, sampled_from: datetime.date | None = None,
          sampled_to: datetime.date | None = None) -> QuerySet:
    qs = NucleicTest.objects.visible_to(user).select_related("person", "region")
    if result:
        qs = qs.filter(result=result)
    if person_id:
        qs = qs.filter(person_id=person_id)
    if sample_id:
        qs = qs.filter(sample_id=sample_id.strip())
    if sampled_from:
        qs = qs.filter(sampled_at__date__gte=sampled_from)
    if sampled_to:
        qs = qs.filter(sampled_at__date__lte=sampled_to)
    return in_region(qs, region)


# Sampled on or after the day the person entered the category: the same rule as the coverage metrics.
TESTED_SINCE_ENTRY = Exists(NucleicTest.objects.filter(person_id=OuterRef("person_id"),
                                                       sampled_at__date__gte=OuterRef("since")))


@dataclass
class CoverageRow:
    category: KeyCategory
    in_category: int
    tested: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.tested / self.in_category, 1) if self.in_category else None


def coverage(user, *, region: str | None = None) -> list[CoverageRow]:
    """Per active category: people still in it (in the user's jurisdiction) and how many of them were
    sampled since they entered it."""
    require_view(user, KeyPersonEntry)
    entries = in_region(KeyPersonEntry.objects.visible_to(user).filter(until__isnull=True), region)
    counts = {row["category"]: row for row in entries.annotate(is_tested=TESTED_SINCE_ENTRY).values("category")
              .annotate(total=Count("pk"), tested=Count("pk", filter=Q(is_tested=True))).order_by()}
    return [CoverageRow(c, counts.get(c.pk, {}).get("total", 0), counts.get(c.pk, {}).get("tested", 0))
            for c in KeyCategory.objects.filter(active=True)]
