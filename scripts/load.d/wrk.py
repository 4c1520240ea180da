"""wrk (Debian's package) with a Lua script: POST a body, pace each connection, count statuses."""
import os
import re
import shutil
import subprocess
import tempfile

LUA = r"""
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("%(body)s", "rb"); wrk.body = f:read("*a"); f:close()
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {}; math.randomseed(os.time()) end
-- Think time: uniform in [delay_ms, delay_max_ms]. wrk waits whole milliseconds (its timer
-- truncates); a fractional pause is met on average by waiting the next whole millisecond with the
-- fraction's probability.
local low, high = %(delay_ms)f, %(delay_max_ms)f
function delay()
  local pause = low + (high - low) * math.random()
  local whole = math.floor(pause)
  if math.random() < pause - whole then return whole + 1 end
  return whole
end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("counts")) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do io.write(string.format("STATUS %%d %%d\n", status, n)) end
  io.write(string.format("LATENCY %%f %%f %%f %%f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000, latency.max / 1000))
  -- The latency quantile function at 0.1 %% steps, so several runs can be merged into one
  -- percentile (this wrk's stats object answers percentiles, not its samples).
  for step = 1, 1000 do io.write(string.format("QUANTILE %%d %%f\n", step, latency:percentile(step / 10) / 1000)) end
  io.write(string.format("ERRORS %%d %%d %%d %%d %%d\n", summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
end
"""


def ensure_wrk():
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if shutil.which("wrk") is None:
        raise SystemExit("scripts/load needs wrk (apt-get install wrk)")


class WrkResult:
    def __init__(self, output, seconds):
        self.output = output
        self.seconds = seconds
        self.statuses = {int(s): int(n) for s, n in re.findall(r"^STATUS (\d+) (\d+)$", output, re.M)}
        latency = re.search(r"^LATENCY (\S+) (\S+) (\S+) (\S+)$", output, re.M)
        self.p50_ms, self.p99_ms, self.mean_ms, self.max_ms = map(float, latency.groups()) if latency else (0.0,) * 4
        self.quantiles = [float(ms) for _, ms in re.findall(r"^QUANTILE (\d+) (\S+)$", output, re.M)]
        errors = re.search(r"^ERRORS (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.M)
        self.socket_errors = dict(zip(["connect", "read", "write", "status", "timeout"],
                                      map(int, errors.groups()))) if errors else {}

    @property
    def ok(self):
        return sum(n for s, n in self.statuses.items() if 200 <= s < 300)

    @property
    def total(self):
        return sum(self.statuses.values())

    @property
    def goodput(self):
        return self.ok / self.seconds

    @property
    def offered(self):
        return self.total / self.seconds

    def non2xx(self):
        return {s: n for s, n in self.statuses.items() if not 200 <= s < 300}


def merged_percentile(results, q):
    """The q-th percentile (ms) of several wrk runs' latencies together: each run's quantile function
    (0.1 % steps) stands for its answers, weighted by their count."""
    points = sorted((ms, result.ok / len(result.quantiles)) for result in results if result.quantiles for ms in result.quantiles)
    total, seen = sum(weight for _, weight in points), 0.0
    for ms, weight in points:
        seen += weight
        if seen >= q / 100 * total - 1e-9:
            return ms
    return 0.0


def run_wrk(port, body, seconds, connections, delay_ms=0.0, threads=1, path="/backward", timeout_s=10, delay_max_ms=None):
    """Runs wrk against POST path for `seconds`; each connection waits delay_ms after each response
    (uniform in [delay_ms, delay_max_ms] when that is given: a student's think time)."""
    with tempfile.TemporaryDirectory() as tmp:
        body_file = os.path.join(tmp, "body.json")
        with open(body_file, "wb") as f:
            f.write(body)
        script = os.path.join(tmp, "post.lua")
        with open(script, "w") as f:
            f.write(LUA % {"body": body_file, "delay_ms": delay_ms,
                          "delay_max_ms": delay_ms if delay_max_ms is None else delay_max_ms})
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", f"{timeout_s}s",
                   "-s", script, f"http://127.0.0.1:{port}{path}"]
        output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout_s + 60).stdout
    return WrkResult(output, seconds)
