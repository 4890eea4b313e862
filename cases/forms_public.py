"""The public report page's forms: plain words, no account, no script needed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import PublicCategory, SurvivorRelation, VictimPreference
from cases.services.intake import SourceIdentity
from cases.services.public import MAX_ADDRESSES, MAX_TEXT, PublicReportInput, Survivor
from liaison.models import Jurisdiction
from takedown.core.forms import StyledForm

PREFERENCES = [
    (VictimPreference.DIRECT, _("Tell me directly")),
    (VictimPreference.SURROGATE, _("Tell a support organisation that helps me")),
    (VictimPreference.OPT_OUT, _("Do not contact me")),
]


class PublicReportForm(StyledForm):
    reporting_jurisdiction = forms.ModelChoiceField(
        label=_("The country you are reporting to"),
        help_text=_("Usually where you live. Its team takes your report first."),
        queryset=Jurisdiction.objects.filter(in_network=True).order_by("name"),
        to_field_name="code",
        empty_label=_("Choose a country"),
    )
    items = forms.CharField(
        label=_("Web addresses, one per line"),
        help_text=_(
            "Copy each address from the browser's address bar. This page never opens it. "
            "Do not send the pictures or videos themselves: we do not need them."
        ),
        max_length=MAX_ADDRESSES * 2100,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
    )
    categories = forms.MultipleChoiceField(
        label=_("What does it show?"),
        choices=PublicCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("Anything else that helps (optional)"),
        help_text=_("Where you saw it, when, and who may be involved."),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact = forms.CharField(
        label=_("How we can reach you (optional)"),
        help_text=_(
            "An email address or telephone number, only if you want to be contacted. It is "
            "stored encrypted and seen only by the officers handling your report."
        ),
        max_length=300,
        required=False,
    )
    protect = forms.BooleanField(
        label=_("I am a whistleblower or an informant: protect who I am"),
        required=False,
        help_text=_(
            "Your name, your contact and how you know are then kept apart from the report. "
            "Only a few specially authorised officers can look them up, and every look-up "
            "is recorded. They are never passed to the platform or to another country."
        ),
    )
    source_name = forms.CharField(
        label=_("Your name (protected, optional)"), max_length=2000, required=False
    )
    how_they_know = forms.CharField(
        label=_("How you know about it (protected, optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    survivor = forms.ChoiceField(
        label=_("Does it show you or your child?"),
        choices=[("", _("No")), *SurvivorRelation.choices],
        required=False,
        initial="",
        widget=forms.RadioSelect,
        help_text=_(
            "If it does, your report is handled first, and you can say how you wish to be "
            "told what happens."
        ),
    )
    preference = forms.ChoiceField(
        label=_("How should we tell you what happens?"),
        choices=PREFERENCES,
        required=False,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(
        label=_("A name or pseudonym we may use (optional)"), max_length=200, required=False
    )
    support_organisation = forms.CharField(
        label=_("The support organisation (if you chose one)"), max_length=200, required=False
    )

    SOURCE_FIELDS = ("protect", "source_name", "how_they_know")
    SURVIVOR_FIELDS = ("preference", "name", "support_organisation")

    def main_fields(self):
        grouped = self.SOURCE_FIELDS + self.SURVIVOR_FIELDS
        return [f for f in self.visible_fields() if f.name not in grouped]

    def source_fields(self):
        return [self[name] for name in self.SOURCE_FIELDS]

    def survivor_fields(self):
        return [self[name] for name in self.SURVIVOR_FIELDS]

    def report_input(self) -> PublicReportInput:
        data = self.cleaned_data
        survivor = None
        if data["survivor"]:
            survivor = Survivor(
                relation=data["survivor"],
                preference=data["preference"],
                name=data["name"],
                support_organisation=data["support_organisation"],
            )
        return PublicReportInput(
            jurisdiction=data["reporting_jurisdiction"].code,
            addresses=[line.strip() for line in data["items"].splitlines() if line.strip()],
            categories=data["categories"],
            description=data["description"],
            contact=data["contact"],
            survivor=survivor,
            source=SourceIdentity(
                name=data["source_name"],
                contact=data["contact"],
                how_they_know=data["how_they_know"],
            )
            if data["protect"]
            else None,
        )


class FollowUpForm(StyledForm):
    code = forms.CharField(
        label=_("Your follow-up code"),
        help_text=_("The code you were given when you sent the report, e.g. 7K2M-…"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class AddInformationForm(FollowUpForm):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    text = forms.CharField(
        label=_("Information to add"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
