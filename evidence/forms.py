from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.keys import receiving_authorities
from liaison.models import Authority, LiaisonDesk
from takedown.core.forms import StyledForm

from .access import shareable_desks
from .models import EvidencePackage


class PackageForm(forms.ModelForm):
    class Meta:
        model = EvidencePackage
        fields = [
            "collection_method",
            "collection_tool",
            "captured_at",
            "source_url",
            "hosting_ip",
            "hosting_asn",
            "hosting_provider",
            "content_sha256",
            "content_md5",
            "provenance",
            "legal_basis",
            "classification",
        ]
        widgets = {
            "captured_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "source_url": forms.TextInput(),
            "provenance": forms.Textarea(attrs={"rows": 2}),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from takedown.core.forms import style_widgets

        style_widgets(self)


class PackageNewForm(StyledForm):
    source_url = forms.CharField(label=_("Source URL"), required=False)


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Why"), max_length=500)


class HoldForm(StyledForm):
    """Keep the package past its retention period."""

    reason = forms.CharField(
        label=_("Why it is held"),
        max_length=500,
        help_text=_("The order or investigation that needs it, e.g. a court's reference."),
    )
    until = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to hold it until the hold is lifted."),
    )


class ShareForm(StyledForm):
    """Let another desk of the case read the package (the lead desk decides)."""

    desk = forms.ModelChoiceField(label=_("Share with"), queryset=LiaisonDesk.objects.none())
    reason = forms.CharField(label=_("Why"), max_length=500)

    def __init__(self, *args, package, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = shareable_desks(package)


class ExportForm(StyledForm):
    receiver = forms.ModelChoiceField(
        label=_("Receiving authority"),
        queryset=Authority.objects.none(),
        help_text=_("Authorities with a registered encryption key: the files go to it."),
        error_messages={
            "invalid_choice": _(
                "That authority has no encryption key to export to: it registers one "
                "first (or an operator creates one)."
            )
        },
    )
    reason = forms.CharField(label=_("Purpose of the export"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].queryset = (
            receiving_authorities().select_related("jurisdiction").order_by("jurisdiction", "name")
        )


class TransferForm(StyledForm):
    to_authority = forms.ModelChoiceField(
        label=_("To"), queryset=Authority.objects.select_related("jurisdiction")
    )
    reason = forms.CharField(label=_("Why"), max_length=500)
