from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportSource(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    PLATFORM_SELF_REPORT = "platform_self_report", _("Platform self-report")
    LAW_ENFORCEMENT = "law_enforcement", _("Law-enforcement referral")
    PUBLIC = "public", _("Public")


class Network(models.TextChoices):
    """Where an item is served from (cases/normalise.py gives each its one form)."""

    WEB = "web", _("Web")
    IPFS = "ipfs", _("IPFS")
    ONION = "onion", _("Onion service")
    TORRENT = "torrent", _("BitTorrent")


# Served by nobody a removal order can reach: the item goes to the reporting desk, for
# investigation or mutual legal assistance.
UNORDERABLE_NETWORKS = frozenset({Network.ONION, Network.TORRENT})


class HashListAction(models.TextChoices):
    ADDED = "added", _("Added")
    WITHDRAWN = "withdrawn", _("Withdrawn")


NETWORK_WIDE = "*"  # the hash list's scope of items illegal in any jurisdiction


class ItemStatus(models.TextChoices):
    ONLINE = "online", _("Online")
    REMOVED = "removed", _("Removed")
    DISABLED = "disabled", _("Disabled in some jurisdictions")
    NOT_FOUND = "not_found", _("Not found")
    VERIFIED_REMOVED = "verified_removed", _("Verified removed")


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGE = "triage", _("Triage")
    ASSESSED = "assessed", _("Assessed")
    ACTION = "action", _("Action under way")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    NOT_ILLEGAL = "not_illegal", _("Not illegal")
    MERGED = "merged", _("Merged")


OPEN_CASE_STATUSES = (CaseStatus.NEW, CaseStatus.TRIAGE, CaseStatus.ASSESSED, CaseStatus.ACTION)


class ParticipantRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTICIPANT = "participant", _("Participant")


class JoinStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the lead desk")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class AgeGroup(models.TextChoices):
    INFANT = "infant", _("Infant or toddler")
    PREPUBESCENT = "prepubescent", _("Prepubescent")
    PUBESCENT = "pubescent", _("Pubescent")
    UNCLEAR = "unclear", _("Unclear")


class Classification(models.TextChoices):
    ILLEGAL_ALL = "illegal_all", _("Illegal in every involved jurisdiction")
    ILLEGAL_SOME = "illegal_some", _("Illegal in some involved jurisdictions")
    ILLEGAL_NONE = "illegal_none", _("Illegal in none")


class Instrument(models.TextChoices):
    ORDER = "order", _("Direct takedown order")
    MLA = "mla", _("MLA request")
    NOTICE = "notice", _("Notice")
    NONE = "none", _("No action")


class OrderRequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class OrderKind(models.TextChoices):
    ORDER = "order", _("Removal order")
    NOTICE = "notice", _("Notice")


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    COMPLETED = "completed", _("Completed")
    CANNOT_COMPLY = "cannot_comply", _("Cannot comply")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Superseded")


class ResponseKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
    OUTCOME = "outcome", _("Item outcome")
    CANNOT_COMPLY = "cannot_comply", _("Cannot comply")
    CLARIFICATION = "clarification", _("Clarification question")
    OBJECTION = "objection", _("Objection")


class ItemOutcome(models.TextChoices):
    REMOVED = "removed", _("Removed")
    DISABLED = "disabled", _("Disabled in listed jurisdictions")
    NOT_FOUND = "not_found", _("Not found")


class CannotComplyGround(models.TextChoices):
    """Regulation (EU) 2021/784, Annex III."""

    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    DE_FACTO_IMPOSSIBILITY = "de_facto_impossibility", _("De facto impossibility")
    MANIFEST_ERROR = "manifest_error", _("Manifest error")
    INSUFFICIENT_INFORMATION = "insufficient_information", _("Insufficient information")


class CannotComplyResolution(models.TextChoices):
    """What the issuing authority makes of a cannot-comply report (``cannot_comply_resolve``)."""

    MAINTAIN = "maintain", _("Maintain the order (the clock resumes)")
    WITHDRAW = "withdraw", _("Withdraw the order")


class ObjectionResolution(models.TextChoices):
    UPHELD = "upheld", _("Upheld: order withdrawn")
    REJECTED = "rejected", _("Rejected: order stands")
    SUSPENDED = "suspended", _("Order suspended pending review")


class MLAKind(models.TextChoices):
    PRESERVATION = "preservation", _("Preservation")
    PRODUCTION = "production", _("Production of subscriber or traffic data")
    SEIZURE = "seizure", _("Seizure")
    ASSET_FREEZE = "asset_freeze", _("Freezing of proceeds")


class MLAUrgency(models.TextChoices):
    STANDARD = "standard", _("Standard")
    EMERGENCY = "emergency", _("Emergency")


class MLAStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    INFO_REQUESTED = "info_requested", _("More information requested")
    REFUSED = "refused", _("Refused")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VictimPreference(models.TextChoices):
    DIRECT = "direct", _("Direct")
    SURROGATE = "surrogate", _("Through a support organisation")
    OPT_OUT = "opt_out", _("Opt-out: no notices")


class PublicCategory(models.TextChoices):
    """What a member of the public says the material shows, in their words, not the
    assessment's categories (an officer assesses)."""

    ABUSE = "abuse", _("A child being sexually abused")
    SEXUALISED = "sexualised", _("Sexualised pictures or videos of a child")
    GROOMING = "grooming", _("Someone trying to draw a child into sexual contact")
    SEXTORTION = "sextortion", _("Threats to share intimate pictures of a young person")
    OTHER = "other", _("Something else that harms a child")


class SurvivorRelation(models.TextChoices):
    SELF = "self", _("It shows me")
    CHILD = "child", _("It shows my child, or a child I care for")


class PublicStage(models.TextChoices):
    """What someone who reported from the public page is told about an address."""

    RECEIVED = "received", _("Received")
    ASSESSING = "assessing", _("Being assessed")
    ACTION_TAKEN = "action_taken", _("Action taken")
    CLOSED = "closed", _("Closed")


class VictimMessageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft, awaiting review")
    APPROVED = "approved", _("Approved and queued")
    DISCARDED = "discarded", _("Discarded")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Refused: nothing imported")
