"""PDQ near-duplicates: suggested to the officer (case page and selector), never merged,
limited to cases the officer may see, and kept out of the bulk CSV import.

Hashes are random 256-bit numbers; a near duplicate is the same number with some bits
flipped, so the Hamming distance is exactly the number of flipped bits."""

import random
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

import cases.selectors
import cases.views
from cases.choices import CaseStatus, ImportStatus
from cases.models import BulkImport, Case, ReportedItem
from cases.selectors import pdq_suggestions
from cases.services.bulk import bulk_import_create, bulk_import_run
from cases.services.intake import ItemInput
from tests.cases.factories import submit
from tests.conftest import login

pytestmark = pytest.mark.django_db

# A query that filters on the PDQ column: the scan behind the suggestions.
PDQ_SCAN = re.compile(r'\bWHERE\b.*"pdq"', re.IGNORECASE | re.DOTALL)


class Hashes:
    """A random base hash and variants of it at exact Hamming distances. Every variant
    flips bits no other variant flips, so two variants at distances a and b are a + b
    apart."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.bits = rng.getrandbits(256)
        self._positions = rng.sample(range(256), 256)
        self.base = self.at(0)

    def at(self, distance: int) -> str:
        bits = self.bits
        for position in self._positions[:distance]:
            bits ^= 1 << position
        return f"{bits:064x}"

    def fresh(self, distance: int) -> str:
        """At this distance from the base, with bits no earlier variant used."""
        bits = self.bits
        for position in self._positions[-distance:] if distance else ():
            bits ^= 1 << position
        self._positions = self._positions[:-distance] if distance else self._positions
        return f"{bits:064x}"


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def case_with(officer, url: str, pdq: str, **kwargs) -> tuple[Case, ReportedItem]:
    result = submit(officer, items=[ItemInput(url=url, pdq=pdq)], **kwargs)
    (line,) = result.items
    assert line.new and line.matched_by == ""  # PDQ never joins a report to a case
    (case,) = result.cases_opened
    return case, case.items.get()


def suggested(case: Case, user) -> list[tuple[int, int, int]]:
    return [(m.item.pk, m.other.pk, m.distance) for m in pdq_suggestions(case, user=user)]


@pytest.fixture
def hashes() -> Hashes:
    return Hashes(seed=20240603)


@pytest.fixture
def pdq_world(actors, hashes):
    """The owner's case (DE desk only), a case 20 bits away reported from NL on the
    DE-led platform, and a case 40 bits away on the NL-led platform. The owner's DE desk
    takes part in all three."""
    near_hash, far_hash = hashes.fresh(20), hashes.fresh(40)
    mine = case_with(actors["owner"], "https://b-social.test/p/pdq-mine", hashes.base)
    near = case_with(
        actors["outsider"], "https://b-social.test/p/pdq-near", near_hash, jurisdiction="NL"
    )
    far = case_with(actors["owner"], "https://a-video.test/v/pdq-far", far_hash)
    assert hamming(hashes.base, near_hash) == 20 and hamming(hashes.base, far_hash) == 40
    assert hamming(near_hash, far_hash) == 60
    return {"mine": mine, "near": near, "far": far}


@pytest.fixture
def pdq_calls(monkeypatch):
    """Every computation of PDQ suggestions, wherever it is called from."""
    calls = []
    real = cases.selectors.pdq_suggestions

    def spy(case, *, user):
        calls.append(case.pk)
        return real(case, user=user)

    monkeypatch.setattr(cases.selectors, "pdq_suggestions", spy)
    monkeypatch.setattr(cases.views, "pdq_suggestions", spy)
    return calls


# --- Suggested, with the distance ---------------------------------------------------------


def test_the_case_page_suggests_the_near_duplicate_with_its_distance(actors, pdq_world):
    (mine, mine_item), (near, near_item), (far, far_item) = pdq_world.values()
    page = login(actors["owner"]).get(f"/cases/{mine.reference}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Possible near-duplicates (PDQ), not merged" in html
    assert (
        f"item {mine_item.pk} resembles item {near_item.pk} of {near.reference} (distance 20)"
        in html
    )
    assert f'href="/cases/{near.reference}/"' in html
    assert far.reference not in html and f"resembles item {far_item.pk} " not in html


def test_the_selector_suggests_only_the_near_duplicate(actors, pdq_world):
    (mine, mine_item), (near, near_item), (far, _far_item) = pdq_world.values()
    (match,) = pdq_suggestions(mine, user=actors["owner"])
    assert (match.item, match.other, match.distance) == (mine_item, near_item, 20)
    assert match.other.case.reference == near.reference
    # The same pair, seen from the other side; the far case resembles nothing.
    assert suggested(near, actors["owner"]) == [(near_item.pk, mine_item.pk, 20)]
    assert suggested(far, actors["owner"]) == []


def test_a_case_without_pdq_hashes_has_no_suggestions(actors, pdq_world):
    plain = submit(actors["owner"], "https://b-social.test/p/no-pdq").cases_opened[0]
    assert pdq_suggestions(plain, user=actors["owner"]) == []
    html = login(actors["owner"]).get(f"/cases/{plain.reference}/").content.decode()
    assert "near-duplicates" not in html


def test_the_default_threshold_is_31_inclusive(actors, hashes):
    owner = actors["owner"]
    mine, mine_item = case_with(owner, "https://b-social.test/p/edge-0", hashes.base)
    _in, at_31 = case_with(owner, "https://b-social.test/p/edge-31", hashes.fresh(31))
    case_with(owner, "https://b-social.test/p/edge-32", hashes.fresh(32))
    assert suggested(mine, owner) == [(mine_item.pk, at_31.pk, 31)]


def test_an_identical_pdq_hash_is_suggested_at_distance_0_and_not_merged(actors, hashes):
    owner = actors["owner"]
    mine, mine_item = case_with(owner, "https://b-social.test/p/same-1", hashes.base)
    other, other_item = case_with(owner, "https://a-video.test/v/same-2", hashes.base.upper())
    assert other_item.pdq == hashes.base  # stored in lower case
    assert suggested(mine, owner) == [(mine_item.pk, other_item.pk, 0)]
    assert other.pk != mine.pk and Case.objects.count() == 2


def test_suggestions_compare_every_item_of_the_case_nearest_first(actors, hashes):
    owner = actors["owner"]
    result = submit(
        owner,
        items=[
            ItemInput(url="https://b-social.test/p/multi-1", pdq=hashes.base),
            ItemInput(url="https://b-social.test/p/multi-2", pdq=hashes.at(100)),
        ],
    )
    (mine,) = result.cases_opened
    first, second = (line.item_id for line in result.items)
    assert pdq_suggestions(mine, user=owner) == []  # items of the case itself are not news
    _a, near_first = case_with(owner, "https://b-social.test/p/m-a", hashes.fresh(25))
    _b, near_second = case_with(owner, "https://b-social.test/p/m-b", hashes.at(93))
    # m-a is 25 bits from multi-1 and 125 from multi-2; m-b is 7 bits from multi-2 and
    # 93 from multi-1.
    assert suggested(mine, owner) == [
        (second, near_second.pk, 7),
        (first, near_first.pk, 25),
    ]


# --- Never merged ---------------------------------------------------------------------


def test_nothing_is_merged(actors, pdq_world):
    (mine, mine_item), (near, near_item), (far, far_item) = pdq_world.values()
    owner = actors["owner"]
    before = {
        case.pk: sorted(case.participants.values_list("desk__name", "role"))
        for case in (mine, near, far)
    }
    assert login(owner).get(f"/cases/{mine.reference}/").status_code == 200
    assert login(owner).get(f"/cases/{near.reference}/").status_code == 200
    pdq_suggestions(mine, user=owner)

    assert Case.objects.count() == 3 and ReportedItem.objects.count() == 3
    for case, item in ((mine, mine_item), (near, near_item), (far, far_item)):
        case.refresh_from_db()
        assert case.status == CaseStatus.NEW and case.merged_into_id is None
        assert list(case.items.values_list("pk", "pdq")) == [(item.pk, item.pdq)]
        assert sorted(case.participants.values_list("desk__name", "role")) == before[case.pk]


# --- The threshold is a setting --------------------------------------------------------


def test_the_threshold_is_the_setting(actors, pdq_world, settings):
    (mine, mine_item), (_near, near_item), (far, far_item) = pdq_world.values()
    owner = actors["owner"]
    settings.PDQ_MATCH_DISTANCE = 40
    assert suggested(mine, owner) == [
        (mine_item.pk, near_item.pk, 20),
        (mine_item.pk, far_item.pk, 40),
    ]
    html = login(owner).get(f"/cases/{mine.reference}/").content.decode()
    assert f"resembles item {far_item.pk} of {far.reference} (distance 40)" in html
    settings.PDQ_MATCH_DISTANCE = 39
    assert suggested(mine, owner) == [(mine_item.pk, near_item.pk, 20)]
    settings.PDQ_MATCH_DISTANCE = 19
    assert suggested(mine, owner) == []
    html = login(owner).get(f"/cases/{mine.reference}/").content.decode()
    assert "near-duplicates" not in html and f"resembles item {near_item.pk} " not in html
    settings.PDQ_MATCH_DISTANCE = 0
    assert suggested(mine, owner) == []


# --- Only cases the officer may see -----------------------------------------------------


def test_items_of_cases_the_officer_cannot_see_are_never_suggested(actors, pdq_world, hashes):
    (mine, mine_item), (near, near_item), _far = pdq_world.values()
    # The NL desk alone has this one (platform A is in NL, reported from NL): it is the
    # closest of all to the owner's item, and the owner must not learn of it.
    hidden, hidden_item = case_with(
        actors["outsider"], "https://a-video.test/v/pdq-hidden", hashes.fresh(5), jurisdiction="NL"
    )
    assert hamming(hidden_item.pdq, hashes.base) == 5
    assert set(hidden.participants.values_list("desk__name", flat=True)) == {"NL desk"}

    for name in ("owner", "colleague"):
        user = actors[name]
        assert suggested(mine, user) == [(mine_item.pk, near_item.pk, 20)]
        html = login(user).get(f"/cases/{mine.reference}/").content.decode()
        assert hidden.reference not in html and f"resembles item {hidden_item.pk} " not in html
        assert login(user).get(f"/cases/{hidden.reference}/").status_code == 404

    # The outsider's NL desk takes part in the hidden, near and far cases, not in mine:
    # from the hidden case it is shown the near one (25 bits), never mine (5 bits).
    outsider = actors["outsider"]
    assert suggested(hidden, outsider) == [(hidden_item.pk, near_item.pk, 25)]
    html = login(outsider).get(f"/cases/{hidden.reference}/").content.decode()
    assert f"resembles item {near_item.pk} of {near.reference} (distance 25)" in html
    assert mine.reference not in html and f"resembles item {mine_item.pk} " not in html
    assert login(outsider).get(f"/cases/{mine.reference}/").status_code == 404


def test_a_user_without_the_officer_role_is_suggested_nothing(actors, pdq_world):
    from tests.liaison.factories import UserFactory

    (mine, _item), *_ = pdq_world.values()
    prosecutor = UserFactory(roles=["prosecutor"])
    assert pdq_suggestions(mine, user=prosecutor) == []


# --- Kept out of the bulk path ---------------------------------------------------------


def csv_rows(hashes: Hashes, near: str) -> bytes:
    return (
        "url,pdq\n"
        f"https://b-social.test/p/bulk-near,{near}\n"
        f"https://a-video.test/v/bulk-same,{hashes.base.upper()}\n"
        "https://a-video.test/v/bulk-none,\n"
    ).encode()


def assert_imported_without_pdq_matching(job, queries, pdq_calls, near: str, hashes, mine):
    assert job.status == ImportStatus.DONE, job.result
    # Stored, not matched: three new items, none joined the case with the same picture.
    assert job.result["new"] == 3 and job.result["matched"] == 0
    assert job.result["cases_joined"] == [] and mine.reference not in job.result["cases_opened"]
    stored = dict(ReportedItem.objects.filter(url__contains="/bulk-").values_list("url", "pdq"))
    assert stored == {
        "https://b-social.test/p/bulk-near": near,
        "https://a-video.test/v/bulk-same": hashes.base,
        "https://a-video.test/v/bulk-none": "",
    }
    assert pdq_calls == []
    assert not [q["sql"] for q in queries if PDQ_SCAN.search(q["sql"])]


@pytest.mark.parametrize("inline_rows", [500, 1], ids=["inline", "background-task"])
def test_the_bulk_import_stores_pdq_hashes_without_matching_them(
    actors, hashes, pdq_calls, settings, inline_rows, django_capture_on_commit_callbacks
):
    owner = actors["owner"]
    mine, _item = case_with(owner, "https://b-social.test/p/csv-mine", hashes.base)
    near = hashes.fresh(3)
    settings.BULK_IMPORT_INLINE_ROWS = inline_rows
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=False),
    ):
        job = bulk_import_create(
            data=csv_rows(hashes, near),
            file_name="pdq.csv",
            source="hotline",
            reporting_jurisdiction="DE",
            acute=False,
            summary="synthetic bulk",
            submitter=owner,
        )
        if job.status == ImportStatus.QUEUED:
            job = bulk_import_run(job_id=job.pk)  # what the worker does
    assert_imported_without_pdq_matching(job, queries, pdq_calls, near, hashes, mine)

    # The matching happens when an officer reads the case, and the detector sees it.
    with CaptureQueriesContext(connection) as page_queries:
        html = login(owner).get(f"/cases/{mine.reference}/").content.decode()
    assert pdq_calls == [mine.pk]
    assert any(PDQ_SCAN.search(q["sql"]) for q in page_queries)
    near_item = ReportedItem.objects.get(url="https://b-social.test/p/bulk-near")
    same_item = ReportedItem.objects.get(url="https://a-video.test/v/bulk-same")
    assert f"resembles item {same_item.pk} of {same_item.case.reference} (distance 0)" in html
    assert f"resembles item {near_item.pk} of {near_item.case.reference} (distance 3)" in html


def test_the_browser_csv_import_stores_pdq_hashes_without_matching_them(actors, hashes, pdq_calls):
    owner = actors["owner"]
    mine, _item = case_with(owner, "https://b-social.test/p/csv-mine", hashes.base)
    near = hashes.fresh(3)
    client = login(owner)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/cases/import/",
            {
                "file": SimpleUploadedFile("pdq.csv", csv_rows(hashes, near)),
                "source": "hotline",
                "reporting_jurisdiction": "DE",
            },
        )
    assert response.status_code == 302
    job = BulkImport.objects.get()
    assert_imported_without_pdq_matching(job, queries, pdq_calls, near, hashes, mine)
