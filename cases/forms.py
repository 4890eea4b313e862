import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from liaison.choices import DepictionType
from liaison.models import Authority, Jurisdiction, LiaisonDesk
from takedown.core.forms import StyledForm

from .choices import (
    AgeGroup,
    Classification,
    MLAKind,
    MLAUrgency,
    OrderKind,
    ReportSource,
    VictimPreference,
)
from .models import CaseParticipant
from .services.intake import MAX_SOURCE_TEXT, ItemInput, SourceIdentity
from .submitters import Submitter

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_MD5 = re.compile(r"^[0-9a-fA-F]{32}$")


class VersionedForm(StyledForm):
    """Carries the case version the officer saw, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class OwnJurisdictionField(forms.ModelChoiceField):
    """The sender's own jurisdictions only (``Submitter.own_jurisdictions``); the form
    narrows the choices in ``for_sender``."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Reporting jurisdiction"),
            queryset=Jurisdiction.objects.none(),
            help_text=_("Reports come from your own desk's jurisdiction."),
            **kwargs,
        )


class SenderForm(StyledForm):
    """A report form whose jurisdiction choices are the sender's own."""

    def __init__(self, *args, sender, **kwargs):
        super().__init__(*args, **kwargs)
        own = Submitter.of(sender).own_jurisdictions()
        field = self.fields["reporting_jurisdiction"]
        field.queryset = Jurisdiction.objects.filter(code__in=own)
        if len(own) == 1:
            field.initial = own[0]


class ReportForm(SenderForm):
    source = forms.ChoiceField(
        label=_("Source"), choices=ReportSource.choices, initial=ReportSource.LAW_ENFORCEMENT
    )
    reporting_jurisdiction = OwnJurisdictionField()
    acute = forms.BooleanField(label=_("Acute (ongoing abuse or a child at risk)"), required=False)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    items = forms.CharField(
        label=_("URLs or hashes"),
        help_text=_(
            "One per line: a URL (http or https, also .onion), an ipfs:// or ipns:// address, "
            "a magnet link, a SHA-256 (64 hex) or an MD5 (32 hex). Addresses are stored as "
            "text and never opened."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
    )

    protect = forms.BooleanField(
        label=_("The reporter is a protected source (whistleblower or informant)"),
        required=False,
        help_text=_(
            "Who they are is then kept apart: only the lead desk's source handlers can look "
            "it up, and each look-up is logged."
        ),
    )
    source_name = forms.CharField(
        label=_("Source's name"), max_length=MAX_SOURCE_TEXT, required=False
    )
    source_contact = forms.CharField(
        label=_("How to reach the source"), max_length=MAX_SOURCE_TEXT, required=False
    )
    how_they_know = forms.CharField(
        label=_("How the source knows"),
        max_length=MAX_SOURCE_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def protected_source(self) -> SourceIdentity | None:
        data = self.cleaned_data
        if not data["protect"]:
            return None
        return SourceIdentity(
            name=data["source_name"],
            contact=data["source_contact"],
            how_they_know=data["how_they_know"],
        )

    def item_inputs(self) -> list[ItemInput]:
        inputs = []
        for line in self.cleaned_data["items"].splitlines():
            line = line.strip()
            if not line:
                continue
            if _SHA256.match(line):
                inputs.append(ItemInput(sha256=line))
            elif _MD5.match(line):
                inputs.append(ItemInput(md5=line))
            else:
                inputs.append(ItemInput(url=line))
        return inputs


class AssignForm(VersionedForm):
    assignee = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AssessmentForm(VersionedForm):
    depiction_type = forms.ChoiceField(label=_("Depiction type"), choices=DepictionType.choices)
    age_group = forms.ChoiceField(label=_("Apparent age group"), choices=AgeGroup.choices)
    severity = forms.IntegerField(label=_("Severity (1–5)"), min_value=1, max_value=5)
    risk_score = forms.IntegerField(label=_("Risk score (0–100)"), min_value=0, max_value=100)
    categories = forms.CharField(
        label=_("Categories"), required=False, help_text=_("Comma-separated.")
    )
    classification = forms.ChoiceField(
        label=_("Classification"),
        choices=[("", _("Accept the suggestion from the matrix")), *Classification.choices],
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def category_list(self) -> list[str]:
        return [c.strip() for c in self.cleaned_data["categories"].split(",") if c.strip()]


class CloseForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why is the material not illegal?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(VersionedForm):
    other = forms.CharField(
        label=_("Merge this other case into this one (reference)"), max_length=20
    )
    other_version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SplitForm(VersionedForm):
    items = forms.TypedMultipleChoiceField(
        label=_("Items to move to a new case"),
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, item_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices


class OrderRequestForm(VersionedForm):
    platform = forms.IntegerField(widget=forms.HiddenInput)
    items = forms.TypedMultipleChoiceField(label=_("Items"), coerce=int, choices=[])
    note = forms.CharField(
        label=_("Note to the prosecutor"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, item_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices


class BulkImportForm(SenderForm):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Header row with columns from: url, sha256, md5, pdq, hosting_country, hosting_ip. "
            "The whole file is imported, or nothing is."
        ),
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=ReportSource.choices, initial=ReportSource.HOTLINE
    )
    reporting_jurisdiction = OwnJurisdictionField()
    acute = forms.BooleanField(label=_("Acute"), required=False)
    summary = forms.CharField(label=_("Summary"), required=False)


class OrderIssueForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=OrderKind.choices,
        initial=OrderKind.ORDER,
        help_text=_("A notice where no binding order can be issued."),
    )
    items = forms.TypedMultipleChoiceField(
        label=_("URLs"), coerce=int, choices=[], widget=forms.CheckboxSelectMultiple
    )
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}))
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    contact_point = forms.CharField(
        label=_("Contact point"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who the platform contacts about this order, 24/7."),
    )
    preservation_instruction = forms.CharField(
        label=_("Preservation instruction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the platform must keep (content and related data) and for how long."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, item_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices


class OrderAmendForm(StyledForm):
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}))
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    contact_point = forms.CharField(
        label=_("Contact point"), widget=forms.Textarea(attrs={"rows": 2})
    )
    preservation_instruction = forms.CharField(
        label=_("Preservation instruction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(StyledForm):
    answer = forms.CharField(
        label=_("Answer to the platform"), widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.ChoiceField(label=_("Decision"), required=False, choices=[])

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        if decisions:
            self.fields["decision"].choices = decisions
            self.fields["decision"].required = True
        else:
            del self.fields["decision"]


class VerifyForm(StyledForm):
    removed = forms.TypedChoiceField(
        coerce=lambda v: v == "yes", choices=[("yes", "yes"), ("no", "no")]
    )
    note = forms.CharField(required=False)


class MLAForm(StyledForm):
    requested_authority = forms.ModelChoiceField(
        label=_("Requested authority"), queryset=Authority.objects.select_related("jurisdiction")
    )
    kind = forms.ChoiceField(label=_("Kind of assistance"), choices=MLAKind.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=MLAUrgency.choices)
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(label=_("Request"), widget=forms.Textarea(attrs={"rows": 8}))
    items = forms.TypedMultipleChoiceField(
        label=_("Items concerned"),
        coerce=int,
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preserve_until = forms.DateField(
        label=_("Preserve until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For preservation: the data must be kept until this date."),
    )
    preservation_scope = forms.CharField(
        label=_("What must be kept"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, item_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices


class MLAResponseForm(StyledForm):
    action = forms.ChoiceField(
        label=_("Response"),
        choices=[
            ("accepted", _("Accept")),
            ("info_requested", _("Ask for more information")),
            ("refused", _("Refuse (give grounds)")),
            ("answered", _("Answer (the assistance is given)")),
        ],
    )
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseResolvedForm(VersionedForm):
    reason = forms.CharField(label=_("Note"), required=False, max_length=500)


class MLATextForm(StyledForm):
    """A reply, or why a request is withdrawn."""

    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))


class VictimReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("discard", _("Discard"))]
    )
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea)


class HandoverForm(StyledForm):
    to_desk = forms.ModelChoiceField(
        label=_("Hand the lead to"), queryset=LiaisonDesk.objects.select_related("authority")
    )
    # As long as the column it is stored in (CaseParticipant.reason), not longer.
    reason = forms.CharField(
        label=_("Why"), max_length=CaseParticipant._meta.get_field("reason").max_length
    )


class JoinDecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Let the desk in")), ("decline", _("Decline"))]
    )
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)


class VictimNoticeForm(StyledForm):
    pseudonym = forms.CharField(label=_("Name or pseudonym"), max_length=200)
    preference = forms.ChoiceField(
        label=_("Notification preference"), choices=VictimPreference.choices
    )
    contact_details = forms.CharField(
        label=_("Where notices go"),
        required=False,
        help_text=_(
            "The victim's address, or the support organisation's (surrogate). Nothing for opt-out."
        ),
    )
    support_organisation = forms.CharField(
        label=_("Support organisation"), required=False, max_length=200
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        initial="en",
        help_text=_("Notices to the victim are written in it."),
    )
    decision = forms.ChoiceField(
        label=_("Where the rule and the preference conflict"),
        required=False,
        choices=[
            ("", "—"),
            ("follow_rule", _("Follow the jurisdiction's rule")),
            ("follow_preference", _("Follow the victim's preference")),
        ],
    )
    decision_reason = forms.CharField(
        label=_("Reason for the decision"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
