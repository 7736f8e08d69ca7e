from django.urls import path

from twofront.transfer import views

app_name = "transfer"

urlpatterns = [
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("jobs/<int:pk>/errors/", views.job_errors, name="job_errors"),
    path("import/<slug:dataset>/", views.ImportView.as_view(), name="import"),
    path("templates/<slug:dataset>/", views.template, name="template"),
    path("export/persons/", views.export_persons, name="export_persons"),
]
