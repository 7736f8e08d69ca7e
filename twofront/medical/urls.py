from django.urls import path

from twofront.medical import views

app_name = "medical"

urlpatterns = [
    path("hospitals/", views.HospitalListView.as_view(), name="hospital_list"),
    path("hospitals/new/", views.HospitalCreateView.as_view(), name="hospital_create"),
    path("hospitals/<int:pk>/", views.HospitalDetailView.as_view(), name="hospital_detail"),
    path("hospitals/<int:pk>/edit/", views.HospitalUpdateView.as_view(), name="hospital_update"),
    path("visits/", views.VisitListView.as_view(), name="visit_list"),
    path("visits/new/", views.VisitCreateView.as_view(), name="visit_create"),
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/new/", views.CaseCreateView.as_view(), name="case_create"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/transition/", views.case_transition, name="case_transition"),
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report_create"),
    path("reports/<int:pk>/edit/", views.ReportUpdateView.as_view(), name="report_update"),
    path("reports/today/", views.report_status, name="report_status"),
]
