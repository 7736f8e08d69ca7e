"""Sign-in with lockout and TOTP, API tokens, role assignments."""

import datetime

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twofront.core import audit, pii
from twofront.core.db import fetch
from twofront.core.errors import field_error
from twofront.core.models import ApiToken, LoginAttempt, RoleAssignment, User
from twofront.core.models.accounts import hash_token
from twofront.core.scope import forget


class LoginError(Exception):
    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code, self.message = code, message


def is_locked(username: str) -> bool:
    window = timezone.now() - datetime.timedelta(minutes=settings.TWOFRONT_LOCKOUT_MINUTES)
    recent = LoginAttempt.objects.filter(username__iexact=username, at__gte=window)
    last_success = recent.filter(succeeded=True).order_by("-at").values_list("at", flat=True).first()
    failures = recent.filter(succeeded=False)
    if last_success:
        failures = failures.filter(at__gt=last_success)
    return failures.count() >= settings.TWOFRONT_LOCKOUT_FAILURES


def verify_totp(user: User, code: str | None) -> bool:
    if not (user.totp_enabled and user.totp_secret_ct and code):
        return False
    return pyotp.TOTP(pii.decrypt(user.totp_secret_ct)).verify(code.strip(), valid_window=1)


def sign_in(request, *, username: str, password: str, otp: str | None = None, ip: str | None = None) -> User:
    """Checks password (argon2), lockout and, when enrolled, the TOTP code. Raises LoginError."""
    username = (username or "").strip()
    if is_locked(username):
        raise LoginError("locked", _("Too many failed attempts. Try again in %(minutes)s minutes.")
                         % {"minutes": settings.TWOFRONT_LOCKOUT_MINUTES})
    user = authenticate(request, username=username, password=password)
    if user is None:
        LoginAttempt.objects.create(username=username[:150], ip=ip, succeeded=False)
        raise LoginError("invalid", _("Wrong username or password."))
    if user.totp_enabled and not verify_totp(user, otp):
        LoginAttempt.objects.create(username=username[:150], ip=ip, succeeded=False)
        raise LoginError("otp", _("Enter the 6-digit code from your authenticator app."))
    LoginAttempt.objects.create(username=username[:150], ip=ip, succeeded=True)
    audit.record(user, "core.user.signed_in", user, object_repr=user.get_username())
    return user


@transaction.atomic
def issue_token(*, actor: User, name: str, days: int | None = None) -> tuple[str, ApiToken]:
    """Returns the raw token (shown once) and its stored record (only a hash is kept)."""
    name = (name or "").strip() or "api"
    days = days or settings.TWOFRONT_TOKEN_DAYS
    if not 1 <= days <= 366:
        raise field_error("days", _("A token lives 1 to 366 days."))
    raw, prefix = ApiToken.new_raw()
    token = ApiToken.objects.create(user=actor, name=name[:64], prefix=prefix, key_hash=hash_token(raw),
                                    expires_at=timezone.now() + datetime.timedelta(days=days))
    audit.record(actor, "core.token.issued", token, object_repr=str(token))
    return raw, token


def user_for_token(raw: str) -> User | None:
    # Every API call: one prepared statement (core.db.fetch) rather than the ORM's compiled query.
    found = fetch(ApiToken, related=("user",), limit=1, key_hash=hash_token(raw or ""))
    token = found[0] if found else None
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    # Write last use at most once a minute: it sits on the hot path of every API call.
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: User) -> ApiToken:
    if token.user_id != actor.pk and not actor.is_superuser:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("core.revoke_token")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor, "core.token.revoked", token, object_repr=str(token))
    return token


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name="twofront")


@transaction.atomic
def enable_totp(user: User, *, secret: str, code: str) -> User:
    if not pyotp.TOTP(secret).verify((code or "").strip(), valid_window=1):
        raise field_error("code", _("The code does not match. Check the time on your phone and try again."))
    user.totp_secret_ct = pii.encrypt(secret)
    user.totp_enabled = True
    user.save(update_fields=["totp_secret_ct", "totp_enabled"])
    audit.record(user, "core.user.totp_enabled", user, object_repr=user.get_username())
    return user


@transaction.atomic
def assign_role(*, actor, user: User, role: str, region=None, organisation=None) -> RoleAssignment:
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, region=region,
                                                               organisation=organisation)
    if created:
        audit.record(actor, "core.role.assigned", assignment, region=region,
                     changes={"user": user.get_username(), "role": role})
    forget(user)
    return assignment
