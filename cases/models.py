"""The work: reports, items, cases, assessments, orders, platform responses, MLA
requests and victim notices. State changes go through cases/services.py."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from deadlines.models import Deadline
from liaison.choices import DepictionType, VictimNotificationRule
from takedown.core.fields import EncryptedTextField
from takedown.core.transitions import Versioned

from .choices import (
    UNORDERABLE_NETWORKS,
    AgeGroup,
    CannotComplyGround,
    CaseStatus,
    Classification,
    HashListAction,
    ImportStatus,
    ItemOutcome,
    ItemStatus,
    JoinStatus,
    MLAKind,
    MLAStatus,
    MLAUrgency,
    Network,
    ObjectionResolution,
    OrderKind,
    OrderRequestStatus,
    OrderStatus,
    ParticipantRole,
    PublicCategory,
    ReportSource,
    ResponseKind,
    SurvivorRelation,
    VictimMessageStatus,
    VictimPreference,
)

hex_sha256 = RegexValidator(r"^[0-9a-f]{64}$", _("A SHA-256 is 64 lowercase hex digits."))
hex_md5 = RegexValidator(r"^[0-9a-f]{32}$", _("An MD5 is 32 lowercase hex digits."))
hex_pdq = RegexValidator(r"^[0-9a-f]{64}$", _("A PDQ hash is 64 lowercase hex digits."))


def deadline_relation():
    return GenericRelation(
        Deadline, content_type_field="subject_type", object_id_field="subject_id"
    )


class Case(Versioned, models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    lead_desk = models.ForeignKey(
        "liaison.LiaisonDesk", on_delete=models.PROTECT, related_name="led_cases"
    )
    desks = models.ManyToManyField(
        "liaison.LiaisonDesk", through="CaseParticipant", related_name="cases"
    )
    acute = models.BooleanField(_("acute"), default=False)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    summary = models.TextField(_("summary"), blank=True)
    classification = models.CharField(
        _("classification"), max_length=14, choices=Classification.choices, blank=True
    )
    # The binding time that orders the triage queue (assessment due, then final order due).
    queue_due_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("received"))
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    deadlines = deadline_relation()

    class Meta:
        ordering = ["-acute", "queue_due_at", "id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["status", "created_at"], name="case_status_idx"),
            # The triage queue's order, over open cases only: a page is a short index walk.
            models.Index(
                F("acute").desc(),
                "queue_due_at",
                "id",
                condition=Q(status__in=["new", "triage", "assessed", "action"]),
                name="case_open_queue_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.MERGED, merged_into__isnull=False)
                | (~Q(status=CaseStatus.MERGED) & Q(merged_into__isnull=True)),
                name="case_merged_points_to_survivor",
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=5), name="case_priority_range"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseParticipant(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    desk = models.ForeignKey("liaison.LiaisonDesk", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=ParticipantRole.choices)
    joined_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "desk"], name="participant_unique"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(role="lead"), name="participant_one_lead"
            ),
        ]
        indexes = [models.Index(fields=["desk", "case"], name="participant_desk_idx")]

    def __str__(self) -> str:
        return f"{self.desk} ({self.role}) in case {self.case_id}"


class JoinRequest(models.Model):
    """A desk whose report matched a case it is not on asks to join it. Until the lead
    desk accepts (cases/transitions.JOIN), the desk knows the reference and the lead
    jurisdiction only: a URL or hash, which circulate widely, grants nothing by itself."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="join_requests")
    desk = models.ForeignKey("liaison.LiaisonDesk", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey("Report", on_delete=models.CASCADE, related_name="join_requests")
    status = models.CharField(max_length=10, choices=JoinStatus.choices, default=JoinStatus.PENDING)
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "desk"], condition=Q(status="pending"), name="join_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(status__in=JoinStatus.values), name="join_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.desk} asks to join case {self.case_id}"


class ReportedItem(models.Model):
    """A URL and/or content hashes. One item may be named by many reports: that is how
    the same URL reported from two countries becomes one piece of work."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="items")
    url = models.TextField(_("URL as given"), blank=True)
    normalized_url = models.TextField(_("normalised URL"), blank=True)
    url_digest = models.CharField(max_length=64, blank=True)
    domain = models.CharField(_("domain"), max_length=253, blank=True, db_index=True)
    network = models.CharField(
        _("network"), max_length=8, choices=Network.choices, default=Network.WEB
    )
    platform = models.ForeignKey(
        "liaison.Platform", on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    hosting_jurisdiction = models.ForeignKey(
        "liaison.Jurisdiction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hosting_ip = models.GenericIPAddressField(_("hosting IP"), null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, validators=[hex_sha256])
    md5 = models.CharField(max_length=32, blank=True, validators=[hex_md5])
    pdq = models.CharField(_("PDQ hash"), max_length=64, blank=True, validators=[hex_pdq])
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.ONLINE
    )
    disabled_in = models.CharField(
        _("disabled in"), max_length=200, blank=True, help_text=_("Comma-separated codes.")
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        verbose_name = _("reported item")
        verbose_name_plural = _("reported items")
        indexes = [
            models.Index(fields=["sha256"], condition=~Q(sha256=""), name="item_sha256_idx"),
            models.Index(fields=["md5"], condition=~Q(md5=""), name="item_md5_idx"),
            models.Index(fields=["case", "status"], name="item_case_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url_digest"], condition=~Q(url_digest=""), name="item_url_unique"
            ),
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(sha256="") | ~Q(md5=""),
                name="item_has_url_or_hash",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ItemStatus.values), name="item_status_valid"
            ),
        ]

    def __str__(self) -> str:
        if self.url:
            return self.url
        return f"sha256:{self.sha256}" if self.sha256 else f"md5:{self.md5}"

    @property
    def network_note(self) -> str:
        """What the network it is served from means for the officer ("" for the web)."""
        if self.network in UNORDERABLE_NETWORKS:
            return str(_("No platform can be ordered: investigation or mutual legal assistance."))
        if self.network == Network.IPFS:
            return str(_("IPFS content: one item through every gateway."))
        return ""


class HashListChange(models.Model):
    """The stay-down hash list as a log, per scope (``*`` network-wide, or a jurisdiction
    where the material is illegal): an item confirmed illegal is added, and withdrawn if
    its case is later found not illegal. Hashes only: never a URL, never content.
    Platforms pull it from a checkpoint (the last change id they saw); ``current`` marks
    each item's latest change in a scope, for the snapshot."""

    item = models.ForeignKey(ReportedItem, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=2)
    action = models.CharField(max_length=10, choices=HashListAction.choices)
    sha256 = models.CharField(max_length=64, blank=True)
    md5 = models.CharField(max_length=32, blank=True)
    pdq = models.CharField(max_length=64, blank=True)
    classification = models.CharField(max_length=14, choices=Classification.choices)
    illegal_in = models.JSONField(default=list)
    first_seen = models.DateTimeField()
    created_at = models.DateTimeField()
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["scope", "id"], name="hashlist_scope_idx"),
            models.Index(
                fields=["scope", "id"], condition=Q(current=True), name="hashlist_current_idx"
            ),
            models.Index(fields=["item", "scope"], name="hashlist_item_idx"),
            # The stay-down match of a new case: the same file among the current entries.
            models.Index(
                fields=["sha256"],
                condition=Q(current=True) & ~Q(sha256=""),
                name="hashlist_sha256_idx",
            ),
            models.Index(
                fields=["md5"], condition=Q(current=True) & ~Q(md5=""), name="hashlist_md5_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "scope"], condition=Q(current=True), name="hashlist_one_current"
            ),
            models.CheckConstraint(
                condition=Q(action__in=HashListAction.values), name="hashlist_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} item {self.item_id} ({self.scope})"


class Report(models.Model):
    """One submission, by an officer, an intake partner or a platform."""

    source = models.CharField(_("source"), max_length=24, choices=ReportSource.choices)
    reporting_jurisdiction = models.ForeignKey(
        "liaison.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    partner = models.ForeignKey(
        "liaison.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    platform = models.ForeignKey(
        "liaison.Platform",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="self_reports",
    )
    external_reference = models.CharField(_("your reference"), max_length=100, blank=True)
    acute = models.BooleanField(_("acute"), default=False)
    summary = models.TextField(_("summary"), blank=True)
    received_at = models.DateTimeField(_("received"))
    items = models.ManyToManyField(ReportedItem, through="ReportItem", related_name="reports")

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["partner", "-received_at"], name="report_partner_idx"),
            models.Index(fields=["platform", "-received_at"], name="report_platform_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=ReportSource.values), name="report_source_valid"
            ),
            models.CheckConstraint(  # a public report's sender has no account
                condition=Q(submitted_by__isnull=False)
                | Q(partner__isnull=False)
                | Q(platform__isnull=False)
                | Q(source=ReportSource.PUBLIC),
                name="report_has_submitter",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} from {self.reporting_jurisdiction_id}"


class PublicReport(models.Model):
    """What someone without an account said on the public page beyond the addresses, and
    how they follow it up: a code shown to them once, kept only as its SHA-256."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="public")
    code_hash = models.CharField(max_length=64, unique=True)
    categories = models.JSONField(_("what it shows"), default=list)
    contact = EncryptedTextField(_("how to reach the reporter"), blank=True)
    survivor = models.CharField(
        _("the reporter is shown"), max_length=5, choices=SurvivorRelation.choices, blank=True
    )
    language = models.CharField(max_length=10)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(survivor="") | Q(survivor__in=SurvivorRelation.values),
                name="public_report_survivor_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Public report {self.pk}"

    def category_labels(self) -> list[str]:
        return [str(PublicCategory(code).label) for code in self.categories]


class ProtectedSource(models.Model):
    """A reporter who must not be exposed: a whistleblower or an informant. Who they are
    is encrypted, read only by the lead desk's source handlers (each read audited), and
    carried nowhere else: not in the timeline, the audit data, exports, platform payloads,
    partner answers or the admin."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="protected_source")
    name = EncryptedTextField(_("name"), blank=True)
    contact = EncryptedTextField(_("contact"), blank=True)
    how_they_know = EncryptedTextField(_("how they know"), blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        permissions = [("handle_protected_sources", "Can see who a protected source is")]

    def __str__(self) -> str:
        return f"Protected source {self.pk}"  # never the identity


class PublicReportNote(models.Model):
    """Information the reporter added later, with their follow-up code."""

    public_report = models.ForeignKey(PublicReport, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("information added"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note {self.pk} on public report {self.public_report_id}"


class ReportItem(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(ReportedItem, on_delete=models.PROTECT, related_name="report_lines")
    position = models.PositiveIntegerField()
    matched_by = models.CharField(
        max_length=10,
        blank=True,
        help_text=_("url, sha256 or md5 when it joined an existing item."),
    )

    class Meta:
        ordering = ["report_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="report_line_unique"),
        ]

    def __str__(self) -> str:
        return f"Report {self.report_id} line {self.position}"


class Assessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    depiction_type = models.CharField(max_length=12, choices=DepictionType.choices)
    age_group = models.CharField(max_length=14, choices=AgeGroup.choices)
    severity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    categories = models.JSONField(default=list, blank=True)
    risk_score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    notes = models.TextField(blank=True)
    suggested_classification = models.CharField(max_length=14, choices=Classification.choices)
    classification = models.CharField(max_length=14, choices=Classification.choices)
    # Per involved jurisdiction: {"DE": {"criminal": true, "instrument": "order"}, ...}
    matrix = models.JSONField(default=dict)
    # Confirmed from the stay-down list without viewing the material: never the seed of a
    # further near match (cases/selectors.py: stay_down_match).
    from_stay_down = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=5), name="assessment_severity_range"
            ),
            models.CheckConstraint(condition=Q(risk_score__lte=100), name="assessment_risk_range"),
            models.CheckConstraint(
                condition=Q(depiction_type__in=DepictionType.values),
                name="assessment_depiction_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment of case {self.case_id}: {self.classification}"


class OrderRequest(models.Model):
    """An officer asks the prosecutors of an authority that may act to issue an order."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="order_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    authority = models.ForeignKey(
        "liaison.Authority", on_delete=models.PROTECT, related_name="order_requests"
    )
    platform = models.ForeignKey("liaison.Platform", on_delete=models.PROTECT, related_name="+")
    items = models.ManyToManyField(ReportedItem, related_name="order_requests")
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=OrderRequestStatus.choices, default=OrderRequestStatus.OPEN
    )
    created_at = models.DateTimeField()
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["authority", "status", "created_at"], name="orderrequest_queue_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderRequestStatus.values), name="orderrequest_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Order request {self.pk} for case {self.case_id}"


class TakedownOrder(models.Model):
    """A removal order (binding) or a notice, with the fields of Regulation (EU)
    2021/784 Annex I, signed over its canonical JSON form."""

    kind = models.CharField(max_length=8, choices=OrderKind.choices)
    reference = models.CharField(max_length=40, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="orders")
    request = models.ForeignKey(
        OrderRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    issuing_authority = models.ForeignKey(
        "liaison.Authority", on_delete=models.PROTECT, related_name="issued_orders"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    platform = models.ForeignKey(
        "liaison.Platform", on_delete=models.PROTECT, related_name="orders"
    )
    items = models.ManyToManyField(ReportedItem, related_name="orders")
    legal_basis = models.TextField()
    reasons = models.TextField()
    contact_point = models.TextField()
    preservation_instruction = models.TextField(blank=True)
    note = models.TextField(blank=True)
    issued_at = models.DateTimeField()
    # When version 1 was issued: the platform's clocks run from then, amendments or not.
    first_issued_at = models.DateTimeField(null=True, blank=True, db_index=True)
    removal_due_at = models.DateTimeField()
    status = models.CharField(
        max_length=14, choices=OrderStatus.choices, default=OrderStatus.ISSUED
    )
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    suspended = models.BooleanField(default=False)
    withdrawn_reason = models.TextField(blank=True)
    signed_payload = models.JSONField(default=dict)
    signature = models.CharField(max_length=128, blank=True)
    signing_key_id = models.CharField(max_length=64, blank=True)
    is_sandbox = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every move of the order (the transition table writes it): with its
    # answers' times, the platform's changes feed (``updated_since``).
    updated_at = models.DateTimeField(auto_now=True)

    deadlines = deadline_relation()

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["platform", "-issued_at", "-id"], name="order_platform_idx"),
            models.Index(fields=["issuing_authority", "status"], name="order_authority_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrderKind.values), name="order_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(removal_due_at__gte=models.F("issued_at")), name="order_due_after_issue"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class PlatformResponse(models.Model):
    """What a platform said about an order, and the prosecutor's answer where one is due."""

    order = models.ForeignKey(TakedownOrder, on_delete=models.PROTECT, related_name="responses")
    kind = models.CharField(max_length=16, choices=ResponseKind.choices)
    item = models.ForeignKey(
        ReportedItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=ItemOutcome.choices, blank=True)
    disabled_in = models.CharField(max_length=200, blank=True)
    happened_at = models.DateTimeField(null=True, blank=True)
    ground = models.CharField(max_length=24, choices=CannotComplyGround.choices, blank=True)
    message = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, choices=ObjectionResolution.choices, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["order", "kind"],
                condition=Q(answered_at__isnull=True),
                name="response_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ResponseKind.values), name="response_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=ResponseKind.OUTCOME) | (Q(item__isnull=False) & ~Q(outcome="")),
                name="response_outcome_names_item",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ResponseKind.CANNOT_COMPLY) | ~Q(ground=""),
                name="response_cannot_comply_has_ground",
            ),
            models.UniqueConstraint(
                fields=["order", "item"],
                condition=Q(kind="outcome"),
                name="response_one_outcome_per_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on order {self.order_id}"


class MLARequest(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="mla_requests")
    requesting_authority = models.ForeignKey(
        "liaison.Authority", on_delete=models.PROTECT, related_name="mla_sent"
    )
    requested_authority = models.ForeignKey(
        "liaison.Authority", on_delete=models.PROTECT, related_name="mla_received"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=14, choices=MLAKind.choices)
    urgency = models.CharField(
        max_length=10, choices=MLAUrgency.choices, default=MLAUrgency.STANDARD
    )
    legal_basis = models.TextField()
    description = models.TextField()
    items = models.ManyToManyField(ReportedItem, related_name="mla_requests", blank=True)
    status = models.CharField(max_length=16, choices=MLAStatus.choices, default=MLAStatus.DRAFT)
    preserve_until = models.DateField(null=True, blank=True)
    preservation_scope = models.TextField(blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    deadlines = deadline_relation()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_authority", "status"], name="mla_inbox_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MLAStatus.values), name="mla_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=MLAKind.values), name="mla_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=MLAKind.PRESERVATION)
                | Q(status=MLAStatus.DRAFT)
                | Q(preserve_until__isnull=False),
                name="mla_preservation_has_until",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class MLAMessage(models.Model):
    """A step in an MLA exchange: acceptance, information request, refusal, reply, answer."""

    request = models.ForeignKey(MLARequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_authority = models.ForeignKey(
        "liaison.Authority", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=MLAStatus.choices)
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.request_id}"


class VictimNotice(models.Model):
    """An identified victim or representative: minimal data, encrypted at rest."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="victim_notices")
    pseudonym = EncryptedTextField(_("name or pseudonym"))
    contact_details = EncryptedTextField(_("contact details"), blank=True)
    preference = models.CharField(max_length=10, choices=VictimPreference.choices)
    support_organisation = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, default="en")
    channel = models.CharField(max_length=20, default="email")
    rule = models.CharField(max_length=20, choices=VictimNotificationRule.choices)
    conflict_decision = models.CharField(max_length=20, blank=True)
    conflict_reason = models.TextField(blank=True)
    # An officer, or nobody when the survivor recorded it on the public page.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    public_report = models.ForeignKey(
        PublicReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        permissions = [("view_victim_data", "Can see victim data")]
        constraints = [
            models.CheckConstraint(
                condition=Q(preference__in=VictimPreference.values), name="victim_preference_valid"
            ),
            models.CheckConstraint(
                condition=~Q(preference=VictimPreference.SURROGATE) | ~Q(support_organisation=""),
                name="victim_surrogate_names_org",
            ),
        ]

    def __str__(self) -> str:
        return f"Victim notice {self.pk} (case {self.case_id})"

    @property
    def opted_out(self) -> bool:
        """Nothing is ever drafted or sent to a victim who opted out."""
        return self.preference == VictimPreference.OPT_OUT


class VictimMessage(models.Model):
    """A drafted notice for a milestone, reviewed by an officer before it goes out."""

    notice = models.ForeignKey(VictimNotice, on_delete=models.CASCADE, related_name="messages")
    milestone = models.CharField(max_length=30)
    body = EncryptedTextField()
    status = models.CharField(
        max_length=10, choices=VictimMessageStatus.choices, default=VictimMessageStatus.DRAFT
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    notification = models.ForeignKey(
        "deadlines.Notification", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "milestone"], name="victim_message_once"),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} notice ({self.status})"

    @property
    def case_id(self) -> int:
        """The case its events belong to (the audit log files them there)."""
        return self.notice.case_id


class BulkImport(models.Model):
    """A CSV file of items, imported whole or not at all, by a background task when large.
    Progress lives in the cache (outside the import's transaction); the result here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=24, choices=ReportSource.choices)
    reporting_jurisdiction = models.ForeignKey(
        "liaison.Jurisdiction", on_delete=models.PROTECT, related_name="+"
    )
    acute = models.BooleanField(default=False)
    summary = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    partner = models.ForeignKey(
        "liaison.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    platform = models.ForeignKey(
        "liaison.Platform", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    api_key = models.ForeignKey(
        "liaison.ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(max_length=255, blank=True)
    csv_text = models.TextField(blank=True, help_text=_("Cleared once imported."))
    row_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    result = models.JSONField(default=dict, blank=True)
    report = models.OneToOneField(
        Report, on_delete=models.PROTECT, null=True, blank=True, related_name="bulk_import"
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="import_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="import_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def succeeded(self) -> bool:
        return self.status == ImportStatus.DONE

    @property
    def failed(self) -> bool:
        return self.status == ImportStatus.FAILED
