"""The command centre API, one module per mechanism, mounted at /api/v1/command/."""

from ninja import Router

from twofront.command.api import briefings, dashboard, duty, groups, incidents, meetings, reports, supervision

router = Router()
for _module in (groups, duty, meetings, supervision, reports, incidents, dashboard, briefings):
    router.add_router("", _module.router)
