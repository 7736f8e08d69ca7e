from twofront.core import navigation, scope


def navigation_menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "user_roles": []}
    return {"nav_sections": navigation.sections_for(user),
            "user_roles": [a.get_role_display() for a in scope.assignments(user)]}
