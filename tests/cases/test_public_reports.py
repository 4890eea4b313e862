"""The public report page: no account, a follow-up code shown once, a survivor's report
on the victim-notice path, throttled per client and for everyone."""

import re

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from cases.choices import CaseStatus, PublicStage, ReportSource
from cases.models import Case, PublicReport, Report, VictimNotice
from cases.services.public import code_hash
from deadlines.choices import DeadlineKind
from deadlines.models import Deadline
from takedown.core.models import AuditEvent
from tests.cases.factories import open_case
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_counters(settings):
    """The throttle's counters in a cache of this test's own: the shared one is cleared
    by tests in other workers, and clearing it here would upset theirs."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()


def send(client, **fields):
    data = {
        "reporting_jurisdiction": "DE",
        "items": "https://b-social.test/p/public-1",
        "categories": ["sexualised"],
        "survivor": "",
        **fields,
    }
    return client.post("/report/", data)


def code_of(response) -> str:
    match = re.search(r"data-follow-up-code>([0-9A-Z-]+)<", response.content.decode())
    assert match, response.content.decode()[:2000]
    return match[1]


def test_anyone_reports_and_gets_a_code_kept_only_as_a_hash(network, client):
    page = client.get("/report/")
    assert page.status_code == 200 and "The country you are reporting to" in page.content.decode()
    response = send(client, description="Seen in a group chat on Monday.", contact="me@example.org")
    assert response.status_code == 200
    code = code_of(response)
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}", code)
    public = PublicReport.objects.get()
    assert public.code_hash == code_hash(code) and code not in public.code_hash
    report = public.report
    assert report.source == ReportSource.PUBLIC and report.submitted_by is None
    assert report.reporting_jurisdiction_id == "DE" and not report.acute
    (case,) = Case.objects.all()
    assert case.lead_desk == network["desk_de"]  # platform B is established in DE
    assert Deadline.objects.filter(case_id=case.pk, kind=DeadlineKind.ASSESSMENT).exists()
    received = AuditEvent.objects.get(action="report.received")
    assert received.actor_label == "public" and received.ip is None
    # The contact is stored encrypted: the column does not hold it.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM cases_publicreport")
        (stored,) = cursor.fetchone()
    assert "me@example.org" not in stored


def test_the_code_shows_each_address_stage_and_takes_more_information(actors, client):
    code = code_of(
        send(client, items="https://b-social.test/p/public-2\nhttps://b-social.test/p/public-3")
    )
    status = client.post("/report/follow-up/", {"code": code.lower().replace("-", " ")})
    page = status.content.decode()
    assert status.status_code == 200
    assert page.count(f'data-stage="{PublicStage.RECEIVED}"') == 2
    assert "TD-" not in page  # never the case reference, desks or platforms
    case = Case.objects.first()
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ACTION)
    page = client.post("/report/follow-up/", {"code": code}).content.decode()
    assert f'data-stage="{PublicStage.ACTION_TAKEN}"' in page
    added = client.post("/report/follow-up/add/", {"code": code, "text": "The account is @x."})
    assert added.status_code == 200 and "was added" in added.content.decode()
    event = AuditEvent.objects.get(action="report.information_added")
    assert event.case_id == case.pk and event.actor_label == "public"
    # The case's desk reads what was added on the case page.
    detail = login(actors["owner"]).get(f"/cases/{case.reference}/").content.decode()
    assert "The account is @x." in detail and "data-public-reports" in detail


def test_a_wrong_code_finds_nothing_and_says_so(network, client):
    send(client)
    wrong = client.post("/report/follow-up/", {"code": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    assert (
        wrong.status_code == 400 and "No report has this follow-up code" in wrong.content.decode()
    )
    add = client.post("/report/follow-up/add/", {"code": "AAAA", "text": "x"})
    assert add.status_code == 404
    assert not AuditEvent.objects.filter(action="report.information_added").exists()


def test_bad_input_is_explained_on_the_form_and_saves_nothing(network, client):
    response = send(client, items="ftp://example.test/x", categories=[])
    page = response.content.decode()
    assert response.status_code == 400
    assert "What does it show?" in page and "invalid-feedback" in page
    assert "Line 1" in send(client, items="not a url").content.decode()
    assert Report.objects.count() == 0 and PublicReport.objects.count() == 0
    many = "\n".join(f"https://b-social.test/p/{n}" for n in range(21))
    assert "At most 20 addresses" in send(client, items=many).content.decode()
    survivor = send(client, survivor="self", preference="direct", contact="")
    assert survivor.status_code == 400 and "reach you" in survivor.content.decode()
    assert Report.objects.count() == 0


def test_a_survivors_report_is_acute_and_on_the_victim_notice_path(actors, client):
    response = send(
        client,
        survivor="child",
        preference="surrogate",
        support_organisation="Helpline Example",
        contact="helpline@example.org",
        name="Parent A",
    )
    assert response.status_code == 200 and "handled first" in response.content.decode()
    public = PublicReport.objects.get()
    assert public.survivor == "child" and public.report.acute
    case = Case.objects.get()
    assert case.acute
    notice = VictimNotice.objects.get(case=case)
    assert (notice.preference, notice.support_organisation) == ("surrogate", "Helpline Example")
    assert notice.public_report == public and notice.created_by is None
    assert notice.pseudonym == "Parent A" and notice.contact_details == "helpline@example.org"
    assert AuditEvent.objects.filter(action="victim.notice_recorded", case_id=case.pk).exists()


def test_a_public_report_of_known_material_joins_its_case(actors, client):
    case = open_case(actors["owner"], "https://b-social.test/p/known")
    send(client, items="https://B-SOCIAL.test/p/known#x")
    assert Case.objects.count() == 1
    assert PublicReport.objects.get().report.lines.get().item.case == case


@override_settings(PUBLIC_REPORTS_PER_HOUR=2, PUBLIC_FOLLOW_UPS_PER_HOUR=3)
def test_reports_and_lookups_are_throttled_per_client(network):
    first, second = Client(REMOTE_ADDR="192.0.2.10"), Client(REMOTE_ADDR="192.0.2.11")
    assert send(first).status_code == 200
    assert send(first, items="https://b-social.test/p/other").status_code == 200
    refused = send(first, items="https://b-social.test/p/third")
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    assert PublicReport.objects.count() == 2  # nothing was sent
    assert send(second, items="https://b-social.test/p/third").status_code == 200
    for _n in range(3):
        first.post("/report/follow-up/", {"code": "AAAA"})
    assert first.post("/report/follow-up/", {"code": "AAAA"}).status_code == 429


@override_settings(PUBLIC_REPORTS_PER_HOUR_ALL=1)
def test_everyone_together_is_throttled_too(network):
    assert send(Client(REMOTE_ADDR="192.0.2.20")).status_code == 200
    other = send(Client(REMOTE_ADDR="192.0.2.21"), items="https://b-social.test/p/z")
    assert other.status_code == 429


def test_the_timeline_names_the_public_reporter_in_words(actors, client):
    code = code_of(send(client))
    client.post("/report/follow-up/add/", {"code": code, "text": "More."})
    case = Case.objects.get()
    page = login(actors["owner"]).get(f"/cases/{case.reference}/").content.decode()
    timeline = page.split('id="timeline-h"')[1]
    assert f"Someone on the public report page opened {case.reference}" in timeline
    assert "Someone on the public report page added information" in timeline


def test_reporting_a_known_url_does_not_tell_how_far_its_case_got(actors, client):
    case = open_case(actors["owner"], "https://b-social.test/p/known-stage")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ACTION)
    code = code_of(send(client, items="https://b-social.test/p/known-stage?utm_source=x"))
    page = client.post("/report/follow-up/", {"code": code}).content.decode()
    assert f'data-stage="{PublicStage.RECEIVED}"' in page
    assert "utm_source" not in page  # the address in its normal form


def test_a_survivor_is_told_by_email(network, client):
    response = send(client, survivor="self", preference="direct", contact="+49 30 123456")
    assert response.status_code == 400 and "email address" in response.content.decode()
