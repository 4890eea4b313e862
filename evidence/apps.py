from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("Evidence")

    def ready(self):
        from takedown.core import sentences

        from . import (
            access,  # noqa: F401  (registers who may read which events)
            events,
        )

        sentences.register(events.SENTENCES)
