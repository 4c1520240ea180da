#!/usr/bin/env bash
# Issue 7's HTTP benchmark: gradserver (release) on loopback, driven by wrk.
#
# usage: bench/http/run.sh [-d SECONDS] [-b BIGCONV_SECONDS] [-w WORKERS] [-q DEPTH] [--perf DIR]
#                          [--tuned-malloc] [--no-build] [NAME ...]
#   NAME: healthz seed mnist cifar bigconv (default: all, in that order)
#   -d  wrk duration for healthz, seed, mnist, cifar (default 5)
#   -b  wrk duration for bigconv (default 10)
#   -w  gradserver --workers (default: its own, one per core)
#   -q  gradserver --queue-depth (default: the server's own, 256; admission is by expected queueing
#       delay since issue 18, so wrk's 32 connections need no larger queue)
#   --perf DIR  also sample the server with `perf record -e cpu-clock -g` during each wrk run and
#       write DIR/NAME.perf and DIR/NAME.txt (perf_summary.py: where the time goes)
#   --tuned-malloc  start the server with GLIBC_TUNABLES raising glibc's mmap threshold (to its
#       32 MiB maximum) and trim threshold, as ConvEngine's AllocatorTuning.retainFreedMemory does
#       (freed tensors stay in the heap instead of being unmapped and faulted in again)
#
# For each workload: one curl POST that must answer 200 (its latency and the server CPU it took),
# then wrk (2 threads; 64 connections for GET /healthz, 32 for seed, 4 for the others) and the
# server's CPU time per request from /proc/PID/stat (utime+stime) around the wrk run (and wrk's
# own CPU per request: client and server share the 2 cores). For bigconv
# also the server's peak RSS (VmHWM, reset through /proc/PID/clear_refs) against its tensor bytes.
# Loopback only, bounded by the durations; the server is stopped on exit (trap).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
duration=5 big_duration=10 workers="" queue_depth="" build=1 perf_dir="" tunables="" names=()
while (($#)); do
    case "$1" in
        -d) duration=$2; shift 2 ;;
        -b) big_duration=$2; shift 2 ;;
        -w) workers=$2; shift 2 ;;
        -q) queue_depth=$2; shift 2 ;;
        --tuned-malloc) tunables=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824; shift ;;
        --perf) perf_dir=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
        --no-build) build=0; shift ;;
        healthz | seed | mnist | cifar | bigconv) names+=("$1"); shift ;;
        *) sed -n '2,22p' "$0" >&2; exit 2 ;;
    esac
done
((${#names[@]})) || names=(healthz seed mnist cifar bigconv)

command -v wrk > /dev/null || { echo "installing wrk" >&2; apt-get install -y wrk > /dev/null; }
command -v curl > /dev/null || { echo "curl is needed" >&2; exit 1; }

cd "$root"
if ((build)); then swift build -c release --product gradserver 2>&1 | tail -1; fi
server_bin="$(swift build -c release --show-bin-path)/gradserver"
[[ -x $server_bin ]] || { echo "no $server_bin: build first" >&2; exit 1; }

tmp=$(mktemp -d /tmp/convgrad-http-bench.XXXXXX)
server_pid=""
stop_server() {
    [[ -n ${perf_pid:-} ]] && kill -INT "$perf_pid" 2> /dev/null
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2> /dev/null; then
        kill -TERM "$server_pid" 2> /dev/null || true
        for _ in $(seq 50); do kill -0 "$server_pid" 2> /dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2> /dev/null || true
    fi
    rm -rf "$tmp"
}
trap stop_server EXIT
trap 'exit 130' INT TERM

echo "== $(date -u '+%F %T UTC')  commit $(git rev-parse --short HEAD)  load:$(cut -d' ' -f1-3 /proc/loadavg)  cores $(nproc)"
awk '{ if ($1 > 1.0) print "WARNING: load average " $1 " > 1: the machine is shared, figures are not quiet-machine figures" }' /proc/loadavg

bodies=()
for name in "${names[@]}"; do [[ $name == healthz ]] || bodies+=("$name"); done
if ((${#bodies[@]})); then python3 "$here/make_bodies.py" "$tmp" "${bodies[@]}" | sed 's/^/bodies: /'; fi

[[ $queue_depth == default ]] && queue_depth=""  # the old spelling of the default
GLIBC_TUNABLES=${tunables:-${GLIBC_TUNABLES:-}} "$server_bin" --host 127.0.0.1 --port 0 --log-level warning ${workers:+--workers "$workers"} \
    ${queue_depth:+--queue-depth "$queue_depth"} \
    > "$tmp/server.out" 2> "$tmp/server.err" &
server_pid=$!
for _ in $(seq 600); do
    grep -q '^listening on http://' "$tmp/server.out" 2> /dev/null && break
    kill -0 "$server_pid" 2> /dev/null || { cat "$tmp/server.err" >&2; exit 1; }
    sleep 0.1
done
base_url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$tmp/server.out" | head -1)
[[ -n $base_url ]] || { echo "gradserver did not report its address" >&2; exit 1; }
echo "server: pid $server_pid at $base_url  workers ${workers:-default}  queue depth ${queue_depth:-default}  kernels ${GRADSERVER_KERNELS:-fastest supported}${tunables:+  GLIBC_TUNABLES=$tunables}"

ticks_per_second=$(getconf CLK_TCK)
# Server CPU ticks so far (utime + stime, fields 14 and 15 after the command name).
cpu_ticks() { sed 's/^.*) //' "/proc/$server_pid/stat" | awk '{ print $12 + $13 }'; }
# A /proc/PID/status field in kB.
status_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server_pid/status"; }
reset_peak_rss() { echo 5 > "/proc/$server_pid/clear_refs"; }
# Waits (at most 10 s) until the server has used no CPU for half a second: in-flight work done.
settle() {
    local before after
    for _ in $(seq 20); do
        before=$(cpu_ticks); sleep 0.5; after=$(cpu_ticks)
        ((after == before)) && return 0
    done
}
# children_cpu VAR: CPU seconds (user + system) of this shell's finished children so far, from
# bash's `times`, run in this shell (not in a $(...) subshell, whose children are its own).
children_cpu() {
    times > "$tmp/times"
    printf -v "$1" '%s' "$(tail -1 "$tmp/times" | sed 's/[ms]/ /g' | awk '{ print 60 * $1 + $2 + 60 * $3 + $4 }')"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }

results="$tmp/results"
: > "$results"
# run_wrk NAME METHOD CONNECTIONS SECONDS: one wrk run, its row appended to $results.
run_wrk() {
    local name=$1 method=$2 connections=$3 seconds=$4 script url out before after
    if [[ $method == GET ]]; then script=$here/get.lua url=$base_url/healthz
    else script=$here/post.lua url=$base_url/backward; fi
    settle
    start_perf "$name"
    before=$(cpu_ticks)
    local wrk_before wrk_after
    children_cpu wrk_before
    out=$(BODY_FILE="$tmp/$name.json" wrk -t2 -c"$connections" -d"${seconds}s" --timeout 60s \
        -s "$script" "$url" 2>&1) || { echo "$out" >&2; return 1; }
    children_cpu wrk_after
    settle
    after=$(cpu_ticks)
    stop_perf "$name"
    local line requests cpu_ms wrk_ms
    line=$(grep '^RESULT' <<< "$out") || { echo "$out" >&2; return 1; }
    requests=$(field requests "$line")
    cpu_ms=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" \
        'BEGIN { printf "%.3f", (n > 0 ? 1000 * t / hz / n : 0) }')
    wrk_ms=$(awk -v a="$wrk_before" -v b="$wrk_after" -v n="$requests" \
        'BEGIN { printf "%.3f", (n > 0 ? 1000 * (b - a) / n : 0) }')
    printf '%-8s %5s %5s %9s %10s %9s %9s %7s %7s %11s %11s\n' "$name" "$connections" "$seconds" \
        "$requests" "$(field ok_rps "$line")" "$(field p50_ms "$line")" "$(field p99_ms "$line")" \
        "$(field non2xx "$line")" "$(field errors "$line")" "$cpu_ms" "$wrk_ms" >> "$results"
    tail -1 "$results"
}

perf_pid=""
# start_perf NAME / stop_perf NAME: with --perf, sample the server (all threads) meanwhile.
start_perf() {
    [[ -n $perf_dir ]] || return 0
    perf record -q -e cpu-clock -F 999 -g -p "$server_pid" -o "$perf_dir/$1.perf" > /dev/null 2>&1 &
    perf_pid=$!
    sleep 0.5
}
stop_perf() {
    [[ -n $perf_pid ]] || return 0
    kill -INT "$perf_pid"; wait "$perf_pid" || true
    perf_pid=""
    python3 "$here/perf_summary.py" "$perf_dir/$1.perf" > "$perf_dir/$1.txt" || true
}

# check_once NAME: one POST that must answer 200; prints its latency, response size and server CPU.
check_once() {
    local name=$1 before after code
    settle
    before=$(cpu_ticks)
    code=$(curl -sS --max-time 120 -o "$tmp/$name.response" -w '%{http_code} %{time_total}' \
        -H 'Content-Type: application/json' --data-binary "@$tmp/$name.json" "$base_url/backward")
    after=$(cpu_ticks)
    if [[ ${code%% *} != 200 ]]; then
        echo "$name: HTTP ${code%% *}: $(head -c 300 "$tmp/$name.response")" >&2
        return 1
    fi
    printf 'check %-8s 200 in %6.1f ms, response %.2f MB, server CPU %d ms\n' "$name" \
        "$(awk -v s="${code#* }" 'BEGIN { print 1000 * s }')" \
        "$(awk -v b="$(stat -c %s "$tmp/$name.response")" 'BEGIN { print b / 1e6 }')" \
        $(((after - before) * 1000 / ticks_per_second))
}

failed() { echo "$1 FAILED" >> "$results"; }

# The bigconv memory lines: peak RSS above the idle RSS against the tensors' bytes.
report_peak() {
    local label=$1 idle_kb=$2 peak_kb
    peak_kb=$(status_kb VmHWM)
    read -r _ in_bytes out_bytes < "$tmp/bigconv.meta"
    awk -v l="$label" -v idle="$idle_kb" -v peak="$peak_kb" -v i="$in_bytes" -v o="$out_bytes" 'BEGIN {
        printf "memory %-26s peak RSS %.1f MB (idle %.1f MB, +%.1f MB); tensors %.1f MB in + %.1f MB out = %.1f MB; peak/tensors %.2fx\n",
            l, peak * 1024 / 1e6, idle * 1024 / 1e6, (peak - idle) * 1024 / 1e6, i / 1e6, o / 1e6, (i + o) / 1e6, peak * 1024 / (i + o) }'
}

for name in "${names[@]}"; do
    case $name in
        healthz) run_wrk healthz GET 64 "$duration" ;;
        seed) check_once seed && run_wrk seed POST 32 "$duration" || failed "$name" ;;
        mnist | cifar) check_once "$name" && run_wrk "$name" POST 4 "$duration" || failed "$name" ;;
        bigconv)
            idle=$(status_kb VmRSS); reset_peak_rss
            check_once bigconv || { failed bigconv; continue; }
            report_peak "one request:" "$idle"
            idle=$(status_kb VmRSS); reset_peak_rss
            run_wrk bigconv POST 4 "$big_duration" || failed bigconv
            report_peak "wrk, 4 connections:" "$idle"
            ;;
    esac
done

echo
echo "== summary ($(date -u '+%T UTC'), load:$(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-8s %5s %5s %9s %10s %9s %9s %7s %7s %11s %11s\n' workload conns secs requests 2xx/s \
    p50_ms p99_ms non2xx errors cpu_ms/req wrk_cpu_ms
cat "$results"
