import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cases.choices import ImportStatus
from cases.models import BulkImport, Case, Report, ReportedItem
from liaison.choices import AuthorityKind
from tests.cases.factories import submit
from tests.conftest import login
from tests.liaison.factories import AuthorityFactory, api_key_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline(network):
    return AuthorityFactory(
        jurisdiction=network["nl"], kind=AuthorityKind.HOTLINE, name="NL hotline"
    )


def client_for(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def body(*urls, **extra):
    return {
        "source": "hotline",
        "reporting_jurisdiction": "NL",
        "acute": False,
        "items": [{"url": u} for u in urls],
        **extra,
    }


def test_partner_submits_a_report_and_learns_only_reference_and_lead(hotline, actors, network):
    existing = submit(actors["owner"], "https://b-social.test/p/1").cases_opened[0]
    api = client_for(api_key_for(partner=hotline))
    response = api.post(
        "/api/v1/reports/",
        body("https://b-social.test/p/1", "https://a-video.test/v/new"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    joined, new = data["items"]
    assert joined == {
        "position": 0,
        "outcome": "joined_existing",
        "matched_by": "url",
        "case": {"reference": existing.reference, "lead_jurisdiction": "DE"},
    }
    assert new["outcome"] == "new" and new["case"]["lead_jurisdiction"] == "NL"
    assert data["counts"] == {"items": 2, "new": 1, "matched": 1}
    assert Report.objects.get(pk=data["id"]).partner == hotline


def test_idempotency_key_replays_the_first_result(hotline):
    api = client_for(api_key_for(partner=hotline))
    payload = body("https://a-video.test/v/idem")
    first = api.post("/api/v1/reports/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/reports/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Report.objects.count() == 1
    different = api.post(
        "/api/v1/reports/",
        body("https://a-video.test/v/other"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert different.status_code == 422 and different.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        (body("ftp://a-video.test/x"), "validation_failed", "items"),
        (
            body("https://a-video.test/x", reporting_jurisdiction="ZZ"),
            "validation_failed",
            "reporting_jurisdiction",
        ),
        ({**body("https://a.test/"), "items": []}, "validation_failed", "items"),
        (
            {**body(), "items": [{"url": "https://a.test/", "sha256": "nothex"}]},
            "validation_failed",
            "items",
        ),
        (
            {
                "source": "gossip",
                "reporting_jurisdiction": "NL",
                "items": [{"url": "https://a.test/"}],
            },
            "validation_failed",
            "source",
        ),
    ],
)
def test_bad_input_is_a_problem_document_and_writes_nothing(hotline, payload, code, field):
    response = client_for(api_key_for(partner=hotline)).post(
        "/api/v1/reports/", payload, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code and field in problem["errors"]
    assert problem["type"].endswith(code)
    assert not Report.objects.exists() and not ReportedItem.objects.exists()


def test_more_than_ten_thousand_items_is_refused(hotline):
    payload = body(*(f"https://a-video.test/v/{n}" for n in range(10_001)))
    response = client_for(api_key_for(partner=hotline)).post(
        "/api/v1/reports/", payload, format="json"
    )
    assert response.status_code == 400 and "bulk CSV" in str(response.json()["errors"]["items"])


def test_a_partner_follows_its_own_reports_and_only_its_own(hotline, network):
    other_partner = AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.HOTLINE)
    mine = client_for(api_key_for(partner=hotline))
    theirs = client_for(api_key_for(partner=other_partner))
    report_id = mine.post(
        "/api/v1/reports/", body("https://a-video.test/v/mine"), format="json"
    ).json()["id"]
    listing = mine.get("/api/v1/reports/").json()
    assert [r["id"] for r in listing["results"]] == [report_id]
    detail = mine.get(f"/api/v1/reports/{report_id}/").json()
    assert detail["items"][0]["item_status"] == "online"
    assert theirs.get(f"/api/v1/reports/{report_id}/").status_code == 404
    assert theirs.get("/api/v1/reports/").json()["results"] == []


def test_platform_self_report_is_recorded_as_such(network):
    api = client_for(api_key_for(platform=network["platform_a"]))
    response = api.post(
        "/api/v1/reports/", body("https://a-video.test/v/self", source="public"), format="json"
    )
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.source == "platform_self_report" and report.platform == network["platform_a"]


def test_officers_and_anonymous_cannot_use_the_partner_api(actors, client):
    assert client.post("/api/v1/reports/", {}, content_type="application/json").status_code == 401
    officer = login(actors["owner"])
    assert officer.post("/api/v1/reports/", {}, content_type="application/json").status_code == 403


def test_item_values_are_taken_as_the_schema_writes_them(hotline):
    """Upper-case hex, an IPv6 host address and a lower-case country are what the
    document's patterns admit: accepted, and stored normalised."""
    api = client_for(api_key_for(partner=hotline))
    item = {"sha256": "AB" * 32, "hosting_ip": "2001:db8::7", "hosting_country": "nl"}
    response = api.post("/api/v1/reports/", {**body(), "items": [item]}, format="json")
    assert response.status_code == 201, response.json()
    stored = ReportedItem.objects.get()
    assert (stored.sha256, stored.hosting_ip) == ("ab" * 32, "2001:db8::7")


@pytest.mark.parametrize(("acute", "status"), [("true", 201), ("False", 201), ("0", 400)])
def test_a_multipart_boolean_is_true_or_false(hotline, acute, status):
    api = client_for(api_key_for(partner=hotline))
    response = api.post(
        "/api/v1/reports/bulk/",
        {
            "file": SimpleUploadedFile("b.csv", b"url\nhttps://a-video.test/v/1\n"),
            "source": "hotline",
            "acute": acute,
        },
        format="multipart",
    )
    assert response.status_code == status, response.json()
    if status == 400:
        assert "acute" in response.json()["errors"] and not Report.objects.exists()


def test_bulk_csv_small_file_is_imported_at_once(hotline):
    csv_data = (
        b"url,sha256\nhttps://a-video.test/v/1,\nhttps://b-social.test/p/1," + b"c" * 64 + b"\n"
    )
    api = client_for(api_key_for(partner=hotline))
    response = api.post(
        "/api/v1/reports/bulk/",
        {
            "file": SimpleUploadedFile("batch.csv", csv_data, content_type="text/csv"),
            "source": "hotline",
            "reporting_jurisdiction": "NL",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == ImportStatus.DONE and data["result"]["new"] == 2
    # One case per platform, so each can be acted on with one order.
    assert len(data["result"]["cases_opened"]) == 2
    assert api.get(f"/api/v1/imports/{data['id']}/").json()["status"] == "done"


ONLY_REPORTABLE = (
    "Only http(s) URLs, ipfs:// and ipns:// addresses and magnet links can be reported."
)


def test_bulk_csv_with_a_bad_row_imports_nothing_and_names_the_row(hotline):
    csv_data = b"url\nhttps://a-video.test/v/1\nnot-a-url\nhttps://a-video.test/v/3\n"
    api = client_for(api_key_for(partner=hotline))
    response = api.post(
        "/api/v1/reports/bulk/",
        {
            "file": SimpleUploadedFile("batch.csv", csv_data),
            "source": "hotline",
            "reporting_jurisdiction": "NL",
        },
        format="multipart",
    )
    data = response.json()
    assert data["status"] == ImportStatus.FAILED
    assert data["result"]["errors"] == [{"row": 3, "fields": {"url": [ONLY_REPORTABLE]}}]
    assert not ReportedItem.objects.exists() and not Case.objects.exists()


@pytest.mark.parametrize(
    ("csv_data", "code"),
    [
        (b"link,hash\nhttps://a.test/,\n", "invalid_csv_header"),
        (b"", "validation_failed"),  # DRF refuses an empty upload first
        (b"url\n", "invalid_csv"),
        (b"\xff\xfeurl\n", "invalid_csv"),
    ],
)
def test_bulk_csv_shape_errors(hotline, csv_data, code):
    api = client_for(api_key_for(partner=hotline))
    response = api.post(
        "/api/v1/reports/bulk/",
        {
            "file": SimpleUploadedFile("x.csv", csv_data),
            "source": "hotline",
            "reporting_jurisdiction": "NL",
        },
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["code"] == code
    assert not BulkImport.objects.exists()


def test_bulk_csv_oversize_file(hotline, settings):
    settings.BULK_IMPORT_MAX_BYTES = 100
    api = client_for(api_key_for(partner=hotline))
    response = api.post(
        "/api/v1/reports/bulk/",
        {
            "file": SimpleUploadedFile("x.csv", b"url\n" + b"https://a-video.test/v/1\n" * 10),
            "source": "hotline",
            "reporting_jurisdiction": "NL",
        },
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["code"] == "file_too_large"


def test_large_file_is_queued_and_imported_by_the_task(
    hotline, settings, django_capture_on_commit_callbacks
):
    from cases.services.bulk import bulk_import_run

    settings.BULK_IMPORT_INLINE_ROWS = 5
    rows = "".join(f"https://a-video.test/v/{n}\n" for n in range(20))
    api = client_for(api_key_for(partner=hotline))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(
            "/api/v1/reports/bulk/",
            {
                "file": SimpleUploadedFile("big.csv", ("url\n" + rows).encode()),
                "source": "hotline",
                "reporting_jurisdiction": "NL",
            },
            format="multipart",
        )
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert len(callbacks) == 1  # the task is enqueued after commit
    job = bulk_import_run(job_id=response.json()["id"])  # what the worker does
    assert job.status == ImportStatus.DONE and job.result["new"] == 20
    progress = api.get(f"/api/v1/imports/{job.pk}/").json()["progress"]
    assert progress["checked"] == 20 and progress["new"] == 20 and progress["phase"] == "done"
    assert bulk_import_run(job_id=job.pk).status == ImportStatus.DONE  # redelivered: no-op
    assert ReportedItem.objects.count() == 20


def test_cases_api_is_scoped_to_the_officers_desks(actors, network):
    case = submit(actors["owner"], "https://b-social.test/p/scoped").cases_opened[0]  # DE leads
    owner, colleague, outsider = (login(actors[k]) for k in ("owner", "colleague", "outsider"))
    assert [c["reference"] for c in owner.get("/api/v1/cases/").json()["results"]] == [
        case.reference
    ]
    assert colleague.get(f"/api/v1/cases/{case.reference}/").status_code == 200
    assert outsider.get(f"/api/v1/cases/{case.reference}/").status_code == 404
    assert outsider.get("/api/v1/cases/").json()["results"] == []
    assert len(owner.get(f"/api/v1/cases/?q={case.reference}").json()["results"]) == 1
    assert len(owner.get("/api/v1/cases/?q=https://B-SOCIAL.test/p/scoped").json()["results"]) == 1


def test_lost_or_interrupted_imports_are_recovered(
    hotline, settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from cases.api.views import submitter_of
    from cases.services.bulk import bulk_import_create, bulk_import_run, bulk_imports_recover
    from liaison.api.authentication import ApiClient
    from liaison.models import ApiKey

    settings.BULK_IMPORT_INLINE_ROWS = 1
    api_key_for(partner=hotline)
    client = submitter_of(ApiClient(ApiKey.objects.get(partner=hotline)))
    job = bulk_import_create(
        data=b"url\nhttps://a-video.test/v/r1\nhttps://a-video.test/v/r2\n",
        file_name="r.csv",
        source="hotline",
        reporting_jurisdiction="NL",
        acute=False,
        summary="",
        submitter=client,
    )
    # The worker took it and died: the job says "running" and nothing was imported.
    BulkImport.objects.filter(pk=job.pk).update(
        status="running", started_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=False):
        assert bulk_imports_recover(now=timezone.now() + timedelta(minutes=5)) == 1
    job.refresh_from_db()
    assert job.status == "queued"
    assert bulk_import_run(job_id=job.pk).status == "done"
    assert ReportedItem.objects.count() == 2


def test_a_platform_self_report_needs_no_source_but_a_partner_report_does(hotline, network):
    payload = {
        "reporting_jurisdiction": "NL",
        "items": [{"url": "https://a-video.test/v/nosource"}],
    }
    platform = client_for(api_key_for(platform=network["platform_a"]))
    assert platform.post("/api/v1/reports/", payload, format="json").status_code == 201
    partner = client_for(api_key_for(partner=hotline)).post(
        "/api/v1/reports/", payload, format="json"
    )
    assert partner.status_code == 400 and "source" in partner.json()["errors"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"items": [{"url": 5}]}, "items"),
        ({"acute": "yes"}, "acute"),
        ({"summary": 12}, "summary"),
        ({"priority": 1}, "priority"),
        ({"items": [{"url": "https://a-video.test/v/s", "tags": ["x"]}]}, "items"),
        ({"items": [{"sha256": " " + "a" * 64}]}, "items"),
        ({"items": [{"pdq": "a" * 64}]}, "items"),
        ({"items": [{"url": "https://a-video.test/v/s", "hosting_ip": "192.0.2.1 "}]}, "items"),
        ({"items": [{"url": "https://a-video.test/v/s", "hosting_country": "NLD"}]}, "items"),
        ({"items": [{"url": "https://a-video.test/v /s"}]}, "items"),
        ({"reporting_jurisdiction": " NL"}, "reporting_jurisdiction"),
        ({"summary": "a\x00b"}, "summary"),
    ],
    ids=[
        "number as url",
        "text as boolean",
        "number as text",
        "unknown",
        "unknown nested",
        "padded hash",
        "only a pdq",
        "padded address",
        "three-letter country",
        "space in url",
        "padded jurisdiction",
        "nul in text",
    ],
)
def test_a_report_of_the_wrong_shape_is_refused_and_writes_nothing(hotline, extra, field):
    api = client_for(api_key_for(partner=hotline))
    response = api.post(
        "/api/v1/reports/", {**body("https://a-video.test/v/s"), **extra}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "validation_failed" and field in response.json()["errors"]
    assert not Report.objects.exists() and not ReportedItem.objects.exists()


def test_a_partner_names_a_protected_source_that_no_answer_repeats(hotline):
    api = client_for(api_key_for(partner=hotline))
    source = {"name": "Informant API-Test", "contact": "api-source@example.org"}
    response = api.post(
        "/api/v1/reports/",
        body("https://a-video.test/v/src", protected_source=source),
        format="json",
    )
    assert response.status_code == 201, response.json()
    from cases.models import ProtectedSource

    stored = ProtectedSource.objects.get(report_id=response.json()["id"])
    assert (stored.name, stored.contact, stored.how_they_know) == (
        "Informant API-Test",
        "api-source@example.org",
        "",
    )
    for answer in (response, api.get(f"/api/v1/reports/{response.json()['id']}/")):
        assert "Informant" not in answer.content.decode()
        assert "api-source" not in answer.content.decode()
    refused = api.post(
        "/api/v1/reports/",
        body("https://a-video.test/v/src2", protected_source={"how_they_know": "x"}),
        format="json",
    )
    assert refused.status_code == 400 and "protected_source" in refused.json()["errors"]
    unknown = api.post(
        "/api/v1/reports/",
        body("https://a-video.test/v/src3", protected_source={"name": "A", "ssn": "1"}),
        format="json",
    )
    assert unknown.status_code == 400
    assert ProtectedSource.objects.count() == 1
