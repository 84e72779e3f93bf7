"""The PIN hash's cost: seconds per scrypt check here, and what that makes an offline search of every
6-digit PIN cost an attacker who copied the hash (a laptop using all its cores, each as fast as one here).
Prints JSON.

    python benchmarks/pin.py [--laptop-cores 8] [--rounds 5]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.secrets import LEGACY_COST, PIN_COST, ScryptCost, check_pin, hash_pin  # noqa: E402

SIX_DIGIT_PINS = 10**6


def seconds_per_check(cost: ScryptCost, rounds: int) -> float:
    stored = hash_pin("246813", cost)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        check_pin("000000", stored)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--laptop-cores", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    now = seconds_per_check(PIN_COST, args.rounds)
    before = seconds_per_check(LEGACY_COST, args.rounds)
    print(json.dumps({
        "cost": {"n": PIN_COST.n, "r": PIN_COST.r, "p": PIN_COST.p, "memory_mib": PIN_COST.memory_bytes / 2**20},
        "cpus_here": os.cpu_count(),
        "seconds_per_check": round(now, 3),
        "all_6_digit_pins_days_on_a_laptop": round(SIX_DIGIT_PINS * now / args.laptop_cores / 86_400, 2),
        "laptop_cores_assumed": args.laptop_cores,
        "before": {"seconds_per_check": round(before, 4),
                   "all_4_digit_pins_seconds_one_core": round(10**4 * before),
                   "all_6_digit_pins_hours_on_a_laptop": round(SIX_DIGIT_PINS * before / args.laptop_cores / 3600, 1)},
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
