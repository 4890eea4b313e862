"""A finished clock says how it ended: met on time, met so long late, or cancelled and
why (a merge names the case it went into), on the case page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines import policy
from deadlines.choices import DeadlineKind, DeadlineState
from deadlines.models import Deadline
from deadlines.services import deadline_meet
from tests.cases.factories import open_case
from tests.conftest import login

pytestmark = pytest.mark.django_db


def clocks_section(client, case) -> str:
    return client.get(f"/cases/{case.reference}/").content.decode()


def test_a_clock_met_late_says_by_how_much_not_overdue(actors):
    officer = actors["owner"]
    earlier = timezone.now() - timedelta(days=4)
    case = open_case(officer, "https://b-social.test/p/words-late", now=earlier)
    clock = Deadline.objects.get(case_id=case.pk, kind=DeadlineKind.ASSESSMENT)
    met_at = clock.due_at + timedelta(hours=6)
    deadline_meet(subject=case, kind=DeadlineKind.ASSESSMENT, now=met_at, actor=officer)
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MISSED  # it counts as missed
    page = clocks_section(login(officer), case)
    assert f"met {policy.humanise(timedelta(hours=6))} late" in page
    assert "overdue by" not in page


def test_a_clock_met_in_time_says_so(actors):
    officer = actors["owner"]
    case = open_case(officer, "https://b-social.test/p/words-on-time")
    deadline_meet(subject=case, kind=DeadlineKind.ASSESSMENT, actor=officer)
    assert "met on time" in clocks_section(login(officer), case)


def test_a_clock_cancelled_by_a_merge_names_the_case_it_went_into(actors):
    from cases.services.triage import case_merge

    officer = actors["owner"]
    survivor = open_case(officer, "https://b-social.test/p/words-survivor")
    merged = open_case(officer, "https://b-social.test/p/words-merged")
    case_merge(
        survivor=survivor,
        merged=merged,
        officer=officer,
        survivor_version=None,
        merged_version=None,
    )
    cancelled = Deadline.objects.filter(state=DeadlineState.CANCELLED).first()
    assert cancelled is not None and survivor.reference in cancelled.cancel_reason
    page = login(officer).get(f"/cases/id/{cancelled.case_id}/", follow=True).content.decode()
    assert f"cancelled (Merged into {survivor.reference})" in page or (
        f"cancelled ({merged.reference} merged in with an earlier clock)" in page
    )


def test_a_missed_clock_stopped_by_closing_the_case_is_over_not_overdue(actors):
    from deadlines.services import deadline_cancel

    officer = actors["owner"]
    earlier = timezone.now() - timedelta(days=4)
    case = open_case(officer, "https://b-social.test/p/words-stopped", now=earlier)
    clock = Deadline.objects.get(case_id=case.pk, kind=DeadlineKind.ASSESSMENT)
    Deadline.objects.filter(pk=clock.pk).update(state=DeadlineState.MISSED)  # as the sweep does
    deadline_cancel(subject=case, reason="Case closed", actor=officer)
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MISSED and clock.cancelled_at is not None
    page = clocks_section(login(officer), case)
    assert "cancelled (Case closed)" in page and "overdue by" not in page
