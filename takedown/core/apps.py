from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "takedown.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from . import events, sentences, signals  # noqa: F401

        sentences.register(events.SENTENCES)
        from .roles import sync_roles

        # After the last app's permissions exist, every migrate brings the roles up
        # to date (idempotent).
        last_with_models = [c for c in apps.get_app_configs() if c.models_module][-1]
        post_migrate.connect(sync_roles, sender=last_with_models)
