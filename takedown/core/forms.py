from django import forms


def style_widgets(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget, so templates stay plain."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select form-select-sm"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if field.help_text:
            widget.attrs.setdefault("aria-describedby", f"id_{name}_help")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class CodeForm(forms.Form):
    """A second-factor code (TOTP or recovery); an empty or overlong one simply fails."""

    code = forms.CharField(max_length=64, required=False)

    def value(self) -> str:
        return self.cleaned_data["code"] if self.is_valid() else ""


class SessionEndForm(forms.Form):
    """Which session to end: a record id, or "others"."""

    session = forms.RegexField(regex=r"^(others|\d{1,18})$")

    def value(self) -> str | None:
        return self.cleaned_data["session"] if self.is_valid() else None
