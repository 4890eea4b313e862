"""Bulk intake of N items with cross-border de-duplication, against a plain
``bulk_create`` of as many rows, in the same run.

The network: two jurisdictions with a police liaison desk each, three platforms with
domains on .test (two established in the first jurisdiction, one in the second), and an
officer of the first desk. Before the run, N / 10 items are already known, in cases of
``--per-case`` items each, as earlier reports left them. The file: N synthetic rows in
random order. A tenth of them name a known item: 80 % by its URL, written the way
reporters write it (host case, default port, fragment, tracking parameter), 20 % by the
SHA-256 of a known item at a new URL. The rest are new URLs with random paths on the
platforms' domains and subdomains, 40 % of them with the SHA-256 of random bytes.

Timed: one ``report_submit(data=ReportInput(...), submitter=officer,
group_by_route=True)`` end to end, validation included (no ``prepared=``) and committed.
Each phase's wall and database time is measured by wrapping the intake module's own
helpers and counting statements (bench only: the product code runs unchanged).

Baselines, on the same rows pre-normalised and routed: ``ReportedItem.objects
.bulk_create(batch_size=2000)`` of N items with a case assigned into the emptied items
table, and that plus the N ``ReportItem`` lines any intake must also write.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from unittest import mock

from .common import assert_scratch, machine_lines, print_table, scratch_database, sql, timer

BATCH = 2000
PLATFORMS = (
    # name, slug, establishment (index into JURISDICTIONS), registered domains
    ("Bench Video", "bench-video", 0, ("bench-video.test", "media.bench-video.test")),
    ("Bench Social", "bench-social", 1, ("bench-social.test",)),
    ("Bench Files", "bench-files", 0, ("bench-files.test", "dl.bench-files.test")),
)
# Hosts as reporters meet them: registered domains, and subdomains that route by suffix.
HOSTS = (
    "bench-video.test",
    "www.bench-video.test",
    "media.bench-video.test",
    "bench-social.test",
    "m.bench-social.test",
    "bench-files.test",
    "dl.bench-files.test",
)
JURISDICTIONS = (("XI", "Intakeland", "Europe/Berlin"), ("XJ", "Jointland", "Europe/Lisbon"))
PATHS = ("v", "watch", "p", "f", "media")
SHA256_SHARE = 0.4  # of the new rows
MATCH_BY_URL_SHARE = 0.8  # of the rows that name a known item
EMPTY = (
    "TRUNCATE cases_case, cases_caseparticipant, cases_reporteditem, cases_report, "
    "cases_reportitem, deadlines_deliveryattempt, deadlines_notification, "
    "deadlines_escalation, deadlines_deadlinepause, deadlines_deadline, core_auditevent "
    "RESTART IDENTITY CASCADE"
)
TABLES = (
    "cases_case",
    "cases_caseparticipant",
    "cases_reporteditem",
    "cases_report",
    "cases_reportitem",
    "core_auditevent",
)


@dataclass
class Network:
    jurisdiction: str
    desks: dict[str, object]  # jurisdiction code -> LiaisonDesk
    platform_of_host: dict[str, tuple[int, str]]  # host -> (platform id, jurisdiction)
    officer: object


@dataclass
class Known:
    url: str
    sha256: str


@dataclass
class Rows:
    items: list  # ItemInput
    by_url: int = 0
    by_sha256: int = 0
    with_sha256: int = 0


# --- Memory ------------------------------------------------------------------------------


def _status_kb(name: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            found = re.search(rf"^{name}:\s+(\d+) kB", status.read(), re.MULTILINE)
    except OSError:
        return None
    return int(found.group(1)) if found else None


@dataclass
class Memory:
    before_mb: float = 0.0
    peak_mb: float = 0.0
    source: str = ""

    @property
    def growth_mb(self) -> float:
        return self.peak_mb - self.before_mb


@contextmanager
def peak_memory() -> Iterator[Memory]:
    """Peak resident memory of this process during the block. On Linux the high-water
    mark is reset first (``/proc/self/clear_refs``), so an earlier phase's peak does not
    hide this one's; elsewhere it is ``ru_maxrss`` since the process started."""
    memory = Memory()
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        reset = _status_kb("VmHWM") is not None
    except OSError:
        reset = False
    memory.before_mb = (_status_kb("VmRSS") or 0) / 1024
    try:
        yield memory
    finally:
        if reset:
            memory.peak_mb, memory.source = _status_kb("VmHWM") / 1024, "VmHWM, reset before"
        else:
            memory.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            memory.source = "ru_maxrss (peak since start)"


# --- Phases ------------------------------------------------------------------------------


@dataclass
class Phases:
    """Wall and database time per phase of one intake. Phases are the intake module's own
    helpers, wrapped for the run; a helper called inside another phase counts in that
    outer phase. Statements outside any phase count as "rest"."""

    wall: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    db: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    statements: Counter = field(default_factory=Counter)
    current: str | None = None

    def wrap(self, name: str, function: Callable) -> Callable:
        def wrapped(*args, **kwargs):
            if self.current is not None:
                return function(*args, **kwargs)
            self.current = name
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.wall[name] += time.perf_counter() - started
                self.current = None

        return wrapped

    def __call__(self, execute, sql, params, many, context):
        """A connection.execute_wrapper: time and count every statement."""
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            phase = self.current or "rest"
            self.db[phase] += time.perf_counter() - started
            self.statements[phase] += 1


PHASES = (
    # label, intake-module names wrapped into it
    ("validate: normalise + check (validate_report)", ("validate_report",)),
    ("look up known items and cases", ("_lookup", "_survivors")),
    ("insert items (ReportedItem.bulk_create)", ("ReportedItem",)),
    ("insert report lines (ReportItem.bulk_create)", ("ReportItem",)),
    ("open cases: rows, clocks, audit", ("_open_cases", "_announce")),
    ("join cases: participants, requests, audit", ("report_links",)),
    ("final audit event", ("audit_record",)),
)
REST = "rest: route and build items, results, commit"


@contextmanager
def instrumented(phases: Phases) -> Iterator[None]:
    from django.db import connection

    from cases.models import ReportedItem, ReportItem
    from cases.services import intake

    with ExitStack() as stack:
        for label, names in PHASES:
            for name in names:
                if name in ("ReportedItem", "ReportItem"):
                    manager = {"ReportedItem": ReportedItem, "ReportItem": ReportItem}[name].objects
                    wrapped = phases.wrap(label, manager.bulk_create)
                    stack.enter_context(mock.patch.object(manager, "bulk_create", wrapped))
                else:
                    wrapped = phases.wrap(label, getattr(intake, name))
                    stack.enter_context(mock.patch.object(intake, name, wrapped))
        stack.enter_context(connection.execute_wrapper(phases))
        yield


# --- The network, the known items, the file -----------------------------------------------


def network() -> Network:
    from django.contrib.auth.models import Group

    from liaison.models import Authority, Jurisdiction, LiaisonDesk, Platform, PlatformDomain
    from takedown.core.choices import Role
    from takedown.core.models import User

    desks = {}
    for code, name, tz in JURISDICTIONS:
        jurisdiction, _ = Jurisdiction.objects.get_or_create(
            code=code, defaults={"name": name, "timezone": tz}
        )
        authority, _ = Authority.objects.get_or_create(
            jurisdiction=jurisdiction, name=f"{name} police", defaults={"kind": "police"}
        )
        desks[code], _ = LiaisonDesk.objects.get_or_create(
            authority=authority,
            name=f"{name} liaison desk",
            defaults={"email": f"desk@{code.lower()}.bench.test"},
        )
    platform_of_domain = {}
    for name, slug, established, domains in PLATFORMS:
        code = JURISDICTIONS[established][0]
        platform, _ = Platform.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "kind": "hosting", "establishment_jurisdiction_id": code},
        )
        for domain in domains:
            PlatformDomain.objects.get_or_create(domain=domain, defaults={"platform": platform})
            platform_of_domain[domain] = (platform.pk, code)
    platform_of_host = {
        host: next(
            platform_of_domain[domain]
            for domain in sorted(platform_of_domain, key=len, reverse=True)
            if host == domain or host.endswith("." + domain)
        )
        for host in HOSTS
    }
    code = JURISDICTIONS[0][0]
    officer, _ = User.objects.get_or_create(
        username="bench-intake-officer", defaults={"authority": desks[code].authority}
    )
    officer.groups.add(Group.objects.get_or_create(name=Role.LIAISON_OFFICER.value)[0])
    desks[code].members.add(officer)
    return Network(code, desks, platform_of_host, officer)


def random_url(rng: random.Random) -> str:
    path = f"/{rng.choice(PATHS)}/{rng.getrandbits(64):016x}"
    if rng.random() < 0.2:
        path += f"?id={rng.randrange(10**6)}"
    return f"https://{rng.choice(HOSTS)}{path}"


def random_sha256(rng: random.Random) -> str:
    return hashlib.sha256(rng.randbytes(32)).hexdigest()


def as_reported(url: str, n: int) -> str:
    """The same URL as another reporter writes it: it normalises to the same form."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    match n % 5:
        case 0:
            return url
        case 1:
            return f"{scheme.upper()}://{host.upper()}/{path}"
        case 2:
            return f"{scheme}://{host}:443/{path}"
        case 3:
            return f"{url}#t=42"
        case _:
            return f"{url}{'&' if '?' in url else '?'}utm_source=bench&fbclid=x"


def make_known(count: int, rng: random.Random) -> list[Known]:
    """Items already in the database; every second one has a SHA-256."""
    return [Known(random_url(rng), random_sha256(rng) if n % 2 == 0 else "") for n in range(count)]


def make_rows(*, items: int, known: list[Known], rng: random.Random) -> Rows:
    from cases.services.intake import ItemInput

    matching = min(items // 10, len(known))
    by_url = round(matching * MATCH_BY_URL_SHARE)
    with_sha = [k for k in known if k.sha256]
    rows = Rows(items=[])
    for n, k in enumerate(rng.sample(known, by_url)):
        rows.items.append(ItemInput(url=as_reported(k.url, n)))
    for k in rng.sample(with_sha, min(matching - by_url, len(with_sha))):
        rows.items.append(ItemInput(url=random_url(rng), sha256=k.sha256))
    rows.by_url, rows.by_sha256 = by_url, len(rows.items) - by_url
    while len(rows.items) < items:
        sha256 = random_sha256(rng) if rng.random() < SHA256_SHARE else ""
        rows.with_sha256 += bool(sha256)
        rows.items.append(ItemInput(url=random_url(rng), sha256=sha256))
    rng.shuffle(rows.items)
    return rows


def preload(*, known: list[Known], per_case: int, net: Network, now: datetime) -> int:
    """The known items, in cases of ``per_case`` items on one platform each, as earlier
    reports left them. Returns the number of cases."""
    from cases.choices import CaseStatus, ParticipantRole
    from cases.models import Case, CaseParticipant, ReportedItem
    from cases.normalise import normalise_url

    assert_scratch()
    sql(EMPTY)
    by_route: dict[tuple[int, str], list[tuple[Known, object]]] = defaultdict(list)
    for k in known:
        normalised = normalise_url(k.url)
        by_route[net.platform_of_host[normalised.host]].append((k, normalised))
    chunks = [
        (route, group[start : start + per_case])
        for route, group in by_route.items()
        for start in range(0, len(group), per_case)
    ]
    received = now - timedelta(days=1)
    cases = Case.objects.bulk_create(
        [
            Case(
                reference=f"BX-{n:07d}",
                status=CaseStatus.NEW,
                lead_desk=net.desks[code],
                summary="earlier report (bench)",
                created_at=received,
                queue_due_at=received + timedelta(hours=48),
            )
            for n, ((_platform, code), _chunk) in enumerate(chunks, start=1)
        ],
        batch_size=BATCH,
    )
    CaseParticipant.objects.bulk_create(
        [
            CaseParticipant(
                case=case, desk=case.lead_desk, role=ParticipantRole.LEAD, joined_at=received
            )
            for case in cases
        ],
        batch_size=BATCH,
    )
    ReportedItem.objects.bulk_create(
        [
            ReportedItem(
                case=case,
                url=k.url,
                normalized_url=normalised.url,
                url_digest=normalised.digest,
                domain=normalised.host,
                platform_id=platform_id,
                hosting_jurisdiction_id=code,
                sha256=k.sha256,
                created_at=received,
            )
            for case, ((platform_id, code), chunk) in zip(cases, chunks, strict=True)
            for k, normalised in chunk
        ],
        batch_size=BATCH,
    )
    settle()
    return len(cases)


def settle() -> None:
    """Fresh statistics, and what loading dirtied written out, before a timed section."""
    for table in TABLES:
        sql(f"VACUUM ANALYZE {table}")
    sql("CHECKPOINT")


# --- The runs ----------------------------------------------------------------------------


@dataclass
class Figures:
    items: int
    seconds: float = 0.0
    statements: int = 0
    memory: Memory = field(default_factory=Memory)

    @property
    def per_second(self) -> float:
        return self.items / self.seconds


def run_intake(*, rows: Rows, net: Network, phases: Phases) -> tuple[Figures, object]:
    from django.utils import timezone

    from cases.services.intake import ReportInput, report_submit

    data = ReportInput(
        source="hotline",
        reporting_jurisdiction=net.jurisdiction,
        items=rows.items,
        summary="bench bulk intake",
        external_reference="bench.csv",
    )
    figures = Figures(items=len(rows.items))
    with peak_memory() as figures.memory, instrumented(phases), timer() as elapsed:
        result = report_submit(
            data=data, submitter=net.officer, group_by_route=True, now=timezone.now()
        )
    figures.seconds, figures.statements = elapsed.seconds, sum(phases.statements.values())
    return figures, result


def baseline_objects(rows: Rows, net: Network, now: datetime) -> list:
    """The same rows, normalised and routed beforehand (not timed), with a case assigned."""
    from cases.models import Case, ReportedItem
    from cases.services.intake import prepare_items

    case = Case.objects.order_by("id").first()
    prepared, errors = prepare_items(rows.items, known_codes={c for c, _n, _t in JURISDICTIONS})
    assert not errors, list(errors.items())[:3]
    objects = []
    for p in prepared:
        platform_id, code = net.platform_of_host[p.host]
        objects.append(
            ReportedItem(
                case=case,
                url=p.url,
                normalized_url=p.normalized,
                url_digest=p.digest,
                domain=p.host,
                platform_id=platform_id,
                hosting_jurisdiction_id=code,
                sha256=p.sha256,
                created_at=now,
            )
        )
    return objects


def empty_items() -> None:
    """Empty the item tables (cases stay), so the baseline inserts into an empty table."""
    assert_scratch()
    sql("TRUNCATE cases_reporteditem, cases_reportitem, cases_report RESTART IDENTITY CASCADE")
    settle()


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run_baseline(objects: list, *, with_lines: bool, net: Network, now: datetime) -> Figures:
    from django.db import connection, transaction

    from cases.models import Report, ReportedItem, ReportItem

    empty_items()
    for item in objects:  # fresh, unsaved objects for each round
        item.pk, item._state.adding, item._state.db = None, True, None
    report = Report.objects.create(
        source="hotline",
        reporting_jurisdiction_id=net.jurisdiction,
        submitted_by=net.officer,
        received_at=now,
    )
    sql("CHECKPOINT")
    figures = Figures(items=len(objects))
    counter = StatementCounter()
    with (
        peak_memory() as figures.memory,
        connection.execute_wrapper(counter),
        timer() as elapsed,
        transaction.atomic(),
    ):
        ReportedItem.objects.bulk_create(objects, batch_size=BATCH)
        if with_lines:
            ReportItem.objects.bulk_create(
                [
                    ReportItem(report=report, item=item, position=position)
                    for position, item in enumerate(objects)
                ],
                batch_size=BATCH,
            )
    figures.seconds, figures.statements = elapsed.seconds, counter.count
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench intake", description=__doc__)
    parser.add_argument("--items", type=int, default=100_000, help="rows (default: 100000)")
    parser.add_argument(
        "--per-case",
        type=int,
        default=10,
        help="known items per existing case (default: 10, so N/100 cases to join)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument(
        "--profile",
        metavar="N",
        type=int,
        default=0,
        help="also print the N costliest functions of the intake by cumulative time "
        "(cProfile; the intake is then run a second time, after the timed run)",
    )
    args = parser.parse_args(argv)
    if args.items < 10 or args.per_case < 1:
        parser.error("--items must be at least 10 and --per-case at least 1")

    with scratch_database():
        from django.utils import timezone

        from cases.services import intake

        print("Bulk intake benchmark (python -m bench intake)")
        print("\n".join(machine_lines()))
        limit = intake.MAX_ITEMS_PER_REPORT
        # Benchmark only: one report may name at most MAX_ITEMS_PER_REPORT items (the bulk
        # CSV door passes prepared= and is bounded by BULK_IMPORT_MAX_ROWS instead). Lift
        # the limit so report_submit validates the whole file itself, as asked.
        intake.MAX_ITEMS_PER_REPORT = max(limit, args.items)
        print(
            f"note        cases.services.intake.MAX_ITEMS_PER_REPORT ({limit:,}) is raised to "
            f"{args.items:,} in this benchmark only, so that\n            report_submit "
            "validates the file itself (no prepared=); the bulk CSV door calls prepare_items\n"
            "            and then report_submit(prepared=...), the same work."
        )

        now = timezone.now()
        rng = random.Random(args.seed)
        net = network()
        known = make_known(args.items // 10, rng)
        rows = make_rows(items=args.items, known=known, rng=rng)
        with timer() as loading:
            cases = preload(known=known, per_case=args.per_case, net=net, now=now)
        print(
            f"network     {len(JURISDICTIONS)} jurisdictions with a desk each, "
            f"{len(PLATFORMS)} platforms on {len(HOSTS)} hosts; reporting desk "
            f"{net.desks[net.jurisdiction].name} ({net.jurisdiction})\n"
            f"known       {len(known):,} items in {cases:,} cases (loaded in "
            f"{loading.seconds:.1f} s)\n"
            f"file        {len(rows.items):,} rows: {rows.by_url:,} name a known item by URL "
            f"(written differently), {rows.by_sha256:,} by SHA-256 at a new URL;\n"
            f"            {len(rows.items) - rows.by_url - rows.by_sha256:,} new URLs, "
            f"{rows.with_sha256:,} of them with a SHA-256"
        )

        phases = Phases()
        intake_figures, result = run_intake(rows=rows, net=net, phases=phases)
        counts = result.counts
        assert counts == {
            "items": len(rows.items),
            "new": len(rows.items) - rows.by_url - rows.by_sha256,
            "matched": rows.by_url + rows.by_sha256,
        }, counts
        print(
            f"\nreport_submit(group_by_route=True): {intake_figures.seconds:.2f} s, "
            f"{intake_figures.per_second:,.0f} items/s, {intake_figures.statements:,} "
            f"statements; {counts['new']:,} new, {counts['matched']:,} matched; "
            f"{len(result.cases_opened)} cases opened, {len(result.cases_joined):,} joined"
        )
        accounted = sum(phases.wall.values())
        table = []
        for label, _names in PHASES:
            wall, db = phases.wall.get(label, 0.0), phases.db.get(label, 0.0)
            table.append([label, wall, db, wall - db, phases.statements.get(label, 0)])
        rest = intake_figures.seconds - accounted
        table.append([REST, rest, phases.db.get("rest", 0.0), rest - phases.db.get("rest", 0.0)])
        table[-1].append(phases.statements.get("rest", 0))
        for row in table:
            row.insert(2, f"{row[1] / intake_figures.seconds * 100:.0f} %")
        print_table(
            ["phase", "wall s", "share", "db s", "python s", "statements"],
            table,
            title="Where the intake's time goes (db: time inside cursor.execute)",
        )

        objects = baseline_objects(rows, net, now)
        plain = run_baseline(objects, with_lines=False, net=net, now=now)
        floor = run_baseline(objects, with_lines=True, net=net, now=now)
        print(
            f"\nbaseline    ReportedItem.objects.bulk_create({len(objects):,} rows, "
            f"batch_size={BATCH}) into the emptied table, one transaction:\n"
            f"            {plain.seconds:.2f} s, {plain.per_second:,.0f} items/s, "
            f"{plain.statements} statements\n"
            f"floor       the same plus {len(objects):,} ReportItem lines (what every intake "
            f"writes at least): {floor.seconds:.2f} s, {floor.per_second:,.0f} items/s"
        )

        print_table(
            ["run", "items", "seconds", "items/s", "statements", "peak RSS MB", "RSS growth MB"],
            [
                [
                    name,
                    f.items,
                    f.seconds,
                    f.per_second,
                    f.statements,
                    f.memory.peak_mb,
                    f.memory.growth_mb,
                ]
                for name, f in (
                    ("report_submit (intake)", intake_figures),
                    ("bulk_create items", plain),
                    ("bulk_create items + lines", floor),
                )
            ],
            title=f"Summary (peak memory: {intake_figures.memory.source})",
        )
        ratio = intake_figures.seconds / plain.seconds
        print(
            f"\nratio intake / plain bulk_create: {ratio:.1f}×"
            f"{'  (worse than 20×)' if ratio > 20 else ''}; "
            f"intake / (items + lines floor): {intake_figures.seconds / floor.seconds:.1f}×"
        )

        if args.profile:
            profile(rows=rows, known=known, net=net, per_case=args.per_case, top=args.profile)
    return 0


def profile(*, rows: Rows, known: list[Known], net: Network, per_case: int, top: int) -> None:
    import cProfile
    import pstats

    from django.utils import timezone

    from cases.services.intake import ReportInput, report_submit

    preload(known=known, per_case=per_case, net=net, now=timezone.now())
    data = ReportInput(source="hotline", reporting_jurisdiction=net.jurisdiction, items=rows.items)
    profiler = cProfile.Profile()
    profiler.enable()
    report_submit(data=data, submitter=net.officer, group_by_route=True)
    profiler.disable()
    print(f"\ncProfile of a second intake run (times inflated by profiling), top {top}:")
    pstats.Stats(profiler).strip_dirs().sort_stats("cumulative").print_stats(top)
