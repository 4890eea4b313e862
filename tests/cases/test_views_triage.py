import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import CaseStatus
from cases.models import Case, Report
from tests.cases.factories import open_case, submit
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(actors):
    return open_case(actors["owner"], "https://b-social.test/p/view")  # the DE desk leads


def test_queue_shows_my_desks_cases_with_time_left(actors, case):
    page = login(actors["owner"]).get("/cases/")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.reference in html and "left" in html and "on track" in html
    assert case.reference not in login(actors["outsider"]).get("/cases/").content.decode()


def test_queue_pages_with_a_cursor_and_constant_queries(actors):
    from cases.views import PAGE_SIZE

    for n in range(PAGE_SIZE + 5):
        open_case(actors["owner"], f"https://b-social.test/p/{n}")
    client = login(actors["owner"])
    first = client.get("/cases/")
    html = first.content.decode()
    assert html.count('data-href="/cases/TD-') == PAGE_SIZE
    next_link = html.split('href="?')[-1].split('"')[0].replace("&amp;", "&")
    second = client.get(f"/cases/?{next_link}")
    assert second.content.decode().count('data-href="/cases/TD-') == 5
    with CaptureQueriesContext(connection) as small:
        client.get("/cases/?acute=false")
    for n in range(30):
        open_case(actors["owner"], f"https://b-social.test/q/{n}")
    with CaptureQueriesContext(connection) as large:
        client.get("/cases/?acute=false")
    assert len(large) == len(small)


def test_htmx_filter_returns_the_table_only(actors, case):
    response = login(actors["owner"]).get(f"/cases/?q={case.reference}", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<table" in html and "<html" not in html and case.reference in html


def test_case_page_shows_items_as_text_deadlines_and_timeline(actors, case):
    html = login(actors["colleague"]).get(f"/cases/{case.reference}/").content.decode()
    assert "https://b-social.test/p/view" in html
    assert "<img" not in html and "<iframe" not in html and 'href="https://b-social' not in html
    timeline = html.split("data-timeline")[1]
    assert "Assessment" in html and f"opened {case.reference}" in timeline
    assert "case.opened" not in timeline  # words, not codes
    assert login(actors["outsider"]).get(f"/cases/{case.reference}/").status_code == 404


def test_assign_assess_through_the_browser(actors, case):
    client = login(actors["owner"])
    response = client.post(f"/cases/{case.reference}/assign/", {"version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == actors["owner"] and case.status == CaseStatus.TRIAGE
    response = client.post(
        f"/cases/{case.reference}/assess/",
        {
            "version": case.version,
            "depiction_type": "real",
            "age_group": "prepubescent",
            "severity": 4,
            "risk_score": 80,
            "categories": "a, b",
            "classification": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSED
    html = client.get(f"/cases/{case.reference}/").content.decode()
    timeline = html.split("data-timeline")[1]
    assert "Harmonisation matrix" in html and f"owner assessed {case.reference}" in timeline


def test_a_stale_form_gets_a_conflict_and_nothing_is_overwritten(actors, case):
    stale_version = case.version
    login(actors["colleague"]).post(f"/cases/{case.reference}/assign/", {"version": stale_version})
    response = login(actors["owner"]).post(
        f"/cases/{case.reference}/assess/",
        {
            "version": stale_version,
            "depiction_type": "real",
            "age_group": "pubescent",
            "severity": 2,
            "risk_score": 10,
        },
    )
    assert response.status_code == 400
    assert "changed by someone else" in response.content.decode()
    case.refresh_from_db()
    assert case.assignee == actors["colleague"] and case.status == CaseStatus.TRIAGE


def test_htmx_assign_from_the_queue_swaps_the_row_and_reports_conflicts(actors, case):
    client = login(actors["owner"])
    ok = client.post(
        f"/cases/{case.reference}/assign/",
        {"version": case.version},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"case-{case.pk}",
    )
    assert ok.status_code == 200 and ok.content.decode().strip().startswith("<tr")
    stale = login(actors["colleague"]).post(
        f"/cases/{case.reference}/assign/",
        {"version": case.version},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"case-{case.pk}",
    )
    assert stale.status_code == 409 and "changed by someone else" in stale.content.decode()


def test_report_form_bad_lines_are_form_errors_and_nothing_is_saved(actors, network):
    client = login(actors["owner"])
    response = client.post(
        "/cases/new/",
        {
            "source": "law_enforcement",
            "reporting_jurisdiction": "DE",
            "items": "https://a-video.test/v/1\nftp://nope.test/x\n" + "0" * 64,
        },
    )
    assert response.status_code == 400
    assert "Line 2, url: Only http(s) URLs" in response.content.decode()
    assert not Report.objects.exists()
    response = client.post(
        "/cases/new/",
        {
            "source": "law_enforcement",
            "reporting_jurisdiction": "DE",
            "items": "https://b-social.test/p/77\n" + "0" * 64,
        },
    )
    assert response.status_code == 302
    assert Case.objects.get().items.count() == 2


def test_close_needs_a_reason(actors, case):
    client = login(actors["owner"])
    response = client.post(
        f"/cases/{case.reference}/close/", {"version": case.version, "reason": ""}
    )
    assert response.status_code == 400
    response = client.post(
        f"/cases/{case.reference}/close/", {"version": case.version, "reason": "adult content"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_ILLEGAL


def test_merge_and_split_through_the_browser(actors):
    client = login(actors["owner"])
    a = open_case(actors["owner"], "https://b-social.test/p/a1", "https://b-social.test/p/a2")
    b = open_case(actors["owner"], "https://b-social.test/p/b1")
    response = client.post(
        f"/cases/{a.reference}/merge/", {"version": a.version, "other": b.reference}
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.merged_into == a
    a.refresh_from_db()
    item = a.items.order_by("id").first()
    response = client.post(
        f"/cases/{a.reference}/split/", {"version": a.version, "items": [item.pk]}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.case != a and response["Location"].endswith(f"/cases/{item.case.reference}/")
    merged_page = client.get(f"/cases/{a.reference}/").content.decode()
    assert "from a merged case" in merged_page


def test_prosecutors_and_anonymous_cannot_see_the_queue(client, network):
    from tests.liaison.factories import UserFactory

    assert client.get("/cases/").status_code == 302
    prosecutor = UserFactory(roles=["prosecutor"])
    assert login(prosecutor).get("/cases/").status_code == 403


def test_csv_import_in_the_browser(actors, network):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(actors["owner"])
    response = client.post(
        "/cases/import/",
        {
            "file": SimpleUploadedFile(
                "batch.csv", b"url\nhttps://b-social.test/p/c1\nhttps://a-video.test/v/c2\n"
            ),
            "source": "hotline",
            "reporting_jurisdiction": "DE",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Imported: 2 new items" in page
    bad = client.post(
        "/cases/import/",
        {
            "file": SimpleUploadedFile("bad.csv", b"link\nx\n"),
            "source": "hotline",
            "reporting_jurisdiction": "DE",
        },
    )
    assert bad.status_code == 400 and "header row" in bad.content.decode()
    _ = submit


def test_failed_authorisations_are_audited(actors, case, client):
    from takedown.core.models import AuditEvent
    from tests.liaison.factories import UserFactory

    login(actors["outsider"]).get(f"/cases/{case.reference}/")
    probe = AuditEvent.objects.get(action="case.access_denied")
    assert probe.actor == actors["outsider"] and probe.data == {"reference": case.reference}
    prosecutor = UserFactory(roles=["prosecutor"])
    login(prosecutor).get("/cases/")
    denied = AuditEvent.objects.get(action="auth.denied")
    assert denied.actor == prosecutor and denied.data["path"] == "/cases/"
    client.get("/api/v1/whoami/", HTTP_AUTHORIZATION="Bearer nope.nope")
    assert AuditEvent.objects.filter(
        action="auth.denied", actor_label="anonymous:bad-api-key"
    ).exists()


def test_deadlines_board_and_weekly_chart(actors, network):
    from datetime import timedelta

    from django.utils import timezone

    from cases.services.triage import case_assess
    from deadlines.services import sweep_due
    from tests.liaison.factories import ContactFactory

    ContactFactory(desk=network["desk_de"], position=0, name="duty officer")
    now = timezone.now()
    overdue = open_case(
        actors["owner"], "https://b-social.test/p/late", now=now - timedelta(hours=60)
    )
    sweep_due(now=now)  # escalates the overdue assessment
    fresh = open_case(
        actors["owner"], "https://b-social.test/p/fresh", now=now - timedelta(hours=1)
    )
    case_assess(
        case=fresh,
        officer=actors["owner"],
        depiction_type="real",
        age_group="pubescent",
        severity=3,
        risk_score=50,
        classification=None,
        expected_version=None,
        now=now,
    )
    client = login(actors["owner"])
    html = client.get("/cases/board/").content.decode()
    overdue_column = html.split('data-board="overdue"')[1].split("</ul>")[0]
    assert overdue.reference in overdue_column and "overdue by" in overdue_column
    assert overdue.reference in html.split('data-board="escalated"')[1].split("</ul>")[0]
    assert "<td>1</td>" in html  # one deadline met on time this week
    chart = client.get("/cases/board/chart.svg")
    assert chart["Content-Type"] == "image/svg+xml" and b"<svg" in chart.content
    assert b"kozea.github.io" not in chart.content  # no external tooltip script
    assert login(actors["outsider"]).get(f"/cases/id/{overdue.pk}/").status_code == 404
    assert client.get(f"/cases/id/{overdue.pk}/")["Location"].endswith(
        f"/cases/{overdue.reference}/"
    )


def test_the_assessment_form_shows_what_the_matrix_will_suggest(actors, case):
    """Before the officer records anything: per depiction type, the suggestion and where
    the material is criminal, the same the service will then record."""
    from cases.models import Assessment
    from cases.selectors import case_matrix
    from cases.services.triage import case_assess

    html = login(actors["owner"]).get(f"/cases/{case.reference}/").content.decode()
    preview = html.split("data-matrix-preview")[1].split("</table>")[0]
    rows = case_matrix(case, "drawn")
    assert "Drawn" in preview
    drawn_row = preview.split("Drawn")[1].split("</tr>")[0]
    for row in rows:
        assert f"{row.code} {'✓' if row.criminal else '✕'}" in drawn_row
    case_assess(
        case=case,
        officer=actors["owner"],
        depiction_type="drawn",
        age_group="prepubescent",
        severity=2,
        risk_score=20,
        classification=None,
        expected_version=None,
    )
    recorded = Assessment.objects.get(case=case)
    assert recorded.get_suggested_classification_display() in drawn_row


def test_large_counts_are_grouped_as_the_readers_language_groups_them(actors):
    from django.utils import timezone

    from cases.choices import ImportStatus, ReportSource
    from cases.models import BulkImport

    job = BulkImport.objects.create(
        source=ReportSource.HOTLINE,
        reporting_jurisdiction_id="DE",
        submitted_by=actors["owner"],
        row_count=12345,
        status=ImportStatus.DONE,
        result={"new": 12000, "matched": 345, "cases_opened": []},
        created_at=timezone.now(),
    )
    type(actors["owner"]).objects.filter(pk=actors["owner"].pk).update(language="de")
    page = login(actors["owner"]).get(f"/cases/import/{job.pk}/").content.decode()
    assert "12.345" in page and "12.000" in page
    assert "12,345" not in page
