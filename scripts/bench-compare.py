#!/usr/bin/env python3
"""Compares two scripts/bench.sh runs (their build-bench/bench-results.json) row by row.

  scripts/bench-compare.py --before B1.json [B2.json ...] --after A1.json [A2.json ...] [--limit 5]

For every summary row both sides have, it prints zro's ratio to raw ZeroMQ before and after
(the median over the runs given for that side, so that several runs of each, taken in turns,
outweigh one run's noise) and how much worse the after ratio is, oriented so that positive
means worse: for rates (unit 1/s) a lower ratio is worse, for times, sizes and CPU a higher
one. Rows over --limit percent worse are marked; the exit status is 1 if any is. Raw ZeroMQ
runs in the same sitting as zro, so the ratio cancels much of what the machine's load does to
both.
"""
import argparse
import json
import statistics
import sys


def rows(paths):
    """{(case, what): {"unit": ..., "ratio": median zro/raw over the runs, "runs": n}}"""
    ratios, units = {}, {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for r in data["summary"]:
            if r.get("zro_over_raw") is None:
                continue
            key = (r["case"], r["what"])
            ratios.setdefault(key, []).append(r["zro_over_raw"])
            units[key] = r["unit"]
    return {k: {"unit": units[k], "ratio": statistics.median(v), "runs": len(v)} for k, v in ratios.items()}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--before", nargs="+", required=True, help="bench-results.json of the runs before")
    p.add_argument("--after", nargs="+", required=True, help="bench-results.json of the runs after")
    p.add_argument("--limit", type=float, default=5.0, help="percent worse that counts as a regression (default 5)")
    a = p.parse_args()
    before, after = rows(a.before), rows(a.after)
    worst = []
    print(f"| case | what | unit | zro/raw before ({len(a.before)} runs) | zro/raw after ({len(a.after)} runs) | worse by |")
    print("|---|---|---|---|---|---|")
    for key in before:
        if key not in after:
            continue
        b, n = before[key], after[key]
        rb, ra = b["ratio"], n["ratio"]
        higher_is_better = b["unit"] == "1/s"
        worse = (rb / ra - 1) if higher_is_better else (ra / rb - 1)
        mark = " **over the limit**" if worse * 100 > a.limit else ""
        if mark:
            worst.append(key)
        print(f"| {key[0]} | {key[1]} | {b['unit']} | {rb:.3f}x | {ra:.3f}x | {worse * 100:+.1f} %{mark} |")
    print()
    print(f"{len(worst)} row(s) more than {a.limit:g} % worse" + (": " + "; ".join(k[1] for k in worst) if worst else ""))
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
