import uuid

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from twofront.core import context, scope
from twofront.core.choices import AuditSource
from twofront.core.roles import STAFF_ROLES


def client_ip(request) -> str | None:
    # Behind the reverse proxy documented in docs/deployment.md, REMOTE_ADDR is the proxy; it sets X-Real-IP.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id (echoed as X-Request-ID) and the source/ip that audit events record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        source = AuditSource.API if request.path.startswith("/api/") else AuditSource.WEB
        with context.use(source, request_id=request_id, ip=client_ip(request)):
            request.request_id = request_id
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class TwoFactorMiddleware:
    """When two-factor is required, a staff user who has not verified a code this session only reaches
    the verification / enrolment pages."""

    ALLOWED = ("two_factor", "logout", "set_language", "healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (settings.TWOFRONT_REQUIRE_2FA and user.is_authenticated and not request.path.startswith(("/api/", "/static/"))
                and not request.session.get("otp_verified")
                and (user.is_superuser or scope.has_role(user, *STAFF_ROLES))):
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed:
                return redirect(f"{reverse('two_factor')}?next={request.path}")
        return self.get_response(request)
