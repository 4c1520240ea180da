#!/usr/bin/env bash
# Issue 7's whole measurement in one run, so that ratios compare figures taken minutes apart on the
# same host (its speed drifts by 25-40% from hour to hour):
#   1. gradbench (release): GEMM vs numpy dgemm, the four workloads in-process, the API handler
#      in-process, JSON MB/s (bench/README.md);
#   2. PyTorch float64 on 2 threads, the same workloads, and numpy dgemm again (bench/torch/), when
#      torch is importable by $TORCH_PYTHON (default python3); skipped otherwise;
#   3. gradserver over loopback driven by wrk (bench/http/run.sh).
#
# usage: bench/run-all.sh [-d SECONDS] [-b BIGCONV_SECONDS] [--quick] [--log FILE]
#   -d, -b   wrk durations for bench/http/run.sh (defaults 10 and 20)
#   --quick  fewer in-process runs (gradbench --quick, bench_torch.py --quick)
#   --log    also write everything to FILE (default: bench-YYYYmmdd-HHMM.log in /tmp)
# Run it on a quiet machine (`uptime`: load average well below the core count).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
duration=10 big_duration=20 quick=() log="/tmp/bench-$(date -u +%Y%m%d-%H%M).log"
while (($#)); do
    case "$1" in
        -d) duration=$2; shift 2 ;;
        -b) big_duration=$2; shift 2 ;;
        --quick) quick=(--quick); shift ;;
        --log) log=$2; shift 2 ;;
        *) sed -n '2,15p' "$0" >&2; exit 2 ;;
    esac
done

cd "$root"
exec > >(tee "$log") 2>&1
echo "== run-all $(date -u '+%F %T UTC')  commit $(git rev-parse --short HEAD)  load:$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"

swift build -c release --product gradbench 2>&1 | tail -1
swift build -c release --product gradserver 2>&1 | tail -1

echo; echo "######## 1. gradbench (in-process)"
"$(swift build -c release --show-bin-path)/gradbench" "${quick[@]}"

echo; echo "######## 2. PyTorch (optional)"
"${TORCH_PYTHON:-python3}" "$here/torch/bench_torch.py" "${quick[@]}"

echo; echo "######## 3. HTTP (wrk)"
"$here/http/run.sh" --no-build -d "$duration" -b "$big_duration"

echo; echo "== done $(date -u '+%T UTC'), load:$(cut -d' ' -f1-3 /proc/loadavg); log: $log"
