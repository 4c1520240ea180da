#!/usr/bin/env bash
# Issue 17's HTTP comparison: gradserver (release) against the FastAPI + uvicorn + orjson + PyTorch
# peer (bench/peer/app.py: 2 workers x 1 torch thread, float64), wrk on loopback, one run.
#
# usage: bench/peer/run.sh [-d SECONDS] [-b BIGCONV_SECONDS] [-r ROUNDS] [--admit-all] [--no-build] [--log FILE]
#                          [NAME ...]
#   NAME: seed mnist cifar bigconv (default: all, in that order)
#   -d  wrk duration for seed, mnist, cifar (default 10)
#   -b  wrk duration for bigconv (default 20)
#   -r  rounds per workload (default 2): ours, peer, ours, peer, ... then the next workload
#   --admit-all  start gradserver with GRADSERVER_QUEUE_DELAY_TARGET=3600: every request waits its
#       turn, as in the peer (by default gradserver answers 503 once the expected queueing delay
#       passes 0.25 s and twice the request's own estimate: bench/README.md)
#   --no-build  use the release gradserver already built
#   --log FILE  also write everything to FILE (default /tmp/peer-YYYYmmdd-HHMM.log)
# Environment:
#   PEER_PYTHON  a python with torch, fastapi, uvicorn, orjson and numpy; without it the script
#       creates bench/peer/.venv (gitignored) once: pip install fastapi "uvicorn[standard]" orjson
#       numpy, and torch from https://download.pytorch.org/whl/cpu, else plain `pip install torch`
#   GRADSERVER_KERNELS (avx512|avx2|portable) and the other GRADSERVER_* settings  passed to
#       gradserver; the kernel path that ran is read from its /metrics `server_info{kernels=...}`
#   PEER_ENCODE=tolist, PEER_HTTP=h11  peer variants (run_peer.py, app.py)
#
# First one POST of each body to both servers, compared within the contract's 1e-9 relative
# (compare.py; a disagreement stops the run). Then per workload wrk -t2 with bench/http/post.lua,
# 32 connections for seed and 4 for the others (as bench/http/run.sh), each run after both servers
# have gone quiet. Prints 2xx/s, p50, p99 (wrk's, over every answer: fast 503s included), each
# server's CPU per 2xx answer (utime+stime from /proc/PID/stat, for the peer summed over uvicorn
# and its workers), the 1-minute load average at the start of the run, the ratio ours/peer of
# 2xx/s per round, and gradserver's 503s by reason (compute_shed_total on /metrics). Loopback
# only, bounded by the durations; both servers are stopped on exit (trap).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
http=$root/bench/http
duration=10 big_duration=20 rounds=2 build=1 log="/tmp/peer-$(date -u +%Y%m%d-%H%M).log" names=()
while (($#)); do
    case "$1" in
        -d) duration=$2; shift 2 ;;
        -b) big_duration=$2; shift 2 ;;
        -r) rounds=$2; shift 2 ;;
        --admit-all) export GRADSERVER_QUEUE_DELAY_TARGET=3600; shift ;;
        --no-build) build=0; shift ;;
        --log) log=$2; shift 2 ;;
        seed | mnist | cifar | bigconv) names+=("$1"); shift ;;
        *) sed -n '2,31p' "$0" >&2; exit 2 ;;
    esac
done
((${#names[@]})) || names=(seed mnist cifar bigconv)

command -v wrk > /dev/null || { echo "installing wrk" >&2; apt-get install -y wrk > /dev/null; }
command -v curl > /dev/null || { echo "curl is needed" >&2; exit 1; }

# peer_python: $PEER_PYTHON, else bench/peer/.venv's python, created on first use.
peer_python() {
    if [[ -n ${PEER_PYTHON:-} ]]; then echo "$PEER_PYTHON"; return; fi
    local venv=$here/.venv
    if [[ ! -x $venv/bin/python ]]; then
        echo "creating $venv (fastapi, uvicorn[standard], orjson, numpy, torch)" >&2
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q fastapi "uvicorn[standard]" orjson numpy >&2
        "$venv/bin/pip" install -q torch --index-url https://download.pytorch.org/whl/cpu >&2 ||
            "$venv/bin/pip" install -q torch >&2
    fi
    echo "$venv/bin/python"
}
py=$(peer_python)
"$py" -c 'import torch, fastapi, uvicorn, orjson, numpy' 2> /dev/null || {
    echo "$py lacks one of torch, fastapi, uvicorn, orjson, numpy:" >&2
    echo "  $py -m pip install fastapi 'uvicorn[standard]' orjson numpy torch" >&2
    exit 1
}

cd "$root"
if ((build)); then swift build -c release --product gradserver 2>&1 | tail -1; fi
server_bin="$(swift build -c release --show-bin-path)/gradserver"
[[ -x $server_bin ]] || { echo "no $server_bin: build first" >&2; exit 1; }

exec > >(tee "$log") 2>&1
tmp=$(mktemp -d /tmp/convgrad-peer-bench.XXXXXX)
ours_pid="" peer_pid=""
# stop PID: SIGTERM (both drain), then SIGKILL after 10 s.
stop() {
    [[ -n $1 ]] && kill -0 "$1" 2> /dev/null || return 0
    kill -TERM "$1" 2> /dev/null || true
    for _ in $(seq 100); do kill -0 "$1" 2> /dev/null || return 0; sleep 0.1; done
    kill -KILL "$1" 2> /dev/null || true
}
cleanup() { stop "$ours_pid"; stop "$peer_pid"; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== peer run $(date -u '+%F %T UTC')  commit $(git rev-parse --short HEAD)  load:$(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
awk '{ if ($1 > 1.0) print "WARNING: load average " $1 " > 1: the machine is shared, figures are not quiet-machine figures" }' /proc/loadavg
"$py" "$http/make_bodies.py" "$tmp" "${names[@]}" | sed 's/^/bodies: /'

# listening_url FILE PID: waits (at most 180 s) for the `listening on http://...` line.
listening_url() {
    for _ in $(seq 1800); do
        grep -q '^listening on http://' "$1" 2> /dev/null && break
        kill -0 "$2" 2> /dev/null || return 1
        sleep 0.1
    done
    sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$1" | head -1
}

"$server_bin" --host 127.0.0.1 --port 0 --log-level warning > "$tmp/ours.out" 2> "$tmp/ours.err" &
ours_pid=$!
"$py" "$here/run_peer.py" > "$tmp/peer.out" 2> "$tmp/peer.err" &
peer_pid=$!
ours_url=$(listening_url "$tmp/ours.out" "$ours_pid") || { cat "$tmp/ours.err"; exit 1; }
peer_url=$(listening_url "$tmp/peer.out" "$peer_pid") || { cat "$tmp/peer.err"; exit 1; }
kernels=$(curl -sS "$ours_url/metrics" | sed -n 's/^server_info{.*kernels="\([^"]*\)".*/\1/p')
echo "ours: gradserver pid $ours_pid at $ours_url, kernels ${kernels:-unknown (no server_info on /metrics)};" \
    "settings: $(env | grep '^GRADSERVER_' | sort | tr '\n' ' ' || true)"
echo "peer: uvicorn pid $peer_pid at $peer_url; $(sed -n 's/^peer: //p' "$tmp/peer.out")"

"$py" "$here/compare.py" "$ours_url" "$peer_url" "$tmp" "${names[@]}" || {
    echo "the peer and gradserver disagree: no benchmark" >&2
    exit 1
}

ticks_per_second=$(getconf CLK_TCK)
# descendants PID: PID and every process under it (uvicorn's supervisor and its workers).
descendants() {
    echo "$1"
    local child
    for child in $(cat /proc/"$1"/task/*/children 2> /dev/null); do descendants "$child"; done
}
# cpu_ticks PID: utime + stime of PID and its descendants (fields 14 and 15 after the command name).
cpu_ticks() {
    local total=0 pid ticks
    for pid in $(descendants "$1"); do
        ticks=$(sed 's/^.*) //' "/proc/$pid/stat" 2> /dev/null | awk '{ print $12 + $13 }') || true
        total=$((total + ${ticks:-0}))
    done
    echo "$total"
}
# settle: waits (at most 60 s) until neither server has used CPU for half a second.
settle() {
    local before after
    for _ in $(seq 120); do
        before=$(($(cpu_ticks "$ours_pid") + $(cpu_ticks "$peer_pid")))
        sleep 0.5
        after=$(($(cpu_ticks "$ours_pid") + $(cpu_ticks "$peer_pid")))
        ((after == before)) && return 0
    done
    echo "WARNING: a server was still busy after 60 s" >&2
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }

results=$tmp/results
: > "$results"
# run_wrk NAME SERVER URL PID CONNECTIONS SECONDS ROUND: one wrk run; its row goes to $results.
run_wrk() {
    local name=$1 server=$2 url=$3 pid=$4 connections=$5 seconds=$6 round=$7 out line before after load
    settle
    load=$(cut -d' ' -f1 /proc/loadavg)
    before=$(cpu_ticks "$pid")
    out=$(BODY_FILE="$tmp/$name.json" wrk -t2 -c"$connections" -d"${seconds}s" --timeout 60s \
        -s "$http/post.lua" "$url/backward" 2>&1) || { echo "$out" >&2; return 1; }
    settle
    after=$(cpu_ticks "$pid")
    line=$(grep '^RESULT' <<< "$out") || { echo "$out" >&2; return 1; }
    local requests=$(field requests "$line")
    local answered=$((requests - $(field non2xx "$line")))
    local cpu_ms=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$answered" \
        'BEGIN { printf "%.2f", (n > 0 ? 1000 * t / hz / n : 0) }')
    printf '%-8s %5s %-5s %5s %5s %9s %10s %9s %9s %7s %7s %11s %5s\n' "$name" "$round" "$server" \
        "$connections" "$seconds" "$requests" "$(field ok_rps "$line")" "$(field p50_ms "$line")" \
        "$(field p99_ms "$line")" "$(field non2xx "$line")" "$(field errors "$line")" "$cpu_ms" "$load" |
        tee -a "$results"
}

header() {
    printf '%-8s %5s %-5s %5s %5s %9s %10s %9s %9s %7s %7s %11s %5s\n' workload round server conns \
        secs requests 2xx/s p50_ms p99_ms non2xx errors cpu_ms/2xx load
}
echo
header
for name in "${names[@]}"; do
    connections=4 seconds=$duration
    [[ $name == seed ]] && connections=32
    [[ $name == bigconv ]] && seconds=$big_duration
    for round in $(seq "$rounds"); do
        run_wrk "$name" ours "$ours_url" "$ours_pid" "$connections" "$seconds" "$round"
        run_wrk "$name" peer "$peer_url" "$peer_pid" "$connections" "$seconds" "$round"
    done
done

echo
echo "== summary ($(date -u '+%T UTC'), load:$(cut -d' ' -f1-3 /proc/loadavg), kernels ${kernels:-unknown})"
header
cat "$results"
echo
"$py" "$here/summarize_peer.py" < "$results"
echo "gradserver's 503s: $(curl -sS "$ours_url/metrics" | grep '^compute_shed_total' | tr '\n' ' ')"
echo "== log: $log"
