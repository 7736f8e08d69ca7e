"""The app's URLs plus the passage ceiling: a bare view that inserts one row into a table of the same shape as
prevention_passage (bench_passage, created LIKE it) with no auth, validation, lookups, risk, idempotency or audit."""

import json

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from twofront.urls import urlpatterns as app_urlpatterns

INSERT = ("INSERT INTO bench_passage (checkpoint_id, plate, vehicle_type, origin_province, origin_city, destination_id, "
          "status, registered_at, registered_by_id, confirmed_at, region_id) "
          "VALUES (%s, %s, %s, %s, %s, %s, 'confirmed', %s, NULL, %s, %s) RETURNING id")


@csrf_exempt
def bare_passage(request):
    body = json.loads(request.body)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(INSERT, [body["checkpoint_id"], body["plate"], body["vehicle_type"], body["origin_province"],
                                body["origin_city"], body["destination_id"], now, now, body["region_id"]])
        pk = cursor.fetchone()[0]
    return JsonResponse({"id": pk}, status=201)


urlpatterns = [path("bench/bare-passage", bare_passage), *app_urlpatterns]
