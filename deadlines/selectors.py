"""Reads of clocks. The apps that start clocks ask here (and call deadlines/services.py
to change them); none of them queries ``Deadline`` itself. Callers that see only part of
the work pass the case ids or desks they may see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q, QuerySet

from .choices import DeadlineKind, DeadlineState, NotificationStatus
from .models import Deadline, Escalation, Notification

RUNNING = (DeadlineState.OPEN, DeadlineState.PAUSED)
# Still owed: running, or missed and neither met late nor cancelled.
UNFINISHED = Q(state__in=RUNNING) | Q(
    state=DeadlineState.MISSED, met_at__isnull=True, cancelled_at__isnull=True
)
# The one definition of a clock's outcome, for boards, figures and transparency: it
# finished when it was met, or missed and not cancelled since; on time when met.
FINISHED = Q(state=DeadlineState.MET) | Q(state=DeadlineState.MISSED, cancelled_at__isnull=True)
ON_TIME = Q(state=DeadlineState.MET)
LATE = Q(state=DeadlineState.MISSED)


def of_subject(subject: models.Model) -> Q:
    return Q(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)


def of_subjects(model: type[models.Model], ids) -> Q:
    return Q(subject_type=ContentType.objects.get_for_model(model), subject_id__in=ids)


def unfinished_by_case(
    case_ids: Iterable[int], *, kind: DeadlineKind | None = None
) -> dict[int, list[Deadline]]:
    """Running (or still escalating) clocks of these cases, nearest first; one query."""
    clocks = Deadline.objects.filter(UNFINISHED, case_id__in=list(case_ids)).order_by("due_at")
    if kind is not None:
        clocks = clocks.filter(kind=kind)
    by_case: dict[int, list[Deadline]] = {}
    for deadline in clocks:
        by_case.setdefault(deadline.case_id, []).append(deadline)
    return by_case


def case_clocks(case_id: int) -> QuerySet[Deadline]:
    """Every clock of a case, finished or not, with its pauses and escalations."""
    return (
        Deadline.objects.filter(case_id=case_id)
        .prefetch_related("pauses", "escalations")
        .order_by("due_at")
    )


def next_due_at(subject: models.Model) -> datetime | None:
    """The nearest due time among the subject's running clocks (the triage queue's order)."""
    return (
        Deadline.objects.filter(of_subject(subject), state__in=RUNNING)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )


def clocks_seen_by(*, case_ids, desk_ids: Iterable[int]) -> QuerySet[Deadline]:
    """Clocks of these cases, and those these desks answer for."""
    return Deadline.objects.filter(
        Q(case_id__in=case_ids) | Q(responsible_desk__in=list(desk_ids))
    ).select_related("responsible_platform", "responsible_desk")


def unfinished(clocks: QuerySet[Deadline]) -> QuerySet[Deadline]:
    return clocks.filter(UNFINISHED)


def started_between(start: datetime, end: datetime) -> QuerySet[Deadline]:
    """Real clocks (never the sandbox's) started in a period."""
    return Deadline.objects.filter(started_at__gte=start, started_at__lt=end, is_sandbox=False)


def clocks_of(model: type[models.Model], ids, *, kind: DeadlineKind) -> QuerySet[Deadline]:
    return Deadline.objects.filter(of_subjects(model, ids), kind=kind)


def on_time_share(clocks: QuerySet[Deadline]) -> dict:
    """Of the clocks that finished, how many were met on time."""
    counts = clocks.aggregate(
        finished=Count("id", filter=FINISHED), on_time=Count("id", filter=ON_TIME)
    )
    finished, on_time = counts["finished"], counts["on_time"]
    return {
        "finished": finished,
        "on_time": on_time,
        "share": on_time / finished if finished else None,
    }


def clock_figures(
    *,
    start: datetime,
    end: datetime,
    jurisdiction: str | None = None,
    platform: str | None = None,
    subjects: tuple[type[models.Model], QuerySet] | None = None,
) -> dict:
    """The clocks' part of a transparency report: how long assessments took, the share
    of each kind of clock finished on time, and how many escalated. ``jurisdiction`` and
    ``platform`` narrow to the clocks that party answers for (of ``subjects``)."""
    clocks = started_between(start, end)
    if jurisdiction:
        clocks = clocks.filter(jurisdiction=jurisdiction)
    if platform:
        clocks = clocks.filter(responsible_platform__slug=platform)
    if subjects is not None:
        clocks = clocks.filter(of_subjects(*subjects))
    assessed = clocks.filter(kind=DeadlineKind.ASSESSMENT, met_at__isnull=False)
    return {
        "assessment_seconds": [
            (met - began).total_seconds()
            for began, met in assessed.values_list("started_at", "met_at")
        ],
        "within_deadline": {
            kind: on_time_share(clocks.filter(kind=kind)) for kind in DeadlineKind.values
        },
        "escalations": Escalation.objects.filter(deadline__in=clocks, level__gte=1).count(),
    }


def engine_health(now: datetime) -> dict:
    """What the operator watches (also the metrics' gauges): how long the oldest due
    check has waited for the sweep, and the outbox's pending and dead letters."""
    oldest = Deadline.objects.filter(next_check_at__lte=now).aggregate(
        t=models.Min("next_check_at")
    )["t"]
    by_status = dict(
        Notification.objects.filter(
            status__in=[NotificationStatus.PENDING, NotificationStatus.DEAD]
        )
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return {
        "sweep_lag_seconds": (now - oldest).total_seconds() if oldest else 0.0,
        "pending": by_status.get(NotificationStatus.PENDING, 0),
        "dead": by_status.get(NotificationStatus.DEAD, 0),
    }
