"""Every audit event reads as a sentence with object names: on the case's timeline and in
the auditor's trail, in the reader's language, never as an action code."""

import importlib
import re
from pathlib import Path

import pytest
from django.utils import translation

from cases.choices import ImportStatus
from liaison.choices import AuthorityKind
from takedown.core.models import AuditEvent
from takedown.core.sentences import SENTENCES
from takedown.core.transitions import Machine
from tests.cases.factories import open_case
from tests.conftest import login
from tests.liaison.factories import AuthorityFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("takedown", "liaison", "cases", "evidence", "deadlines")


def recorded_actions() -> set[str]:
    """Every action the code can record: literal ones, the transition tables' moves,
    and the families built from a name (deadline, evidence, bulk import)."""
    actions = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text()
            actions |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', text))
            if path.as_posix().endswith("deadlines/services.py"):
                found = re.findall(r'_audit\(\s*[\w.]+,\s*"([a-z_]+)"', text)
                actions |= {f"deadline.{name}" for name in found}
            if path.as_posix().endswith("evidence/services.py"):
                found = re.findall(r'_audit\(\s*"([a-z_]+)"', text)
                actions |= {f"evidence.{name}" for name in found}
    for module in ("cases.transitions", "evidence.transitions", "deadlines.transitions"):
        try:
            names = vars(importlib.import_module(module)).values()
        except ImportError:
            continue
        for machine in (m for m in names if isinstance(m, Machine)):
            actions |= {f"{machine.event}.{move}" for move in machine.moves}
    actions |= {f"bulk_import.{s}" for s in (ImportStatus.DONE, ImportStatus.FAILED)}
    return actions


def test_every_action_the_code_records_has_a_sentence():
    actions = recorded_actions()
    assert len(actions) > 100  # the scan found them
    assert sorted(actions - set(SENTENCES)) == []


@pytest.mark.parametrize("code", ["de", "fr", "nl", "es"])
def test_every_sentence_is_translated_and_keeps_its_placeholders(code):
    for msgid in SENTENCES.values():
        with translation.override(code):
            text = translation.gettext(msgid)
        assert text != msgid, msgid
        assert sorted(re.findall(r"%\(\w+\)s", text)) == sorted(re.findall(r"%\(\w+\)s", msgid))


@pytest.mark.django_db
def test_the_timeline_speaks_sentences_with_names_in_the_readers_language(actors):
    officer = actors["owner"]
    case = open_case(officer, "https://b-social.test/p/sentences")
    client = login(officer)
    timeline = client.get(f"/cases/{case.reference}/").content.decode().split("data-timeline")[1]
    assert f"owner opened {case.reference}" in timeline
    assert "case.opened" not in timeline and "cases.case" not in timeline
    officer.language = "de"
    officer.save()
    timeline = client.get(f"/cases/{case.reference}/").content.decode().split("data-timeline")[1]
    with translation.override("de"):
        opened = translation.gettext(SENTENCES["case.opened"]) % {
            "actor": "owner",
            "object": case.reference,
        }
    assert opened in timeline


@pytest.mark.django_db
def test_the_audit_trail_names_objects_by_reference_not_by_table_and_id(actors, network):
    case = open_case(actors["owner"], "https://b-social.test/p/trail")
    auditor = UserFactory(
        authority=AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.REGULATOR),
        roles=["auditor"],
    )
    page = login(auditor).get("/audit/").content.decode()
    event = AuditEvent.objects.get(action="case.opened", object_id=str(case.pk))
    assert f"owner opened {case.reference}" in page
    assert f"cases.case {event.object_id}" not in page
    assert "https://b-social.test/p/trail" not in page.split("<tbody>")[1].split("</tbody>")[0]


@pytest.mark.django_db
def test_the_trail_is_filtered_by_case_reference_and_shows_it(actors, network):
    one = open_case(actors["owner"], "https://b-social.test/p/filter-one")
    other = open_case(actors["owner"], "https://b-social.test/p/filter-two")
    auditor = UserFactory(
        authority=AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.REGULATOR),
        roles=["auditor"],
    )
    page = login(auditor).get(f"/audit/?case={one.reference.lower()}").content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert f"opened {one.reference}" in rows and other.reference not in rows
    assert f'<td class="small">{one.reference}</td>' in rows  # the case column
