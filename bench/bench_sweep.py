"""One deadline sweep over N deadlines of which ``due`` have come due, against the raw
indexed SQL that selects and claims the same rows, at two table sizes.

For each size: bulk-load N deadlines in one INSERT … SELECT generate_series, all on a
few desks with a 4-contact roster; ``due`` of them (scattered through the table) have
``next_check_at = due_at <= now``, the rest come due hours later. VACUUM ANALYZE, then
time one ``sweep_due(now=now, limit=due)``: each due deadline is marked missed and
escalated to level 1 (an Escalation, a Notification and two AuditEvents). Then restore the
same rows and time the baseline: the indexed SELECT … ORDER BY next_check_at LIMIT due and
one UPDATE … WHERE id = ANY(…). If the sweep's cost grows with what is due and not with
what exists, both sizes give about the same sweep time.
"""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .common import assert_scratch, machine_lines, print_table, scratch_database, sql, timer

RAW_SELECT = (
    "SELECT id, next_check_at FROM deadlines_deadline "
    "WHERE next_check_at <= %s ORDER BY next_check_at LIMIT %s"
)
RAW_UPDATE = "UPDATE deadlines_deadline SET next_check_at = %s WHERE id = ANY(%s)"
RAW_ROUNDS = 3  # the baseline takes milliseconds: the median of a few rounds
DESKS = 8
ROSTER = ("primary", "backup", "backup", "supervisor")

# One statement, all in the server: N rows, the due ones every (N // due)-th id.
LOAD = """
WITH series AS (
    SELECT i, mod(i, %(step)s) = 0 AND i / %(step)s <= %(due)s AS is_due, i / %(step)s AS k
    FROM generate_series(1, %(size)s) AS i
), timed AS (
    SELECT i, is_due,
           CASE WHEN is_due
                -- came due in the last few seconds: on time, not a catch-up
                THEN %(now)s - make_interval(secs => k / 100.0)
                ELSE %(now)s + make_interval(hours => 13, secs => mod(i, 86400))
           END AS due_at
    FROM series
)
INSERT INTO deadlines_deadline (
    kind, subject_type_id, subject_id, case_id, label, responsible_desk_id,
    jurisdiction_id, acute, is_sandbox, started_at, warn_at, due_at, state,
    escalation_level, next_check_at, created_at, updated_at
)
SELECT 'assessment', %(subject_type)s, i, i, 'Bench deadline ' || i,
       (%(desks)s::bigint[])[1 + mod(i, %(n_desks)s)],
       %(jurisdiction)s, false, false,
       due_at - interval '48 hours', due_at - interval '12 hours', due_at, 'open',
       0, CASE WHEN is_due THEN due_at ELSE due_at - interval '12 hours' END,
       %(now)s, %(now)s
FROM timed
"""

EMPTY = (
    "TRUNCATE deadlines_deliveryattempt, deadlines_notification, deadlines_escalation, "
    "deadlines_deadlinepause, deadlines_deadline, core_auditevent RESTART IDENTITY CASCADE"
)


@dataclass
class Figures:
    size: int
    due: int
    load_s: float = 0.0
    table_mb: float = 0.0
    sweep_s: float = 0.0
    queries: int = 0
    raw_s: list[float] = field(default_factory=list)
    select_s: list[float] = field(default_factory=list)
    index_used: bool = False

    @property
    def raw(self) -> float:
        return statistics.median(self.raw_s)

    @property
    def select(self) -> float:
        return statistics.median(self.select_s)

    @property
    def ratio(self) -> float:
        return self.sweep_s / self.raw


class QueryCounter:
    """Counts the statements the sweep sends (a wrapper that only adds one)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def network(desks: int) -> tuple[str, list[int]]:
    """A jurisdiction, an authority and ``desks`` desks, each with a 4-contact roster."""
    from liaison.models import Authority, Contact, Jurisdiction, LiaisonDesk

    jurisdiction, _ = Jurisdiction.objects.get_or_create(
        code="XB", defaults={"name": "Benchland", "timezone": "UTC"}
    )
    authority, _ = Authority.objects.get_or_create(
        jurisdiction=jurisdiction, name="Bench prosecutor", defaults={"kind": "prosecutor"}
    )
    desk_ids = []
    for n in range(desks):
        desk, _ = LiaisonDesk.objects.get_or_create(
            authority=authority, name=f"Bench desk {n}", defaults={"email": f"desk{n}@bench.test"}
        )
        for position, role in enumerate(ROSTER):
            Contact.objects.get_or_create(
                desk=desk,
                position=position,
                defaults={
                    "role": role,
                    "name": f"Desk {n} {role} {position}",
                    "email": f"d{n}p{position}@bench.test",
                    "channel": "email",
                },
            )
        desk_ids.append(desk.pk)
    return jurisdiction.code, desk_ids


def load(*, size: int, due: int, now: datetime, jurisdiction: str, desk_ids: list[int]) -> None:
    from django.contrib.contenttypes.models import ContentType

    from cases.models import Case

    assert_scratch()
    sql(EMPTY)
    sql(
        LOAD,
        {
            "size": size,
            "due": due,
            "step": size // due,
            "now": now,
            "subject_type": ContentType.objects.get_for_model(Case).pk,
            "desks": desk_ids,
            "n_desks": len(desk_ids),
            "jurisdiction": jurisdiction,
        },
    )
    vacuum()


def vacuum() -> None:
    for table in (
        "deadlines_deadline",
        "deadlines_escalation",
        "deadlines_notification",
        "core_auditevent",
    ):
        sql(f"VACUUM ANALYZE {table}")


def checkpoint() -> None:
    """Write out what loading dirtied, so no checkpoint falls inside a timed section and
    every timed section starts alike (the first change to a page logs the full page)."""
    sql("CHECKPOINT")


def restore(ids: list[int]) -> None:
    """Put the swept rows back as they were loaded (open, unescalated, due) and in the
    same physical order (CLUSTER on the primary key rewrites the table and its indexes),
    so the baseline meets the same layout the sweep met: the due rows scattered over as
    many pages, fresh indexes, no dead tuples."""
    sql(
        "UPDATE deadlines_deadline SET state = 'open', escalation_level = 0, missed_at = NULL, "
        "next_check_at = due_at WHERE id = ANY(%s)",
        [ids],
    )
    sql("CLUSTER deadlines_deadline USING deadlines_deadline_pkey")
    vacuum()
    checkpoint()


def pages(ids: list[int]) -> int:
    """How many heap pages hold these rows."""
    return sql(
        "SELECT count(DISTINCT (ctid::text::point)[0]) FROM deadlines_deadline WHERE id = ANY(%s)",
        [ids],
    )[0][0]


def raw_round(*, now: datetime, due: int) -> tuple[float, float]:
    """The baseline, in one transaction: (total seconds, seconds of the select alone)."""
    from django.db import connection, transaction

    with timer() as total, transaction.atomic(), connection.cursor() as cursor:
        with timer() as select:
            cursor.execute(RAW_SELECT, [now, due])
            rows = cursor.fetchall()
        cursor.execute(RAW_UPDATE, [now + timedelta(hours=4), [row[0] for row in rows]])
        updated = cursor.rowcount
    assert len(rows) == due and updated == due, (len(rows), updated)
    return total.seconds, select.seconds


def run_size(*, size: int, due: int, jurisdiction: str, desk_ids: list[int]) -> Figures:
    from django.db import connection
    from django.utils import timezone
    from django.utils.translation import gettext

    from deadlines.models import Deadline, Escalation, Notification
    from deadlines.services import sweep_due
    from takedown.core.models import AuditEvent

    figures = Figures(size=size, due=due)
    now = timezone.now().replace(microsecond=0)
    print(f"\n=== {size:,} deadlines, {due:,} due ===")

    with timer() as loading:
        load(size=size, due=due, now=now, jurisdiction=jurisdiction, desk_ids=desk_ids)
    figures.load_s = loading.seconds
    figures.table_mb = sql("SELECT pg_total_relation_size('deadlines_deadline')")[0][0] / 2**20
    due_ids = [
        row[0]
        for row in sql(
            "SELECT id FROM deadlines_deadline WHERE next_check_at <= %s ORDER BY id", [now]
        )
    ]
    assert len(due_ids) == due, len(due_ids)
    print(
        f"loaded in {figures.load_s:.1f} s (INSERT … SELECT generate_series + VACUUM ANALYZE); "
        f"table with indexes {figures.table_mb:,.0f} MB; the due rows lie on "
        f"{pages(due_ids):,} heap pages"
    )
    checkpoint()

    # Warm what a running worker has warm: the connection, the translation catalogue.
    Deadline.objects.filter(pk=due_ids[0]).exists()
    gettext("Escalation (level %(level)d): %(label)s is overdue")

    counter = QueryCounter()
    with connection.execute_wrapper(counter), timer() as sweeping:
        result = sweep_due(now=now, limit=due)
    figures.sweep_s, figures.queries = sweeping.seconds, counter.count
    assert (result.checked, result.escalations, result.failed) == (due, due, 0), result
    assert Escalation.objects.count() == Notification.objects.count() == due
    audit_events = AuditEvent.objects.count()
    print(
        f"sweep_due(now, limit={due}): {figures.sweep_s:.3f} s, "
        f"{figures.sweep_s / due * 1000:.2f} ms per deadline, "
        f"{figures.queries:,} statements ({figures.queries / due:.1f} per deadline); "
        f"checked {result.checked}, escalated {result.escalations}, failed {result.failed}; "
        f"wrote {due} escalations, {due} notifications, {audit_events} audit events"
    )

    # The baseline, on the same rows put back as they were, a fresh set each round.
    for _ in range(RAW_ROUNDS):
        restore(due_ids)
        layout = pages(due_ids)
        total, select = raw_round(now=now, due=due)
        figures.raw_s.append(total)
        figures.select_s.append(select)
    print(
        f"raw indexed SQL (SELECT … LIMIT {due} + one UPDATE … = ANY, one transaction) on the "
        f"same rows restored (on {layout:,} heap pages), "
        f"rounds: {', '.join(f'{s * 1000:.2f}' for s in figures.raw_s)} ms;\n"
        f"median {figures.raw * 1000:.2f} ms, {figures.raw / due * 1e6:.1f} µs per deadline; "
        f"the select alone (with fetching into Python) {figures.select * 1000:.2f} ms"
    )
    print(f"ratio sweep / raw: {figures.ratio:,.0f}×")

    restore(due_ids)
    plan = [row[0] for row in sql(f"EXPLAIN (ANALYZE, BUFFERS) {RAW_SELECT}", [now, due])]
    figures.index_used = any("deadline_next_check_idx" in line for line in plan)
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) {RAW_SELECT}")
    print("\n".join(f"    {line}" for line in plan))
    orm_plan = (
        Deadline.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at", "id")
        .values_list("id", "next_check_at")[:due]
        .explain(analyze=True)
    )
    print("the sweep's own select (ORM, ORDER BY next_check_at, id):")
    print("\n".join(f"    {line}" for line in orm_plan.splitlines()))
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench sweep", description=__doc__)
    parser.add_argument(
        "--sizes",
        default="100000,1000000",
        help="comma-separated table sizes (default: 100000,1000000)",
    )
    parser.add_argument("--due", type=int, default=1000, help="deadlines due (default: 1000)")
    args = parser.parse_args(argv)
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size]
    if any(size < args.due for size in sizes) or args.due < 1:
        parser.error("every size must be at least --due, and --due at least 1")

    with scratch_database():
        from deadlines import outbox

        # Benchmark only: the sweep still writes every Notification row and registers its
        # on_commit hook, but the hook sends no Celery message (no broker needed, none
        # polluted).
        outbox._deliver_later = lambda notification_id: None
        outbox._deliver_batch_later = lambda notification_ids: None

        print("Deadline sweep benchmark (python -m bench sweep)")
        print("\n".join(machine_lines()))
        print(
            "note        deadlines.outbox._deliver_later and _deliver_batch_later are no-ops in this "
            "benchmark only:\n            Escalation, Notification and AuditEvent rows are "
            "written as in production,\n            but no Celery message is enqueued after "
            "commit."
        )
        jurisdiction, desk_ids = network(DESKS)
        print(f"network     {len(desk_ids)} desks, each with a {len(ROSTER)}-contact roster")

        results = [
            run_size(size=size, due=args.due, jurisdiction=jurisdiction, desk_ids=desk_ids)
            for size in sizes
        ]

    print_table(
        [
            "deadlines",
            "due",
            "sweep s",
            "ms/deadline",
            "stmts/deadline",
            "raw ms",
            "raw µs/deadline",
            "select ms",
            "sweep/raw",
            "index",
        ],
        [
            [
                f.size,
                f.due,
                f.sweep_s,
                f.sweep_s / f.due * 1000,
                f.queries / f.due,
                f.raw * 1000,
                f.raw / f.due * 1e6,
                f.select * 1000,
                f"{f.ratio:,.0f}×",
                "yes" if f.index_used else "NO",
            ]
            for f in results
        ],
        title=f"Summary (raw and select: median of {RAW_ROUNDS} rounds; sweep: one call)",
    )
    if len(results) >= 2:
        small, large = results[0], results[-1]
        print(
            f"\n{large.size / small.size:.0f}× the deadlines ({small.size:,} → {large.size:,}), "
            f"same {large.due:,} due: sweep time ×{large.sweep_s / small.sweep_s:.2f}, "
            f"raw SQL ×{large.raw / small.raw:.2f}, select ×{large.select / small.select:.2f}"
        )
    return 0
