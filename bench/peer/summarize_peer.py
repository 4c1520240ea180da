#!/usr/bin/env python3
"""run.sh's result rows (stdin) as one markdown table: per workload, each round's 2xx/s, p50, p99
and CPU per 2xx answer for gradserver and the peer, the ratio ours/peer of 2xx/s per round,
issue 17's target for that ratio, and the ratio of CPU per answer (peer over ours), which moves
far less with the machine's other load than the ratio of 2xx/s does.

Row fields: workload round server conns secs requests 2xx/s p50_ms p99_ms non2xx errors cpu_ms/2xx load
"""
import sys
from collections import defaultdict

TARGET = {"seed": 6.0, "mnist": 3.0, "cifar": 3.0, "bigconv": 3.0}  # issue 17: ours/peer req/s


def rows(lines):
    """{workload: {round: {server: row}}}, workloads in the order they ran."""
    table = defaultdict(lambda: defaultdict(dict))
    for line in lines:
        f = line.split()
        if len(f) != 13:
            continue
        table[f[0]][int(f[1])][f[2]] = {"rps": float(f[6]), "p50": float(f[7]), "p99": float(f[8]),
                                        "bad": int(f[9]) + int(f[10]), "cpu": float(f[11]), "load": f[12]}
    return table


def rate(value):
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def ms(value):
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.3g} ms"


def joined(rounds, server, key, fmt):
    return " / ".join(fmt(r[server][key]) for r in rounds if server in r)


def main():
    table = rows(sys.stdin)
    print("| workload | ours 2xx/s | peer 2xx/s | **ours / peer** | target | ours p50, p99 | peer p50, p99 "
          "| CPU/2xx ours, peer | CPU/2xx peer / ours | load |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    notes = []
    for name, by_round in table.items():
        rounds = [by_round[r] for r in sorted(by_round)]
        ratios = [r["ours"]["rps"] / r["peer"]["rps"] for r in rounds if "ours" in r and r.get("peer", {}).get("rps")]
        latency = lambda s: " / ".join(f"{ms(r[s]['p50'])}, {ms(r[s]['p99'])}" for r in rounds if s in r)  # noqa: E731
        cpu = " / ".join(f"{ms(r['ours']['cpu'])}, {ms(r['peer']['cpu'])}" for r in rounds if len(r) == 2)
        cpu_ratio = " / ".join(f"{r['peer']['cpu'] / r['ours']['cpu']:.1f}x" for r in rounds
                               if len(r) == 2 and r["ours"]["cpu"] and r["peer"]["cpu"])
        bad = sum(r[s]["bad"] for r in rounds for s in r)
        print(f"| {name} | {joined(rounds, 'ours', 'rps', rate)} "
              f"| {joined(rounds, 'peer', 'rps', rate)} "
              f"| **{' / '.join(f'{x:.1f}x' for x in ratios)}** | >= {TARGET.get(name, 0):g}x "
              f"| {latency('ours')} | {latency('peer')} | {cpu} | {cpu_ratio} "
              f"| {' / '.join(r['ours']['load'] for r in rounds if 'ours' in r)} |")
        if bad:
            notes.append(f"{name}: {bad} non-2xx answers or socket errors (wrk's latencies include them)")
    print("\nRounds are separated by ' / '; load is the 1-minute load average before ours' run.")
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
