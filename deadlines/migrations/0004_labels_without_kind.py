"""A clock's label is what it guards ("TD-2026-000005"), in no language; its kind is
said beside it in the reader's language (Deadline.title). Earlier labels ended in the
kind's name, lower-cased, in the language of whoever started the clock: strip it."""

from django.conf import settings
from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Length, Replace, Substr
from django.utils import translation

# Endings written as words, not from the kind's name.
LITERAL = {"verification": " verification", "mla_response": " response"}
KINDS = {
    "assessment": "Assessment",
    "final_order": "Final order",
    "acknowledgement": "Platform acknowledgement",
    "removal": "Removal",
}


def _endings() -> dict[str, set[str]]:
    endings = {kind: {ending} for kind, ending in LITERAL.items()}
    for kind, name in KINDS.items():
        endings[kind] = set()
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                endings[kind].add(" " + translation.gettext(name).lower())
    return endings


def strip_kind(apps, schema_editor):
    Deadline = apps.get_model("deadlines", "Deadline")
    for kind, endings in _endings().items():
        for ending in endings:
            Deadline.objects.filter(kind=kind, label__endswith=ending).update(
                label=Substr("label", 1, Length("label") - len(ending))
            )
    # "TD-…: Desk NL asks to join" -> "TD-…, Desk NL"
    joins = Deadline.objects.filter(kind="join_decision", label__endswith=" asks to join")
    joins.update(label=Substr("label", 1, Length("label") - len(" asks to join")))
    Deadline.objects.filter(kind="join_decision", label__contains=": ").update(
        label=Replace(F("label"), Value(": "), Value(", "))
    )


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0003_cancel_reason")]

    operations = [migrations.RunPython(strip_kind, migrations.RunPython.noop)]
