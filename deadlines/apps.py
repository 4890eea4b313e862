from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = _("Deadlines")

    def ready(self):
        from takedown.core import sentences

        from . import (
            access,  # noqa: F401  (registers who may read which events)
            events,
        )

        sentences.register(events.SENTENCES)
        sentences.NAMERS["deadlines.deadline"] = events.clock_names
