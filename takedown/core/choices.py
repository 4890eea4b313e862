from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles are Django groups with these names."""

    LIAISON_OFFICER = "liaison_officer", _("Liaison officer")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    AUDITOR = "auditor", _("Auditor")
    OPERATOR = "operator", _("Operator")


STAFF_ROLES = (Role.LIAISON_OFFICER, Role.PROSECUTOR, Role.AUDITOR, Role.OPERATOR)
