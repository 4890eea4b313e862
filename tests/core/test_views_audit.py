import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from liaison.models import Agreement
from takedown.core import views_audit
from takedown.core.audit import audit_record
from takedown.core.choices import Role
from takedown.core.models import AuditEvent
from takedown.core.tasks import verify_audit_chain
from tests.conftest import login
from tests.liaison.factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(network):
    return UserFactory(
        username="auditor-de",
        authority=AuthorityFactory(jurisdiction=network["de"]),
        roles=[Role.AUDITOR],
    )


@pytest.fixture
def auditor_client(auditor) -> Client:
    return login(auditor)  # records its own auth.login, scoped to DE


@pytest.fixture
def events(network, auditor_client):
    """Events across DE and NL, made after the auditor signed in. The scope of each
    comes from what it is about: a jurisdiction, or an agreement of DE and NL (case 7
    and 8 are not cases here, so they add nothing)."""
    de_nl = Agreement.objects.create(name="DE-NL", valid_from=date(2026, 1, 1))
    de_nl.parties.set([network["de"], network["nl"]])
    about = {"DE": network["de"], "NL": network["nl"], "DE+NL": de_nl}

    def record(action, scope, **kwargs):
        return audit_record(action=action, obj=about.get(scope), **kwargs)

    return {
        "opened": record("case.opened", "DE", case_id=7, data={"status": "new"}),
        "coalition": record("case.assessed", "DE+NL", case_id=7, data={"n": 2}),
        "nl_only": record("case.opened", "NL", case_id=8, data={"status": "nl-secret"}),
        "unscoped": record("key.rotated", None, data={"kid": "kid-unscoped"}),
        "viewed": record("evidence.viewed", "DE", case_id=7, data={"reason": "review"}),
        "denied": record("auth.denied", "DE", data={"path": "/cases/TD-1/"}),
        "failed": record(
            "auth.login_failed", "DE", actor="anonymous:=HYPERLINK(1)", ip="192.0.2.9"
        ),
        "access_denied": record("case.access_denied", "DE", data={"reference": "TD-9"}),
        "nl_denied": record("auth.denied", "NL", data={"path": "/x/"}),
        "order": record("order.issued", "DE+NL", case_id=7, data={"reference": "O-1"}),
    }


def _ids(response) -> list[int]:
    return [event.id for event in response.context["events"]]


def _csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def _json_rows(response) -> list[dict]:
    return json.loads(b"".join(response.streaming_content))


# --- Scope and access -------------------------------------------------------------------


def test_auditor_sees_the_events_of_their_jurisdiction_newest_first(
    auditor_client, auditor, events
):
    response = auditor_client.get("/audit/")
    assert response.status_code == 200
    login_event = AuditEvent.objects.get(action="auth.login", actor=auditor)
    expected = [e.id for k, e in events.items() if k not in ("nl_only", "unscoped", "nl_denied")]
    assert _ids(response) == sorted([*expected, login_event.id], reverse=True)
    html = response.content.decode()
    # (Markers no random token can contain by chance: the page carries a CSRF token.)
    assert "nl-secret" not in html and "kid-unscoped" not in html
    assert 'href="/audit/"' in html  # the auditor's nav link


def test_auditor_of_another_jurisdiction_sees_the_other_side(network, events):
    nl_auditor = UserFactory(
        authority=AuthorityFactory(jurisdiction=network["nl"]), roles=[Role.AUDITOR]
    )
    ids = set(_ids(login(nl_auditor).get("/audit/")))
    assert events["nl_only"].id in ids and events["coalition"].id in ids
    assert events["opened"].id not in ids and events["unscoped"].id not in ids


def test_auditor_without_an_authority_sees_nothing(network, events):
    nobody = UserFactory(authority=None, roles=[Role.AUDITOR])
    assert _ids(login(nobody).get("/audit/")) == []
    rows = _json_rows(login(nobody).get("/audit/export.json"))
    assert rows == []


@pytest.mark.parametrize("role", [Role.LIAISON_OFFICER, Role.PROSECUTOR, Role.OPERATOR, None])
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/audit/"),
        ("get", "/audit/export.csv"),
        ("get", "/audit/export.json"),
        ("post", "/audit/verify/"),
    ],
)
def test_everyone_else_is_refused(network, events, role, method, path):
    user = UserFactory(
        authority=AuthorityFactory(jurisdiction=network["de"]), roles=[role] if role else []
    )
    before = AuditEvent.objects.exclude(action="auth.login").count()
    response = getattr(login(user), method)(path)
    assert response.status_code == 403
    refused = AuditEvent.objects.exclude(action="auth.login").order_by("id")[before:]
    assert [e.action for e in refused] == ["auth.denied"]  # refused, audited, nothing else


def test_inactive_auditor_is_refused(auditor, events):
    auditor.is_active = False
    auditor.save()
    client = Client()
    client.force_login(auditor)  # a session made before the account was disabled
    assert client.get("/audit/").status_code == 302


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv", "/audit/export.json"])
def test_anonymous_is_sent_to_sign_in(events, path):
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Client().post("/audit/verify/").status_code == 302
    assert not AuditEvent.objects.filter(action__in=["audit.exported", "audit.chain_verified"])


# --- Filters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, keys",
    [
        ("category=failed", ["denied", "failed", "access_denied"]),
        ("category=evidence", ["viewed"]),
        ("category=state", ["opened", "coalition", "order"]),
        ("action=case.", ["opened", "coalition", "access_denied"]),
        ("action=case*", ["opened", "coalition", "access_denied"]),
        ("action=case.opened", ["opened"]),
        ("action=case", []),
        ("actor=hyperlink", ["failed"]),
        ("case_id=7", ["opened", "coalition", "viewed", "order"]),
        ("category=state&case_id=7&action=order.", ["order"]),
        ("object_type=nothing.here", []),
    ],
)
def test_filters(auditor_client, events, query, keys):
    response = auditor_client.get(f"/audit/?{query}")
    assert response.status_code == 200
    assert _ids(response) == sorted((events[k].id for k in keys), reverse=True)


def test_category_logins_shows_sign_ins(auditor_client, auditor, events):
    login_event = AuditEvent.objects.get(action="auth.login", actor=auditor)
    assert _ids(auditor_client.get("/audit/?category=logins")) == [login_event.id]


def test_object_type_filter(auditor_client, auditor, network):
    event = audit_record(action="user.touched", obj=auditor)
    assert _ids(auditor_client.get("/audit/?object_type=core.user")) == [event.id]


def test_date_range_filter(auditor_client, network, events):
    old = audit_record(
        action="case.opened", obj=network["de"], now=datetime(2025, 3, 1, 12, tzinfo=UTC)
    )
    day = "occurred_at_after=2025-03-01&occurred_at_before=2025-03-01"
    assert _ids(auditor_client.get(f"/audit/?{day}")) == [old.id]
    assert (
        _ids(
            auditor_client.get("/audit/?occurred_at_after=2025-02-27&occurred_at_before=2025-02-28")
        )
        == []
    )
    assert old.id not in _ids(auditor_client.get("/audit/?occurred_at_after=2025-03-02"))
    assert _ids(auditor_client.get("/audit/?occurred_at_before=2025-03-01")) == [old.id]


def test_invalid_filter_shows_the_error_and_no_rows(auditor_client, events):
    response = auditor_client.get("/audit/?case_id=abc")
    assert response.status_code == 200
    assert _ids(response) == [] and "whole number" in response.content.decode()
    assert auditor_client.get("/audit/export.csv?case_id=abc").status_code == 400
    assert auditor_client.get("/audit/?after=nonsense").status_code == 404


# --- Exports ----------------------------------------------------------------------------


def test_csv_export_holds_the_scoped_filtered_rows_and_is_recorded(auditor_client, auditor, events):
    response = auditor_client.get("/audit/export.csv?category=failed")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    wanted = [events["denied"], events["failed"], events["access_denied"]]
    assert [int(r["id"]) for r in rows] == [e.id for e in wanted]
    assert list(rows[0]) == list(views_audit.EXPORT_COLUMNS)
    denied = rows[0]
    assert denied["action"] == "auth.denied" and denied["jurisdictions"] == "|DE|"
    assert denied["hash"] == events["denied"].hash
    assert denied["prev_hash"] == events["denied"].prev_hash
    assert json.loads(denied["data"]) == {"path": "/cases/TD-1/"}
    assert denied["occurred_at"].endswith("Z")
    assert datetime.fromisoformat(denied["occurred_at"]) == events["denied"].occurred_at
    failed = rows[1]
    assert failed["actor_label"] == "anonymous:=HYPERLINK(1)"
    assert failed["ip"] == "192.0.2.9"

    record = AuditEvent.objects.get(action="audit.exported")
    assert record.actor == auditor and record.jurisdictions == "|DE|"
    assert record.data == {"format": "csv", "filters": {"category": "failed"}}


def test_csv_cells_that_look_like_formulas_are_defused(auditor_client, network):
    event = audit_record(action="auth.login_failed", actor="=cmd|' /C calc'!A0", obj=network["de"])
    rows = _csv_rows(auditor_client.get("/audit/export.csv?category=failed"))
    assert [r["actor_label"] for r in rows if int(r["id"]) == event.id] == ["'=cmd|' /C calc'!A0"]


def test_json_export_holds_the_scoped_filtered_rows_and_is_recorded(
    auditor_client, auditor, events
):
    response = auditor_client.get("/audit/export.json?action=case.")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    rows = _json_rows(response)
    wanted = [events["opened"], events["coalition"], events["access_denied"]]
    assert [r["id"] for r in rows] == [e.id for e in wanted]
    assert rows[0]["data"] == {"status": "new"} and rows[0]["case_id"] == 7
    assert set(rows[0]) == set(views_audit.EXPORT_COLUMNS)
    assert all("nl-secret" not in json.dumps(r) for r in rows)
    record = AuditEvent.objects.get(action="audit.exported")
    assert record.data == {"format": "json", "filters": {"action": "case."}}


def test_unfiltered_export_is_the_whole_scope_up_to_the_export(auditor_client, auditor, events):
    scoped = AuditEvent.objects.filter(jurisdictions__contains="|DE|").order_by("id")
    expected = list(scoped.values_list("id", flat=True))
    rows = _json_rows(auditor_client.get("/audit/export.json"))
    assert [r["id"] for r in rows] == expected
    # A second export includes the first one's record, not its own.
    first_record = AuditEvent.objects.get(action="audit.exported")
    rows = _csv_rows(auditor_client.get("/audit/export.csv"))
    assert [int(r["id"]) for r in rows] == [*expected, first_record.id]
    assert AuditEvent.objects.filter(action="audit.exported").count() == 2


# --- Victim data ------------------------------------------------------------------------


def test_victim_event_data_is_restricted_everywhere(auditor_client, network, events):
    victim = audit_record(
        action="victim.data_viewed",
        case_id=7,
        obj=network["de"],
        data={"name": "Jane Victim-Example"},
    )
    response = auditor_client.get("/audit/")
    html = response.content.decode()
    assert victim.id in _ids(response)
    assert "(restricted)" in html and "Jane Victim-Example" not in html
    assert "&quot;status&quot;: &quot;new&quot;" in html  # other events' data is shown
    csv_rows = _csv_rows(auditor_client.get("/audit/export.csv?action=victim."))
    assert [(int(r["id"]), r["data"]) for r in csv_rows] == [(victim.id, "(restricted)")]
    json_rows = _json_rows(auditor_client.get("/audit/export.json?action=victim."))
    assert [(r["id"], r["data"]) for r in json_rows] == [(victim.id, "(restricted)")]


# --- The chain's verdict ----------------------------------------------------------------


def _disable_trigger_as_superuser() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")


def _raw_edit(event_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"n": 999}', event_id]
        )


def test_verdict_from_the_daily_task_then_verify_now_finds_an_edit(auditor_client, auditor, events):
    html = auditor_client.get("/audit/").content.decode()
    assert "never checked" in html

    verify_audit_chain()  # the daily task, here called directly
    html = auditor_client.get("/audit/").content.decode()
    assert 'data-verdict-state="intact"' in html and "intact" in html

    if connection.vendor == "postgresql":
        _disable_trigger_as_superuser()
    _raw_edit(events["coalition"].id)
    # The page shows the last recorded verdict until the chain is checked again.
    assert 'data-verdict-state="intact"' in auditor_client.get("/audit/").content.decode()

    response = auditor_client.post("/audit/verify/")
    assert response.status_code == 302 and response["Location"] == "/audit/"
    html = auditor_client.get("/audit/").content.decode()
    assert 'data-verdict-state="broken"' in html
    assert f"event {events['coalition'].id}" in html and "edited" in html
    verdict = AuditEvent.objects.filter(action="audit.chain_verified").latest("id")
    assert verdict.actor == auditor and verdict.jurisdictions == "|DE|"
    assert verdict.data["intact"] is False
    assert verdict.data["broken"].startswith(f"event {events['coalition'].id}:")


def test_verify_now_records_an_intact_verdict(auditor_client, auditor, events):
    response = auditor_client.post("/audit/verify/", follow=True)
    html = response.content.decode()
    assert 'data-verdict-state="intact"' in html and auditor.username in html
    verdict = AuditEvent.objects.get(action="audit.chain_verified")
    checked = AuditEvent.objects.filter(id__lt=verdict.id).count()
    assert verdict.data == {"checked": checked, "intact": True, "broken": ""}
    assert auditor_client.get("/audit/verify/").status_code == 405


# --- Paging -----------------------------------------------------------------------------


def test_pages_past_the_first_with_constant_queries(auditor_client, auditor, network, monkeypatch):
    monkeypatch.setattr(views_audit, "PAGE_SIZE", 4)
    made = [audit_record(action="case.opened", obj=network["de"]).id for _n in range(10)]
    audit_record(action="case.opened", obj=network["nl"])
    login_id = AuditEvent.objects.get(action="auth.login", actor=auditor).id
    expected = sorted([*made, login_id], reverse=True)

    seen: list[int] = []
    counts: list[int] = []
    url = "/audit/"
    auditor_client.get("/healthz")  # the session record is refreshed once a minute: not paging
    auditor_client.get(url)
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = auditor_client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
        seen.extend(_ids(response))
        next_query = response.context["next_query"]
        url = f"/audit/?{next_query}" if next_query else ""
        if next_query:
            assert f'href="?{next_query.replace("&", "&amp;")}"' in response.content.decode()
    assert seen == expected
    assert len(counts) == 3 and len(set(counts)) == 1, counts


def test_paging_keeps_the_filters(auditor_client, network, monkeypatch):
    monkeypatch.setattr(views_audit, "PAGE_SIZE", 2)
    made = [audit_record(action="order.issued", obj=network["de"]).id for _n in range(3)]
    audit_record(action="case.opened", obj=network["de"])
    first = auditor_client.get("/audit/?action=order.")
    assert _ids(first) == made[:0:-1]
    second = auditor_client.get(f"/audit/?{first.context['next_query']}")
    assert _ids(second) == [made[0]] and second.context["next_query"] == ""
    assert "action=order." in second.context["first_query"]
