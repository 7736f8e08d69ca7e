"""Prevention's to-do items: self-registrations to confirm at the checkpoint, the grid worker's households to visit,
and at a quarantine site today's health checks and the releases due."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.todo import Todo
from twofront.prevention import selectors_quarantine, selectors_screening
from twofront.prevention.choices import PassageStatus, StayStatus
from twofront.prevention.models import Passage


def checkpoint_todos(user) -> list[Todo]:
    items = []
    if scope.has_permission_anywhere(user, "prevention.confirm_passage"):
        pending = Passage.objects.visible_to(user, "confirm").filter(status=PassageStatus.PENDING).count()
        items.append(Todo("prevention.passages.pending", _("Self-registered travellers waiting for confirmation"),
                          pending, reverse("checkpoint_desk"), order=60))
    if scope.has_permission_anywhere(user, "prevention.add_screeningvisit"):
        households = selectors_screening.todays_households(user)
        late = households.filter(first_due__lt=timezone.localdate()).exists()
        items.append(Todo("prevention.grid.visits", _("Households to visit"), households.count(),
                          reverse("grid_today"), urgent=late, order=70))
    if scope.has_permission_anywhere(user, "prevention.change_quarantinestay"):
        unchecked = selectors_quarantine.stays(user, status=StayStatus.ACTIVE).filter(checked_today=False).count()
        items.append(Todo("prevention.quarantine.checks", _("Guests' daily health checks not yet done today"),
                          unchecked, reverse("quarantine_today"), order=75))
    if scope.has_permission_anywhere(user, "prevention.release_quarantinestay"):
        due = selectors_quarantine.stays(user, due=True).count()
        items.append(Todo("prevention.quarantine.releases", _("Quarantine releases due"), due,
                          reverse("quarantine_today"), order=80))
    return items
