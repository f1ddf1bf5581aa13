#!/usr/bin/env python3
"""Times the question box's built-in answers of two `sightline` builds on the demo database.

The two builds alternate question by question (and swap order every round) on two copies of the
same demo folder, so both see the same machine. Prints a Markdown table of medians (min-max).

    python3 scripts/ask-ab.py BEFORE_BIN AFTER_BIN DEMO_DIR AT_MS [ROUNDS]

DEMO_DIR is a `sightline demo --headless --dir DEMO_DIR` folder; it is copied twice beside itself.
"""
import shutil
import statistics
import subprocess
import sys
import time

QUESTIONS = [
    "what's burning the error budget?",
    "did the last deploy cause this?",
    "is payment healthy?",
    "how long until the checkout-availability budget runs out?",
    "is us-east-1 ok?",
    "why is checkout failing?",
    "what changed in the last hour?",
]


def main() -> int:
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    before, after, demo, at = sys.argv[1:5]
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 15
    builds = {}
    for name, binary in (("before", before), ("after", after)):
        copy = f"{demo.rstrip('/')}-{name}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(demo, copy)
        builds[name] = (binary, copy)
    times = {q: {k: [] for k in builds} for q in QUESTIONS}
    for q in QUESTIONS:
        for r in range(rounds):
            order = list(builds.items()) if r % 2 == 0 else list(reversed(builds.items()))
            for name, (binary, folder) in order:
                cmd = [binary, "--db", f"{folder}/demo.db", "ask", q, "--project", folder, "--at", at, "--json"]
                t = time.perf_counter()
                p = subprocess.run(cmd, capture_output=True)
                ms = (time.perf_counter() - t) * 1000
                if p.returncode != 0:
                    print(f"{name} failed on {q!r}: {p.stderr.decode(errors='replace')[:400]}", file=sys.stderr)
                    return 1
                times[q][name].append(ms)
    print(f"| question (median of {rounds}, min–max) | before | after | after / before |")
    print("|---|---|---|---|")
    for q in QUESTIONS:
        b, a = times[q]["before"], times[q]["after"]
        mb, ma = statistics.median(b), statistics.median(a)
        print(f"| {q} | {mb:.0f} ms ({min(b):.0f}–{max(b):.0f}) | {ma:.0f} ms ({min(a):.0f}–{max(a):.0f}) | {ma / mb:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
