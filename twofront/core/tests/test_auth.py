"""Sign-in: argon2, lockout, TOTP two-factor, bearer tokens hashed at rest with expiry."""

import datetime

import pyotp
import pytest
from django.test import override_settings
from django.utils import timezone

from twofront.core.models import ApiToken, AuditEvent, User
from twofront.core.models.accounts import hash_token
from twofront.core.services import accounts
from twofront.core.testing import PASSWORD


def _token(client, username, password=PASSWORD, **extra):
    return client.post("/api/v1/auth/token", {"username": username, "password": password, **extra},
                       content_type="application/json")


def test_passwords_are_hashed_with_argon2(personas):
    assert User.objects.get(username="nanming").password.startswith("argon2")


def test_token_endpoint_issues_a_hashed_expiring_token(personas, client):
    response = _token(client, "nanming")
    assert response.status_code == 200
    raw = response.json()["token"]
    stored = ApiToken.objects.get(user=personas["nanming"])
    assert stored.key_hash == hash_token(raw) and raw not in stored.key_hash
    assert stored.expires_at > timezone.now() + datetime.timedelta(days=30)
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.status_code == 200 and me.json()["roles"][0]["region_code"] == "520102"


def test_expired_and_revoked_tokens_are_refused(personas, client):
    raw, token = accounts.issue_token(actor=personas["nanming"], name="t")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    raw2, token2 = accounts.issue_token(actor=personas["nanming"], name="t2")
    accounts.revoke_token(token2, actor=personas["nanming"])
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw2}").status_code == 401
    assert AuditEvent.objects.filter(action="core.token.revoked").count() == 1


def test_wrong_password_is_401_and_lockout_after_repeated_failures(personas, client, settings):
    settings.TWOFRONT_LOCKOUT_FAILURES = 3
    for _ in range(3):
        assert _token(client, "yunyan", "wrong-password").status_code == 401
    # now even the right password is refused while locked
    response = _token(client, "yunyan")
    assert response.status_code == 429 and response["Content-Type"] == "application/problem+json"
    assert _token(client, "nanming").status_code == 200  # other users are unaffected


def test_login_page_locks_out_too(personas, client, settings):
    settings.TWOFRONT_LOCKOUT_FAILURES = 2
    for _ in range(2):
        assert client.post("/login/", {"username": "yunyan", "password": "nope"}).status_code == 401
    assert client.post("/login/", {"username": "yunyan", "password": PASSWORD}).status_code == 429


def test_totp_enrolled_user_needs_a_code(personas, client):
    user = personas["commander"]
    secret = accounts.new_totp_secret()
    accounts.enable_totp(user, secret=secret, code=pyotp.TOTP(secret).now())
    assert _token(client, "commander").status_code == 401
    assert _token(client, "commander", otp="000000").status_code == 401
    assert _token(client, "commander", otp=pyotp.TOTP(secret).now()).status_code == 200


def test_enable_totp_rejects_a_wrong_code(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        accounts.enable_totp(personas["commander"], secret=accounts.new_totp_secret(), code="123456")
    personas["commander"].refresh_from_db()
    assert not personas["commander"].totp_enabled


@override_settings(TWOFRONT_REQUIRE_2FA=True)
def test_required_2fa_sends_staff_to_enrolment_then_lets_them_in(personas, client):
    response = client.post("/login/", {"username": "nanming", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get("/persons/")
    assert response.status_code == 302 and response["Location"].startswith("/two-factor/")
    page = client.get("/two-factor/")
    secret = page.context["secret"]
    assert "<svg" in page.content.decode()
    response = client.post("/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/persons/").status_code == 200
    assert User.objects.get(username="nanming").totp_enabled


def test_login_redirect_ignores_foreign_next(personas, client):
    response = client.post("/login/?next=https://evil.example/", {"username": "nanming", "password": PASSWORD,
                                                                 "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_tokens_page_creates_and_revokes(personas, client_as):
    client = client_as(personas["nanming"])
    response = client.post("/tokens/", {"name": "医院系统", "days": 30})
    assert response.status_code == 200 and response.context["raw_token"].startswith("tf_")
    token = ApiToken.objects.get(user=personas["nanming"])
    assert client_as(personas["yunyan"]).post(f"/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
