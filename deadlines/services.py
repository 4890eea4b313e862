"""Starting, pausing, meeting and escalating clocks.

Deadlines are rows: the services that start a clock create one, the services that stop
it meet or cancel it, and the sweep (``sweep_due``) warns and escalates. Every change
writes its audit event in the same transaction; messages go through the outbox.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.models import Agreement, Authority, Contact, Jurisdiction, LiaisonDesk, Platform
from takedown.core.audit import atomic, audit_record
from takedown.core.errors import InvalidTransition

from . import policy
from .choices import DeadlineKind, DeadlineState, EscalationKind
from .models import Deadline, DeadlinePause, Escalation
from .outbox import escalation_message, notifications_enqueue
from .selectors import RUNNING, UNFINISHED, of_subject

logger = logging.getLogger(__name__)


def escalation_interval() -> timedelta:
    return timedelta(minutes=getattr(settings, "ESCALATION_INTERVAL_MINUTES", 240))


@dataclass(frozen=True)
class Responsible:
    """Who answers for a clock, and so whose roster escalation follows: a desk
    (assessment, final order, verification), a platform (acknowledgement, removal) or
    a requested authority (MLA response, through its desk)."""

    desk: LiaisonDesk | None = None
    platform: Platform | None = None
    authority: Authority | None = None

    @classmethod
    def of(cls, deadline: Deadline) -> Responsible:
        return cls(
            desk=deadline.responsible_desk,
            platform=deadline.responsible_platform,
            authority=deadline.responsible_authority,
        )

    @property
    def jurisdiction(self) -> Jurisdiction:
        if self.platform is not None:
            return self.platform.establishment_jurisdiction
        return self._authority.jurisdiction

    @property
    def jurisdiction_code(self) -> str:
        if self.platform is not None:
            return self.platform.establishment_jurisdiction_id
        return self._authority.jurisdiction_id

    @property
    def _authority(self) -> Authority:
        return self.desk.authority if self.desk is not None else self.authority

    def roster(self) -> list[Contact]:
        if self.platform is not None:
            return list(self.platform.roster.order_by("position"))
        desk = self.desk
        if desk is None and self.authority is not None:
            desk = self.authority.desks.order_by("id").first()
        return list(desk.roster.order_by("position")) if desk is not None else []


def calendar_of(jurisdiction: Jurisdiction) -> policy.Calendar:
    return policy.Calendar(
        timezone=jurisdiction.timezone,
        holiday_calendar=jurisdiction.holiday_calendar,
        business_days=jurisdiction.business_days,
    )


def agreement_terms(agreement: Agreement) -> policy.AgreementTerms:
    hours, days, minutes = policy.Unit.HOURS, policy.Unit.DAYS, policy.Unit.MINUTES
    fields = {
        (DeadlineKind.ASSESSMENT, False): (agreement.assessment_hours, hours),
        (DeadlineKind.ASSESSMENT, True): (agreement.assessment_acute_hours, hours),
        (DeadlineKind.FINAL_ORDER, False): (agreement.final_order_days, days),
        (DeadlineKind.FINAL_ORDER, True): (agreement.final_order_acute_days, days),
        (DeadlineKind.ACKNOWLEDGEMENT, False): (agreement.acknowledgement_minutes, minutes),
        (DeadlineKind.REMOVAL, False): (agreement.removal_minutes, minutes),
        (DeadlineKind.VERIFICATION, False): (agreement.verification_hours, hours),
        (DeadlineKind.MLA_RESPONSE, False): (agreement.mla_days, days),
        (DeadlineKind.MLA_RESPONSE, True): (agreement.mla_emergency_hours, hours),
    }
    return policy.AgreementTerms(
        name=agreement.name,
        valid_from=agreement.valid_from,
        valid_until=agreement.valid_until,
        windows={
            key: policy.Window(amount, unit) for key, (amount, unit) in fields.items() if amount
        },
    )


def agreements_between(codes: set[str]) -> list[policy.AgreementTerms]:
    """Agreements to which every one of these jurisdictions is a party (two or more)."""
    if len(codes) < 2:
        return []
    queryset = Agreement.objects.all()
    for code in codes:
        queryset = queryset.filter(parties=code)
    return [agreement_terms(a) for a in queryset.distinct()]


def _next_check(deadline: Deadline, *, reminded: bool, rungs: int) -> datetime | None:
    return policy.next_check(
        state=deadline.state,
        warn_at=deadline.warn_at,
        due_at=deadline.due_at,
        reminded=reminded,
        level=deadline.escalation_level,
        rungs=rungs,
        interval=escalation_interval(),
    )


def _audit(deadline: Deadline, action: str, *, actor=None, now: datetime, **data) -> None:
    audit_record(
        action=f"deadline.{action}",
        actor=actor,
        obj=deadline,
        case_id=deadline.case_id,
        data={"kind": deadline.kind, "due_at": deadline.due_at, **data},
        now=now,
    )


# --- Starting and stopping ------------------------------------------------------------


def deadline_start(
    *,
    kind: DeadlineKind,
    subject: models.Model,
    responsible: Responsible,
    label: str,
    case_id: int | None = None,
    assignee=None,
    acute: bool = False,
    parties: set[str] | frozenset[str] = frozenset(),
    start: datetime | None = None,
    is_sandbox: bool = False,
    escalates: bool = True,
    actor=None,
) -> Deadline:
    """Start a clock for ``subject``. ``parties`` are the jurisdictions whose agreements
    may bind it (besides the responsible party's own). A clock that does not escalate
    (a sandbox order's) runs and is shown, but the sweep never acts on it."""
    clock = Clock(
        kind=kind,
        subject=subject,
        responsible=responsible,
        label=label,
        case_id=case_id,
        assignee=assignee,
        acute=acute,
        parties=frozenset(parties),
        is_sandbox=is_sandbox,
        escalates=escalates,
    )
    return deadlines_start([clock], start=start or timezone.now(), actor=actor)[0]


@dataclass(frozen=True)
class Clock:
    """One clock to start (``deadline_start``'s arguments)."""

    kind: DeadlineKind
    subject: models.Model
    responsible: Responsible
    label: str
    case_id: int | None = None
    assignee: object | None = None
    acute: bool = False
    parties: frozenset[str] = frozenset()
    is_sandbox: bool = False
    escalates: bool = True


def deadlines_start(clocks: list[Clock], *, start: datetime, actor=None) -> list[Deadline]:
    """Start many clocks at ``start`` (a bulk import's cases, a report's join requests)
    with one insert: each jurisdiction and each set of parties' agreements read once."""
    jurisdictions = Jurisdiction.objects.in_bulk({c.responsible.jurisdiction_code for c in clocks})
    agreements: dict[frozenset[str], list[policy.AgreementTerms]] = {}
    rows, plans = [], []
    for clock in clocks:
        jurisdiction = jurisdictions[clock.responsible.jurisdiction_code]
        parties = frozenset({*clock.parties, jurisdiction.code})
        if parties not in agreements:
            agreements[parties] = agreements_between(set(parties))
        plan = policy.timeline(
            kind=clock.kind,
            acute=clock.acute,
            start=start,
            calendar=calendar_of(jurisdiction),
            agreements=agreements[parties],
        )
        deadline = Deadline(
            kind=clock.kind,
            subject_type=ContentType.objects.get_for_model(clock.subject),
            subject_id=clock.subject.pk,
            case_id=clock.case_id,
            label=clock.label,
            responsible_desk=clock.responsible.desk,
            responsible_platform=clock.responsible.platform,
            responsible_authority=clock.responsible.authority,
            assignee=clock.assignee,
            jurisdiction=jurisdiction,
            acute=clock.acute,
            is_sandbox=clock.is_sandbox,
            started_at=start,
            warn_at=plan.warn_at,
            due_at=plan.due_at,
        )
        deadline.next_check_at = (
            _next_check(deadline, reminded=False, rungs=1) if clock.escalates else None
        )
        rows.append(deadline)
        plans.append(plan)
    with atomic():
        Deadline.objects.bulk_create(rows)
        for deadline, plan in zip(rows, plans, strict=True):
            _audit(
                deadline,
                "started",
                actor=actor,
                now=start,
                window=str(plan.window),
                source=plan.source,
            )
    return rows


def running_deadline(*, subject: models.Model, kind: DeadlineKind) -> Deadline | None:
    return (
        Deadline.objects.filter(of_subject(subject), kind=kind, state__in=RUNNING)
        .select_for_update(of=("self",), no_key=True)
        .first()
    )


def _close_open_pause(deadline: Deadline, now: datetime) -> None:
    # A pause opens only as the clock is paused and closes as it resumes: a clock in any
    # other state has none to close (and the common case, meeting a running clock, asks
    # nothing more of the database).
    if deadline.is_paused:
        deadline.pauses.filter(ended_at__isnull=True).update(ended_at=now)


def deadline_meet(
    *, subject: models.Model, kind: DeadlineKind, now: datetime | None = None, actor=None
) -> Deadline | None:
    """The guarded act happened: stop the clock. Done after the due time, it counts as
    missed (met late) even if no sweep had marked it yet; a missed clock stops escalating."""
    now = now or timezone.now()
    with atomic():
        deadline = (
            Deadline.objects.select_for_update(of=("self",), no_key=True)
            .filter(UNFINISHED, of_subject(subject), kind=kind)
            .first()
        )
        if deadline is None:
            return None
        _close_open_pause(deadline, now)
        if deadline.state != DeadlineState.MISSED:
            late = deadline.state == DeadlineState.OPEN and now > deadline.due_at
            deadline.state = DeadlineState.MISSED if late else DeadlineState.MET
            if late:
                deadline.missed_at = deadline.due_at
        deadline.met_at = now
        deadline.next_check_at = None
        deadline.save(update_fields=["state", "met_at", "missed_at", "next_check_at", "updated_at"])
        _audit(deadline, "met", actor=actor, now=now, on_time=deadline.state == DeadlineState.MET)
    return deadline


def deadline_cancel(
    *,
    subject: models.Model,
    kind: DeadlineKind | None = None,
    reason: str,
    now: datetime | None = None,
    actor=None,
) -> list[Deadline]:
    """Stop clocks that no longer guard anything (the case closed, the order withdrawn).
    Missed clocks stop escalating too."""
    now = now or timezone.now()
    filters = {"kind": kind} if kind is not None else {}
    cancelled = []
    with atomic():
        for deadline in Deadline.objects.select_for_update(of=("self",), no_key=True).filter(
            UNFINISHED, of_subject(subject), **filters
        ):
            _close_open_pause(deadline, now)
            if deadline.state != DeadlineState.MISSED:
                deadline.state = DeadlineState.CANCELLED
            deadline.cancelled_at = now  # a missed clock stays "missed", and stops here
            deadline.cancel_reason = str(reason)[:300]
            deadline.next_check_at = None
            deadline.save(
                update_fields=[
                    "state",
                    "cancelled_at",
                    "cancel_reason",
                    "next_check_at",
                    "updated_at",
                ]
            )
            _audit(deadline, "cancelled", actor=actor, now=now, reason=reason)
            cancelled.append(deadline)
    return cancelled


def deadline_pause(
    *, deadline: Deadline, reason: str, now: datetime | None = None, actor=None
) -> Deadline:
    """A clock stop: keep the time left, stop warning and escalating."""
    now = now or timezone.now()
    with atomic():
        deadline = Deadline.objects.select_for_update(of=("self",), no_key=True).get(pk=deadline.pk)
        if deadline.state == DeadlineState.PAUSED:
            return deadline  # already stopped: a second question does not stop it twice
        if deadline.state != DeadlineState.OPEN:
            raise InvalidTransition(_("Only a running clock can be paused."))
        remaining = policy.remaining_at(due_at=deadline.due_at, now=now)
        DeadlinePause.objects.create(
            deadline=deadline, started_at=now, reason=reason, remaining=remaining
        )
        deadline.state = DeadlineState.PAUSED
        deadline.next_check_at = None
        deadline.save(update_fields=["state", "next_check_at", "updated_at"])
        _audit(deadline, "paused", actor=actor, now=now, reason=reason, remaining=remaining)
    return deadline


def deadline_resume(*, deadline: Deadline, now: datetime | None = None, actor=None) -> Deadline:
    """Restart a stopped clock with exactly the time it had left."""
    now = now or timezone.now()
    with atomic():
        deadline = Deadline.objects.select_for_update(of=("self",), no_key=True).get(pk=deadline.pk)
        if deadline.state != DeadlineState.PAUSED:
            return deadline
        pause = deadline.pauses.get(ended_at__isnull=True)
        pause.ended_at = now
        pause.save(update_fields=["ended_at"])
        deadline.warn_at, deadline.due_at = policy.resumed_timeline(
            remaining=pause.remaining,
            original_start=deadline.started_at,
            original_due=deadline.due_at,
            now=now,
        )
        deadline.state = DeadlineState.OPEN
        reminded = deadline.escalations.filter(level=0).exists()
        deadline.next_check_at = _next_check(deadline, reminded=reminded, rungs=1)
        deadline.save(update_fields=["state", "warn_at", "due_at", "next_check_at", "updated_at"])
        _audit(deadline, "resumed", actor=actor, now=now, paused_for=now - pause.started_at)
    return deadline


def deadline_assign(
    *, subject: models.Model, kinds: Iterable[DeadlineKind], assignee, actor=None, now=None
) -> None:
    """Reminders go to whoever now holds the work."""
    now = now or timezone.now()
    with atomic():
        for deadline in Deadline.objects.select_for_update(of=("self",), no_key=True).filter(
            of_subject(subject), kind__in=list(kinds), state__in=RUNNING
        ):
            if deadline.assignee_id == getattr(assignee, "pk", None):
                continue
            before = deadline.assignee.get_username() if deadline.assignee else None
            deadline.assignee = assignee
            deadline.save(update_fields=["assignee", "updated_at"])
            _audit(
                deadline,
                "assigned",
                actor=actor,
                now=now,
                before=before,
                after=assignee.get_username() if assignee else None,
            )


def deadlines_transfer(
    *,
    source: models.Model,
    target: models.Model,
    case_id: int,
    responsible: Responsible,
    assignee,
    relabel: tuple[str, str],
    reason_source: str,
    reason_target: str,
    actor=None,
    now: datetime | None = None,
) -> None:
    """Unfinished clocks (running, or missed and not yet met) of ``source`` follow the
    work to ``target`` (a merge): to its responsible desk and assignee. Where the target
    has the same clock, the one due first binds and the other is cancelled."""
    now = now or timezone.now()
    with atomic():
        for deadline in Deadline.objects.select_for_update(of=("self",), no_key=True).filter(
            UNFINISHED, of_subject(source)
        ):
            twin = Deadline.objects.filter(
                UNFINISHED, of_subject(target), kind=deadline.kind
            ).first()
            if twin is not None and twin.due_at <= deadline.due_at:
                deadline_cancel(
                    subject=source, kind=deadline.kind, reason=reason_source, now=now, actor=actor
                )
                continue
            if twin is not None:
                deadline_cancel(
                    subject=target, kind=twin.kind, reason=reason_target, now=now, actor=actor
                )
            deadline.subject_id = target.pk
            deadline.case_id = case_id
            deadline.assignee = assignee
            deadline.responsible_desk = responsible.desk
            deadline.label = deadline.label.replace(*relabel)
            deadline.save(
                update_fields=[
                    "subject_id",
                    "case_id",
                    "assignee",
                    "responsible_desk",
                    "label",
                    "updated_at",
                ]
            )
            _audit(deadline, "transferred", actor=actor, now=now, to=str(target))


def deadlines_supersede(*, old: models.Model, new: models.Model, actor=None, now=None) -> None:
    """A new version of the same thing (an amended order) takes over every clock of the
    old one, as they are: the time runs on from the first version."""
    now = now or timezone.now()
    with atomic():
        for deadline in Deadline.objects.select_for_update(of=("self",), no_key=True).filter(
            of_subject(old)
        ):
            deadline.subject_id = new.pk
            deadline.save(update_fields=["subject_id", "updated_at"])
            _audit(deadline, "transferred", actor=actor, now=now, to=str(new))


def deadlines_hand_over(
    *, case_id: int, from_desk, to_desk, actor=None, now: datetime | None = None
) -> None:
    """The lead desk changes: the clocks the old desk answered for on this case go to
    the new one, unassigned until someone there takes the case."""
    now = now or timezone.now()
    with atomic():
        for deadline in Deadline.objects.select_for_update(of=("self",), no_key=True).filter(
            case_id=case_id, responsible_desk=from_desk
        ):
            deadline.responsible_desk, deadline.assignee = to_desk, None
            deadline.save(update_fields=["responsible_desk", "assignee", "updated_at"])
            _audit(deadline, "handed_over", actor=actor, now=now, to=to_desk.name)


# --- The sweep ------------------------------------------------------------------------


@dataclass
class SweepResult:
    checked: int = 0
    reminders: int = 0
    escalations: int = 0
    failed: int = 0
    messages: list[str] | None = None


CLAIM_LEASE = timedelta(minutes=5)
RETRY_AFTER_FAILURE = timedelta(minutes=5)
SWEEP_BATCH = 500


def sweep_due(
    *, now: datetime | None = None, limit: int = 1000, budget_seconds: float | None = None
) -> SweepResult:
    """One pass over the deadlines whose ``next_check_at`` has come, oldest first, in
    batches of ``SWEEP_BATCH``: each batch is claimed with one statement, decided row by
    row in policy code and written with one statement per table, in one transaction.

    Several sweepers share the work without doing any twice: a claim skips the rows
    another holds (PostgreSQL) and moves ``next_check_at`` past a lease, and
    ``Escalation`` is unique per level as a last guard. A row that fails is pushed
    forward alone; the rest of its batch still commits. With ``budget_seconds``, no new
    batch is started once that much time has passed (what is left waits for the next).
    """
    now = now or timezone.now()
    result = SweepResult(messages=[])
    rosters: dict[tuple, list[Contact]] = {}  # read once per responsible party per sweep
    stop_at = None if budget_seconds is None else time.monotonic() + budget_seconds
    while result.checked + result.failed < limit and (
        stop_at is None or time.monotonic() < stop_at
    ):
        with atomic():
            claimed = _claim(now, min(SWEEP_BATCH, limit - result.checked - result.failed))
            if not claimed:
                break
            _sweep_batch(claimed, now, result, rosters)
    return result


# One statement: the oldest due rows no other sweeper holds, locked and leased.
_CLAIM_SQL = """
WITH due AS (
    SELECT id, next_check_at FROM deadlines_deadline
    WHERE next_check_at <= %s ORDER BY next_check_at, id LIMIT %s
    FOR NO KEY UPDATE SKIP LOCKED
)
UPDATE deadlines_deadline AS d SET next_check_at = %s FROM due WHERE d.id = due.id
RETURNING d.id, due.next_check_at
"""


def _claim(now: datetime, size: int) -> list[int]:
    """Up to ``size`` due deadlines, oldest first, taken for this sweeper: their
    ``next_check_at`` moves past a lease, so no other sweep takes them meanwhile."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM_SQL, [now, size, now + CLAIM_LEASE])
            rows = cursor.fetchall()
        return [pk for pk, _seen in sorted(rows, key=lambda row: (row[1], row[0]))]
    # SQLite: write transactions are serialised, so one sweeper runs at a time.
    due = Deadline.objects.filter(next_check_at__lte=now).order_by("next_check_at", "id")
    ids = list(due.values_list("id", flat=True)[:size])
    Deadline.objects.filter(pk__in=ids).update(next_check_at=now + CLAIM_LEASE)
    return ids


@dataclass
class _Step:
    """One reminder or escalation the sweep decided on: its row, who gets the message."""

    escalation: Escalation
    contact: Contact | None
    user: object | None
    subject: str


@dataclass
class _Plan:
    deadline: Deadline
    steps: list[_Step]
    missed: bool  # it fell due in this sweep


def _sweep_batch(ids: list[int], now: datetime, result: SweepResult, rosters: dict) -> None:
    deadlines = Deadline.objects.select_related("assignee").in_bulk(ids)
    done = set(Escalation.objects.filter(deadline_id__in=ids).values_list("deadline_id", "level"))
    _load_rosters(deadlines.values(), rosters)
    plans, failed = [], []
    for pk in ids:  # oldest first
        if (deadline := deadlines.get(pk)) is None:
            continue  # gone since the claim (its case was deleted)
        try:
            plans.append(_plan(deadline, now, rosters[_party(deadline)], done))
        except Exception:
            logger.exception("deadline sweep failed for deadline %s", pk)
            failed.append(pk)
    _write(plans, now, result, failed)
    result.checked += len(deadlines) - len(failed)
    result.failed += len(failed)
    if failed:
        Deadline.objects.filter(pk__in=failed).update(next_check_at=now + RETRY_AFTER_FAILURE)


def _party(deadline: Deadline) -> tuple:
    return (
        deadline.responsible_desk_id,
        deadline.responsible_platform_id,
        deadline.responsible_authority_id,
    )


def _load_rosters(deadlines: Iterable[Deadline], rosters: dict) -> None:
    for deadline in deadlines:
        if (key := _party(deadline)) not in rosters:
            rosters[key] = Responsible.of(deadline).roster()


def _plan(deadline: Deadline, now: datetime, roster: list[Contact], done: set) -> _Plan:
    """What the sweep does for one deadline, decided in memory: the deadline's new state
    and level (set on it) and the reminders and escalations to write."""
    steps: list[_Step] = []
    reminded = (deadline.pk, 0) in done
    missed = False
    if deadline.state == DeadlineState.OPEN and now < deadline.due_at:
        if now >= deadline.warn_at and not reminded:
            reminded = True
            if step := _reminder(deadline, roster, now):
                steps.append(step)
    elif deadline.state in (DeadlineState.OPEN, DeadlineState.MISSED):
        if deadline.state == DeadlineState.OPEN:
            deadline.state, deadline.missed_at, missed = DeadlineState.MISSED, deadline.due_at, True
        target = policy.escalation_levels_due(
            due_at=deadline.due_at, now=now, rungs=len(roster), interval=escalation_interval()
        )
        for level in range(deadline.escalation_level + 1, target + 1):
            if (deadline.pk, level) not in done:  # a redelivered or concurrent sweep did it
                steps.append(_escalation(deadline, level, roster[level - 1], now))
        deadline.escalation_level = max(deadline.escalation_level, target)
    deadline.next_check_at = _next_check(deadline, reminded=reminded, rungs=len(roster))
    deadline.updated_at = now
    return _Plan(deadline, steps, missed)


def _reminder(deadline: Deadline, roster: list[Contact], now: datetime) -> _Step | None:
    assignee = deadline.assignee if deadline.assignee and deadline.assignee.email else None
    contact = None if assignee else (roster[0] if roster else None)
    if assignee is None and contact is None:
        return None  # nobody to remind: nothing more to do before the due time
    escalation = Escalation(
        deadline=deadline,
        level=0,
        kind=EscalationKind.REMINDER,
        contact=contact,
        recipient_label=str(assignee.get_username() if assignee else contact.name),
        created_at=now,
        **_lateness(deadline.warn_at, now),
    )
    subject = _("Reminder: %(label)s is due %(due)s UTC") % {
        "label": deadline.title,
        "due": f"{deadline.due_at:%Y-%m-%d %H:%M}",
    }
    return _Step(escalation, contact, assignee, subject)


def _escalation(deadline: Deadline, level: int, contact: Contact, now: datetime) -> _Step:
    escalation = Escalation(
        deadline=deadline,
        level=level,
        kind=EscalationKind.ESCALATION,
        contact=contact,
        recipient_label=f"{contact.name} ({contact.get_role_display()})",
        created_at=now,
        **_lateness(deadline.due_at + escalation_interval() * (level - 1), now),
    )
    subject = _("Escalation (level %(level)d): %(label)s is overdue") % {
        "level": level,
        "label": deadline.title,
    }
    return _Step(escalation, contact, None, subject)


_SWEPT_FIELDS = ["state", "missed_at", "escalation_level", "next_check_at", "updated_at"]
# On PostgreSQL one UPDATE from arrays; Django's bulk_update builds a CASE per row and
# field, which costs more Python than the sweep's own decisions.
_UPDATE_SWEPT_SQL = """
UPDATE deadlines_deadline AS d
SET state = v.state, missed_at = v.missed_at, escalation_level = v.level,
    next_check_at = v.next_check_at, updated_at = v.updated_at
FROM unnest(%s::bigint[], %s::text[], %s::timestamptz[], %s::int[], %s::timestamptz[],
            %s::timestamptz[]) AS v(id, state, missed_at, level, next_check_at, updated_at)
WHERE d.id = v.id
"""


def _update_swept(deadlines: list[Deadline]) -> None:
    if connection.vendor != "postgresql":
        Deadline.objects.bulk_update(deadlines, _SWEPT_FIELDS)
        return
    columns = zip(
        *(
            (d.pk, d.state, d.missed_at, d.escalation_level, d.next_check_at, d.updated_at)
            for d in deadlines
        ),
        strict=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_SWEPT_SQL, [list(column) for column in columns])


def _write(plans: list[_Plan], now: datetime, result: SweepResult, failed: list[int]) -> None:
    """Write the plans with one statement per table; if that fails, write each half
    alone, down to the one row that fails (it is left for a retry)."""
    if not plans:
        return
    try:
        with atomic():
            _write_all(plans, now)
    except Exception:
        if len(plans) == 1:
            logger.exception("deadline sweep failed for deadline %s", plans[0].deadline.pk)
            failed.append(plans[0].deadline.pk)
            return
        middle = len(plans) // 2
        _write(plans[:middle], now, result, failed)
        _write(plans[middle:], now, result, failed)
        return
    for plan in plans:
        for step in plan.steps:
            escalation = step.escalation
            if escalation.kind == EscalationKind.REMINDER:
                result.reminders += 1
                result.messages.append(f"remind {escalation.recipient_label}: {step.subject}")
            else:
                result.escalations += 1
                result.messages.append(
                    f"escalate level {escalation.level} to {escalation.recipient_label}: "
                    f"{step.subject}"
                )


def _write_all(plans: list[_Plan], now: datetime) -> None:
    steps = [step for plan in plans for step in plan.steps]
    Escalation.objects.bulk_create([step.escalation for step in steps])
    notifications_enqueue(
        [
            escalation_message(
                step.escalation,
                contact=step.contact,
                user=step.user,
                subject=step.subject,
                payload=_payload(step.escalation.deadline, step.escalation, now),
                now=now,
            )
            for step in steps
        ]
    )
    _update_swept([plan.deadline for plan in plans])
    for plan in plans:  # the events join the chain in one append, at the batch's commit
        if plan.missed:
            _audit(plan.deadline, "missed", now=now)
        for step in plan.steps:
            escalation = step.escalation
            if escalation.kind == EscalationKind.REMINDER:
                _audit(plan.deadline, "reminded", now=now, recipient=escalation.recipient_label)
            else:
                _audit(
                    plan.deadline,
                    "escalated",
                    now=now,
                    level=escalation.level,
                    recipient=escalation.recipient_label,
                    late_by=escalation.late_by,
                )


def _lateness(scheduled: datetime, now: datetime) -> dict:
    """``late_by`` and a note saying so, when the sweep acts later than a couple of sweep
    intervals after it should have (it was down, and is catching up)."""
    tolerance = timedelta(seconds=2 * settings.DEADLINE_SWEEP_SECONDS + 60)
    if now - scheduled <= tolerance:
        return {"late_by": None, "note": ""}
    note = _(
        "Sent late by %(late)s: this was due at %(due)s UTC and the system was catching up "
        "after downtime."
    ) % {"late": policy.humanise(now - scheduled), "due": f"{scheduled:%Y-%m-%d %H:%M}"}
    return {"late_by": now - scheduled, "note": note}


def _payload(deadline: Deadline, escalation: Escalation, now: datetime) -> dict:
    overdue_by = now - deadline.due_at if now > deadline.due_at else None
    text = {
        EscalationKind.REMINDER: _("%(label)s is due at %(due)s UTC; %(left)s left."),
        EscalationKind.ESCALATION: _(
            "%(label)s was due at %(due)s UTC and has not been done. You are contacted as "
            "level %(level)s of the escalation roster."
        ),
    }[escalation.kind] % {
        "label": deadline.title,
        "due": f"{deadline.due_at:%Y-%m-%d %H:%M}",
        "left": policy.humanise(deadline.due_at - now),
        "level": escalation.level,
    }
    if escalation.note:
        text = f"{text} {escalation.note}"
    return {
        "type": f"deadline.{escalation.kind}",
        "deadline": {
            "id": deadline.id,
            "kind": deadline.kind,
            "label": deadline.label,
            "started_at": deadline.started_at.isoformat(),
            "due_at": deadline.due_at.isoformat(),
            "case_id": deadline.case_id,
        },
        "level": escalation.level,
        "late": escalation.late_by is not None,
        "late_by_seconds": int(escalation.late_by.total_seconds()) if escalation.late_by else 0,
        "overdue_by_seconds": int(overdue_by.total_seconds()) if overdue_by else 0,
        "message": text,
    }
