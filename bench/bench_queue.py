"""The liaison officer's triage queue (``/cases/``) at N open cases, for each N given.

For each size: bulk-load N open cases in INSERT … SELECT generate_series statements, all
led by the officer's desk (a fifth with a second, participating desk), received over the
last three days, 1 in 23 acute, 60 % new and unassigned, the rest in triage, assessed or
under way and assigned to the officer or a colleague; one item per case on one of three
platforms (every fourth case a second item on another), and two clocks per case, the
assessment (48 h, acute 24 h; met once assessed, missed when overdue) and the final order
(7 days, acute 5); ``queue_due_at`` is the binding one, as the services keep it.
VACUUM ANALYZE. Then, with ``django.test.Client`` logged in as the officer, request the
first page, three filtered pages and the 20th page (reached by following "Next page"
links) ``--rounds`` times each, timing each ``client.get`` (the whole request: middleware,
session, view, queries, template). The statements per request are counted with
``CaptureQueriesContext`` on one extra request per page; they must not grow with N.
At the largest size, EXPLAIN (ANALYZE, BUFFERS) of the queue's main query of each page.
"""

from __future__ import annotations

import argparse
import html
import re
import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime

from .common import assert_scratch, machine_lines, print_table, scratch_database, sql, timer

WARMUP = 3
PAGE_DEPTH = 20
SLOW_P95_MS = 200.0
PLATFORMS = (  # name, slug, domain, establishment (index into JURISDICTIONS)
    ("Queue Video", "queue-video", "queue-video.test", 0),
    ("Queue Social", "queue-social", "queue-social.test", 1),
    ("Queue Files", "queue-files", "queue-files.test", 0),
)
JURISDICTIONS = (("XQ", "Queueland", "Europe/Paris"), ("XR", "Otherland", "Europe/Madrid"))

EMPTY = (
    "TRUNCATE cases_case, cases_caseparticipant, cases_reporteditem, cases_report, "
    "cases_reportitem, deadlines_deliveryattempt, deadlines_notification, "
    "deadlines_escalation, deadlines_deadlinepause, deadlines_deadline, core_auditevent "
    "RESTART IDENTITY CASCADE"
)

LOAD_CASES = """
INSERT INTO cases_case (
    reference, status, lead_desk_id, acute, priority, assignee_id, summary, classification,
    queue_due_at, merged_into_id, version, created_at, updated_at, closed_at
)
SELECT 'TD-2099-' || lpad(i::text, 7, '0'), status, %(desk)s, acute,
       CASE WHEN acute THEN 1 ELSE 3 END,
       CASE WHEN status = 'new' THEN NULL
            WHEN mod(i, 2) = 0 THEN %(officer)s ELSE %(colleague)s END,
       'Bench case ' || i, '',
       -- the binding clock: the assessment until assessed, then the final order
       CASE WHEN status IN ('new', 'triage')
            THEN received + CASE WHEN acute THEN interval '24 hours' ELSE interval '48 hours' END
            ELSE received + CASE WHEN acute THEN interval '5 days' ELSE interval '7 days' END
       END,
       NULL, 1, received, received, NULL
FROM (
    SELECT i,
           mod(i * 7, 23) = 0 AS acute,
           (ARRAY['new', 'new', 'new', 'new', 'new', 'new', 'triage', 'triage', 'assessed',
                  'action'])[1 + mod(i, 10)] AS status,
           -- received over the last three days, scattered through the table
           %(now)s - make_interval(secs => mod(i::bigint * 7919, 259200)) AS received
    FROM generate_series(1, %(size)s) AS i
) AS series
"""

LOAD_PARTICIPANTS = """
INSERT INTO cases_caseparticipant (case_id, desk_id, role, joined_at, reason)
SELECT id, lead_desk_id, 'lead', created_at, '' FROM cases_case
UNION ALL
SELECT id, %(other_desk)s, 'participant', created_at, 'Involved jurisdiction'
FROM cases_case WHERE mod(id, 5) = 0
"""

LOAD_ITEMS = """
INSERT INTO cases_reporteditem (
    case_id, url, normalized_url, url_digest, domain, platform_id, hosting_jurisdiction_id,
    hosting_ip, sha256, md5, pdq, status, disabled_in, status_changed_at, created_at
)
SELECT id, url, url, encode(sha256(convert_to(url, 'UTF8')), 'hex'), domain, platform,
       jurisdiction, NULL, '', '', '', 'online', '', NULL, created_at
FROM (
    SELECT c.id, c.created_at,
           (%(domains)s::text[])[1 + mod(c.id + k, 3)] AS domain,
           (%(platforms)s::bigint[])[1 + mod(c.id + k, 3)] AS platform,
           (%(codes)s::text[])[1 + mod(c.id + k, 3)] AS jurisdiction,
           'https://' || (%(domains)s::text[])[1 + mod(c.id + k, 3)] || '/v/' || c.id || '-' || k
               AS url
    FROM cases_case AS c CROSS JOIN generate_series(0, 1) AS k
    WHERE k = 0 OR mod(c.id, 4) = 0
) AS items
"""

LOAD_DEADLINES = """
INSERT INTO deadlines_deadline (
    kind, subject_type_id, subject_id, case_id, label, responsible_desk_id,
    responsible_platform_id, responsible_authority_id, assignee_id, jurisdiction_id, acute,
    is_sandbox, started_at, warn_at, due_at, state, escalation_level, next_check_at, met_at,
    missed_at, cancelled_at, created_at, updated_at
)
SELECT kind, %(subject_type)s, id, id, reference || ' ' || replace(kind, '_', ' '),
       lead_desk_id, NULL, NULL, assignee_id, %(jurisdiction)s, acute, false,
       started, started + span * 0.75, started + span, state,
       CASE WHEN state = 'missed' THEN 1 ELSE 0 END,
       CASE WHEN state = 'met' THEN NULL
            WHEN state = 'missed' THEN %(now)s + make_interval(secs => mod(id, 14400))
            WHEN started + span * 0.75 > %(now)s THEN started + span * 0.75
            ELSE started + span END,
       CASE WHEN state = 'met' THEN started + span / 3 END,
       CASE WHEN state = 'missed' THEN started + span END,
       NULL, started, %(now)s
FROM (
    SELECT c.id, c.reference, c.lead_desk_id, c.assignee_id, c.acute, c.created_at AS started,
           clock.kind, clock.span,
           CASE WHEN clock.kind = 'assessment' AND c.status IN ('assessed', 'action') THEN 'met'
                WHEN c.created_at + clock.span <= %(now)s THEN 'missed'
                ELSE 'open' END AS state
    FROM cases_case AS c
    CROSS JOIN LATERAL (VALUES
        ('assessment', CASE WHEN c.acute THEN interval '24 hours' ELSE interval '48 hours' END),
        ('final_order', CASE WHEN c.acute THEN interval '5 days' ELSE interval '7 days' END)
    ) AS clock (kind, span)
) AS clocks
"""

TABLES = ("cases_case", "cases_caseparticipant", "cases_reporteditem", "deadlines_deadline")
NEXT_LINK = re.compile(r'<a [^>]*href="\?([^"]*)"[^>]*>\s*Next page\s*</a>')
ROW = re.compile(r'<tr id="case-\d+"')


@dataclass
class Network:
    desk: object
    other_desk: object
    jurisdiction: str
    officer: object
    colleague: object
    platforms: list[tuple[int, str, str]]  # (id, domain, establishment code)


@dataclass
class Page:
    label: str
    url: str
    times: list[float] = field(default_factory=list)
    queries: int = 0
    captured: list[dict] = field(default_factory=list)
    rows: int = 0
    has_next: bool = False
    kb: float = 0.0

    @property
    def p50(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.times, n=20, method="inclusive")[18] * 1000

    @property
    def main_query(self) -> dict | None:
        """The queue's own query: the cases of the page (LIMIT page size + 1)."""
        return next(
            (
                q
                for q in self.captured
                if 'FROM "cases_case"' in q["sql"]
                and "LIMIT" in q["sql"]
                and "ORDER BY" in q["sql"]
            ),
            None,
        )


@dataclass
class Figures:
    size: int
    load_s: float = 0.0
    walk_s: float = 0.0
    pages: dict[str, Page] = field(default_factory=dict)


def network() -> Network:
    from django.contrib.auth.models import Group

    from liaison.models import Authority, Jurisdiction, LiaisonDesk, Platform, PlatformDomain
    from takedown.core.choices import Role
    from takedown.core.models import User

    desks = []
    for code, name, tz in JURISDICTIONS:
        jurisdiction, _ = Jurisdiction.objects.get_or_create(
            code=code, defaults={"name": name, "timezone": tz}
        )
        authority, _ = Authority.objects.get_or_create(
            jurisdiction=jurisdiction, name=f"{name} police", defaults={"kind": "police"}
        )
        desk, _ = LiaisonDesk.objects.get_or_create(
            authority=authority,
            name=f"{name} liaison desk",
            defaults={"email": f"desk@{code.lower()}.bench.test"},
        )
        desks.append(desk)
    platforms = []
    for name, slug, domain, established in PLATFORMS:
        code = JURISDICTIONS[established][0]
        platform, _ = Platform.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "kind": "hosting", "establishment_jurisdiction_id": code},
        )
        PlatformDomain.objects.get_or_create(domain=domain, defaults={"platform": platform})
        platforms.append((platform.pk, domain, code))
    officer_group, _ = Group.objects.get_or_create(name=Role.LIAISON_OFFICER.value)
    users = []
    for username in ("bench-queue-officer", "bench-queue-colleague"):
        user, _ = User.objects.get_or_create(
            username=username, defaults={"authority": desks[0].authority}
        )
        user.groups.add(officer_group)
        desks[0].members.add(user)
        users.append(user)
    return Network(desks[0], desks[1], JURISDICTIONS[0][0], *users, platforms)


def load(*, size: int, net: Network, now: datetime) -> None:
    from django.contrib.contenttypes.models import ContentType

    from cases.models import Case

    assert_scratch()
    sql(EMPTY)
    sql(
        LOAD_CASES,
        {
            "size": size,
            "now": now,
            "desk": net.desk.pk,
            "officer": net.officer.pk,
            "colleague": net.colleague.pk,
        },
    )
    sql(LOAD_PARTICIPANTS, {"other_desk": net.other_desk.pk})
    sql(
        LOAD_ITEMS,
        {
            "platforms": [p[0] for p in net.platforms],
            "domains": [p[1] for p in net.platforms],
            "codes": [p[2] for p in net.platforms],
        },
    )
    sql(
        LOAD_DEADLINES,
        {
            "now": now,
            "subject_type": ContentType.objects.get_for_model(Case).pk,
            "jurisdiction": net.jurisdiction,
        },
    )
    for table in TABLES:
        sql(f"VACUUM ANALYZE {table}")
    sql("CHECKPOINT")


def fetch(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def next_url(response) -> str | None:
    found = NEXT_LINK.search(response.content.decode())
    return f"/cases/?{html.unescape(found.group(1))}" if found else None


def measure(client, page: Page, rounds: int) -> Page:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        fetch(client, page.url)
    with CaptureQueriesContext(connection) as captured:
        response = fetch(client, page.url)
    page.queries, page.captured = len(captured), list(captured.captured_queries)
    text = response.content.decode()
    page.rows, page.has_next = len(ROW.findall(text)), NEXT_LINK.search(text) is not None
    page.kb = len(response.content) / 1024
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(page.url)
        page.times.append(time.perf_counter() - started)
    return page


def run_size(*, size: int, net: Network, rounds: int) -> Figures:
    from django.test import Client
    from django.utils import timezone

    figures = Figures(size=size)
    now = timezone.now().replace(microsecond=0)
    print(f"\n=== {size:,} open cases ===")
    with timer() as loading:
        load(size=size, net=net, now=now)
    figures.load_s = loading.seconds
    counts = sql(
        "SELECT (SELECT count(*) FROM cases_case), (SELECT count(*) FROM cases_case WHERE acute),"
        " (SELECT count(*) FROM cases_case WHERE assignee_id IS NULL),"
        " (SELECT count(*) FROM cases_caseparticipant), (SELECT count(*) FROM cases_reporteditem),"
        " (SELECT count(*) FROM deadlines_deadline),"
        " (SELECT count(*) FROM deadlines_deadline WHERE state = 'missed'),"
        " pg_total_relation_size('cases_case') / 1048576.0"
    )[0]
    print(
        f"loaded in {figures.load_s:.1f} s: {counts[0]:,} cases ({counts[1]:,} acute, "
        f"{counts[2]:,} unassigned), {counts[3]:,} participants, {counts[4]:,} items, "
        f"{counts[5]:,} deadlines ({counts[6]:,} missed); cases_case with indexes "
        f"{counts[7]:.1f} MB"
    )

    client = Client(HTTP_HOST="localhost")
    client.force_login(net.officer)
    platform_id = net.platforms[0][0]
    pages = [
        Page("first page", "/cases/"),
        Page("acute", "/cases/?acute=true"),
        Page("unassigned", "/cases/?assignee=none"),
        Page(f"platform {net.platforms[0][1]}", f"/cases/?platform={platform_id}"),
    ]
    # The 20th page, reached as an officer reaches it: following "Next page" links.
    url, depth = "/cases/", 1
    with timer() as walking:
        while depth < PAGE_DEPTH:
            following = next_url(fetch(client, url))
            if following is None:
                break
            url, depth = following, depth + 1
    figures.walk_s = walking.seconds
    # One label at every size, so the sizes compare; a small queue may have fewer pages.
    pages.append(Page(f"page {PAGE_DEPTH} (cursor)", url))
    print(
        f"followed {depth - 1} Next-page links from the first page in "
        f"{figures.walk_s * 1000:.0f} ms ({figures.walk_s / max(depth - 1, 1) * 1000:.0f} ms "
        "per page)"
        + (
            f"; only {depth} pages: the last one is timed as page {PAGE_DEPTH}"
            if depth < PAGE_DEPTH
            else ""
        )
    )

    for page in pages:
        measure(client, page, rounds)
        figures.pages[page.label] = page
    print_table(
        ["page", "p50 ms", "p95 ms", "max ms", "queries", "rows", "next", "KB", "url"],
        [
            [
                p.label,
                p.p50,
                p.p95,
                max(p.times) * 1000,
                p.queries,
                p.rows,
                "yes" if p.has_next else "no",
                p.kb,
                p.url if len(p.url) < 60 else p.url[:57] + "...",
            ]
            for p in pages
        ],
        title=f"{size:,} open cases: server time of client.get over {rounds} requests",
    )
    return figures


def plan_indexes(plan: list[str]) -> list[str]:
    names = re.findall(
        r"(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)", "\n".join(plan)
    )
    return list(dict.fromkeys(names))


def explain(figures: Figures) -> None:
    print(f"\n=== EXPLAIN (ANALYZE, BUFFERS) of the queue's main query at {figures.size:,} ===")
    for page in figures.pages.values():
        query = page.main_query
        if query is None:
            print(f"\n{page.label}: no queue query found among {page.queries} statements")
            continue
        plan = [row[0] for row in sql(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")]
        slowest = sorted(page.captured, key=lambda q: float(q["time"]), reverse=True)[:3]
        print(f"\n--- {page.label}: {page.url}")
        print(f"SQL: {query['sql']}")
        print("\n".join(f"    {line}" for line in plan))
        text = "\n".join(plan)
        sorts = sorted(set(re.findall(r"Sort Method: ([\w -]+?)(?:  |$)", text, re.MULTILINE)))
        print(
            f"indexes used: {', '.join(plan_indexes(plan)) or 'NONE'}; "
            f"case_queue_idx: {'yes' if 'case_queue_idx' in text else 'no'}; "
            f"SELECT DISTINCT: {'yes' if query['sql'].startswith('SELECT DISTINCT') else 'no'}; "
            f"sorts: {', '.join(sorts) or 'none'}; JIT: {'yes' if 'JIT:' in text else 'no'}"
        )
        print("slowest statements of that request (CaptureQueriesContext, seconds):")
        for q in slowest:
            print(f"    {q['time']}  {q['sql'][:150]}{'…' if len(q['sql']) > 150 else ''}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench queue", description=__doc__)
    parser.add_argument(
        "--sizes",
        default="1000,100000",
        help="comma-separated numbers of open cases (default: 1000,100000)",
    )
    parser.add_argument(
        "--rounds", type=int, default=50, help="timed requests per page (default: 50)"
    )
    args = parser.parse_args(argv)
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size]
    if not sizes or min(sizes) < 1 or args.rounds < 2:
        parser.error("sizes must be positive and --rounds at least 2")

    with scratch_database():
        print("Triage queue benchmark (python -m bench queue)")
        print("\n".join(machine_lines()))
        net = network()
        print(
            f"network     officer {net.officer.username} on {net.desk.name}; "
            f"{len(net.platforms)} platforms; pages of 50, warm-up {WARMUP} requests per page"
        )
        results = [run_size(size=size, net=net, rounds=args.rounds) for size in sizes]
        explain(results[-1])

    labels = list(results[0].pages)
    print_table(
        [
            "page",
            *(f"{f.size:,}: p50/p95 ms" for f in results),
            *(f"queries @{f.size:,}" for f in results),
            "same",
        ],
        [
            [
                label.split(" (")[0] if label.startswith("page ") else label,
                *(
                    f"{f.pages[label].p50:.1f} / {f.pages[label].p95:.1f}"
                    if label in f.pages
                    else "—"
                    for f in results
                ),
                *(f.pages[label].queries if label in f.pages else "—" for f in results),
                "yes"
                if len({f.pages[label].queries for f in results if label in f.pages}) == 1
                else "NO",
            ]
            for label in labels
        ],
        title="Summary: server time per request and SQL statements per request",
    )
    differing = [
        label
        for label in labels
        if len({f.pages[label].queries for f in results if label in f.pages}) > 1
    ]
    largest = results[-1]
    slow = [p.label for p in largest.pages.values() if p.p95 > SLOW_P95_MS]
    print(
        "\nquery count: "
        + (
            f"DIFFERS between sizes for {', '.join(differing)}"
            if differing
            else "the same at every size for every page"
        )
    )
    print(
        f"p95 at {largest.size:,}: "
        + (
            f"OVER {SLOW_P95_MS:.0f} ms for {', '.join(slow)}"
            if slow
            else f"within {SLOW_P95_MS:.0f} ms for every page"
        )
    )
    return 0
