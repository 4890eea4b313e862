"""The stay-down hash list: items an assessment confirms illegal are added per scope,
withdrawn when the case is found not illegal; platforms pull changes from a checkpoint
and a snapshot, hashes only."""

import pytest
from rest_framework.test import APIClient

from cases.choices import HashListAction
from cases.models import HashListChange
from cases.services.intake import ItemInput
from cases.services.triage import case_assess, case_close_not_illegal
from tests.cases.factories import submit
from tests.liaison.factories import PlatformFactory, api_key_for

pytestmark = pytest.mark.django_db

SHA = "ab" * 32


@pytest.fixture
def platform_api(network):
    platform = PlatformFactory(establishment_jurisdiction=network["nl"], domains=["c-host.test"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(platform=platform)}")
    return client


def assess(case, officer, depiction="real", classification=None):
    return case_assess(
        case=case,
        officer=officer,
        depiction_type=depiction,
        age_group="pubescent",
        severity=3,
        risk_score=40,
        classification=classification,
        expected_version=None,
    )


def illegal_case(actors, url="https://b-social.test/p/hash-1", sha=SHA):
    case = submit(actors["owner"], items=[ItemInput(url=url, sha256=sha, md5=sha[:32])])
    case = case.cases_opened[0]
    assess(case, actors["owner"])
    return case


def test_an_illegal_assessment_puts_the_hashes_on_the_list_per_scope(actors, platform_api):
    case = illegal_case(actors)
    scopes = set(HashListChange.objects.values_list("scope", flat=True))
    assert "*" in scopes and "DE" in scopes  # network-wide, and where it is criminal
    page = platform_api.get("/api/v1/platform/hashes/").json()
    (entry,) = page["changes"]
    assert entry["action"] == "added" and entry["sha256"] == SHA and entry["md5"] == SHA[:32]
    assert "DE" in entry["illegal_in"] and entry["classification"].startswith("illegal")
    assert page["more"] is False and page["checkpoint"].isdigit()
    assert "b-social" not in str(page)  # hashes only, never a URL
    german = platform_api.get("/api/v1/platform/hashes/?jurisdiction=de").json()
    assert [c["sha256"] for c in german["changes"]] == [SHA]
    # Nothing new since the checkpoint.
    again = platform_api.get(f"/api/v1/platform/hashes/?since={page['checkpoint']}").json()
    assert again["changes"] == [] and again["checkpoint"] == page["checkpoint"]
    assert case.pk


def test_a_reassessment_as_not_illegal_withdraws_them(actors, platform_api):
    case = illegal_case(actors)
    checkpoint = platform_api.get("/api/v1/platform/hashes/").json()["checkpoint"]
    case.refresh_from_db()
    assess(case, actors["owner"], classification="illegal_none")
    page = platform_api.get(f"/api/v1/platform/hashes/?since={checkpoint}").json()
    assert [(c["action"], c["sha256"]) for c in page["changes"]] == [("withdrawn", SHA)]
    snapshot = platform_api.get("/api/v1/platform/hashes/snapshot/").json()
    assert snapshot["entries"] == [] and int(snapshot["checkpoint"]) >= int(checkpoint)
    assert not HashListChange.objects.filter(current=True, action=HashListAction.ADDED).exists()


def test_assessing_twice_the_same_way_adds_nothing(actors, platform_api):
    case = illegal_case(actors)
    before = HashListChange.objects.count()
    case.refresh_from_db()
    assess(case, actors["owner"])
    assert HashListChange.objects.count() == before


def test_closing_as_not_illegal_keeps_it_off_the_list(actors, platform_api):
    case = submit(actors["owner"], items=[ItemInput(sha256="ef" * 32)]).cases_opened[0]
    case_close_not_illegal(
        case=case, officer=actors["owner"], reason="Adult content", expected_version=None
    )
    assert platform_api.get("/api/v1/platform/hashes/").json()["changes"] == []


def test_the_pull_and_the_snapshot_page_through_a_long_list(actors, platform_api):
    for n in range(3):
        illegal_case(actors, url=f"https://b-social.test/p/long-{n}", sha=f"{n:x}" * 64)
    first = platform_api.get("/api/v1/platform/hashes/?limit=2").json()
    assert len(first["changes"]) == 2 and first["more"] is True
    rest = platform_api.get(f"/api/v1/platform/hashes/?limit=2&since={first['checkpoint']}")
    assert len(rest.json()["changes"]) == 1 and rest.json()["more"] is False
    snapshot = platform_api.get("/api/v1/platform/hashes/snapshot/?limit=2").json()
    assert len(snapshot["entries"]) == 2 and snapshot["next"]
    following = platform_api.get(snapshot["next"]).json()
    assert len(following["entries"]) == 1 and following["next"] is None
    hashes = {e["sha256"] for e in snapshot["entries"] + following["entries"]}
    assert hashes == {f"{n:x}" * 64 for n in range(3)}


@pytest.mark.parametrize(
    "query", ["since=abc", "since=-1", "limit=0", "limit=9999", "jurisdiction=DEU", "colour=red"]
)
def test_a_bad_query_is_a_problem_document(platform_api, query):
    response = platform_api.get(f"/api/v1/platform/hashes/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "validation_failed"


def test_the_exports_are_read_by_the_tools_that_read_them(actors, platform_api):
    """CSV by csv, the STIX 2.1 bundle by stix2-validator, the MISP event by pymisp."""
    import csv
    import io

    from pymisp import MISPEvent
    from stix2validator import ValidationOptions, validate_string

    illegal_case(actors)
    illegal_case(actors, url="https://b-social.test/p/hash-2", sha="12" * 32)
    rows = list(
        csv.DictReader(
            io.StringIO(platform_api.get("/api/v1/platform/hashes/export.csv").content.decode())
        )
    )
    assert {r["sha256"] for r in rows} == {SHA, "12" * 32} and "DE" in rows[0]["illegal_in"]

    stix = platform_api.get("/api/v1/platform/hashes/export.stix.json")
    assert stix.status_code == 200 and stix["Content-Type"].startswith("application/json")
    result = validate_string(stix.content.decode(), ValidationOptions(version="2.1", strict=True))
    assert result.is_valid, [str(e) for e in result.errors]
    indicators = [o for o in stix.json()["objects"] if o["type"] == "indicator"]
    assert len(indicators) == 2 and f"'SHA-256' = '{SHA}'" in " ".join(
        i["pattern"] for i in indicators
    )
    again = platform_api.get("/api/v1/platform/hashes/export.stix.json").json()
    assert {i["id"] for i in indicators} == {
        o["id"] for o in again["objects"] if o["type"] == "indicator"
    }

    misp = platform_api.get("/api/v1/platform/hashes/export.misp.json?jurisdiction=DE")
    event = MISPEvent()
    event.load(misp.content.decode())
    values = {(a.type, a.value) for a in event.attributes}
    assert ("sha256", SHA) in values and ("md5", SHA[:32]) in values
    assert all(a.to_ids for a in event.attributes if a.type in ("sha256", "md5"))
    assert "b-social" not in misp.content.decode() + stix.content.decode()


def test_a_withdrawn_entry_leaves_the_exports(actors, platform_api):
    case = illegal_case(actors)
    case.refresh_from_db()
    assess(case, actors["owner"], classification="illegal_none")
    body = platform_api.get("/api/v1/platform/hashes/export.csv").content.decode()
    assert SHA not in body
    assert platform_api.get("/api/v1/platform/hashes/export.csv?colour=red").status_code == 400


def test_a_re_upload_is_confirmed_from_the_list_without_viewing_it_again(actors, settings):
    """Near the same picture (PDQ 3 bits away) at a new address: the case page offers the
    earlier classification, and confirming it records an assessment without the form."""
    from cases.models import Assessment, Case
    from takedown.core.models import AuditEvent
    from tests.conftest import login

    settings.PDQ_MATCH_DISTANCE = 31
    pdq = "f0" * 32
    near = "f7" + "f0" * 31  # three bits differ
    first = submit(
        actors["owner"], items=[ItemInput(url="https://b-social.test/p/orig", pdq=pdq, sha256=SHA)]
    ).cases_opened[0]
    assess(first, actors["owner"])
    again = submit(
        actors["owner"], items=[ItemInput(url="https://b-social.test/p/reup", pdq=near)]
    ).cases_opened[0]
    page = login(actors["owner"]).get(f"/cases/{again.reference}/").content.decode()
    assert "data-stay-down" in page and "3 bits away" in page
    response = login(actors["owner"]).post(
        f"/cases/{again.reference}/assess/stay-down/", {"version": again.version}
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(case=again)
    earlier = Assessment.objects.get(case=first)
    assert (assessment.depiction_type, assessment.severity) == (
        earlier.depiction_type,
        earlier.severity,
    )
    assert "without viewing the material again" in assessment.notes
    assert AuditEvent.objects.filter(action="case.preclassified", case_id=again.pk).exists()
    assert Case.objects.get(pk=again.pk).status == "assessed"
    twice = login(actors["owner"]).post(
        f"/cases/{again.reference}/assess/stay-down/",
        {"version": Case.objects.get(pk=again.pk).version},
    )
    assert twice.status_code == 400 and Assessment.objects.filter(case=again).count() == 1
    # Now assessed itself, the case offers nothing more; and a case far from any listed
    # picture is offered nothing.
    assert (
        "data-stay-down"
        not in login(actors["owner"]).get(f"/cases/{again.reference}/").content.decode()
    )
    far = submit(
        actors["owner"], items=[ItemInput(url="https://b-social.test/p/far", pdq="0f" * 32)]
    ).cases_opened[0]
    settings.PDQ_MATCH_DISTANCE = 10
    assert (
        "data-stay-down"
        not in login(actors["owner"]).get(f"/cases/{far.reference}/").content.decode()
    )
    refused = login(actors["owner"]).post(
        f"/cases/{far.reference}/assess/stay-down/", {"version": far.version}
    )
    assert (
        refused.status_code == 400
        and "The stay-down list offers nothing" in refused.content.decode()
    )
    assert not Assessment.objects.filter(case=far).exists()


def test_a_merged_cases_items_stand_as_the_survivors_assessment_says(actors, platform_api):
    from cases.services.triage import case_merge

    survivor = illegal_case(actors)
    other = submit(
        actors["owner"], items=[ItemInput(url="https://b-social.test/p/other", sha256="34" * 32)]
    ).cases_opened[0]
    survivor.refresh_from_db()
    case_merge(
        survivor=survivor,
        merged=other,
        officer=actors["owner"],
        survivor_version=survivor.version,
        merged_version=other.version,
    )
    hashes = {c["sha256"] for c in platform_api.get("/api/v1/platform/hashes/").json()["changes"]}
    assert hashes == {SHA, "34" * 32}


def test_a_case_confirmed_from_the_list_is_no_seed_for_a_further_near_match(actors, settings):
    from cases.selectors import stay_down_match
    from cases.services.triage import case_assess_from_stay_down

    settings.PDQ_MATCH_DISTANCE = 4
    original = submit(
        actors["owner"], items=[ItemInput(url="https://b-social.test/p/o", pdq="00" * 32)]
    ).cases_opened[0]
    assess(original, actors["owner"])
    near = submit(  # 3 bits from the original
        actors["owner"], items=[ItemInput(url="https://b-social.test/p/n", pdq="07" + "00" * 31)]
    ).cases_opened[0]
    case_assess_from_stay_down(case=near, officer=actors["owner"], expected_version=near.version)
    further = submit(  # 3 bits from the near one, 6 from the original
        actors["owner"], items=[ItemInput(url="https://b-social.test/p/f", pdq="3f" + "00" * 31)]
    ).cases_opened[0]
    assert stay_down_match(further) is None
    settings.PDQ_MATCH_DISTANCE = 6
    match = stay_down_match(further)
    assert match is not None and match.entry.item.case_id == original.pk
