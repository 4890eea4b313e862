from django.db import models
from django.utils.translation import gettext_lazy as _


class PackageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SEALED = "sealed", _("Sealed")
    SHARED = "shared", _("Shared")
    RECEIVED = "received", _("Received")


class CustodyAction(models.TextChoices):
    COLLECTED = "collected", _("Collected")
    SEALED = "sealed", _("Sealed")
    VIEWED = "viewed", _("Viewed")
    DOWNLOADED = "downloaded", _("Downloaded")
    EXPORTED = "exported", _("Exported")
    TRANSFERRED = "transferred", _("Transferred")
    RECEIVED = "received", _("Received")
    VERIFIED = "verified", _("Verified")
    PURGED = "purged", _("Purged")
    GRANTED = "granted", _("Shared with a desk")
    REVOKED = "revoked", _("Share withdrawn")
