from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterpriseConfig(AppConfig):
    name = "twofront.enterprise"
    label = "enterprise"
    verbose_name = _("Enterprise service and employee health platform")

    def ready(self) -> None:
        from twofront.core.todo import register_todo
        from twofront.enterprise import facts, permissions  # noqa: F401  (abnormal check-ins as risk facts, grants)
        from twofront.enterprise.todo import appeal_todos, review_todos

        register_todo("enterprise.reviews", review_todos)
        register_todo("enterprise.appeals", appeal_todos)

        self.register_enterprise_menu()
        self.register_supplies_and_commissioners_menu()

    @staticmethod
    def register_enterprise_menu() -> None:
        from twofront.core.navigation import NavItem, register

        register(
            NavItem("enterprises", _("Enterprises"), "enterprise_list", ("enterprise.view_enterprise",),
                    order=50, icon="▦"),
            NavItem("enterprise_stats", _("Resumption status"), "enterprise_stats", ("enterprise.view_enterprise",),
                    order=51, icon="↗"),
            NavItem("declarations", _("Resumption declarations"), "enterprise_declaration_list",
                    ("enterprise.view_resumptiondeclaration",), order=52, icon="✎"),
            NavItem("declaration_reviews", _("Declarations to review"), "enterprise_review_queue",
                    ("enterprise.review_resumptiondeclaration",), order=53, icon="✔"),
            NavItem("employees", _("Employee roster"), "enterprise_employee_list", ("enterprise.view_employee",),
                    order=54, icon="☰"),
            NavItem("checkins", _("Health check-ins"), "enterprise_checkins", ("enterprise.view_healthcheckin",),
                    order=55, icon="✚"),
        )

    @staticmethod
    def register_supplies_and_commissioners_menu() -> None:
        from twofront.core.navigation import NavItem, register
        from twofront.core.roles import Role

        # Icons from fonts every phone and server has (DejaVu), not colour emoji.
        officials = (Role.CITY_COMMANDER, Role.DISTRICT_OFFICER, Role.STREET_OFFICER, Role.COMMUNITY_OFFICER)
        register(
            NavItem("supply_requests", _("Supply requests"), "supply_request_list",
                    ("enterprise.view_supplyrequest",), order=60, icon="⚕"),
            NavItem("suppliers", _("Suppliers"), "supplier_list", ("enterprise.add_supplier",), order=61, icon="▤"),
            NavItem("commissioners", _("Commissioners"), "commissioner_list",
                    ("enterprise.add_commissionerassignment", "enterprise.add_visit"), order=62, icon="☺"),
            NavItem("visits", _("Visits"), "visit_list", ("enterprise.add_visit",), roles=officials, order=63,
                    icon="⚑"),
            NavItem("appeals", _("Appeals"), "appeal_list", ("enterprise.view_appeal",), order=64, icon="✉"),
            NavItem("appeals_overdue", _("Overdue appeals"), "appeal_overdue", roles=officials, order=65, icon="◷"),
        )
