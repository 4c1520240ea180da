#!/usr/bin/env python3
"""Issue 7's tables from one bench/run-all.sh log: our figures beside the issue's anchors.

usage: summarize.py LOG

Reads the sections of the log (gradbench, orjson, PyTorch, wrk) and prints Markdown tables; a
figure that the log lacks is shown as "-". Every ratio uses figures of the same log: ours against
gradbench's numpy dgemm, torch's against the dgemm its script timed right after it.
"""
import re
import sys

NAMES = ("seed", "mnist", "cifar", "bigconv")
ISSUE_TORCH_MS = {"seed": 0.40, "mnist": 7.0, "cifar": 37.7, "bigconv": 234.0}
ISSUE_TORCH_GFLOPS = {"mnist": 3.1, "cifar": 16.5, "bigconv": 23.8}
ENGINE_TARGET = {"seed": "<= 0.005 ms", "mnist": "<= 3 ms", "cifar": "<= 15 ms",
                 "bigconv": ">= 65% of dgemm"}
HTTP_TARGET = {"seed": ">= 20,000, p99 <= 5 ms", "mnist": ">= 250", "cifar": ">= 60", "bigconv": ">= 3.2"}
FASTAPI = {"seed": "2,937 (p50 11, p99 19 ms)", "mnist": "99", "cifar": "20", "bigconv": "1.6"}
UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def sections(text):
    """Splits the log at its '######## ' headings."""
    parts, name = {}, "head"
    for line in text.splitlines():
        if line.startswith("######## "):
            name = line[9:].split(".")[0].strip()
            continue
        parts.setdefault(name, []).append(line)
    return parts


def workload_times(lines, start):
    """{name: (ms, conv GFLOP/s or None)} from the lines after the heading that starts with start."""
    result, inside = {}, False
    for line in lines:
        if line.startswith("== "):
            inside = line.startswith(start)
            continue
        m = re.match(r"(\w+): ([\d.]+) (us|ms|s) \(", line)
        if inside and m and m.group(1) in NAMES:
            g = re.search(r"conv ([\d.]+) GFLOP/s", line)
            result[m.group(1)] = (float(m.group(2)) * UNIT_MS[m.group(3)], float(g.group(1)) if g else None)
    return result


def numbers(lines, pattern):
    return [m.groups() for m in (re.search(pattern, l) for l in lines) if m]


def fmt(x, digits=2):
    if x is None:
        return "-"
    return f"{x:,.{digits}f}"


def main(argv):
    text = open(argv[1], encoding="utf-8", errors="replace").read()
    s = sections(text)
    bench, torch_lines, http, json_lines = s.get("1", []), s.get("2", []), s.get("3", []), s.get("1b", [])
    engine = workload_times(bench, "== Engine workloads")
    api = workload_times(bench, "== API in-process")
    torch = workload_times(torch_lines, "== PyTorch")
    dgemm = {int(n): float(g) for n, g in numbers(bench, r"^numpy\s+n=(\d+): ([\d.]+) GFLOP/s")}
    ours_gemm = {int(n): float(g) for n, g in numbers(bench, r"^ours\s+n=(\d+): ([\d.]+) GFLOP/s")}
    torch_dgemm = [float(g) for _, g in numbers(torch_lines, r"n=(\d+) ([\d.]+) GFLOP/s")]
    best = max(dgemm.values()) if dgemm else None

    print("In-process, forward + every gradient, float64, median (gradbench; torch on 2 threads):\n")
    print("| workload | PyTorch f64 (issue) | its GFLOP/s (issue) | torch here (ms) | torch GFLOP/s (% of dgemm) "
          "| ours: engine (ms) | ours: conv GFLOP/s (% of dgemm) | torch here / ours | ours: JSON+engine+JSON (ms) | target |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n in NAMES:
        ours_ms, ours_g = engine.get(n, (None, None))
        t_ms, t_g = torch.get(n, (None, None))
        share = f" ({100 * ours_g / best:.0f}%)" if ours_g and best else ""
        t_share = f" ({100 * t_g / max(torch_dgemm):.0f}%)" if t_g and torch_dgemm else ""
        speedup = f"{t_ms / ours_ms:.2f}x" if t_ms and ours_ms else "-"
        print(f"| {n} | {ISSUE_TORCH_MS[n]} ms | {ISSUE_TORCH_GFLOPS.get(n, '-')} | {fmt(t_ms, 3)} | "
              f"{fmt(t_g, 1)}{t_share} | {fmt(ours_ms, 4 if n == 'seed' else 2)} | {fmt(ours_g, 1)}{share} | "
              f"{speedup} | {fmt(api.get(n, (None,))[0], 3)} | {ENGINE_TARGET[n]} |")
    if dgemm:
        print("\nGEMM (square n, GFLOP/s, same run): " + ", ".join(
            f"n={n}: ours {fmt(ours_gemm.get(n), 1)} vs numpy {fmt(g, 1)} ({fmt(ours_gemm.get(n, 0) / g, 2)}x)"
            for n, g in sorted(dgemm.items())))
    if torch_dgemm:
        print(f"numpy dgemm again, after the torch timings: {', '.join(fmt(g, 1) for g in torch_dgemm)} GFLOP/s")

    print("\nJSON, nested [64,1,28,28] float64 (about 1 MB):\n")
    print("| | write MB/s | parse MB/s |")
    print("| --- | --- | --- |")
    w = numbers(bench, r"^write \(JSONWriter\): ([\d.]+) MB/s")
    r = numbers(bench, r"^parse \(parseJSON\):\s+([\d.]+) MB/s")
    print(f"| ours (JSONWriter, parseJSON) | {w[0][0] if w else '-'} | {r[0][0] if r else '-'} |")
    for lib in ("orjson", "json (stdlib)"):
        lw = numbers(json_lines, rf"^{re.escape(lib)}[^:]* write: ([\d.]+) MB/s")
        lr = numbers(json_lines, rf"^{re.escape(lib)}[^:]* parse: ([\d.]+) MB/s")
        if lw or lr:
            print(f"| {lib} | {lw[0][0] if lw else '-'} | {lr[0][0] if lr else '-'} |")
    print("| target (issue 7) | >= 500 | >= 300 |")

    rows = {}
    summary = False
    for line in http:
        if line.startswith("== summary"):
            summary = True
            continue
        f = line.split()
        if summary and len(f) >= 10 and f[0] in NAMES + ("healthz",):
            rows[f[0]] = f
    print("\nHTTP, wrk on loopback sharing the 2 cores (2 threads; 32 connections for seed, 4 others):\n")
    print("| workload | target req/s | FastAPI+uvicorn+orjson (issue) | ours 2xx/s | p50 ms | p99 ms "
          "| server CPU ms/req | wrk CPU ms/req | non-2xx | errors |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n in ("healthz",) + NAMES:
        f = rows.get(n)
        if f:
            print(f"| {n} | {HTTP_TARGET.get(n, '-')} | {FASTAPI.get(n, '-')} | {f[4]} | {f[5]} | {f[6]} | "
                  f"{f[9]} | {f[10] if len(f) > 10 else '-'} | {f[7]} | {f[8]} |")
    for line in http:
        if line.startswith("memory ") or line.startswith("check "):
            print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
