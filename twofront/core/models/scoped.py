from django.db import models


class ScopedQuerySet(models.QuerySet):
    """Every user-visible read starts here: `Model.objects.visible_to(user, "view")`.

    A model names the path to its Region (`scope_region_field`) and, when units own it, to its
    Organisation (`scope_org_field`)."""

    def visible_to(self, user, action: str = "view") -> "ScopedQuerySet":
        from twofront.core import scope

        condition = scope.scope_q(user, scope.permission_name(self.model, action), self.model)
        if condition is None:
            return self
        if condition is False:
            return self.none()
        return self.filter(condition)
