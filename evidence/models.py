"""What proves it: uniform evidence packages, encrypted files and the hash-chained
chain of custody."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from takedown.core.models import AppendOnlyModel

from .choices import CustodyAction, PackageStatus


class EvidencePackage(models.Model):
    """The uniform template. Fields listed in ``PERSONAL_FIELDS`` are removed or
    pseudonymised in a data-minimised export."""

    PERSONAL_FIELDS = ("hosting_ip", "provenance")

    reference = models.CharField(max_length=40, unique=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="evidence_packages"
    )
    status = models.CharField(
        max_length=10, choices=PackageStatus.choices, default=PackageStatus.DRAFT
    )
    collecting_authority = models.ForeignKey(
        "liaison.Authority", on_delete=models.PROTECT, related_name="evidence_packages"
    )
    collection_method = models.CharField(_("collection method"), max_length=200, blank=True)
    collection_tool = models.CharField(_("collection tool"), max_length=200, blank=True)
    captured_at = models.DateTimeField(_("capture time"), null=True, blank=True)
    source_url = models.TextField(_("source URL"), blank=True)
    hosting_ip = models.GenericIPAddressField(_("hosting IP"), null=True, blank=True)
    hosting_asn = models.PositiveIntegerField(_("hosting ASN"), null=True, blank=True)
    hosting_provider = models.CharField(_("hosting provider"), max_length=200, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    content_md5 = models.CharField(max_length=32, blank=True)
    provenance = models.TextField(_("provenance"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    classification = models.CharField(_("classification"), max_length=100, blank=True)
    previous_package = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    mla_requests = models.ManyToManyField(
        "cases.MLARequest", related_name="evidence_packages", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    sealed_at = models.DateTimeField(null=True, blank=True)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    manifest = models.JSONField(null=True, blank=True)
    signature = models.CharField(max_length=128, blank=True)
    signing_key_id = models.CharField(max_length=64, blank=True)
    retain_until = models.DateField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    # What was destroyed, signed at the purge (evidence/verify.py --certificate checks it).
    purge_certificate = models.JSONField(null=True, blank=True)
    purge_signature = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("view_evidence_content", "Can view or download evidence content"),
            ("export_evidence", "Can export sealed evidence"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PackageStatus.values), name="package_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=PackageStatus.DRAFT)
                | (Q(sealed_at__isnull=False) & ~Q(signature="")),
                name="package_sealed_is_signed",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class EvidenceItem(models.Model):
    """A file stored encrypted at rest: AES-256-GCM in chunks under a per-file data key,
    itself wrapped by the KEK. Never written anywhere in clear."""

    package = models.ForeignKey(EvidencePackage, on_delete=models.PROTECT, related_name="items")
    file_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    original_name = models.CharField(max_length=255)
    storage_name = models.CharField(max_length=255, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    md5 = models.CharField(max_length=32)
    pdq = models.CharField(max_length=64, blank=True)
    wrapped_key = models.TextField(help_text=_("The data key, encrypted under a KEK."))
    chunk_size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return str(self.file_id)  # never the original name: it may describe the content

    @property
    def case_id(self) -> int:
        """The case its events belong to (the audit log files them there)."""
        return self.package.case_id


class PackageShare(models.Model):
    """A desk of the case other than the lead and the collector may read a package's
    content only once it is shared with that desk (each share and its withdrawal is a
    custody event). Membership of the case alone grants no content."""

    package = models.ForeignKey(EvidencePackage, on_delete=models.CASCADE, related_name="shares")
    desk = models.ForeignKey("liaison.LiaisonDesk", on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["granted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["package", "desk"],
                condition=Q(revoked_at__isnull=True),
                name="package_share_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.package} shared with {self.desk}"


class LegalHold(models.Model):
    """A package kept past its retention period (a court's order, an investigation, a
    complaint): no purge while a hold is in force, that is not lifted and, if it has an
    end date, not past it. Placed and lifted by an officer of the lead desk, or by the
    operator's command (``actor`` says who, as the audit log does)."""

    package = models.ForeignKey(EvidencePackage, on_delete=models.CASCADE, related_name="holds")
    reason = models.CharField(max_length=500)
    until = models.DateField(null=True, blank=True)
    placed_at = models.DateTimeField()
    placed_by = models.CharField(max_length=200)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.CharField(max_length=200, blank=True)
    lift_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["placed_at", "id"]

    def __str__(self) -> str:
        return f"Hold on {self.package}: {self.reason}"


class CustodyEvent(AppendOnlyModel):
    """Append-only and hash-chained per package: each event carries the previous one's hash."""

    package = models.ForeignKey(
        EvidencePackage, on_delete=models.PROTECT, related_name="custody_events"
    )
    sequence = models.PositiveIntegerField()
    action = models.CharField(max_length=12, choices=CustodyAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    authority = models.ForeignKey(
        "liaison.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The authority's name as it was: hashed into the chain, so a later rename of the
    # authority cannot change what was signed.
    authority_label = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    item = models.ForeignKey(
        EvidenceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    item_digest = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["package_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["package", "sequence"], name="custody_sequence_unique"),
            models.CheckConstraint(
                condition=Q(action__in=CustodyAction.values), name="custody_action_valid"
            ),
        ]
