from .choices import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(user, "role_names"):
        return {"nav_roles": frozenset()}
    return {"nav_roles": user.role_names}


__all__ = ["Role", "navigation"]
