#!/usr/bin/env bash
# Issue 7's whole measurement in one run, so that ratios compare figures taken minutes apart on the
# same host (its speed drifts by 25-40% from hour to hour):
#   1. gradbench (release): GEMM vs numpy dgemm, the four workloads in-process, the API handler
#      in-process, JSON MB/s (bench/README.md);
#   1b. orjson and Python's json on the same kind of tensor (bench/json/orjson_bench.py);
#   2. PyTorch float64 on 2 threads, the same workloads and layers, and numpy dgemm again (bench/torch/), when
#      torch is importable by $TORCH_PYTHON (default python3); skipped otherwise;
#   3. gradserver over loopback driven by wrk (bench/http/run.sh).
#
# usage: bench/run-all.sh [-d SECONDS] [-b BIGCONV_SECONDS] [--quick] [--malloc-ab] [--log FILE]
#   -d, -b   wrk durations for bench/http/run.sh (defaults 10 and 20)
#   --quick  fewer in-process runs (gradbench --quick, bench_torch.py --quick)
#   --malloc-ab  then run mnist, cifar, bigconv over HTTP again with run.sh --tuned-malloc
#   --log    also write everything to FILE (default: bench-YYYYmmdd-HHMM.log in /tmp)
# Run it on a quiet machine (`uptime`: load average well below the core count).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
duration=10 big_duration=20 quick=() malloc_ab=0 log="/tmp/bench-$(date -u +%Y%m%d-%H%M).log"
while (($#)); do
    case "$1" in
        -d) duration=$2; shift 2 ;;
        -b) big_duration=$2; shift 2 ;;
        --quick) quick=(--quick); shift ;;
        --malloc-ab) malloc_ab=1; shift ;;
        --log) log=$2; shift 2 ;;
        *) sed -n '2,17p' "$0" >&2; exit 2 ;;
    esac
done

cd "$root"
exec > >(tee "$log") 2>&1
echo "== run-all $(date -u '+%F %T UTC')  commit $(git rev-parse --short HEAD)  load:$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "== GEMM kernels: ${GRADSERVER_KERNELS:-the fastest this CPU runs} (gradbench and gradserver print the path; GRADSERVER_KERNELS=avx512|avx2|portable forces one)"

swift build -c release --product gradbench 2>&1 | tail -1
swift build -c release --product gradserver 2>&1 | tail -1

echo; echo "######## 1. gradbench (in-process)"
"$(swift build -c release --show-bin-path)/gradbench" "${quick[@]}"

echo; echo "######## 1b. JSON baseline (orjson)"
tmp_body=$(mktemp -d)
python3 "$here/http/make_bodies.py" "$tmp_body" mnist > /dev/null
python3 "$here/json/orjson_bench.py" "$tmp_body/mnist.json"
rm -rf "$tmp_body"

echo; echo "######## 2. PyTorch (optional)"
"${TORCH_PYTHON:-python3}" "$here/torch/bench_torch.py" "${quick[@]}"
"${TORCH_PYTHON:-python3}" "$here/torch/bench_layers.py" "${quick[@]}"

echo; echo "######## 3. HTTP (wrk)"
"$here/http/run.sh" --no-build -d "$duration" -b "$big_duration"

if ((malloc_ab)); then
    echo; echo "######## 4. HTTP again, glibc malloc keeping freed memory (run.sh --tuned-malloc)"
    "$here/http/run.sh" --no-build --tuned-malloc -d "$duration" -b "$big_duration" mnist cifar bigconv
fi

echo; echo "######## summary"
python3 "$here/summarize.py" "$log"

echo; echo "== done $(date -u '+%T UTC'), load:$(cut -d' ' -f1-3 /proc/loadavg); log: $log"
