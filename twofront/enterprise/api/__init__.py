"""The enterprise platform's API, one module per area, mounted at /api/v1/enterprise/."""

from ninja import Router

from twofront.enterprise.api import checkins, commissioners, declarations, employees, enterprises, supplies

router = Router()
for _module in (enterprises, declarations, employees, checkins, supplies, commissioners):
    router.add_router("", _module.router)
