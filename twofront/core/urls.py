from django.urls import path

from twofront.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("persons/", views.PersonListView.as_view(), name="person_list"),
    path("persons/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("persons/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("persons/<int:pk>/edit/", views.PersonUpdateView.as_view(), name="person_update"),
    path("persons/<int:pk>/delete/", views.PersonDeleteView.as_view(), name="person_delete"),
    path("persons/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("persons/<int:pk>/risk/override/", views.person_risk_override, name="person_risk_override"),
    path("risk/rules/", views.risk_rules, name="risk_rules"),
    path("risk/rules/publish/", views.risk_rules_publish, name="risk_rules_publish"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
