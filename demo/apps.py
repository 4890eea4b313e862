from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for the embedded default. Last in INSTALLED_APPS: it may use every app."""

    name = "demo"
    verbose_name = "Demo data"
