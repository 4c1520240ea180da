"""The phases of scripts/load, each printing its figures and recording its checks."""
import os
import shutil
import signal
import subprocess
import threading
import time

import classroom
import clients
from checks import percentile
from flood import BODY_DEADLINE_S, flood_body, run_flood
from server import Server, counter_sum, heavy_body, light_body, request
from wrk import ensure_wrk, merged_percentile, run_wrk

PHASES = ["capacity", "steady", "overload", "flood", "classroom", "graders", "slow", "aborts", "reconcile", "sigterm"]
WORKERS = os.cpu_count() or 2
QUEUE_DEPTH = 2 * WORKERS  # the server's default
COMPUTE_ROUTES = ("/backward", "/forward")


class Context:
    def __init__(self, args, checks, binary):
        self.args, self.checks, self.binary = args, checks, binary
        self.light, self.heavy, self.big_answer = light_body(), heavy_body(), heavy_body(big_answer=True)
        self.capacity = None
        self.server = None


def find_binary(path):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    binary = path or os.path.join(root, ".build/release/gradserver")
    if not os.path.exists(binary):
        print("load: building gradserver (release)", flush=True)
        subprocess.run(["swift", "build", "-c", "release", "--product", "gradserver"], cwd=root, check=True)
    return binary


def run_phases(args, checks):
    ensure_wrk()
    ctx = Context(args, checks, find_binary(args.server))
    wanted = args.phases.split(",")
    ctx.server = Server(ctx.binary)
    print(f"load: gradserver pid {ctx.server.pid} on port {ctx.server.port}, {WORKERS} workers, queue {QUEUE_DEPTH}; "
          f"light body {len(ctx.light)} B, heavy body {len(ctx.heavy)} B", flush=True)
    try:
        for phase in PHASES:
            if phase in wanted or (phase == "capacity" and {"steady", "overload"} & set(wanted)):
                print(f"--- {phase}", flush=True)
                globals()["phase_" + phase](ctx)
    finally:
        ctx.server.terminate()


def metrics_delta(before, after):
    return {k: after.get(k, 0) - before.get(k, 0) for k in set(after) | set(before)}


def answered_and_shed(delta):
    """(answered non-503, shed 503, client aborts) on the compute routes, from a /metrics delta."""
    answered = counter_sum(delta, "http_requests_total", route=COMPUTE_ROUTES) - \
        counter_sum(delta, "http_requests_total", route=COMPUTE_ROUTES, status="503")
    return answered, counter_sum(delta, "http_requests_shed_total"), counter_sum(delta, "http_client_aborts_total")


def measure_capacity(ctx, body, label):
    """Saturation with no shedding: as many connections as compute places (workers + queue)."""
    seconds = max(5, min(15, ctx.args.duration / 4))
    run_wrk(ctx.server.port, body, 2, WORKERS)  # warm-up
    result = run_wrk(ctx.server.port, body, seconds, WORKERS + QUEUE_DEPTH)
    ctx.checks.figure(f"{label}: capacity {result.goodput:.1f} req/s (2xx) with {WORKERS + QUEUE_DEPTH} connections over {seconds:.0f} s; "
                      f"latency p50 {result.p50_ms:.1f} ms p99 {result.p99_ms:.1f} ms")
    ctx.checks.check(f"{label}: capacity probe sheds nothing", not result.non2xx() and not any(result.socket_errors.values()),
                     f"statuses {result.statuses}, socket errors {result.socket_errors}")
    return result.goodput


def phase_capacity(ctx):
    ctx.capacity = measure_capacity(ctx, ctx.light, "light problem")


def calibrated_delay(ctx, body, target_rate, connections, rounds=4):
    """The per-connection pause (ms) that makes wrk offer target_rate req/s within 5 %: wrk pauses
    after each answer, so rate = connections / (pause + time per request), and the time per request
    itself shrinks as the load falls. 2 s trials (which also warm the server up to the phase's
    load) correct the pause by most of the period's error each round."""
    period = 1000 * connections / target_rate
    delay = period
    for _ in range(rounds):
        trial = run_wrk(ctx.server.port, body, 2, connections, delay, threads=min(2, connections))
        if abs(trial.offered / target_rate - 1) <= 0.05:
            break
        delay = max(0.0, delay + 0.7 * (period - 1000 * connections / max(trial.offered, 1)))
    return delay


def paced(ctx, body, delay, connections, seconds):
    return run_wrk(ctx.server.port, body, seconds, connections, delay, threads=min(2, connections))


def phase_steady(ctx):
    connections = WORKERS + QUEUE_DEPTH
    delay = calibrated_delay(ctx, ctx.light, 0.8 * ctx.capacity, connections)
    rss_before = ctx.server.rss_kib()
    before = ctx.server.metrics()
    result = paced(ctx, ctx.light, delay, connections, ctx.args.duration)
    rss_after = ctx.server.rss_kib()
    answered, shed, _ = answered_and_shed(metrics_delta(before, ctx.server.metrics()))
    ctx.checks.figure(f"offered {result.offered:.0f} req/s = {result.offered / ctx.capacity:.2f} x capacity for {result.seconds:.0f} s; "
                      f"{result.total} answered, p50 {result.p50_ms:.1f} ms p99 {result.p99_ms:.1f} ms; RSS {rss_before} -> {rss_after} KiB")
    ctx.checks.check("0.8x capacity: zero non-2xx", result.total > 0 and not result.non2xx() and not any(result.socket_errors.values()),
                     f"statuses {result.statuses}, socket errors {result.socket_errors}")
    ctx.checks.check("0.8x capacity: RSS growth under 10 %", rss_after < 1.1 * rss_before, f"{rss_before} -> {rss_after} KiB")
    ctx.checks.figure(f"/metrics: {answered:.0f} answered on the compute routes (wrk saw {result.total})")


def phase_overload(ctx):
    """4 x capacity of a compute-bound problem (the heavy one, milliseconds of compute each): the
    criterion. Then the light problem, whose compute costs about what a shed costs (a 15.7 KB body
    through loopback TCP, a 503 back) on the 2 cores wrk shares: its goodput is a figure, since
    there shedding cannot free much CPU for the answers (docs/RELIABILITY.md)."""
    capacity = measure_capacity(ctx, ctx.heavy, "heavy problem")
    result = overload(ctx, ctx.heavy, capacity, "4x capacity (heavy problem)")
    # The host's speed drifts (docs/PERFORMANCE.md): capacity is probed again after the overload
    # and the goodput judged against the mean of the two probes, each reported.
    after = measure_capacity(ctx, ctx.heavy, "heavy problem, after the overload")
    mean = (capacity + after) / 2
    ctx.checks.check("4x capacity (heavy problem): goodput >= 0.9 x capacity", result.goodput >= 0.9 * mean,
                     f"{result.goodput:.1f} req/s = {result.goodput / mean:.2f} x the mean capacity {mean:.1f} "
                     f"({capacity:.1f} before, {after:.1f} after)")
    overload(ctx, ctx.light, ctx.capacity, "4x capacity (light problem)")


def overload(ctx, body, capacity, label):
    """wrk at 4 x `capacity` over 64 connections for the phase's duration; returns its result."""
    connections = 64
    delay = calibrated_delay(ctx, body, 4 * capacity, connections)
    rss_before = ctx.server.rss_kib()
    probe = clients.Probe(ctx.server.port, "/healthz", interval=0.01)
    probe.start()
    before = ctx.server.metrics()
    result = paced(ctx, body, delay, connections, ctx.args.duration)
    probe.stop()
    answered, shed, aborts = answered_and_shed(metrics_delta(before, ctx.server.metrics()))
    rss_after = ctx.server.rss_kib()
    p99 = percentile(probe.latencies, 99)
    ctx.checks.figure(f"{label}: offered {result.offered:.0f} req/s = {result.offered / capacity:.2f} x capacity over {connections} connections "
                      f"(paced {delay:.2f} ms) for {result.seconds:.0f} s; statuses {result.statuses}; goodput {result.goodput:.1f} req/s = "
                      f"{result.goodput / capacity:.2f} x capacity; socket errors {result.socket_errors}")
    ctx.checks.figure(f"/healthz: {len(probe.latencies)} probes, p50 {percentile(probe.latencies, 50):.2f} ms, p99 {p99:.2f} ms, "
                      f"max {max(probe.latencies, default=0):.2f} ms, {probe.errors} errors; RSS {rss_before} -> {rss_after} KiB")
    ctx.checks.figure(f"/metrics over the phase: {answered:.0f} answered, {shed:.0f} shed, {aborts:.0f} client aborts (wrk stops with requests in flight)")
    ctx.checks.check(f"{label}: only 503 shed", result.total > 0 and set(result.non2xx()) <= {503}, f"non-2xx {result.non2xx()}")
    ctx.checks.check(f"{label}: /healthz p99 < 50 ms", p99 < 50 and probe.errors == 0 and probe.latencies, f"p99 {p99:.2f} ms")
    ctx.checks.check(f"{label}: RSS growth under 10 %", rss_after < 1.1 * rss_before, f"{rss_before} -> {rss_after} KiB")
    return result


def phase_flood(ctx):
    """Issue 20: 32 clients (half with `Expect: 100-continue`) and wrk with 8 connections POST a
    1.3 MB /forward body for `--flood-seconds` (20 by default): only 200 and 503 (with
    Retry-After), no connection ended without an answer, none slower than the body deadline."""
    seconds = ctx.args.flood_seconds
    body = flood_body()
    before = ctx.server.metrics()
    statuses, wrk, slowest, failures, no_retry_after = run_flood(ctx.server.port, body, seconds)
    timeouts = counter_sum(metrics_delta(before, ctx.server.metrics()), "http_requests_total", status="408")
    ctx.checks.figure(f"flood of {len(body)} B bodies for {seconds:.0f} s: clients {statuses} (slowest {slowest:.2f} s, "
                      f"{failures} without an answer); wrk {wrk.statuses} (max {wrk.max_ms / 1000:.2f} s, socket errors "
                      f"{wrk.socket_errors}); server 408s {timeouts:.0f}")
    total = dict(statuses)
    for status, n in wrk.statuses.items():
        total[status] = total.get(status, 0) + n
    ctx.checks.check("flood: only 200 and 503", total.get(200, 0) > 0 and set(total) <= {200, 503} and timeouts == 0,
                     f"statuses {total}")
    ctx.checks.check("flood: every 503 has Retry-After, every request an answer", no_retry_after == 0 and failures == 0
                     and not wrk.socket_errors.get("timeout") and not wrk.socket_errors.get("read"),
                     f"{no_retry_after} without Retry-After, {failures} client failures, wrk errors {wrk.socket_errors}")
    ctx.checks.check("flood: no answer slower than the body deadline",
                     max(slowest, wrk.max_ms / 1000) < BODY_DEADLINE_S, f"slowest {max(slowest, wrk.max_ms / 1000):.2f} s")


def phase_classroom(ctx):
    """Issue 18 with the default flags. A burst: wrk, 32 connections, the lesson's example to
    /backward for 5 s: no 503. Then the autograder (2 connections POSTing /grade with 200
    MNIST-size submissions) alone and beside 64 students clicking /backward and /explain of the
    lesson's example (think time 0.5-1.5 s), D s of each in 4 alternating slices: the students'
    p99 <= 10 ms and the grader keeps >= 90 % of its rate alone; only 200 and 503 anywhere."""
    seconds = ctx.args.classroom_seconds
    problem, _ = classroom.lesson_bodies()
    burst = run_wrk(ctx.server.port, problem, 5, 32, threads=2)
    ctx.checks.figure(f"burst: 32 connections x 5 s of the lesson's /backward: {burst.statuses} ({burst.offered:.0f} req/s), "
                      f"p50 {burst.p50_ms:.2f} ms p99 {burst.p99_ms:.2f} ms")
    ctx.checks.check("classroom burst: no 503", burst.total > 0 and not burst.non2xx(), f"statuses {burst.statuses}")
    grade = classroom.mnist_grade_body()
    # The host's speed drifts (docs/PERFORMANCE.md): alone and beside the class alternate in 4
    # slices each (ABBA order), so both rates see the same minutes and neither always goes first.
    slices, alone, grading, class_ = 4, [], [], []
    before = ctx.server.metrics()
    for turn in range(2 * slices):  # alone first, then beside first, and so on
        if (turn + turn // 2) % 2 == 0:
            alone += classroom.graders(ctx.server.port, grade, ctx.args.graders)
            classroom.run_clients(alone[-ctx.args.graders:], seconds / slices)
        else:
            grading += classroom.graders(ctx.server.port, grade, ctx.args.graders)
            for client in grading[-ctx.args.graders:]:
                client.start()
            class_.append(classroom.students(ctx.server.port, seconds / slices))
            for client in grading[-ctx.args.graders:]:
                client.stop()
            for client in grading[-ctx.args.graders:]:
                client.join(60)
    alone_rate = 200 * sum(c.statuses.get(200, 0) for c in alone) / seconds
    delta = metrics_delta(before, ctx.server.metrics())
    shed = counter_sum(delta, "http_requests_shed_total")
    rate = 200 * sum(c.statuses.get(200, 0) for c in grading) / seconds
    runs = [run for slice_ in class_ for run in slice_.values()]
    student_statuses, grader_statuses = merged_statuses(runs), classroom.merged(grading, "statuses")
    failures = sum(c.failures for c in grading) + sum(sum(r.socket_errors.values()) for r in runs)
    for path in ("/backward", "/explain"):
        path_runs = [slice_[path] for slice_ in class_]
        ctx.checks.figure(f"students {path}: {sum(r.ok for r in path_runs)} answered, p50 {merged_percentile(path_runs, 50):.2f} ms, "
                          f"p99 {merged_percentile(path_runs, 99):.2f} ms, max {max(r.max_ms for r in path_runs):.2f} ms")
    server_p99 = {route: bucket_quantile(delta, "http_request_duration_seconds", route, 0.99) for route in ("/backward", "/explain")}
    light_p99 = bucket_quantile(delta, "compute_queue_delay_seconds", None, 0.99, lane="light")
    ctx.checks.figure(f"server side (/metrics): p99 from header to answer written <= {server_p99} s (bucket bounds); "
                      f"light-lane queueing delay p99 <= {light_p99} s")
    ctx.checks.figure(f"grader ({ctx.args.graders} connections, {len(grade)} B bodies): {alone_rate:.0f} submissions/s alone, {rate:.0f} "
                      f"beside the class ({rate / max(alone_rate, 1):.2f}); statuses students {student_statuses}, grader {grader_statuses}; "
                      f"shed {shed:.0f}; {failures} failures")
    p99 = merged_percentile(runs, 99)
    ctx.checks.check("classroom: students' p99 <= 10 ms", runs and p99 <= 10, f"p99 {p99:.2f} ms")
    ctx.checks.check("classroom: grader keeps >= 90 % of its rate alone", rate >= 0.9 * alone_rate, f"{rate:.0f} of {alone_rate:.0f}")
    ctx.checks.check("classroom: only 200 and 503, every request answered",
                     set(student_statuses) | set(grader_statuses) <= {200, 503} and failures == 0,
                     f"students {student_statuses}, grader {grader_statuses}, {failures} failures")


def phase_graders(ctx):
    """Issue 18's second target: 2 connections POSTing a CIFAR-size /backward in a loop, alone and
    beside wrk with 4 connections of the lesson's example (no pause), D s of each in 4 alternating
    slices: the lesson's p99 <= 10 ms (wrk's) and the graders keep >= 90 % of their rate alone."""
    seconds, slices = ctx.args.classroom_seconds, 4
    problem, _ = classroom.lesson_bodies()
    body = classroom.cifar_backward_body()
    alone, beside, lesson = [], [], []
    for turn in range(2 * slices):  # alone first, then beside first, and so on
        if (turn + turn // 2) % 2 == 0:
            alone += classroom.graders(ctx.server.port, body, 2, path="/backward")
            classroom.run_clients(alone[-2:], seconds / slices)
            continue
        beside += classroom.graders(ctx.server.port, body, 2, path="/backward")
        for client in beside[-2:]:
            client.start()
        lesson.append(run_wrk(ctx.server.port, problem, seconds / slices, 4, threads=1))
        for client in beside[-2:]:
            client.stop()
        for client in beside[-2:]:
            client.join(60)
    rate_alone = sum(c.statuses.get(200, 0) for c in alone) / seconds
    rate_beside = sum(c.statuses.get(200, 0) for c in beside) / seconds
    p99 = merged_percentile(lesson, 99)
    statuses = classroom.merged(alone + beside, "statuses")
    ctx.checks.figure(f"CIFAR-size /backward ({len(body)} B) x 2 connections: {rate_alone:.1f} req/s alone, {rate_beside:.1f} beside the lesson "
                      f"({rate_beside / max(rate_alone, 1e-9):.2f}); statuses {statuses}")
    ctx.checks.figure(f"lesson's example, wrk x 4 beside them: {sum(r.total for r in lesson)} answers, statuses "
                      f"{[r.statuses for r in lesson]}, p50 {merged_percentile(lesson, 50):.2f} ms, p99 {p99:.2f} ms "
                      f"(per slice {[round(r.p99_ms, 2) for r in lesson]} ms)")
    ctx.checks.check("graders: the lesson's p99 <= 10 ms", p99 <= 10 and all(not r.non2xx() for r in lesson), f"p99 {p99:.2f} ms")
    ctx.checks.check("graders: >= 90 % of their rate alone", rate_beside >= 0.9 * rate_alone, f"{rate_beside:.1f} of {rate_alone:.1f} req/s")


def merged_statuses(runs):
    """Statuses summed over several wrk runs."""
    total = {}
    for run in runs:
        for status, n in run.statuses.items():
            total[status] = total.get(status, 0) + n
    return total


def bucket_quantile(delta, name, route, q, **labels):
    """The upper bound of the histogram bucket holding the q-quantile, from a /metrics delta."""
    match = dict(labels, **({"route": route} if route else {}))
    buckets = {}
    for (metric, label_set), value in delta.items():
        found = dict(label_set)
        if metric == name + "_bucket" and all(found.get(k) == v for k, v in match.items()):
            bound = float("inf") if found["le"] == "+Inf" else float(found["le"])
            buckets[bound] = buckets.get(bound, 0) + value
    total = max(buckets.values(), default=0)
    for bound in sorted(buckets):
        if total and buckets[bound] >= q * total:
            return bound
    return None


def phase_slow(ctx):
    """1,000 idle keep-alive + 200 slowloris while a normal client measures its latency."""
    seconds = max(10, ctx.args.duration / 2)
    baseline = clients.Probe(ctx.server.port, "/backward", body=ctx.light, interval=0.02)
    baseline.start()
    time.sleep(min(10, seconds / 2))
    baseline.stop()
    idle = clients.open_idle(ctx.server.port, 1000)
    slow_tool = shutil.which("slowhttptest")
    slowloris, tool = None, None
    if slow_tool:
        tool = subprocess.Popen(
            [slow_tool, "-H", "-c", "200", "-r", "200", "-i", "2", "-l", str(int(seconds) + 2), "-s", "8192",
             "-t", "POST", "-u", f"http://127.0.0.1:{ctx.server.port}/backward", "-p", "3"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    else:
        slowloris = clients.Slowloris(ctx.server.port, 200)
        slowloris.start()
    time.sleep(2)
    connections_held = ctx.server.fd_count()
    during = clients.Probe(ctx.server.port, "/backward", body=ctx.light, interval=0.02)
    during.start()
    time.sleep(seconds - 2)
    during.stop()
    if tool:
        output = tool.communicate(timeout=60)[0]
        lines = [line for line in output.splitlines() if any(k in line for k in ("connected", "closed", "error", "pending", "available"))]
        slow_figures = "slowhttptest (200 slowloris, a header line every 2 s): " + "; ".join(s.strip() for s in lines[-5:])
    else:
        slowloris.stop()
        slow_figures = f"Python slowloris: 200 held, {slowloris.reopened} closed by the server and reopened ({slowloris.timeouts} with 408)"
    alive = clients.still_answering(idle)
    b50, b99 = percentile(baseline.latencies, 50), percentile(baseline.latencies, 99)
    d50, d99 = percentile(during.latencies, 50), percentile(during.latencies, 99)
    ctx.checks.figure(f"server fds with 1,000 idle + 200 slow connections: {connections_held}")
    ctx.checks.figure(slow_figures)
    ctx.checks.figure(f"normal client /backward: before p50 {b50:.2f} ms p99 {b99:.2f} ms ({len(baseline.latencies)} requests); "
                      f"during p50 {d50:.2f} ms p99 {d99:.2f} ms ({len(during.latencies)} requests, statuses {during.statuses}, {during.errors} errors)")
    ctx.checks.check("1,000 idle keep-alive connections held", alive == 1000, f"{alive} of 1000 still answer after {seconds:.0f} s")
    ctx.checks.check("normal clients keep their latency under 1,000 idle + 200 slowloris",
                     during.latencies and set(during.statuses) == {200} and during.errors == 0 and d99 <= max(2 * b99, b99 + 20),
                     f"p99 {b99:.2f} -> {d99:.2f} ms (bound: max(2x, +20 ms))")


IDLE_TRIM_DELAY = 5  # the server's default --idle-trim-delay, seconds


def settle(server, fds, seconds=10):
    """Waits until the server's fd count is back to `fds` (lingering closes take up to 1 s)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.fd_count() > fds:
        time.sleep(0.25)
    return server.fd_count()


def at_rest(server):
    """(RSS KiB, heap bytes in live allocations) once the server has been quiet long enough to give
    freed heap back (its idle trim): under load it keeps freed memory for reuse on purpose."""
    time.sleep(IDLE_TRIM_DELAY + 2)
    return server.rss_kib(), counter_sum(server.metrics(), "process_heap_in_use_bytes")


def phase_aborts(ctx):
    server, count = ctx.server, ctx.args.aborts
    # Warm up with the same requests, more parallel than the aborts; the baseline is taken at rest
    # (after the idle trim, which also frees the engine's kept GEMM buffers).
    for body in (ctx.heavy, ctx.big_answer):
        clients.in_parallel(lambda: request(server.port, "POST", "/backward", body, timeout=60), 48, 8)
    time.sleep(1.5)  # lingering closes end
    fds, (rss, heap) = server.fd_count(), at_rest(server)
    reference = request(server.port, "POST", "/backward", ctx.light)
    kinds = [("mid-body", lambda: clients.abort_mid_body(server.port, ctx.heavy)),
             ("mid-compute", lambda: clients.abort_mid_compute(server.port, ctx.heavy)),
             ("mid-response", lambda: clients.abort_mid_response(server.port, ctx.big_answer))]
    for name, task in kinds:
        before = server.metrics()
        started = time.monotonic()
        failures = clients.in_parallel(task, count, 4)  # fewer than the compute places: nothing shed
        took = time.monotonic() - started
        after_fds = settle(server, fds)
        busy_rss = server.rss_kib()
        answered, shed, aborts = answered_and_shed(metrics_delta(before, server.metrics()))
        after_rss, after_heap = at_rest(server)
        ctx.checks.figure(f"{name}: {count} clients vanished in {took:.1f} s ({failures} could not even send); "
                          f"/metrics: {aborts:.0f} client aborts, {answered:.0f} answered, {shed:.0f} shed; "
                          f"fds {fds} -> {after_fds}; RSS at rest {rss} KiB, right after {busy_rss} KiB, at rest again {after_rss} KiB; "
                          f"heap in use at rest {heap / 1024:.0f} -> {after_heap / 1024:.0f} KiB")
        # A request counts once: answered when its last byte was written, else a client abort
        # (mid-response: the write failed), or shed.
        ctx.checks.check(f"{count} aborts {name}: nothing lost (answered + shed + aborts = sent)",
                         answered + shed + aborts == count - failures, f"{answered + shed + aborts:.0f} vs {count - failures}")
        ctx.checks.check(f"{count} aborts {name}: fds back to baseline", after_fds <= fds, f"{fds} -> {after_fds}")
        # Under 1 KiB per abort: a leaked connection, exchange or buffer would be far more. (Live
        # bytes drift by a few KiB as threads come and go: glibc counts chunks in a thread's cache
        # as in use.)
        ctx.checks.check(f"{count} aborts {name}: heap in use at rest back to baseline (< 1 KiB per abort): nothing leaked",
                         after_heap - heap < 1024 * count, f"{heap / 1024:.0f} -> {after_heap / 1024:.0f} KiB")
        ctx.checks.check(f"{count} aborts {name}: RSS at rest back to baseline (+10 %)", after_rss <= 1.1 * rss, f"{rss} -> {after_rss} KiB")
    again = request(server.port, "POST", "/backward", ctx.light)
    health = request(server.port, "GET", "/healthz")
    ctx.checks.check("after the aborts: healthy and byte-identical answers", health[0] == 200 and again[0] == 200 and again[2] == reference[2],
                     f"/healthz {health[0]}, /backward {again[0]}, same bytes: {again[2] == reference[2]}")


def phase_reconcile(ctx):
    """Overload with a share of clients that vanish mid-compute: every request sent is answered,
    shed, or counted as a client abort by /metrics."""
    server = ctx.server
    clients_count, per_client = 32, max(20, ctx.args.aborts // 10)
    before = server.metrics()
    fates = clients.Fates()
    clients.overload_with_aborts(server.port, ctx.heavy, clients_count, per_client, 10, fates)
    time.sleep(1.5)  # let abandoned computations finish and lingering closes complete
    answered, shed, aborts = answered_and_shed(metrics_delta(before, server.metrics()))
    sent = clients_count * per_client - fates.get("not sent")
    ctx.checks.figure(f"client side: {sent} sent, fates {dict(sorted(fates.counts.items(), key=str))}")
    ctx.checks.figure(f"/metrics: {answered:.0f} answered + {shed:.0f} shed + {aborts:.0f} client aborts = {answered + shed + aborts:.0f}")
    ctx.checks.check("nothing lost: answered + shed + client aborts = sent", answered + shed + aborts == sent,
                     f"{answered + shed + aborts:.0f} vs {sent}")
    client_answered = sum(n for k, n in fates.counts.items() if isinstance(k, int) and k != 503)
    ctx.checks.check("every request a client waited for was answered",
                     fates.get("unanswered") == 0 and fates.get("partial") == 0 and client_answered + fates.get(503) + fates.get("aborted") == sent,
                     f"{fates.get('unanswered')} unanswered, {fates.get('partial')} partial")


def phase_sigterm(ctx):
    """Three times: a fresh server under load gets SIGTERM; clients keep sending until refused."""
    for round_number in range(1, 4):
        server = Server(ctx.binary)
        fates, stop = clients.Fates(), threading.Event()
        ready_turned = []

        def watch_readyz():
            while not stop.is_set():
                try:
                    if request(server.port, "GET", "/readyz", timeout=2)[0] == 503:
                        ready_turned.append(time.monotonic())
                        return
                except (OSError, clients.NoResponse, clients.PartialResponse):
                    return
                time.sleep(0.005)

        # As many clients as compute places, half of them heavy: requests are in flight, few are shed.
        workers = [threading.Thread(target=sigterm_client, args=(server.port, ctx.light if i % 2 else ctx.heavy, fates, stop))
                   for i in range(WORKERS + QUEUE_DEPTH)]
        for w in workers:
            w.start()
        time.sleep(2)
        watcher = threading.Thread(target=watch_readyz)
        watcher.start()
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        try:
            status = server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            status = server.terminate()
        exited = time.monotonic() - signalled
        stop.set()
        for w in workers:
            w.join(30)
        watcher.join(5)
        readyz_ms = (ready_turned[0] - signalled) * 1000 if ready_turned else None
        answered = sum(n for k, n in fates.counts.items() if isinstance(k, int))
        ctx.checks.figure(f"round {round_number}: exit {status} after {exited:.2f} s; /readyz 503 after "
                          f"{'%.0f ms' % readyz_ms if readyz_ms is not None else 'never seen'}; fates {dict(sorted(fates.counts.items(), key=str))}")
        ctx.checks.check(f"SIGTERM under load #{round_number}: exit 0, no accepted request unanswered",
                         status == 0 and fates.get("unanswered") + fates.get("reset, unanswered") + fates.get("partial") == 0 and answered > 0,
                         f"exit {status}, {answered} answered, {fates.get('unanswered')} closed and {fates.get('reset, unanswered')} reset "
                         f"without an answer, {fates.get('partial')} partial, "
                         f"{fates.get('refused')} refused at connect")


def sigterm_client(port, body, fates, stop):
    """Sends requests back to back (keep-alive) until the server refuses connections."""
    sock, buffer, used = None, b"", 0
    while not stop.is_set():
        try:
            if sock is None:
                sock, buffer, used = clients.socket.create_connection(("127.0.0.1", port), timeout=30), b"", 0
        except OSError:
            fates.add("refused")
            return
        used += 1
        try:
            sock.sendall(clients.post_bytes("/backward", body))
        except OSError:
            fates.add("not sent")
            sock = None
            continue
        try:
            status, headers, _, buffer = clients.read_response(sock, buffer)
            fates.add(status)
            if headers.get("connection", "").lower() == "close":
                sock.close()
                sock = None
        except clients.NoResponse:
            fates.add("unanswered")
            fates.add("unanswered, fresh connection" if used == 1 else "unanswered, reused connection")
            sock = None
        except ConnectionResetError:
            fates.add("reset, unanswered")
            fates.add("reset, fresh connection" if used == 1 else "reset, reused connection")
            sock = None
        except (clients.PartialResponse, OSError):
            fates.add("partial")
            sock = None
