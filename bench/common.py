"""Shared helpers for the benchmarks: a scratch PostgreSQL database, a timer, and a
printer of figures tables.

Benchmarks run against their own database, ``takedown_bench`` on 127.0.0.1:5432 as
``postgres`` (trust authentication). It is created when missing and migrated on every
run; the benchmarks empty and refill its tables freely. No other database is touched.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

BENCH_DB = "takedown_bench"
BENCH_HOST = "127.0.0.1"
BENCH_PORT = 5432
BENCH_USER = "postgres"
BENCH_SETTINGS = "takedown.settings.test"  # DEBUG off (no query log), no dev key file


def _ensure_database() -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=BENCH_HOST, port=BENCH_PORT, user=BENCH_USER, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))


@contextmanager
def scratch_database() -> Iterator[None]:
    """Point Django at the scratch database (created and migrated if need be), with no
    Redis configured, and set Django up. Use once per process, before any model import."""
    os.environ["DATABASE_URL"] = f"postgres://{BENCH_USER}@{BENCH_HOST}:{BENCH_PORT}/{BENCH_DB}"
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = BENCH_SETTINGS
    _ensure_database()

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection, connections

    assert_scratch()
    call_command("migrate", interactive=False, verbosity=0)
    try:
        yield
    finally:
        connection.close()
        connections.close_all()


def assert_scratch() -> None:
    """Refuse to go on unless Django is connected to the scratch database."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or name != BENCH_DB:
        raise SystemExit(f"refusing to run: connected to {connection.vendor} {name!r}")


def sql(statement: str, params: Sequence | None = None) -> list[tuple]:
    """Run one statement on Django's connection; its rows, if it returns any."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


@dataclass
class Timer:
    seconds: float = 0.0

    @property
    def ms(self) -> float:
        return self.seconds * 1000


@contextmanager
def timer() -> Iterator[Timer]:
    """``with timer() as t: ...`` then ``t.seconds``."""
    result = Timer()
    started = time.perf_counter()
    try:
        yield result
    finally:
        result.seconds = time.perf_counter() - started


def machine_lines() -> list[str]:
    """Date, machine and PostgreSQL version, for the head of a report."""
    version = sql("SHOW server_version")[0][0]
    settings = ", ".join(
        f"{name}={sql(f'SHOW {name}')[0][0]}"
        for name in ("shared_buffers", "synchronous_commit", "fsync", "jit")
    )
    return [
        f"date        {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC",
        f"machine     {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}",
        f"load        {', '.join(f'{n:.2f}' for n in os.getloadavg())} (1, 5, 15 min; "
        "other work on the machine skews the figures)",
        f"python      {sys.version.split()[0]}",
        f"postgresql  {version} (database {BENCH_DB} on {BENCH_HOST}:{BENCH_PORT})",
        f"            {settings}",
    ]


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str = "") -> None:
    """A plain text table: text columns left-aligned, numbers right-aligned."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [
        max(len(header), *(len(row[i]) for row in cells)) if cells else len(header)
        for i, header in enumerate(headers)
    ]
    numeric = [
        all(isinstance(row[i], int | float) for row in rows) if rows else False
        for i in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            value.rjust(width) if is_number else value.ljust(width)
            for value, width, is_number in zip(values, widths, numeric, strict=True)
        ).rstrip()

    if title:
        print(f"\n{title}")
    print(line(headers))
    print(line(["-" * width for width in widths]))
    for row in cells:
        print(line(row))


def _cell(value: object) -> str:
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        if value >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
