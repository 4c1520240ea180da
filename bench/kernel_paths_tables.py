#!/usr/bin/env python3
"""Issue 17's tables from one bench/kernel-paths.sh log, per kernel path.

usage: kernel_paths_tables.py LOG

- In-process: per workload and path, our CPU and wall time per step (medians over the rounds),
  conv GFLOP/s per CPU-second and its share of the same run's numpy dgemm per CPU-second (OpenBLAS's
  own kernel for avx512, its Haswell kernel for avx2 and portable: the mean of the runs before and
  after), and PyTorch's wall time over ours (the median of the per-round ratios: each round runs
  ours and then PyTorch, minutes apart at most). The avx512 and portable paths are compared with
  PyTorch on its own kernels (AVX-512 here), the avx2 path with PyTorch limited to AVX2
  (ATEN_CPU_CAPABILITY=avx2, MKL_ENABLE_INSTRUCTIONS=AVX2), as both would run on an AVX2 CPU.
- JSON: ours and orjson, MB/s.
- HTTP: bench/peer/summarize_peer.py's table per path.
Issue 17's targets are in the last column of each table.
"""
import re
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

WORKLOADS = ("mnist", "cifar", "bigconv")
DGEMM_SHARE_TARGET = {"cifar": ">= 60%", "bigconv": ">= 75%"}
TORCH_RATIO_TARGET = {"cifar": ">= 2.5x", "bigconv": ">= 2.5x"}

OURS = re.compile(
    r"^OURS (\S+) (\w+): ([\d.]+) ms .*?CPU ([\d.]+) ms/run, conv ([\d.]+) GFLOP/s")
TORCH = re.compile(r"^TORCH (native|avx2) (\w+): ([\d.]+) (ms|us) ")
ROUND = re.compile(r"^## round (\d+) ")
DGEMM = re.compile(r"^DGEMM (\S+) n=2048 wall ([\d.]+) GFLOP/s, ([\d.]+) per CPU-second")
JSON_OURS = re.compile(r"^(write|parse|tensor parse) \(([^)]*)\):\s+(\d+) MB/s")
JSON_ORJSON = re.compile(r"^orjson \S+ (write|parse): (\d+) MB/s")
PEER_ROW = re.compile(r"^PEER (\S+) \| (\w+ +\d+ +(?:ours|peer) .*)$")


def read(log_lines):
    ours = defaultdict(list)  # (path, workload) -> [(round, wall ms, cpu ms, gflops by wall)]
    torch = defaultdict(list)  # (isa, workload) -> [(round, wall ms)]
    dgemm = defaultdict(list)  # coretype -> [per CPU-second GFLOP/s]
    json_rows, peer_rows = [], defaultdict(list)
    current_round = 0
    for line in log_lines:
        line = line.rstrip("\n")
        if m := ROUND.match(line):
            current_round = int(m[1])
        elif m := OURS.match(line):
            ours[(m[1], m[2])].append((current_round, float(m[3]), float(m[4]), float(m[5])))
        elif m := TORCH.match(line):
            wall = float(m[3]) / (1000 if m[4] == "us" else 1)
            torch[(m[1], m[2])].append((current_round, wall))
        elif m := DGEMM.match(line):
            dgemm[m[1]].append(float(m[3]))
        elif m := JSON_OURS.match(line):
            json_rows.append(("ours", m[1], int(m[3])))
        elif m := JSON_ORJSON.match(line):
            json_rows.append(("orjson", m[1], int(m[2])))
        elif m := PEER_ROW.match(line):
            peer_rows[m[1]].append(m[2])
    return ours, torch, dgemm, json_rows, peer_rows


def ceiling(dgemm, path):
    coretype = "own" if path == "avx512" else "Haswell"
    values = dgemm.get(coretype, [])
    return (statistics.mean(values), coretype) if values else (None, coretype)


def in_process_table(ours, torch, dgemm):
    print("| workload | path | CPU / step | wall / step | conv GFLOP/s per CPU-second | % of same-run dgemm "
          "| target | PyTorch (its kernels) wall | **PyTorch / ours** | target |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    torch_by_round = {key: dict(rows) for key, rows in torch.items()}
    paths = sorted({path for path, _ in ours}, key=lambda p: ("avx512", "avx2", "portable").index(p))
    for workload in WORKLOADS:
        for path in paths:
            rows = ours.get((path, workload), [])
            if not rows:
                continue
            cpu = statistics.median(r[2] for r in rows)
            wall = statistics.median(r[1] for r in rows)
            # gradbench's conv GFLOP/s divides the step's conv flops by the wall median.
            flops = statistics.median(r[3] * r[1] for r in rows) / 1e3  # GFLOP per step
            per_cpu = flops / (cpu / 1e3)
            top, coretype = ceiling(dgemm, path)
            share = f"{100 * per_cpu / top:.0f}% (of {top:.1f}, {coretype})" if top else "-"
            isa = "avx2" if path == "avx2" else "native"
            theirs = torch_by_round.get((isa, workload), {})
            ratios = [theirs[r[0]] / r[1] for r in rows if r[0] in theirs]
            torch_wall = statistics.median(theirs.values()) if theirs else None
            print(f"| {workload} | {path} | {cpu:.2f} ms | {wall:.2f} ms | {per_cpu:.1f} | {share} "
                  f"| {DGEMM_SHARE_TARGET.get(workload, '-')} "
                  f"| {f'{torch_wall:.2f} ms ({isa})' if torch_wall else '-'} "
                  f"| **{f'{statistics.median(ratios):.2f}x' if ratios else '-'}** "
                  f"| {TORCH_RATIO_TARGET.get(workload, '-')} |")
    for coretype, values in dgemm.items():
        print(f"\nnumpy dgemm per CPU-second ({coretype} kernel), before / after: "
              + " / ".join(f"{v:.1f}" for v in values) + " GFLOP/s")


def json_table(json_rows):
    if not json_rows:
        return
    print("\n| direction | ours MB/s | orjson MB/s | ours / orjson | target |")
    print("| --- | --- | --- | --- | --- |")
    # "tensor parse" is parseJSON and then TensorDecoder: a request's tensor as the server gets it.
    for direction in ("write", "parse", "tensor parse"):
        mine = [v for who, d, v in json_rows if who == "ours" and d == direction]
        theirs = [v for who, d, v in json_rows if who == "orjson" and d == direction.split()[-1]]
        if mine and theirs:
            print(f"| {direction} | {' / '.join(map(str, mine))} | {theirs[0]} "
                  f"| {max(mine) / theirs[0]:.2f}x | >= 1000 MB/s |")


def http_tables(peer_rows):
    summarize = Path(__file__).with_name("peer") / "summarize_peer.py"
    for path, rows in peer_rows.items():
        # Each row appears twice in run.sh's output (as it runs, and in its summary): keep one.
        unique = list(dict.fromkeys(rows))
        print(f"\nHTTP against the peer, kernels {path}:\n")
        table = subprocess.run([sys.executable, str(summarize)], input="\n".join(unique) + "\n",
                               capture_output=True, text=True, check=True).stdout
        print(table.rstrip())


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8", errors="replace") as log:
        ours, torch, dgemm, json_rows, peer_rows = read(log)
    in_process_table(ours, torch, dgemm)
    json_table(json_rows)
    http_tables(peer_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
