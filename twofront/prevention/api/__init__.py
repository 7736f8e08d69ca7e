"""Prevention and control API, one module per line of work, mounted at /api/v1/prevention/."""

from ninja import Router

from twofront.prevention.api import checkpoints, compounds, quarantine, screening, testing, venues

router = Router()
for _module in (checkpoints, compounds, screening, testing, quarantine, venues):
    router.add_router("", _module.router)
