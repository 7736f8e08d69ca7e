"""The app's URLs plus the check-in ceiling: a bare view that inserts one row into a table of the same shape as
enterprise_healthcheckin (bench_checkin, created LIKE it) with no auth, validation, idempotency or audit."""

import json

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from twofront.urls import urlpatterns as app_urlpatterns

INSERT = ("INSERT INTO bench_checkin (employee_id, enterprise_id, day, temperature, symptoms, location, risk_contact, "
          "abnormal, region_id, residence_region_id, source, submitted_at, updated_at) "
          "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'bare', %s, %s) "
          "ON CONFLICT (employee_id, day) DO UPDATE SET temperature = EXCLUDED.temperature, "
          "updated_at = EXCLUDED.updated_at RETURNING id")


@csrf_exempt
def bare_checkin(request):
    body = json.loads(request.body)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(INSERT, [body["employee_id"], body["enterprise_id"], timezone.localdate(), body["temperature"],
                                json.dumps(body.get("symptoms", [])), body.get("location", ""), False, False,
                                body["region_id"], body["region_id"], now, now])
        pk = cursor.fetchone()[0]
    return JsonResponse({"id": pk})


urlpatterns = [path("bench/bare-checkin", bare_checkin), *app_urlpatterns]
