#!/usr/bin/env bash
# Issue 17's tables for every kernel path in one run, so that each ratio compares figures taken
# minutes apart on the same host (its speed drifts by tens of percent from hour to hour):
#   1. numpy's dgemm on 2 threads, wall and per CPU-second, with OpenBLAS's own kernel and with
#      OPENBLAS_CORETYPE=Haswell (the AVX2 ceiling our avx2 path is held to);
#   2. ROUNDS rounds of: gradbench's workloads (mnist, cifar, bigconv: Network.backward in-process)
#      on each path, then PyTorch float64 on 2 threads (bench/torch/bench_torch.py) with its own
#      kernels and limited to AVX2, interleaved;
#   3. numpy's dgemm again;
#   4. JSON: gradbench's json section and orjson on the same kind of tensor;
#   5. HTTP against the FastAPI + orjson + PyTorch peer, once per path (bench/peer/run.sh; on the
#      avx2 path the peer's PyTorch is limited to AVX2 as in step 2);
#   6. the tables (bench/kernel_paths_tables.py).
#
# usage: bench/kernel-paths.sh [-r ROUNDS] [-d SECONDS] [-b BIGCONV_SECONDS] [--paths LIST] [--no-http]
#                              [--log FILE]
#   -r       in-process rounds (default 3)
#   -d, -b   wrk durations for bench/peer/run.sh (defaults 10 and 20)
#   --paths  comma-separated kernel paths (default: avx512,avx2 where the CPU runs them, else avx2)
#   --no-http  skip step 5
#   --log    also write everything to FILE (default /tmp/kernel-paths-YYYYmmdd-HHMM.log)
# Environment: TORCH_PYTHON (a python with torch and numpy; default python3: without torch step 2
# says so and goes on), PEER_PYTHON (bench/peer/run.sh), ORJSON_PYTHON (default python3).
# Run it on a quiet machine (`uptime`: load average well below the core count).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
rounds=3 duration=10 big_duration=20 paths="" http=1 log="/tmp/kernel-paths-$(date -u +%Y%m%d-%H%M).log"
while (($#)); do
    case "$1" in
        -r) rounds=$2; shift 2 ;;
        -d) duration=$2; shift 2 ;;
        -b) big_duration=$2; shift 2 ;;
        --paths) paths=$2; shift 2 ;;
        --no-http) http=0; shift ;;
        --log) log=$2; shift 2 ;;
        *) sed -n '2,22p' "$0" >&2; exit 2 ;;
    esac
done

cd "$root"
swift build -c release --product gradbench 2>&1 | tail -1
swift build -c release --product gradserver 2>&1 | tail -1
gradbench="$(swift build -c release --show-bin-path)/gradbench"
if [[ -z $paths ]]; then
    # gradbench's first line names the paths this CPU runs: "(this CPU runs: avx512, avx2, portable; ...".
    supported=$("$gradbench" --no-numpy --quick json 2>&1 | sed -n 's/.*this CPU runs: \([^;]*\);.*/\1/p')
    paths=$(tr -d ' ' <<< "$supported" | tr ',' '\n' | grep -E '^(avx512|avx2)$' | paste -sd, -)
    [[ -n $paths ]] || paths=portable
fi
IFS=, read -r -a path_list <<< "$paths"

exec > >(tee "$log") 2>&1
echo "== kernel-paths run $(date -u '+%F %T UTC')  commit $(git rev-parse --short HEAD)  load:$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, paths: ${path_list[*]}"

# dgemm LABEL: numpy's n=2048 dgemm on 2 threads, median of 5, wall and per CPU-second, with
# OpenBLAS's own kernel and with its Haswell (AVX2) kernel.
DGEMM='import os, time, numpy as np
n = 2048
a = np.random.rand(n, n); b = np.random.rand(n, n); a @ b
r = []
for _ in range(5):
    s = time.perf_counter(); c = time.process_time(); a @ b
    r.append((time.perf_counter() - s, time.process_time() - c))
w = sorted(x[0] for x in r)[2]; c = sorted(x[1] for x in r)[2]
print("DGEMM %s n=2048 wall %.1f GFLOP/s, %.1f per CPU-second" % (os.environ.get("OPENBLAS_CORETYPE", "own"), 2 * n**3 / w / 1e9, 2 * n**3 / c / 1e9))'
dgemm() {
    echo "## numpy dgemm ($1), load:$(cut -d' ' -f1 /proc/loadavg)"
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 "${TORCH_PYTHON:-python3}" -c "$DGEMM"
    env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE=Haswell OPENBLAS_NUM_THREADS=2 "${TORCH_PYTHON:-python3}" -c "$DGEMM"
}

echo; echo "######## 1. dgemm"
dgemm before

echo; echo "######## 2. in-process: ours per path, then PyTorch, $rounds rounds"
for round in $(seq "$rounds"); do
    for path in "${path_list[@]}"; do
        echo "## round $round ours $path, load:$(cut -d' ' -f1 /proc/loadavg)"
        "$gradbench" --kernels "$path" --no-numpy workloads mnist cifar bigconv 2>&1 |
            grep -E '^(mnist|cifar|bigconv):' | sed "s/^/OURS $path /"
    done
    # PyTorch with its own kernels (AVX-512 here), then limited to AVX2 as on an AVX2 CPU: ATen's
    # vectorized kernels (ATEN_CPU_CAPABILITY) and MKL's BLAS (MKL_ENABLE_INSTRUCTIONS), which runs
    # its float64 convolutions. Our avx2 path is compared with the second.
    for isa in native avx2; do
        echo "## round $round torch $isa, load:$(cut -d' ' -f1 /proc/loadavg)"
        limits=()
        [[ $isa == avx2 ]] && limits=(ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2)
        env "${limits[@]}" "${TORCH_PYTHON:-python3}" "$here/torch/bench_torch.py" --threads 2 --no-numpy \
            mnist cifar bigconv 2>&1 | sed -E "s/^(mnist|cifar|bigconv):/TORCH $isa \1:/"
    done
done

echo; echo "######## 3. dgemm again"
dgemm after

echo; echo "######## 4. JSON"
"$gradbench" --no-numpy json 2>&1 | grep -v '^== kernel path'
"${ORJSON_PYTHON:-python3}" "$here/json/orjson_bench.py"

if ((http)); then
    for path in "${path_list[@]}"; do
        echo; echo "######## 5. HTTP against the peer, kernels $path"
        # On the avx2 path the peer's PyTorch is limited to AVX2 too (see step 2).
        limits=()
        [[ $path == avx2 ]] && limits=(ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2)
        env "${limits[@]}" GRADSERVER_KERNELS="$path" "$here/peer/run.sh" --no-build -d "$duration" \
            -b "$big_duration" --log "${log%.log}-peer-$path.log" | sed "s/^/PEER $path | /"
    done
fi

echo; echo "######## 6. tables"
python3 "$here/kernel_paths_tables.py" "$log"
echo; echo "== done $(date -u '+%T UTC'), load:$(cut -d' ' -f1-3 /proc/loadavg); log: $log"
