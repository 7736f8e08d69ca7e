"""The one JSON API: /api/v1/, a router per app, OpenAPI at /api/v1/openapi.json and docs at /api/v1/docs."""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from twofront.command.api import router as command_router
from twofront.core.api import router as core_router
from twofront.core.apikit import (
    BearerToken,
    PageSession,
    StrictParser,
    install_error_handlers,
    openapi_problem_content,
)
from twofront.enterprise.api import router as enterprise_router
from twofront.medical.api import router as medical_router
from twofront.metrics.api import router as metrics_router
from twofront.prevention.api import router as prevention_router
from twofront.transfer.api import router as transfer_router


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class TwofrontAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        return openapi_problem_content(super().get_openapi_schema(*args, **kwargs))


api = TwofrontAPI(
    title="twofront API",
    version="1",
    description="City two-front platform: prevention and control, resumption of work. "
                "Errors are RFC 7807 problem+json; lists take limit/offset.",
    auth=[BearerToken(), PageSession()],
    renderer=ChineseJSONRenderer(),
    parser=StrictParser(),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/metrics", metrics_router)
api.add_router("/transfer", transfer_router)
api.add_router("/enterprise", enterprise_router)
api.add_router("/prevention", prevention_router)
api.add_router("/medical", medical_router)
api.add_router("/command", command_router)
