"""A surge: ``--size`` assessment clocks (default 100,000) started in the same minute, as
a bulk import of that many reports starts them, so that they warn together and fall due
together. The sweep's real code path (``sweep_due``, what the worker's task calls) runs at
the warn time (reminders) and at the due time (missed, level-1 escalation), with 1 and
then more sweepers at once (``--sweepers``, separate processes on the same PostgreSQL),
against a raw set-based baseline that performs the same writes with INSERT … SELECT.

The clocks are loaded with one INSERT … SELECT generate_series (what report intake costs
is ``python -m bench intake``'s subject); each starts within one minute, with the default
48 h window, 75 % warning, on 8 desks with a 4-contact roster. Every row the sweep writes
is written as in production (Escalation, Notification, two AuditEvents per deadline,
chained), but the after-commit hand-over to Celery is a no-op (no broker).

Printed per phase and number of sweepers: wall time from the first sweeper's start to the
last one's end (the moment the last notification row is committed), deadlines per second,
statements per deadline (1 sweeper), and the ratio to the baseline. Targets:
the due phase of 100,000 within 60 s (≥ 1,700 per second) and within 3 times the baseline.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta

from .bench_sweep import DESKS, EMPTY, QueryCounter, network, vacuum
from .common import assert_scratch, machine_lines, print_table, scratch_database, sql, timer

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
WINDOW = timedelta(hours=48)
WARN = timedelta(hours=36)

LOAD = """
INSERT INTO deadlines_deadline (
    kind, subject_type_id, subject_id, case_id, label, responsible_desk_id,
    jurisdiction_id, acute, is_sandbox, started_at, warn_at, due_at, state,
    escalation_level, next_check_at, created_at, updated_at
)
SELECT 'assessment', %(subject_type)s, i, i, 'Assess report ' || i,
       (%(desks)s::bigint[])[1 + mod(i, %(n_desks)s)], %(jurisdiction)s, false, false,
       started, started + %(warn)s, started + %(window)s, 'open', 0, started + %(warn)s,
       started, started
FROM (SELECT i, %(t0)s + make_interval(secs => mod(i, 60)) AS started
      FROM generate_series(1, %(size)s) AS i) AS clocks
"""

# The due phase's writes, set-based: what the sweep writes for N deadlines, by hand.
RAW_DUE = [
    """
    INSERT INTO deadlines_escalation (deadline_id, level, kind, contact_id, recipient_label,
                                      created_at, late_by, note)
    SELECT d.id, 1, 'escalation', c.id, c.name || ' (Primary)', %(now)s, NULL, ''
    FROM deadlines_deadline d JOIN liaison_contact c
      ON c.desk_id = d.responsible_desk_id AND c.position = 0
    WHERE d.next_check_at <= %(now)s
    """,
    """
    INSERT INTO deadlines_notification (channel, recipient, subject, event_type, payload,
        dedupe_key, contact_id, escalation_id, case_id, status, attempts, next_attempt_at,
        last_error, created_at)
    SELECT 'email', c.email, 'Escalation (level 1): ' || d.label || ' is overdue',
           'deadline.escalation',
           jsonb_build_object('type', 'deadline.escalation', 'level', 1, 'deadline',
                              jsonb_build_object('id', d.id, 'label', d.label)),
           'escalation:' || e.id, c.id, e.id, d.case_id, 'pending', 0, %(now)s, '', %(now)s
    FROM deadlines_escalation e JOIN deadlines_deadline d ON d.id = e.deadline_id
    JOIN liaison_contact c ON c.id = e.contact_id
    WHERE e.level = 1
    """,
    """
    INSERT INTO core_auditevent (occurred_at, actor_label, action, object_type, object_id,
        case_id, jurisdictions, data, request_id, prev_hash, hash)
    SELECT %(now)s, 'system', a.action, 'deadlines.deadline', d.id::text, d.case_id, 'XB',
           jsonb_build_object('kind', d.kind, 'due_at', d.due_at), '',
           repeat('0', 64), encode(sha256((d.id::text || a.action)::bytea), 'hex')
    FROM deadlines_deadline d
    CROSS JOIN (VALUES ('deadline.missed'), ('deadline.escalated')) AS a(action)
    WHERE d.next_check_at <= %(now)s
    """,
    """
    UPDATE deadlines_deadline SET state = 'missed', missed_at = due_at, escalation_level = 1,
           next_check_at = due_at + interval '4 hours', updated_at = %(now)s
    WHERE next_check_at <= %(now)s
    """,
]

# One sweeper process: set up (the database is migrated already), say so, wait for the
# start, then the real sweep over everything due, and its figures.
SWEEPER = """
import os, sys, time
from datetime import datetime

from bench import common

os.environ["DATABASE_URL"] = (
    f"postgres://{common.BENCH_USER}@{common.BENCH_HOST}:{common.BENCH_PORT}/{common.BENCH_DB}"
)
os.environ.pop("REDIS_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = common.BENCH_SETTINGS
import django

django.setup()
from django.db import connection

from deadlines import outbox, services

common.assert_scratch()
connection.ensure_connection()
outbox._deliver_batch_later = lambda ids: None
print("ready", flush=True)
while not os.path.exists(sys.argv[2]):
    time.sleep(0.001)
result = services.sweep_due(now=datetime.fromisoformat(sys.argv[1]), limit=10**9)
print(result.checked, result.reminders, result.escalations, result.failed, flush=True)
"""


def load(size: int, jurisdiction: str, desk_ids: list[int]) -> None:
    from django.contrib.contenttypes.models import ContentType

    from cases.models import Case

    assert_scratch()
    sql(EMPTY)
    params = {
        "size": size,
        "t0": T0,
        "warn": WARN,
        "window": WINDOW,
        "subject_type": ContentType.objects.get_for_model(Case).pk,
        "desks": desk_ids,
        "n_desks": len(desk_ids),
        "jurisdiction": jurisdiction,
    }
    sql(LOAD, params)
    vacuum()


def to_warned(size: int) -> None:
    """Back to the state after the warn phase: reminded, open, next check at the due time
    (the reminders' rows are kept; the escalations of an earlier run are dropped)."""
    sql(
        "DELETE FROM deadlines_notification WHERE escalation_id IN "
        "(SELECT id FROM deadlines_escalation WHERE level > 0)"
    )
    sql("DELETE FROM deadlines_escalation WHERE level > 0")
    sql(
        "UPDATE deadlines_deadline SET state = 'open', missed_at = NULL, escalation_level = 0, "
        "next_check_at = due_at"
    )
    sql("SET session_replication_role = replica")  # past the append-only trigger: a reset
    sql("DELETE FROM core_auditevent WHERE action <> 'deadline.reminded'")
    sql("SET session_replication_role = DEFAULT")
    vacuum()
    sql("CHECKPOINT")


def sweep_in_process(now: datetime) -> tuple[float, int, tuple[int, int, int, int]]:
    from django.db import connection

    from deadlines.services import sweep_due

    counter = QueryCounter()
    with connection.execute_wrapper(counter), timer() as spent:
        result = sweep_due(now=now, limit=10**9)
    return (
        spent.seconds,
        counter.count,
        (
            result.checked,
            result.reminders,
            result.escalations,
            result.failed,
        ),
    )


def sweep_in_processes(now: datetime, sweepers: int) -> tuple[float, list[tuple[int, ...]]]:
    """``sweepers`` processes, started together once each is set up and connected."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory() as folder:
        go = os.path.join(folder, "go")
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", SWEEPER, now.isoformat(), go],
                cwd=root,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(sweepers)
        ]
        for process in processes:
            assert process.stdout.readline().strip() == "ready"
        with timer() as spent:
            open(go, "w").close()
            outputs = [process.communicate()[0] for process in processes]
    return spent.seconds, [tuple(map(int, output.split())) for output in outputs]


def check(size: int, level: int) -> None:
    """Every deadline escalated exactly once (or reminded once), and the chain intact."""
    from takedown.core.audit import verify_chain

    rows = sql(
        "SELECT count(*), count(DISTINCT deadline_id) FROM deadlines_escalation WHERE level = %s",
        [level],
    )[0]
    notifications = sql(
        "SELECT count(*) FROM deadlines_notification n JOIN deadlines_escalation e "
        "ON e.id = n.escalation_id WHERE e.level = %s",
        [level],
    )[0][0]
    checked, broken = verify_chain()
    assert rows == (size, size) and notifications == size, (rows, notifications)
    assert broken is None, broken
    print(f"            checked: {size:,} level-{level} rows, one each; chain of {checked:,} ok")


def raw_due(now: datetime) -> float:
    from django.db import transaction

    with timer() as spent, transaction.atomic():
        for statement in RAW_DUE:
            sql(statement, {"now": now})
        transaction.set_rollback(True)  # the same rows are swept for real afterwards
    return spent.seconds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench surge", description=__doc__)
    parser.add_argument("--size", type=int, default=100_000, help="clocks (100,000)")
    parser.add_argument(
        "--sweepers", default="1,2,4", help="sweeper processes to try at the due time (1,2,4)"
    )
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.sweepers.split(",") if n]
    warn_now = T0 + WARN + timedelta(minutes=1)
    due_now = T0 + WINDOW + timedelta(minutes=1)

    with scratch_database():
        from deadlines import outbox

        outbox._deliver_batch_later = lambda notification_ids: None
        print("Surge benchmark (python -m bench surge)")
        print("\n".join(machine_lines()))
        jurisdiction, desk_ids = network(DESKS)
        with timer() as loading:
            load(args.size, jurisdiction, desk_ids)
        print(f"loaded      {args.size:,} clocks in {loading.seconds:.1f} s, on {DESKS} desks")

        rows = []
        seconds, statements, result = sweep_in_process(warn_now)
        assert result[1] == args.size, result
        check(args.size, 0)
        rows.append(("warn", 1, seconds, args.size / seconds, statements / args.size, None))

        raw = raw_due(due_now)
        print(f"baseline    the due phase's writes set-based (INSERT … SELECT): {raw:.2f} s")
        for sweepers in counts:
            to_warned(args.size)
            if sweepers == 1:
                seconds, statements, result = sweep_in_process(due_now)
                assert result[2] == args.size, result
                per = statements / args.size
            else:
                seconds, results = sweep_in_processes(due_now, sweepers)
                assert sum(r[2] for r in results) == args.size, results
                print(f"            {sweepers} sweepers took {[r[0] for r in results]} deadlines")
                per = None
            check(args.size, 1)
            rows.append(("due", sweepers, seconds, args.size / seconds, per, seconds / raw))

    print_table(
        ["phase", "sweepers", "wall s", "deadlines/s", "stmts/deadline", "× baseline"],
        [
            (
                phase,
                n,
                f"{s:.2f}",
                f"{rate:,.0f}",
                "" if per is None else f"{per:.3f}",
                "" if ratio is None else f"{ratio:.1f}×",
            )
            for phase, n, s, rate, per, ratio in rows
        ],
        title=f"Summary ({args.size:,} clocks)",
    )
    best = min((r for r in rows if r[0] == "due"), key=lambda r: r[2])
    scaled = best[2] * 100_000 / args.size
    print(
        f"target: 100,000 due escalated within 60 s (≥ 1,700/s): best {best[3]:,.0f}/s with "
        f"{best[1]} sweeper(s), {scaled:.0f} s for 100,000 — {'met' if scaled <= 60 else 'not met'}"
    )
    print(
        f"target: within 3× the set-based baseline: {best[5]:.1f}× — "
        f"{'met' if best[5] <= 3 else 'not met'}"
    )
    return 0
