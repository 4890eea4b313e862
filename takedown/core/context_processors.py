def navigation(request):
    """The signed-in user's role names, for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(user, "role_names"):
        return {"nav_roles": frozenset()}
    return {"nav_roles": user.role_names}
