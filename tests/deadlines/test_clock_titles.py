"""A clock's label says what it guards in no language; its kind comes in the reader's."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import translation

from deadlines.choices import DeadlineKind
from deadlines.models import Deadline, Notification, clock_title
from deadlines.services import Responsible, deadline_start, sweep_due
from tests.cases.factories import open_case
from tests.deadlines.conftest import T0
from tests.liaison.factories import DeskFactory

pytestmark = pytest.mark.django_db

relabel = importlib.import_module("deadlines.migrations.0004_labels_without_kind")


def test_the_title_names_the_kind_in_the_active_language():
    assert clock_title("TD-2026-000005", DeadlineKind.ASSESSMENT) == "TD-2026-000005 (Assessment)"
    with translation.override("de"):
        german = clock_title("TD-2026-000005", DeadlineKind.ASSESSMENT)
    assert german.startswith("TD-2026-000005 (") and "Assessment" not in german
    assert clock_title("", DeadlineKind.REMOVAL) == "Removal"


def test_a_report_starts_clocks_labelled_by_the_case_in_no_language(actors):
    with translation.override("de"):  # a German officer's report
        case = open_case(actors["owner"])
    labels = set(Deadline.objects.filter(case_id=case.pk).values_list("label", flat=True))
    assert labels == {case.reference}


def test_reminders_name_the_clock_by_its_title(desk_with_roster):
    deadline_start(
        kind=DeadlineKind.ASSESSMENT,
        subject=desk_with_roster,
        responsible=Responsible(desk=desk_with_roster),
        label="TD-2026-000042",
        start=T0,
    )
    sweep_due(now=T0 + timedelta(hours=36))
    notification = Notification.objects.get()
    assert notification.subject.startswith("Reminder: TD-2026-000042 (Assessment) is due")
    assert notification.payload["deadline"]["label"] == "TD-2026-000042"
    assert notification.payload["message"].startswith("TD-2026-000042 (Assessment) is due")


def test_the_migration_strips_the_kind_from_old_labels(desk_with_roster):
    with translation.override("de"):
        german_assessment = " " + str(DeadlineKind.ASSESSMENT.label).lower()
    old = {
        "TD-1 assessment": (DeadlineKind.ASSESSMENT, "TD-1"),
        f"TD-2{german_assessment}": (DeadlineKind.ASSESSMENT, "TD-2"),
        "TD-3 final order": (DeadlineKind.FINAL_ORDER, "TD-3"),
        "ORD-4 platform acknowledgement": (DeadlineKind.ACKNOWLEDGEMENT, "ORD-4"),
        "ORD-5 removal": (DeadlineKind.REMOVAL, "ORD-5"),
        "ORD-6 verification": (DeadlineKind.VERIFICATION, "ORD-6"),
        "MLA-7 response": (DeadlineKind.MLA_RESPONSE, "MLA-7"),
        "TD-8: Desk NL asks to join": (DeadlineKind.JOIN_DECISION, "TD-8, Desk NL"),
        "TD-9": (DeadlineKind.ASSESSMENT, "TD-9"),  # already new: left alone
    }
    made = {
        label: deadline_start(
            kind=kind,
            subject=DeskFactory(),  # one running clock of a kind per subject
            responsible=Responsible(desk=desk_with_roster),
            label=label,
            start=T0,
        )
        for label, (kind, _new) in old.items()
    }
    relabel.strip_kind(apps, None)
    for label, (_kind, new) in old.items():
        made[label].refresh_from_db()
        assert made[label].label == new
