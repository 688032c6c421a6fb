#!/usr/bin/env python3
"""check-compare.py OURS.json BEFORE.json: two `parkatlas check --format json` outputs compared as
the check's contract asks (issue 21): the findings identical (every field, in order), every other
field identical, and the totals (summary per rule, total, cannot_decide) with the same counts and
their area_mu within 1e-6 relative and the same at the shown 0.01 亩 (the fast union of
findings_total.h may differ from the reference in the last digits). Prints one line; exits 1
when they differ beyond that."""
import json
import sys


def totals(document):
    out = {("summary", rule): total for rule, total in document.get("summary", {}).items()}
    for key in ("total", "cannot_decide"):
        if key in document:
            out[(key,)] = document[key]
    return out


def main():
    ours, before = (json.load(open(path, encoding="utf-8")) for path in sys.argv[1:3])
    problems = []
    if ours.get("findings") != before.get("findings"):
        problems.append("findings DIFFER")
    rest = [k for k in set(ours) | set(before)
            if k not in ("findings", "summary", "total", "cannot_decide") and ours.get(k) != before.get(k)]
    if rest:
        problems.append("fields DIFFER: " + ", ".join(sorted(rest)))
    a, b = totals(ours), totals(before)
    if set(a) != set(b):
        problems.append("totals name different rules")
    worst = 0.0
    bitwise = 0
    for key in sorted(set(a) & set(b)):
        x, y = a[key], b[key]
        if {k: v for k, v in x.items() if k != "area_mu"} != {k: v for k, v in y.items() if k != "area_mu"}:
            problems.append(f"{'/'.join(key)}: counts DIFFER")
        mx, my = x.get("area_mu", 0.0), y.get("area_mu", 0.0)
        bitwise += mx == my
        relative = abs(mx - my) / abs(my) if my else abs(mx)
        worst = max(worst, relative)
        if relative > 1e-6 or f"{mx:.2f}" != f"{my:.2f}":
            problems.append(f"{'/'.join(key)}: area_mu {mx!r} vs {my!r} DIFFER")
    line = (f"findings: {'identical' if 'findings DIFFER' not in problems else 'DIFFER'} "
            f"({len(ours.get('findings', []))}); totals: {len(a)}, {bitwise} to the last digit, "
            f"largest relative difference {worst:.1e}, the same at 0.01 亩: "
            f"{'yes' if not any('area_mu' in p for p in problems) else 'NO'}")
    print(line + ("" if not problems else "; " + "; ".join(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
