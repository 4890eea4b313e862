"""Protected sources: who they are is kept apart, shown only to the lead desk's source
handlers by a logged look-up, and nowhere else."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from cases.models import Case, ProtectedSource, PublicReport
from takedown.core.models import AuditEvent
from tests.cases.factories import open_case
from tests.conftest import login

pytestmark = pytest.mark.django_db

NAME, CONTACT, HOW = "Ada Source-Test", "ada-source@example.org", "Works at the host-test"


def report_with_source(client, **fields):
    return client.post(
        "/cases/new/",
        {
            "source": "law_enforcement",
            "reporting_jurisdiction": "DE",
            "items": "https://b-social.test/p/sourced",
            "protect": "on",
            "source_name": NAME,
            "source_contact": CONTACT,
            "how_they_know": HOW,
            **fields,
        },
    )


def handler(user):
    user.user_permissions.add(Permission.objects.get(codename="handle_protected_sources"))
    return type(user).objects.get(pk=user.pk)


def test_an_officers_report_keeps_its_source_apart_and_encrypted(actors):
    response = report_with_source(login(actors["owner"]))
    assert response.status_code == 302
    source = ProtectedSource.objects.get()
    assert (source.name, source.contact, source.how_they_know) == (NAME, CONTACT, HOW)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, contact, how_they_know FROM cases_protectedsource")
        stored = " ".join(cursor.fetchone())
    assert NAME not in stored and CONTACT not in stored and HOW not in stored
    recorded = AuditEvent.objects.get(action="source.protected")
    assert recorded.data == {} and recorded.case_id == Case.objects.get().pk


def test_only_a_source_handler_of_the_lead_desk_looks_them_up_and_it_is_logged(actors):
    report_with_source(login(actors["owner"]))
    case = Case.objects.get()
    source = ProtectedSource.objects.get()
    page = login(actors["owner"]).get(f"/cases/{case.reference}/").content.decode()
    assert "data-protected-sources" in page and NAME not in page
    assert "Show who it is" not in page  # not a handler
    look_up = f"/cases/{case.reference}/sources/{source.pk}/"
    assert login(actors["owner"]).post(look_up).status_code == 403
    owner = handler(actors["owner"])
    page = login(owner).get(f"/cases/{case.reference}/").content.decode()
    assert "Show who it is" in page and NAME not in page
    shown = login(owner).post(look_up)
    assert shown.status_code == 200 and NAME in shown.content.decode()
    assert HOW in shown.content.decode() and shown["Cache-Control"] == "no-store"
    viewed = AuditEvent.objects.get(action="source.identity_viewed")
    assert viewed.actor == owner and viewed.case_id == case.pk and viewed.data == {}
    assert login(owner).get(look_up).status_code == 405  # never by a link or a reload
    # The timeline says that there is a source and who looked, never who it is.
    page = login(owner).get(f"/cases/{case.reference}/").content.decode()
    timeline = page.split('id="timeline-h"')[1]
    assert "protected source" in timeline and NAME not in timeline and CONTACT not in timeline


def test_another_desk_on_the_case_does_not_even_learn_of_the_source(actors, network):
    # Platform A is established in NL: the NL desk leads; the DE desk's report of the
    # same URL, from a source, asks to join.
    case = open_case(actors["outsider"], "https://a-video.test/v/sourced", jurisdiction="NL")
    report_with_source(login(actors["owner"]), items="https://a-video.test/v/sourced")
    source = ProtectedSource.objects.get()
    outsider = handler(actors["outsider"])  # lead desk (NL): may see it
    assert login(outsider).post(f"/cases/{case.reference}/sources/{source.pk}/").status_code == 200
    owner = handler(actors["owner"])  # the reporting desk does not lead
    page = login(owner).get(f"/cases/{case.reference}/")
    assert page.status_code in (200, 404)
    assert "data-protected-sources" not in page.content.decode()
    assert login(owner).post(f"/cases/{case.reference}/sources/{source.pk}/").status_code == 404


def test_a_source_without_a_name_or_a_way_to_reach_them_is_refused(actors):
    response = report_with_source(login(actors["owner"]), source_name="", source_contact="")
    assert response.status_code == 400
    assert "A protected source has a name or a way to reach them." in response.content.decode()
    assert not Case.objects.exists() and not ProtectedSource.objects.exists()


def test_a_whistleblower_on_the_public_page_is_a_protected_source(network, client):
    response = client.post(
        "/report/",
        {
            "reporting_jurisdiction": "DE",
            "items": "https://b-social.test/p/whistle",
            "categories": ["abuse"],
            "contact": CONTACT,
            "protect": "on",
            "source_name": NAME,
            "how_they_know": HOW,
        },
    )
    assert response.status_code == 200
    public = PublicReport.objects.get()
    assert public.contact == ""  # the contact is the source's, kept apart
    source = ProtectedSource.objects.get(report=public.report)
    assert (source.name, source.contact, source.how_they_know) == (NAME, CONTACT, HOW)


def test_a_participant_desks_timeline_does_not_say_there_is_a_source(actors):
    # Platform B is established in DE: the DE desk leads, the reporting NL desk takes part.
    case = open_case(actors["outsider"], "https://b-social.test/p/shared", jurisdiction="NL")
    report_with_source(login(actors["owner"]), items="https://b-social.test/p/shared")
    lead = login(actors["owner"]).get(f"/cases/{case.reference}/").content.decode()
    assert "A report came from a protected source" in lead
    other = login(actors["outsider"]).get(f"/cases/{case.reference}/").content.decode()
    assert "protected source" not in other.lower() and NAME not in other


def test_a_whistleblower_cannot_also_be_on_the_victim_notice_path(network, client):
    response = client.post(
        "/report/",
        {
            "reporting_jurisdiction": "DE",
            "items": "https://b-social.test/p/both",
            "categories": ["abuse"],
            "contact": CONTACT,
            "protect": "on",
            "survivor": "self",
            "preference": "direct",
        },
    )
    assert response.status_code == 400 and "Choose one" in response.content.decode()
    assert not ProtectedSource.objects.exists() and not Case.objects.exists()
