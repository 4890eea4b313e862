"""``python -m bench`` lists the benchmarks; ``python -m bench NAME [options]`` runs one."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "sweep": (
        "bench.bench_sweep",
        "one deadline sweep at 100,000 and 1,000,000 deadlines vs raw indexed SQL",
    ),
    "surge": (
        "bench.bench_surge",
        "100,000 clocks warning and falling due at once: the sweep with 1, 2, 4 sweepers vs set-based SQL",
    ),
    "intake": (
        "bench.bench_intake",
        "bulk intake of 100,000 items with de-duplication vs a plain bulk_create",
    ),
    "queue": (
        "bench.bench_queue",
        "the triage queue at 1,000 and 100,000 open cases: p50/p95, queries, EXPLAIN",
    ),
    "acknowledge": (
        "bench.bench_acknowledge",
        "POST …/acknowledge/ under 50 concurrent clients on gunicorn vs a bare DRF write",
    ),
    "evidence": (
        "bench.bench_evidence",
        "encrypting and storing a 1 GiB evidence file vs raw AESGCM; memory; verifying an export",
    ),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "list"):
        print("usage: python -m bench NAME [options]   (NAME --help for its options)\n")
        print("benchmarks:")
        for name, (_, description) in BENCHMARKS.items():
            print(f"  {name:<10} {description}")
        return 0
    name, *rest = argv
    if name not in BENCHMARKS:
        print(f"unknown benchmark {name!r}; `python -m bench` lists them", file=sys.stderr)
        return 2
    module = importlib.import_module(BENCHMARKS[name][0])
    return module.main(rest) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
