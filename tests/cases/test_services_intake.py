from datetime import timedelta

import pytest

from cases.choices import CaseStatus, ParticipantRole
from cases.models import Case, Report, ReportedItem
from cases.services.intake import MAX_ITEMS_PER_REPORT, ItemInput, ReportInput, report_submit
from deadlines.choices import DeadlineKind
from deadlines.models import Deadline
from takedown.core.errors import ValidationFailed
from takedown.core.models import AuditEvent
from tests.cases.factories import open_case, submit

pytestmark = pytest.mark.django_db

SHA = "a" * 64
MD5 = "b" * 32


def test_a_new_url_opens_a_case_routed_to_the_platforms_desk(actors, network):
    result = submit(actors["owner"], "HTTPS://Media.A-Video.test:443/v/1?utm_source=x#top")
    (case,) = result.cases_opened
    item = case.items.get()
    assert (
        item.url.startswith("HTTPS://Media")
        and item.normalized_url == "https://media.a-video.test/v/1"
    )
    assert item.platform == network["platform_a"] and item.hosting_jurisdiction_id == "NL"
    # Platform A is established in NL: the NL desk leads, the reporting DE desk participates.
    assert case.lead_desk == network["desk_nl"]
    roles = dict(case.participants.values_list("desk__name", "role"))
    assert roles == {"NL desk": ParticipantRole.LEAD, "DE desk": ParticipantRole.PARTICIPANT}
    assert case.status == CaseStatus.NEW and case.reference.startswith("TD-")
    kinds = dict(Deadline.objects.filter(case_id=case.pk).values_list("kind", "due_at"))
    assert kinds[DeadlineKind.ASSESSMENT] - case.created_at == timedelta(hours=48)
    assert kinds[DeadlineKind.FINAL_ORDER] - case.created_at >= timedelta(days=7)
    assert case.queue_due_at == kinds[DeadlineKind.ASSESSMENT]
    assert result.items[0].new is True
    assert AuditEvent.objects.filter(action="case.opened", case_id=case.pk).exists()


def test_acute_reports_get_the_short_clocks(actors):
    case = open_case(actors["owner"], acute=True)
    deadline = Deadline.objects.get(case_id=case.pk, kind=DeadlineKind.ASSESSMENT)
    assert deadline.due_at - case.created_at == timedelta(hours=24)


def test_unknown_platform_falls_back_to_stated_country_then_reporting_desk(actors, network):
    result = submit(
        actors["owner"],
        items=[
            ItemInput(url="https://unlisted.test/x", hosting_country="nl", hosting_ip="192.0.2.7")
        ],
    )
    item = result.cases_opened[0].items.get()
    assert (item.platform, item.hosting_jurisdiction_id, item.hosting_ip) == (
        None,
        "NL",
        "192.0.2.7",
    )
    unrouted = submit(actors["owner"], "https://other-unlisted.test/y").cases_opened[0]
    assert unrouted.lead_desk == network["desk_de"]  # the reporting desk leads


def test_the_same_url_from_another_jurisdiction_joins_the_existing_case(actors, network):
    first = submit(actors["owner"], "https://a-video.test/v/9")
    case = first.cases_opened[0]
    # A hotline in NL reports the same resource, written differently.
    second = submit(actors["outsider"], "https://A-VIDEO.test:443/v/9#frag", jurisdiction="NL")
    assert second.cases_opened == []
    (line,) = second.items
    assert (line.new, line.matched_by, line.case_reference) == (False, "url", case.reference)
    assert line.lead_jurisdiction == "NL"
    assert ReportedItem.objects.count() == 1 and Case.objects.count() == 1
    assert Report.objects.count() == 2


def test_a_different_desk_reporting_a_known_item_joins_as_participant(actors, network):
    case = open_case(actors["outsider"], "https://b-social.test/p/1", jurisdiction="NL")
    assert case.lead_desk == network["desk_de"]  # platform B is established in DE
    assert set(case.participants.values_list("desk__name", flat=True)) == {"DE desk", "NL desk"}


def test_same_content_at_another_url_goes_into_the_case_that_has_it(actors):
    first = submit(actors["owner"], items=[ItemInput(url="https://a-video.test/v/1", sha256=SHA)])
    case = first.cases_opened[0]
    second = submit(
        actors["owner"], items=[ItemInput(url="https://b-social.test/p/2", sha256=SHA.upper())]
    )
    assert second.cases_opened == []
    assert second.items[0].matched_by == "sha256"
    assert case.items.count() == 2  # both URLs need taking down, in one case


def test_hash_only_reports_match_by_md5(actors):
    first = submit(actors["owner"], items=[ItemInput(md5=MD5)])
    second = submit(actors["outsider"], items=[ItemInput(md5=MD5)], jurisdiction="NL")
    assert second.items[0].item_id == first.items[0].item_id
    assert second.items[0].matched_by == "md5"


def test_a_url_named_twice_in_one_report_is_one_item(actors):
    result = submit(actors["owner"], "https://a-video.test/v/5", "https://a-video.test/v/5#x")
    assert len(result.items) == 2 and ReportedItem.objects.count() == 1
    assert [line.new for line in result.items] == [True, False]


def test_reports_to_a_merged_case_join_the_survivor(actors, network):
    from cases.services.triage import case_merge

    officer = actors["outsider"]  # NL desk leads both (platform A is in NL)
    a = open_case(officer, "https://a-video.test/v/1", jurisdiction="NL")
    b = open_case(officer, "https://a-video.test/v/2", jurisdiction="NL")
    case_merge(survivor=a, merged=b, officer=officer, survivor_version=None, merged_version=None)
    result = submit(actors["owner"], "https://a-video.test/v/2")
    assert result.items[0].case_reference == a.reference


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        (ItemInput(url="ftp://a-video.test/x"), "url", "Only http(s) URLs"),
        (ItemInput(url="https://exa mple.test/x"), "url", "not a valid domain"),
        (ItemInput(url="not a url"), "url", "http"),
        (ItemInput(), "url", "Give a URL"),
        (ItemInput(sha256="xyz"), "sha256", "64 hexadecimal"),
        (ItemInput(md5="123"), "md5", "32 hexadecimal"),
        (ItemInput(url="https://a.test/", pdq="zz"), "pdq", "64 hexadecimal"),
        (
            ItemInput(url="https://a.test/", hosting_country="XX"),
            "hosting_country",
            "not a jurisdiction",
        ),
        (ItemInput(url="https://a.test/", hosting_ip="300.1.1.1"), "hosting_ip", "not an IP"),
    ],
)
def test_bad_items_are_refused_per_field_and_nothing_is_written(actors, item, field, message):
    good = ItemInput(url="https://a-video.test/v/ok")
    with pytest.raises(ValidationFailed) as caught:
        submit(actors["owner"], items=[good, item])
    errors = caught.value.fields["items"]["1"]
    assert message in " ".join(errors[field])
    assert not Report.objects.exists() and not ReportedItem.objects.exists()
    assert (
        not Case.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="case").exists()
    )


def test_report_level_errors(actors):
    with pytest.raises(ValidationFailed) as caught:
        report_submit(
            data=ReportInput(source="rumour", reporting_jurisdiction="ZZ", items=[]),
            submitter=actors["owner"],
        )
    assert set(caught.value.fields) == {"source", "reporting_jurisdiction", "items"}


def test_too_many_items(actors):
    items = [ItemInput(url=f"https://a-video.test/v/{n}") for n in range(MAX_ITEMS_PER_REPORT + 1)]
    with pytest.raises(ValidationFailed, match="not valid") as caught:
        submit(actors["owner"], items=items)
    assert "bulk CSV" in caught.value.fields["items"][0]


def test_one_report_matching_many_cases_links_each_as_its_desk_stands(actors, network):
    """A bulk file may match thousands of cases: members stay members, an open request
    is not asked twice, the others are asked once each; with an agreement in force all
    join at once. Memberships and requests are read and written for all together."""
    from datetime import date

    from cases.choices import JoinStatus
    from cases.models import CaseParticipant, JoinRequest
    from cases.services.joins import Link
    from liaison.models import Agreement

    de_officer, nl_officer = actors["owner"], actors["outsider"]
    urls = [f"https://a-video.test/v/many-{n}" for n in range(5)]
    nl_only = [submit(nl_officer, url, jurisdiction="NL").cases_opened[0] for url in urls[:4]]
    with_de = submit(de_officer, urls[4]).cases_opened[0]  # NL-led, DE participates
    submit(de_officer, urls[0])  # DE asks to join the first already
    asked = JoinRequest.objects.get(case=nl_only[0], status=JoinStatus.PENDING)

    result = submit(de_officer, *urls[:3], urls[4])
    assert result.join_outcomes == {
        nl_only[0].pk: Link.PENDING,
        nl_only[1].pk: Link.PENDING,
        nl_only[2].pk: Link.PENDING,
        with_de.pk: Link.MEMBER,
    }
    assert JoinRequest.objects.filter(status=JoinStatus.PENDING).count() == 3
    assert JoinRequest.objects.get(case=nl_only[0], status=JoinStatus.PENDING) == asked
    decisions = Deadline.objects.filter(kind=DeadlineKind.JOIN_DECISION)
    assert decisions.count() == 3  # one per request, none for the one asked before
    joined = AuditEvent.objects.filter(action="case.report_joined", data__report=result.report.pk)
    assert joined.count() == 4

    agreement = Agreement.objects.create(
        name="DE–NL (test)", valid_from=date(2020, 1, 1), joins_without_acceptance=True
    )
    agreement.parties.set([network["de"], network["nl"]])
    let_in = submit(de_officer, urls[3], urls[4])
    assert let_in.join_outcomes == {nl_only[3].pk: Link.JOINED, with_de.pk: Link.MEMBER}
    assert CaseParticipant.objects.filter(case=nl_only[3], desk=network["desk_de"]).exists()
