-- wrk script: GET (keep-alive) with the same RESULT line as post.lua.
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.2f ok_rps=%.2f p50_ms=%.3f p99_ms=%.3f non2xx=%d errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, (summary.requests - e.status) / seconds,
    latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    e.status, e.connect + e.read + e.write + e.timeout))
end
