from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from takedown.core import sentences
        from takedown.core.audit import register_cases

        from . import events
        from .access import cases_involving
        from .models import Case

        # Every event of a case is visible to the oversight of every jurisdiction in it.
        register_cases(model=Case, involving=cases_involving)
        sentences.register(events.SENTENCES)
        sentences.NAMERS["cases.reporteditem"] = events.item_names
