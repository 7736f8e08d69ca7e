from django.urls import path

from twofront.metrics import views

urlpatterns = [
    path("", views.overview, name="metrics_overview"),
]
