"""``POST /api/v1/platform/orders/{id}/acknowledge/`` under concurrent load, against a
bare DRF endpoint doing one indexed write, on the same gunicorn server in the same run.

Setup, in the scratch database: a jurisdiction with a police desk, a prosecution authority
(with a fresh Ed25519 signing key) and one platform established there, with a Bearer key.
``--real`` orders are issued through the real services (report intake, assessment, order
request, ``order_issue``: signed, two clocks started, audited); the rest are copies of the
first one made in one INSERT … SELECT generate_series (the order row under its own
reference, its two items, its acknowledgement and removal clocks; the copies carry the
first order's signed payload and signature, which acknowledging never checks). The bare
endpoint (``bench/bare-write/<pk>/``, ``bench.urls``) updates one row of a scratch table
``bench_bare_write`` by primary key.

The server: gunicorn with ``--workers`` gthread workers of ``--threads`` threads, by
default one: each process serves one request at a time, as the sync workers deployed by
the Dockerfile and docs/deployment.md do, but keeps idle connections in its event loop
(a sync worker that accepts a connection on which no request comes, such as the one wrk
opens again after a connection's last response, blocks until its timeout kills it).
On 127.0.0.1, ``DJANGO_SETTINGS_MODULE=bench.settings`` (the test settings, DEBUG off,
the platform throttle still counting in Redis but raised so it never refuses),
PostgreSQL ``takedown_bench``, Redis database 5 (flushed first) for the cache and
throttle.

The load: wrk (C, one epoll loop per thread), ``--clients`` threads of one keep-alive
connection each: a closed loop of ``--clients`` requests in flight, those the server is
not serving yet waiting in its queue. A Lua script gives
each connection its own slice of the ids, so every order is acknowledged exactly once
(with ``Idempotency-Key: ack-<id>``, as docs/platform-integration.md tells platforms)
and every bare row is written once; a connection stops after its last response. wrk
measures each request from the write of the request to the end of the response;
requests/second is responses over the span from the first request sent to the last
response received. Phases: a warm-up of both endpoints (every worker thread connected to
PostgreSQL, lazy imports done), then bare, acknowledge, bare again. Afterwards the
database is checked: every order acknowledged once, every clock met, one audit event per
acknowledgement and the audit chain intact, every bare row written once.

Why wrk and not Python threads: a Python client of 50 threads spends its own CPU under
one GIL on the same two CPUs as the server and adds its GIL waits to the latencies it
reports; wrk's CPU time is printed so what it takes from the server can be judged.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .common import (
    BENCH_DB,
    BENCH_HOST,
    BENCH_PORT,
    BENCH_USER,
    assert_scratch,
    machine_lines,
    print_table,
    scratch_database,
    sql,
    timer,
)

BENCH_REDIS = "redis://127.0.0.1:6379/5"
# A fixed key-encryption key, for the scratch database only: the benchmark process signs
# the orders and the gunicorn workers must read the same keys (the test settings would
# otherwise draw a fresh one in each process).
BENCH_KEKS = (
    "bench1:" + base64.urlsafe_b64encode(hashlib.sha256(b"takedown-bench").digest()).decode()
)
REPO = Path(__file__).resolve().parent.parent
WARMUP = 200  # orders acknowledged (and bare rows written) before anything is measured
WRK_TIMEOUT_S = 60  # wrk records no latency above its timeout: far above any here
PHASE_LIMIT_S = 600
SAMPLE_S = 0.05  # PostgreSQL sessions sampled 20 times a second during each phase

JURISDICTION = ("XK", "Ackland", "Europe/Brussels")
PLATFORM = ("Ack Video", "ack-video", "ack-video.test")
ACK_PATH = "/api/v1/platform/orders/{}/acknowledge/"
BARE_PATH = "/bench/bare-write/{}/"
BARE_TABLE = "bench_bare_write"

EMPTY = (
    "TRUNCATE cases_case, cases_caseparticipant, cases_reporteditem, cases_report, "
    "cases_reportitem, cases_orderrequest, cases_takedownorder, cases_platformresponse, "
    "core_idempotencyrecord, deadlines_deliveryattempt, deadlines_notification, "
    "deadlines_escalation, deadlines_deadlinepause, deadlines_deadline, core_auditevent "
    "RESTART IDENTITY CASCADE"
)
TABLES = (
    "cases_case",
    "cases_takedownorder",
    "cases_takedownorder_items",
    "cases_platformresponse",
    "deadlines_deadline",
    "core_auditevent",
    "core_idempotencyrecord",
    BARE_TABLE,
)

# One connection per wrk thread; the connection walks its own slice of the ids (the
# k-th id of the file goes to thread k mod clients), one request at a time, and stops
# after the response to its last one. The cursor moves on a response, not on a request:
# wrk calls request() once before starting, to check the request, and sends nothing.
LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC: one clock for every thread
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local threads = {}
local created = 0

function setup(thread)
  thread:set("index", created)
  created = created + 1
  table.insert(threads, thread)
end

function init(args)
  -- ids file, clients, path before the id, path after it, idempotency prefix or "-", done dir
  local clients = tonumber(args[2])
  ids = {}
  local k = 0
  for line in io.lines(args[1]) do
    if k % clients == index then ids[#ids + 1] = line end
    k = k + 1
  end
  before, after, idempotency, done_dir = args[3], args[4], args[5], args[6]
  auth = "Bearer " .. os.getenv("BENCH_API_KEY")
  cursor, ok, failed, statuses = 1, 0, 0, {}
end

function request()
  local id = ids[cursor]
  local headers = { ["Authorization"] = auth }
  if idempotency ~= "-" then headers["Idempotency-Key"] = idempotency .. id end
  sent_at = now()
  return wrk.format("POST", before .. id .. after, headers, "")
end

function response(status, headers, body)
  first_at = first_at or sent_at
  last_at = now()
  statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  if status >= 200 and status < 300 then ok = ok + 1 else failed = failed + 1 end
  cursor = cursor + 1
  if cursor > #ids then
    local marker = io.open(done_dir .. "/" .. index, "w")
    marker:write(ok + failed)
    marker:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local ok, failed, first, last, statuses = 0, 0, math.huge, 0, {}
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("ok")
    failed = failed + thread:get("failed")
    first = math.min(first, thread:get("first_at") or math.huge)
    last = math.max(last, thread:get("last_at") or 0)
    for status, n in pairs(thread:get("statuses")) do
      statuses[status] = (statuses[status] or 0) + n
    end
  end
  io.write(string.format("BENCH ok %d\nBENCH failed %d\nBENCH span %.6f\n", ok, failed, last - first))
  for _, p in ipairs({ 50, 90, 95, 99, 99.9 }) do
    io.write(string.format("BENCH p%s %d\n", p, latency:percentile(p)))
  end
  io.write(string.format("BENCH mean %.1f\nBENCH max %d\n", latency.mean, latency.max))
  local e = summary.errors
  io.write(string.format("BENCH errors %d %d %d %d %d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  for status, n in pairs(statuses) do io.write(string.format("BENCH status %s %d\n", status, n)) end
end
"""


@dataclass
class Net:
    platform: object
    officer: object
    prosecutor: object
    secret: str


@dataclass
class Waits:
    """What the server's PostgreSQL sessions were doing, sampled every SAMPLE_S."""

    samples: int = 0
    lock_held: int = 0  # samples in which a session held the audit-chain lock
    lock_waiting: int = 0  # sessions waiting for it, summed over the samples
    lock_waiting_max: int = 0
    active: int = 0  # sessions running a statement (or waiting inside one)
    in_transaction: int = 0  # sessions in a transaction, between statements
    # what the sessions running a statement waited on ("CPU": nothing), summed
    waiting_on: Counter = field(default_factory=Counter)

    def mean(self, total: int) -> float:
        return total / self.samples if self.samples else 0.0


class Sampler(threading.Thread):
    """Samples pg_locks and pg_stat_activity of the scratch database on a connection of
    its own: is the audit chain's advisory lock (``takedown.core.audit``) the queue? And
    the CPU time of the scratch database's server processes and of PostgreSQL's own
    (WAL writer, checkpointer…), followed while they live: the server's connections are
    replaced every CONN_MAX_AGE seconds, and other databases' sessions are not ours."""

    LOCK = """
        SELECT count(*) FILTER (WHERE granted), count(*) FILTER (WHERE NOT granted)
        FROM pg_locks
        WHERE locktype = 'advisory' AND classid::bigint = 0 AND objid::bigint = %s
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    """
    # A row lock queue: the first waiter waits on the holder's transaction id (and holds
    # the tuple lock), the next ones on the tuple lock; either way, name the table.
    SESSIONS = """
        SELECT a.state, coalesce(a.wait_event_type || ':' || a.wait_event, 'CPU')
               || coalesce(' on ' || (
                    SELECT string_agg(DISTINCT l.relation::regclass::text, ',')
                    FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'tuple'
                  ), '')
        FROM pg_stat_activity a
        WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
          AND a.backend_type = 'client backend'
          AND (a.state = 'active' OR a.state LIKE 'idle in transaction%%')
    """
    PROCESSES = """
        SELECT pid FROM pg_stat_activity
        WHERE (datname = current_database() AND pid <> pg_backend_pid()) OR datname IS NULL
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.waits = Waits()
        self.finished = threading.Event()
        self.ready = threading.Event()
        self.cpu_start: dict[int, float] = {}
        self.cpu_last: dict[int, float] = {}

    def follow_cpu(self, conn) -> None:
        pids = [pid for (pid,) in conn.execute(self.PROCESSES).fetchall()]
        self.cpu_last.update(cpu_s(pids))

    @property
    def postgres_cpu_s(self) -> float:
        return sum(s - self.cpu_start.get(pid, 0.0) for pid, s in self.cpu_last.items())

    def run(self) -> None:
        import psycopg

        from takedown.core.audit import _AUDIT_LOCK_ID

        with psycopg.connect(
            host=BENCH_HOST, port=BENCH_PORT, user=BENCH_USER, dbname=BENCH_DB, autocommit=True
        ) as conn:
            self.follow_cpu(conn)
            self.cpu_start = dict(self.cpu_last)
            self.ready.set()
            while not self.finished.wait(SAMPLE_S):
                self.follow_cpu(conn)
                held, waiting = conn.execute(self.LOCK, [_AUDIT_LOCK_ID]).fetchone()
                sessions = conn.execute(self.SESSIONS).fetchall()
                w = self.waits
                w.samples += 1
                w.lock_held += 1 if held else 0
                w.lock_waiting += waiting
                w.lock_waiting_max = max(w.lock_waiting_max, waiting)
                for state, event in sessions:
                    if state == "active":
                        w.active += 1
                        w.waiting_on[event] += 1
                    else:
                        w.in_transaction += 1

    def stop(self) -> Waits:
        self.finished.set()
        self.join()
        return self.waits


@dataclass
class Phase:
    name: str
    requests: int
    ok: int = 0
    failed: int = 0
    span_s: float = 0.0
    latency_us: dict[str, float] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    # CPU seconds during the phase: gunicorn workers, postgres, redis, wrk, this process
    # (its sampler), and whatever else ran on the machine
    cpu: dict[str, float] = field(default_factory=dict)
    machine_busy: float = 0.0  # share of all CPUs busy during the phase
    database: Waits | None = None

    @property
    def rps(self) -> float:
        return (self.ok + self.failed) / self.span_s if self.span_s else 0.0

    def ms(self, percentile: str) -> float:
        return self.latency_us[percentile] / 1000

    def cpu_ms(self, part: str) -> float:
        """CPU milliseconds per request."""
        return self.cpu[part] / self.requests * 1000


# --- Data -------------------------------------------------------------------------------


def network() -> Net:
    from django.contrib.auth.models import Group

    from liaison.keys import authority_key_create
    from liaison.models import (
        ApiKey,
        Authority,
        Jurisdiction,
        LiaisonDesk,
        Platform,
        PlatformDomain,
    )
    from takedown.core.choices import Role
    from takedown.core.models import User

    code, name, tz = JURISDICTION
    jurisdiction, _ = Jurisdiction.objects.get_or_create(
        code=code, defaults={"name": name, "timezone": tz}
    )
    police, _ = Authority.objects.get_or_create(
        jurisdiction=jurisdiction, name=f"{name} police", defaults={"kind": "police"}
    )
    prosecution, _ = Authority.objects.get_or_create(
        jurisdiction=jurisdiction,
        name=f"{name} prosecution",
        defaults={"kind": "prosecutor", "email": "prosecution@xk.bench.test"},
    )
    desk, _ = LiaisonDesk.objects.get_or_create(
        authority=police, name=f"{name} liaison desk", defaults={"email": "desk@xk.bench.test"}
    )
    platform_name, slug, domain = PLATFORM
    platform, _ = Platform.objects.get_or_create(
        slug=slug,
        defaults={
            "name": platform_name,
            "kind": "hosting",
            "establishment_jurisdiction": jurisdiction,
        },
    )
    PlatformDomain.objects.get_or_create(domain=domain, defaults={"platform": platform})
    officer, _ = User.objects.get_or_create(
        username="bench-ack-officer", defaults={"authority": police}
    )
    officer.groups.add(Group.objects.get_or_create(name=Role.LIAISON_OFFICER.value)[0])
    desk.members.add(officer)
    prosecutor, _ = User.objects.get_or_create(
        username="bench-ack-prosecutor", defaults={"authority": prosecution}
    )
    prosecutor.groups.add(Group.objects.get_or_create(name=Role.PROSECUTOR.value)[0])
    authority_key_create(authority=prosecution)  # the current signing key, under BENCH_KEKS
    ApiKey.objects.filter(platform=platform).update(revoked=True)  # earlier runs' keys
    _key, secret = ApiKey.objects.create_key(name="bench acknowledge", platform=platform)
    return Net(platform, officer, prosecutor, secret)


def issue_real(net: Net, count: int) -> list[int]:
    """Orders made as a prosecutor makes them: report, assessment, request, order."""
    from cases.services import orders
    from cases.services.intake import ItemInput, ReportInput, report_submit
    from cases.services.triage import case_assess, order_request_create

    fields = orders.OrderFields(
        kind="order",
        legal_basis="Art. 3 Regulation (EU) 2021/784 (benchmark)",
        reasons="Synthetic benchmark order; nothing to remove.",
        contact_point="duty@xk.bench.test",
    )
    made = []
    for n in range(count):
        report = report_submit(
            data=ReportInput(
                source="hotline",
                reporting_jurisdiction=JURISDICTION[0],
                items=[ItemInput(url=f"https://{PLATFORM[2]}/v/{n}-{k}") for k in range(2)],
                summary="Benchmark report (synthetic)",
            ),
            submitter=net.officer,
        )
        case = report.cases_opened[0]
        case_assess(
            case=case,
            officer=net.officer,
            depiction_type="real",
            age_group="prepubescent",
            severity=4,
            risk_score=80,
            classification=None,
            expected_version=None,
        )
        request = order_request_create(
            case=case,
            officer=net.officer,
            platform=net.platform,
            items=list(case.items.all()),
            expected_version=None,
        )
        made.append(
            orders.order_issue(request=request, prosecutor=net.prosecutor, fields=fields).pk
        )
    return made


def copy_orders(template_id: int, count: int) -> None:
    """``count`` copies of an issued order, in one statement: each with a case of its own
    (a copy of the order's case, as each real order has its own case), the order's two
    items and its two clocks."""
    from django.contrib.contenttypes.models import ContentType

    from cases.models import Case, TakedownOrder
    from deadlines.models import Deadline

    def columns(model, overrides: dict[str, str], alias: str) -> tuple[str, str]:
        names = [f.column for f in model._meta.concrete_fields if not f.primary_key]
        exprs = [overrides.get(name, f"{alias}.{name}") for name in names]
        return ", ".join(names), ", ".join(exprs)

    case_cols, case_exprs = columns(Case, {"reference": "'ACK-' || lpad(g::text, 9, '0')"}, "c")
    order_cols, order_exprs = columns(
        TakedownOrder,
        {"reference": "t.reference || '-' || substr(cases.reference, 5)", "case_id": "cases.id"},
        "t",
    )
    deadline_cols, deadline_exprs = columns(
        Deadline,
        {
            "subject_id": "new.id",
            "case_id": "new.case_id",
            "label": "replace(d.label, %(reference)s, new.reference)",
        },
        "d",
    )
    items = TakedownOrder.items.through._meta.db_table
    template = TakedownOrder.objects.get(pk=template_id)
    sql(
        f"""
        WITH cases AS (
            INSERT INTO cases_case ({case_cols})
            SELECT {case_exprs}
            FROM cases_case c, generate_series(1, %(count)s) AS g
            WHERE c.id = %(case)s
            RETURNING id, reference
        ), new AS (
            INSERT INTO cases_takedownorder ({order_cols})
            SELECT {order_exprs}
            FROM cases_takedownorder t, cases
            WHERE t.id = %(template)s
            RETURNING id, reference, case_id
        ), clocks AS (
            INSERT INTO deadlines_deadline ({deadline_cols})
            SELECT {deadline_exprs}
            FROM new, deadlines_deadline d
            WHERE d.subject_type_id = %(order_type)s AND d.subject_id = %(template)s
        )
        INSERT INTO {items} (takedownorder_id, reporteditem_id)
        SELECT new.id, i.reporteditem_id FROM new, {items} i
        WHERE i.takedownorder_id = %(template)s
        """,
        {
            "count": count,
            "template": template_id,
            "case": template.case_id,
            "reference": template.reference,
            "order_type": ContentType.objects.get_for_model(TakedownOrder).pk,
        },
    )


# --- The profile -------------------------------------------------------------------------

PROFILE_TOP = 15


def profile_acknowledge(ids: list[int], secret: str, idempotency: str) -> None:
    """Acknowledge ``ids`` in this process, through Django's test client (the whole
    middleware and DRF stack, no socket) under cProfile, with the server's throttle
    counting in Redis; print the statements of one request and the profile's top
    entries. cProfile slows what it measures about twofold: read the shares, not the
    milliseconds."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client, override_settings
    from rest_framework.throttling import SimpleRateThrottle

    from bench import settings as server_settings

    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_HOST=BENCH_HOST)

    def acknowledge(pk: int) -> None:
        extra = {"HTTP_IDEMPOTENCY_KEY": f"{idempotency}{pk}"} if idempotency else {}
        response = client.generic("POST", ACK_PATH.format(pk), b"", **extra)  # as wrk sends it
        if response.status_code != 200:
            raise SystemExit(f"profile: {response.status_code} {response.content[:300]!r}")

    rates = server_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    redis = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    redis["default"]["LOCATION"] = BENCH_REDIS
    saved_rates = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates  # read at import: patched, not overridden
    try:
        with override_settings(CACHES=redis):
            acknowledge(ids[0])  # lazy imports, the connection, the first cache calls
            statements: list[str] = []
            with connection.execute_wrapper(
                lambda execute, sql, *rest: statements.append(sql) or execute(sql, *rest)
            ):
                acknowledge(ids[1])
            profiler = cProfile.Profile()
            profiler.enable()
            for pk in ids[2:]:
                acknowledge(pk)
            profiler.disable()
    finally:
        SimpleRateThrottle.THROTTLE_RATES = saved_rates
    profiled = len(ids) - 2
    print(
        f"\nProfile: {profiled:,} acknowledgements in this process under cProfile; one "
        f"request runs {len(statements)} statements (and its commit):"
    )
    for shape, n in Counter(map(statement_shape, statements)).most_common():
        print(f"    {n} x {shape}")
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    rows = sorted(stats.stats.items(), key=lambda entry: entry[1][3], reverse=True)
    # The middleware and the view's wrappers hold nearly all of it: below them, the work.
    ours = [e for e in rows if is_project(e[0][0]) and e[1][3] < 0.9 * total][:PROFILE_TOP]
    print_table(
        ["function (project code)", "calls/req", "cumulative ms/req", "share"],
        [
            [function_name(f), calls / profiled, cum / profiled * 1000, f"{cum / total:.0%}"]
            for f, (_prim, calls, _tt, cum, _callers) in ours
        ],
        title=f"Top {PROFILE_TOP} of the project's functions by cumulative time, below the "
        "middleware "
        f"({stats.total_calls / profiled:,.0f} function calls per request)",
    )
    own = sorted(rows, key=lambda entry: entry[1][2], reverse=True)[:PROFILE_TOP]
    print_table(
        ["function", "calls/req", "own ms/req", "share"],
        [
            [function_name(f), calls / profiled, tt / profiled * 1000, f"{tt / total:.0%}"]
            for f, (_prim, calls, tt, _cum, _callers) in own
        ],
        title=f"Top {PROFILE_TOP} functions by own time",
    )


def statement_shape(statement: str) -> str:
    """``SELECT … FROM "cases_takedownorder"``: the verb and the first table named."""
    verb = statement.split(None, 1)[0].upper()
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', statement)
    if verb in ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK") or table is None:
        return statement.split('"s', 1)[0].strip()[:60]
    return f"{verb} {table.group(1)}"


def is_project(path: str) -> bool:
    return path.startswith(str(REPO)) and "/.venv/" not in path and "/bench/" not in path


def function_name(function: tuple[str, int, str]) -> str:
    path, line, name = function
    for root in (f"{REPO}/", "site-packages/", "lib/python3.11/"):
        if root in path:
            path = path.split(root, 1)[1]
            break
    return f"{path}:{line} {name}" if line else name


def make_bare_table(rows: int) -> None:
    sql(f"DROP TABLE IF EXISTS {BARE_TABLE}")
    sql(
        f"CREATE TABLE {BARE_TABLE} (id bigint PRIMARY KEY, hits bigint NOT NULL DEFAULT 0, "
        "touched_at timestamptz)"
    )
    sql(f"INSERT INTO {BARE_TABLE} (id) SELECT generate_series(1, %s)", [rows])


def settle() -> None:
    for table in TABLES:
        sql(f"VACUUM ANALYZE {table}")
    sql("CHECKPOINT")


# --- The server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((BENCH_HOST, 0))
        return probe.getsockname()[1]


def server_env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"postgres://{BENCH_USER}@{BENCH_HOST}:{BENCH_PORT}/{BENCH_DB}",
        "REDIS_URL": BENCH_REDIS,
        "TAKEDOWN_KEKS": BENCH_KEKS,
    }


@contextmanager
def gunicorn(*, workers: int, threads: int, log: Path) -> Iterator[tuple[str, int]]:
    """A gunicorn server on a free loopback port: (base URL, master pid)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "takedown.wsgi:application",
        f"--bind={BENCH_HOST}:{port}",
        f"--workers={workers}",
        "--worker-class=gthread",
        f"--threads={threads}",
        "--keep-alive=75",
        "--backlog=2048",
        "--log-level=warning",
        f"--error-logfile={log}",
    ]
    base = f"http://{BENCH_HOST}:{port}"
    output = log.with_suffix(".out").open("w")  # warnings and anything printed
    server = subprocess.Popen(
        command,
        env=server_env(),
        cwd=Path(__file__).resolve().parent.parent,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited with {server.returncode}:\n{tail(log)}")
            if healthy(port) and len(worker_pids(server.pid)) == workers:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer within 60 s:\n{tail(log)}")
            time.sleep(0.2)
        yield base, server.pid
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        output.close()


def healthy(port: int) -> bool:
    probe = http.client.HTTPConnection(BENCH_HOST, port, timeout=2)
    try:
        probe.request("GET", "/healthz")
        return probe.getresponse().status == 200
    except OSError:
        return False
    finally:
        probe.close()


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def cpu_s(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) of each process still there."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def stack_cpu(master: int) -> dict[str, dict[int, float]]:
    """CPU seconds so far of gunicorn's workers and of Redis (PostgreSQL: the Sampler)."""
    return {
        "gunicorn": cpu_s(worker_pids(master)),
        "redis": cpu_s(pids_named("redis-server")),
    }


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot; time stolen by the hypervisor is
    neither."""
    user, nice, system, idle, iowait, irq, softirq = (
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]
    )
    busy = user + nice + system + irq + softirq
    return busy, busy + idle + iowait


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(BENCH_REDIS).flushdb()


# --- The load ---------------------------------------------------------------------------


def drive(
    *,
    name: str,
    base: str,
    path: str,
    ids: list[int],
    clients: int,
    secret: str,
    idempotency: str,
    master: int,
    work: Path,
) -> Phase:
    """One wrk run: every id requested once; the figures wrk and /proc give."""
    ids_file = work / f"{name}.ids"
    ids_file.write_text("".join(f"{i}\n" for i in ids))
    done = work / f"{name}.done"
    shutil.rmtree(done, ignore_errors=True)
    done.mkdir()
    before, after = path.split("{}")
    clients = min(clients, len(ids))
    command = [
        "wrk",
        f"--threads={clients}",
        f"--connections={clients}",
        f"--duration={PHASE_LIMIT_S}s",
        f"--timeout={WRK_TIMEOUT_S}s",
        f"--script={work / 'walk.lua'}",
        base,
        "--",
        str(ids_file),
        str(clients),
        before,
        after,
        idempotency or "-",
        str(done),
    ]
    stack_before, busy_before = stack_cpu(master), machine_ticks()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    sampler = Sampler()
    sampler.start()
    sampler.ready.wait(30)
    load = subprocess.Popen(
        command, env={**os.environ, "BENCH_API_KEY": secret}, stdout=subprocess.PIPE, text=True
    )
    limit = time.monotonic() + PHASE_LIMIT_S
    while len(os.listdir(done)) < clients and load.poll() is None and time.monotonic() < limit:
        time.sleep(0.02)
    # Every connection has its last response: wrk would otherwise sleep out --duration.
    waits = sampler.stop()
    load.send_signal(signal.SIGINT)
    output, _ = load.communicate(timeout=120)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    self_after = resource.getrusage(resource.RUSAGE_SELF)
    busy_after, stack_after = machine_ticks(), stack_cpu(master)

    phase = Phase(name=name, requests=len(ids), database=waits)
    for line in output.splitlines():
        if not line.startswith("BENCH "):
            continue
        key, *values = line.split()[1:]
        if key in ("ok", "failed"):
            setattr(phase, key, int(values[0]))
        elif key == "span":
            phase.span_s = float(values[0])
        elif key == "errors":
            phase.errors = dict(
                zip(
                    ("connect", "read", "write", "status", "timeout"), map(int, values), strict=True
                )
            )
        elif key == "status":
            phase.statuses[int(values[0])] += int(values[1])
        else:
            phase.latency_us[key] = float(values[0])
    if not phase.latency_us:
        raise SystemExit(f"wrk gave no figures for {name}:\n{output}")
    for part, after in stack_after.items():
        before = stack_before[part]
        phase.cpu[part] = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())

    def used(after, before) -> float:
        return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime

    phase.cpu["postgres"] = sampler.postgres_cpu_s
    phase.cpu["wrk"] = used(children_after, children_before)
    phase.cpu["bench"] = used(self_after, self_before)
    busy, total = (a - b for a, b in zip(busy_after, busy_before, strict=True))
    phase.machine_busy = busy / total if total else 0.0
    busy_s = busy / os.sysconf("SC_CLK_TCK")
    phase.cpu["other"] = max(0.0, busy_s - sum(phase.cpu.values()))
    return phase


def report(phase: Phase) -> None:
    statuses = ", ".join(f"{status}: {n:,}" for status, n in sorted(phase.statuses.items()))
    errors = ", ".join(f"{k} {v}" for k, v in phase.errors.items() if v) or "none"
    print(
        f"{phase.name}: {phase.ok + phase.failed:,} of {phase.requests:,} requests answered in "
        f"{phase.span_s:.2f} s = {phase.rps:,.0f} req/s; latency p50 {phase.ms('p50'):.1f}, "
        f"p95 {phase.ms('p95'):.1f}, p99 {phase.ms('p99'):.1f}, max {phase.ms('max'):.1f} ms; "
        f"statuses {statuses}; non-2xx {phase.failed}; socket errors {errors};\n"
        "    CPU ms per request: "
        + ", ".join(f"{part} {phase.cpu_ms(part):.2f}" for part in phase.cpu)
        + f"; machine {phase.machine_busy:.0%} busy ({phase.cpu['other']:.1f} CPU-s of other "
        "processes)"
    )
    w = phase.database
    print(
        f"    PostgreSQL ({w.samples:,} samples): audit-chain lock held in "
        f"{w.mean(w.lock_held):.0%} of them, sessions waiting for it mean "
        f"{w.mean(w.lock_waiting):.2f} (max {w.lock_waiting_max}); sessions running a "
        f"statement mean {w.mean(w.active):.2f}, in a transaction between statements mean "
        f"{w.mean(w.in_transaction):.2f}"
    )
    if w.waiting_on:
        top = ", ".join(f"{event} {w.mean(n):.2f}" for event, n in w.waiting_on.most_common(5))
        print(f"    statements running, mean sessions by wait event: {top}")
    if w.lock_held:
        hold_ms = w.mean(w.lock_held) / phase.rps * 1000
        print(
            f"    audit-chain lock held ~{hold_ms:.1f} ms per request: on its own it caps this "
            f"endpoint at ~{1000 / hold_ms:,.0f} req/s"
        )


def row_lock_waiters(waits: Waits) -> tuple[float, str]:
    """Mean sessions waiting for a row lock, and on which tables."""
    events = {
        e: n
        for e, n in waits.waiting_on.items()
        if e.startswith(("Lock:tuple", "Lock:transactionid"))
    }
    tables = sorted({e.split(" on ", 1)[1] for e in events if " on " in e})
    return waits.mean(sum(events.values())), ", ".join(tables) or "?"


# --- Checks -----------------------------------------------------------------------------


def check_acknowledged(ids: list[int]) -> list[str]:
    """Every order acknowledged exactly once, its clock met, audited, the chain intact."""
    from django.contrib.contenttypes.models import ContentType

    from cases.models import TakedownOrder
    from takedown.core.audit import verify_chain

    order_type = ContentType.objects.get_for_model(TakedownOrder).pk
    ((statuses, responses, twice, clocks, events, records),) = sql(
        """
        SELECT
          (SELECT count(*) FILTER (WHERE status = 'acknowledged')
             FROM cases_takedownorder WHERE id = ANY(%(ids)s)),
          (SELECT count(*) FROM cases_platformresponse
             WHERE kind = 'acknowledgement' AND order_id = ANY(%(ids)s)),
          (SELECT count(*) FROM (SELECT order_id FROM cases_platformresponse
             WHERE kind = 'acknowledgement' GROUP BY order_id HAVING count(*) > 1) AS twice),
          (SELECT count(*) FROM deadlines_deadline WHERE kind = 'acknowledgement'
             AND subject_type_id = %(order_type)s AND subject_id = ANY(%(ids)s)
             AND state = 'met'),
          (SELECT count(*) FROM core_auditevent WHERE action = 'order.acknowledged'),
          (SELECT count(*) FROM core_idempotencyrecord)
        """,
        {"ids": ids, "order_type": order_type},
    )
    checked, broken = verify_chain()
    problems = []
    for label, got in (
        ("orders acknowledged", statuses),
        ("acknowledgement responses", responses),
        ("acknowledgement clocks met", clocks),
        ("order.acknowledged audit events", events),
    ):
        if got != len(ids):
            problems.append(f"{label}: {got:,}, expected {len(ids):,}")
    if twice:
        problems.append(f"{twice} orders acknowledged more than once")
    if broken:
        problems.append(f"audit chain broken: {broken}")
    print(
        f"check: {statuses:,} of {len(ids):,} orders acknowledged, {responses:,} "
        f"acknowledgement responses ({twice} orders with more than one), {clocks:,} "
        f"acknowledgement clocks met, {events:,} order.acknowledged audit events, "
        f"{records:,} idempotency records; audit chain of {checked:,} events "
        f"{'intact' if broken is None else 'BROKEN'}"
    )
    return problems


def check_bare(rows: int) -> list[str]:
    ((once, more),) = sql(
        f"SELECT count(*) FILTER (WHERE hits = 1), count(*) FILTER (WHERE hits > 1) "
        f"FROM {BARE_TABLE}"
    )
    print(f"check: {once:,} of {rows:,} bare rows written once, {more} more than once")
    return [] if once == rows and not more else [f"bare rows: {once} once, {more} more"]


def server_output(log: Path) -> str:
    """What gunicorn logged and what the app wrote to stdout and stderr."""
    return "".join(
        path.read_text(errors="replace") for path in (log, log.with_suffix(".out")) if path.exists()
    )


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(server_output(log).splitlines()[-lines:])


def server_log_problems(log: Path) -> list[str]:
    text = server_output(log)
    lines = [
        line
        for line in text.splitlines()
        if re.search(r"Traceback|ERROR|CRITICAL|deadlock|Internal Server Error", line)
    ]
    return [f"gunicorn log: {line}" for line in lines[:20]]


# --- Main -------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench acknowledge", description=__doc__)
    parser.add_argument("--orders", type=int, default=5000, help="orders acknowledged (5000)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent connections (50)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per gunicorn gthread worker (1)"
    )
    parser.add_argument(
        "--real", type=int, default=3, help="orders issued through the services (3)"
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=300,
        help="orders acknowledged afterwards under cProfile, in-process (300; 0: none)",
    )
    parser.add_argument(
        "--no-idempotency-key",
        action="store_true",
        help="acknowledge without an Idempotency-Key header",
    )
    args = parser.parse_args(argv)
    if args.workers < 2 or args.threads < 1 or args.real < 1:
        parser.error("--workers at least 2, --threads and --real at least 1")
    if args.profile and args.profile < 3:
        parser.error("--profile 0, or at least 3")
    if args.orders < args.clients or args.clients < 1:
        parser.error("--orders must be at least --clients, and --clients at least 1")
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    total = WARMUP + args.orders + args.profile
    if args.real > total:
        parser.error(f"--real at most {total}")

    os.environ["TAKEDOWN_KEKS"] = BENCH_KEKS
    with scratch_database(), tempfile.TemporaryDirectory(prefix="bench-ack-") as tmp:
        from django.db import connection

        from deadlines import outbox

        # The platform has no webhook, so issuing pushes nothing; no Celery message either.
        outbox._deliver_later = lambda notification_id: None
        work = Path(tmp)
        (work / "walk.lua").write_text(LUA)
        wrk_version = subprocess.run(
            [wrk, "-v"], capture_output=True, text=True, check=False
        ).stdout.splitlines()[0]
        import gunicorn as gunicorn_package

        slots = args.workers * args.threads
        server = f"{args.workers} gthread workers x {args.threads} thread" + (
            "s" if args.threads > 1 else ""
        )
        print("Platform acknowledge benchmark (python -m bench acknowledge)")
        print("\n".join(machine_lines()))
        print(
            f"server      gunicorn {gunicorn_package.__version__}, {server}"
            + (" (one request at a time per process, as deployed)" if slots == args.workers else "")
            + f" on {BENCH_HOST}, "
            "DJANGO_SETTINGS_MODULE=bench.settings,\n            cache and throttle in Redis "
            f"{BENCH_REDIS} (flushed), platform rate raised to 1000000/s"
        )
        print(
            f"load        {wrk_version.split(' Copyright')[0]}: {args.clients} threads x 1 "
            "keep-alive connection, closed loop, each id requested once;\n            "
            f"acknowledge {'without' if args.no_idempotency_key else 'with'} Idempotency-Key, "
            "bare write without"
        )

        assert_scratch()
        sql(EMPTY)
        net = network()
        with timer() as issuing:
            real = issue_real(net, args.real)
        with timer() as copying:
            copy_orders(real[0], total - args.real)
        make_bare_table(WARMUP + 2 * args.orders)
        settle()
        order_ids = [
            row[0]
            for row in sql(
                "SELECT id FROM cases_takedownorder WHERE platform_id = %s AND status = 'issued' "
                "ORDER BY id",
                [net.platform.pk],
            )
        ]
        assert len(order_ids) == total, (len(order_ids), total)
        print(
            f"orders      {args.real} issued through the services in {issuing.seconds:.2f} s "
            f"({issuing.seconds / args.real * 1000:.0f} ms each), {total - args.real:,} copied "
            f"in {copying.seconds:.2f} s; {total:,} orders of which {WARMUP} for the warm-up"
            + (f" and {args.profile:,} for the profile" if args.profile else "")
        )
        connection.close()  # idle through the load; reopened for the checks
        flush_redis()

        log = work / "gunicorn.log"
        idempotency = "" if args.no_idempotency_key else "ack-"
        phases: list[Phase] = []
        with gunicorn(workers=args.workers, threads=args.threads, log=log) as (base, master):
            common_args = {
                "base": base,
                "clients": args.clients,
                "secret": net.secret,
                "master": master,
                "work": work,
            }
            warm = [
                drive(
                    name="warm-up bare",
                    path=BARE_PATH,
                    ids=list(range(1, WARMUP + 1)),
                    idempotency="",
                    **common_args,
                ),
                drive(
                    name="warm-up acknowledge",
                    path=ACK_PATH,
                    ids=order_ids[:WARMUP],
                    idempotency=idempotency,
                    **common_args,
                ),
            ]
            print()
            for phase in warm:
                report(phase)
            bare_ids = iter(range(WARMUP + 1, WARMUP + 2 * args.orders + 1))
            for name in ("bare write", "acknowledge", "bare write again"):
                sql("CHECKPOINT")
                connection.close()
                if name == "acknowledge":
                    ids, path, key = order_ids[WARMUP : WARMUP + args.orders], ACK_PATH, idempotency
                else:
                    ids, path, key = [next(bare_ids) for _ in range(args.orders)], BARE_PATH, ""
                phase = drive(name=name, path=path, ids=ids, idempotency=key, **common_args)
                report(phase)
                phases.append(phase)

        if args.profile:
            profile_acknowledge(order_ids[WARMUP + args.orders :], net.secret, idempotency)
        print()
        problems = [
            f"{phase.name}: {phase.failed} non-2xx responses"
            for phase in (*warm, *phases)
            if phase.failed or phase.ok != phase.requests
        ]
        problems += check_acknowledged(order_ids)
        problems += check_bare(WARMUP + 2 * args.orders)
        problems += server_log_problems(log)

    bare_1, ack, bare_2 = phases
    bare_rps = (bare_1.rps + bare_2.rps) / 2
    print_table(
        [
            "endpoint",
            "requests",
            "non-2xx",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "max ms",
            "CPU ms/req: gunicorn",
            "postgres",
            "wrk",
            "machine busy",
            "others' CPUs",
            "row-lock waiters",
            "audit lock held",
        ],
        [
            [
                p.name,
                p.requests,
                p.failed,
                p.rps,
                p.ms("p50"),
                p.ms("p95"),
                p.ms("p99"),
                p.ms("max"),
                p.cpu_ms("gunicorn"),
                p.cpu_ms("postgres"),
                p.cpu_ms("wrk"),
                f"{p.machine_busy:.0%}",
                p.cpu["other"] / p.span_s,
                row_lock_waiters(p.database)[0],
                f"{p.database.mean(p.database.lock_held):.0%}",
            ]
            for p in phases
        ],
        title=(
            f"Summary ({args.clients} concurrent clients, {server}; others' CPUs: mean CPUs "
            "used by processes outside the benchmark; row-lock waiters: mean server sessions "
            "waiting for a row lock)"
        ),
    )
    print(
        f"\nratio acknowledge / bare write (mean of the two bare runs): throughput "
        f"{ack.rps / bare_rps:.2f}x ({ack.rps:,.0f} vs {bare_rps:,.0f} req/s), "
        f"p95 latency {ack.ms('p95') / ((bare_1.ms('p95') + bare_2.ms('p95')) / 2):.1f}x"
    )
    waiters, tables = row_lock_waiters(ack.database)
    if waiters >= 0.05:
        print(
            f"contention: while acknowledging, a mean {waiters:.2f} of the server's {slots} "
            f"request slots waited for a row lock on {tables} (rows the acknowledged orders "
            "share)"
        )
    if problems:
        print("\nPROBLEMS:")
        print("\n".join(f"  {problem}" for problem in problems))
        return 1
    print("no problems: every request 2xx, every order acknowledged once, audit chain intact")
    return 0
