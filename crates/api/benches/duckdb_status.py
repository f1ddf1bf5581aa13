#!/usr/bin/env python3
"""The DuckDB side of the bulk SLO benchmark (crates/api/benches/bulk_status.rs).

Reads the same Parquet file of run rows and the same SLO list as Sightline's
bulk path, computes the same numbers (counts, SLI, budget remaining and burn
rate per window, per-region counts), and prints them as one JSON object with
its own timings and peak memory, in the shape the Rust bench compares.

    python3 duckdb_status.py RUNS.parquet SPEC.json direct|bucketed THREADS

Two formulations, so the baseline is the better of two honest ones:
- direct: join the runs to the SLOs by journey, then one conditional count
  per window per SLO and region (what one writes first);
- bucketed: count each (journey, region, window class) once, as Sightline
  does, then sum the classes per SLO in Python.
"""

import json
import sys
import time


def sql_values(rows):
    def lit(v):
        if v is None:
            return "NULL"
        if isinstance(v, str):
            return "'" + v.replace("'", "''") + "'"
        return str(v)

    return ", ".join("(" + ", ".join(lit(v) for v in r) + ")" for r in rows)


def direct(con, path, spec):
    at = spec["at_ms"]
    end = at + 1
    starts = [end - w for w in spec["windows_ms"]]
    lo = min(starts + [s["start_ms"] for s in spec["slos"]])
    slos = sql_values(
        [(s["name"], s["journey"], s["threshold_ms"], s["start_ms"]) for s in spec["slos"]]
    )
    cols = ["count_if(t >= start_ms) AS v", "count_if(t >= start_ms AND good) AS g"]
    for i, st in enumerate(starts):
        cols.append(f"count_if(t >= {st}) AS v{i}")
        cols.append(f"count_if(t >= {st} AND good) AS g{i}")
    q = f"""
        WITH s(name, journey, threshold_ms, start_ms) AS (VALUES {slos}),
        r AS (
            SELECT journey, region, started_at AS t, duration_ms AS d, outcome = 'pass' AS passed
            FROM read_parquet(?)
            WHERE outcome <> 'error' AND started_at >= {lo} AND started_at <= {at}
        ),
        j AS (
            SELECT s.name, r.region, r.t, s.start_ms,
                   CASE WHEN s.threshold_ms IS NULL THEN r.passed ELSE r.d <= s.threshold_ms END AS good
            FROM r JOIN s ON r.journey = s.journey
        )
        SELECT name, region, {", ".join(cols)} FROM j GROUP BY name, region
    """
    out = {}
    for row in con.execute(q, [path]).fetchall():
        name, region, v, g = row[0], row[1], row[2], row[3]
        windows = [(row[4 + 2 * i], row[5 + 2 * i]) for i in range(len(starts))]
        out[(name, region)] = ((v, g), windows)
    return out


def bucketed(con, path, spec):
    at = spec["at_ms"]
    end = at + 1
    starts = sorted({end - w for w in spec["windows_ms"]} | {s["start_ms"] for s in spec["slos"]})
    case = " ".join(f"WHEN t >= {b} THEN {k}" for k, b in reversed(list(enumerate(starts))))
    thresholds = sql_values(
        sorted(
            {(s["journey"], s["threshold_ms"]) for s in spec["slos"] if s["threshold_ms"] is not None}
        )
    )
    q = f"""
        WITH th(journey, threshold_ms) AS (VALUES {thresholds}),
        r AS (
            SELECT journey, region, started_at AS t, duration_ms AS d, outcome = 'pass' AS passed
            FROM read_parquet(?)
            WHERE outcome <> 'error' AND started_at >= {starts[0]} AND started_at <= {at}
        )
        SELECT r.journey, r.region, CASE {case} END AS class,
               count(*) AS v, count_if(passed) AS g_pass, count_if(d <= th.threshold_ms) AS g_fast
        FROM r LEFT JOIN th ON r.journey = th.journey
        GROUP BY ALL
    """
    cells = {}
    for journey, region, cls, v, gp, gf in con.execute(q, [path]).fetchall():
        cells.setdefault((journey, region), {})[cls] = (v, gp, gf)
    out = {}
    for s in spec["slos"]:
        slot = 1 if s["threshold_ms"] is None else 2
        for (journey, region), by_class in cells.items():
            if journey != s["journey"]:
                continue

            def over(start):
                k0 = starts.index(start)
                v = sum(c[0] for k, c in by_class.items() if k >= k0)
                g = sum(c[slot] for k, c in by_class.items() if k >= k0)
                return (v, g)

            windows = [over(end - w) for w in spec["windows_ms"]]
            out[(s["name"], region)] = (over(s["start_ms"]), windows)
    return out


def report(spec, groups):
    """Per SLO: totals, SLI, budget remaining, burn per window, regions."""
    result = []
    for s in spec["slos"]:
        budget = 1.0 - s["target"]
        rows = sorted((region, val) for (name, region), val in groups.items() if name == s["name"])
        v = sum(val[0][0] for _, val in rows)
        g = sum(val[0][1] for _, val in rows)
        windows = []
        for i, w in enumerate(spec["windows_ms"]):
            wv = sum(val[1][i][0] for _, val in rows)
            wg = sum(val[1][i][1] for _, val in rows)
            rate = ((wv - wg) / wv / budget) if wv > 0 and budget > 0 else None
            windows.append({"window_ms": w, "valid": wv, "good": wg, "burn_rate": rate})
        remaining = (1.0 - (v - g) / (budget * v)) if v > 0 and budget > 0 else None
        result.append(
            {
                "slo": s["name"],
                "valid": v,
                "good": g,
                "sli": g / v if v > 0 else None,
                "budget_remaining": remaining,
                "windows": windows,
                "regions": [
                    {"region": r, "valid": val[0][0], "good": val[0][1]}
                    for r, val in rows
                    if val[0][0] > 0
                ],
            }
        )
    return result


def peak_rss_kib():
    """VmHWM: this process's own peak (ru_maxrss would carry the parent's
    peak across exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    path, spec_path, mode, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(spec_path) as f:
        spec = json.load(f)
    import duckdb

    t0 = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    groups = (direct if mode == "direct" else bucketed)(con, path, spec)
    slos = report(spec, groups)
    work_ms = (time.perf_counter() - t0) * 1000.0
    print(
        json.dumps(
            {
                "engine": f"duckdb {duckdb.__version__} ({mode})",
                "work_ms": work_ms,
                "peak_rss_kib": peak_rss_kib(),
                "slos": slos,
            }
        )
    )


if __name__ == "__main__":
    main()
