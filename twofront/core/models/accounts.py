import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from twofront.core.roles import Role


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    # TOTP secret, encrypted like other secrets at rest (see core.pii).
    totp_secret_ct = models.TextField(blank=True, editable=False)
    totp_enabled = models.BooleanField(_("two-factor enabled"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A user holds a role over a region (officials) or over an organisation (hospital, enterprise ...)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("region"))
    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="role_assignments", verbose_name=_("organisation"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(region__isnull=False, organisation__isnull=True)
                           | models.Q(region__isnull=True, organisation__isnull=False)),
                name="%(app_label)s_%(class)s_region_xor_organisation",
            ),
            models.UniqueConstraint(fields=["user", "role", "region", "organisation"],
                                    name="%(app_label)s_%(class)s_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.region or self.organisation}"


class LoginAttempt(models.Model):
    """Failed and successful sign-ins, for lockout. The username is kept as typed; no password ever."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} {'ok' if self.succeeded else 'failed'} {self.at:%Y-%m-%d %H:%M}"


def hash_token(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough to make the stored value useless.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw() -> tuple[str, str]:
        prefix = secrets.token_hex(4)
        return f"tf_{prefix}_{secrets.token_urlsafe(32)}", prefix

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
