"""Prevention's to-do items: travellers' self-registrations waiting for checkpoint staff to check and confirm."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from twofront.core import scope
from twofront.core.todo import Todo
from twofront.prevention.choices import PassageStatus
from twofront.prevention.models import Passage


def checkpoint_todos(user) -> list[Todo]:
    if not scope.has_permission_anywhere(user, "prevention.confirm_passage"):
        return []
    pending = Passage.objects.visible_to(user, "confirm").filter(status=PassageStatus.PENDING).count()
    return [Todo("prevention.passages.pending", _("Self-registered travellers waiting for confirmation"), pending,
                 reverse("checkpoint_desk"), order=60)]
