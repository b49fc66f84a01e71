"""Benchmark: score every institution of the nation in one `evaluate_many` pass.

Run from the repo root: `.venv/bin/python bench/bench_scoring.py [--seed N] [--institutions N]`.
Prints institutions per second, total seconds and peak memory. Never run as a test.
"""

from __future__ import annotations

import argparse
import collections
import resource
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring_data import AS_OF, NATIONAL_INSTITUTIONS, count_records, generate  # noqa: E402

from scoring import evaluate_many, policy_for  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240630)
    parser.add_argument("--institutions", type=int, default=NATIONAL_INSTITUTIONS)
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the second, traced pass")
    args = parser.parse_args()

    started = time.perf_counter()
    facts = generate(args.institutions, args.seed, args.as_of)
    generated = time.perf_counter() - started
    print(
        f"generated {len(facts):,} institutions, {count_records(facts):,} records in {generated:.2f} s "
        f"(seed {args.seed})"
    )

    policy = policy_for(args.as_of)
    started = time.perf_counter()
    levels = collections.Counter(a.level for a in evaluate_many(facts, policy, args.as_of))
    seconds = time.perf_counter() - started
    print(
        f"scored with policy {policy.version} as of {args.as_of}: {seconds:.2f} s, "
        f"{len(facts) / seconds:,.0f} institutions/s"
    )
    print("levels:", ", ".join(f"{level} {levels[level]:,}" for level in sorted(levels)))

    if not args.no_tracemalloc:
        tracemalloc.start()
        for _ in evaluate_many(facts, policy, args.as_of):
            pass
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"tracemalloc peak during scoring (streamed, separate pass): {peak / 2**20:.2f} MiB")
    maxrss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ru_maxrss (whole process, incl. generated data): {maxrss_mib:.0f} MiB")


if __name__ == "__main__":
    main()
