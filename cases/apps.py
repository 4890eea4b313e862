from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from takedown.core.audit import register_case_scopes

        from .access import case_scopes
        from .models import Case

        # Every event of a case is visible to the oversight of every jurisdiction in it.
        register_case_scopes(model=Case, resolve=case_scopes)
