"""The Python client's own cost on the mnist-size POST /backward (issue 15): encode + decode against
the whole call, base64 against nested lists, interleaved in one run.

Per call, timed apart with the client's own code (convgrad.Client.post and BackwardResult.from_json):
- encode: numpy problem -> contract tensors (`encode_request`) -> JSON bytes;
- round trip: the HTTP exchange (requests), which includes the server's parse, compute and write;
- decode: JSON bytes -> dict (`json.loads`) -> float64 arrays (`BackwardResult.from_json`).
Overhead = (encode + decode) / (encode + round trip + decode), from the medians.

Usage: python3 bench/python-client/overhead.py URL [RUNS=15]   (a release gradserver:
`swift build -c release --product gradserver`; the workload is bench/http/workloads.py's mnist)
"""
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import convgrad
from convgrad._tensors import encode_request
from convgrad.results import BackwardResult

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
import workloads  # noqa: E402  (bench/http/workloads.py)


def one_call(client: convgrad.Client, problem: dict) -> dict:
    """One client.backward(problem), phase by phase; seconds per phase and the body sizes."""
    t0 = time.perf_counter()
    body = encode_request(problem, client.tensor_format)
    if client.tensor_format == "base64":
        body.setdefault("tensor_format", "base64")
    raw = json.dumps(body).encode()
    t1 = time.perf_counter()
    response = client.transport.request("POST", "/backward", raw)
    t2 = time.perf_counter()
    content = response.content
    result = BackwardResult.from_json(json.loads(content))
    t3 = time.perf_counter()
    assert result.gradients["input"].shape == (64, 1, 28, 28)
    return {"encode": t1 - t0, "round_trip": t2 - t1, "decode": t3 - t2, "request_bytes": len(raw),
            "response_bytes": len(content)}


def main() -> None:
    url, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15
    problem = workloads.mnist(np.random.default_rng(20261127))
    clients = {fmt: convgrad.Client(url, timeout=120, tensor_format=fmt) for fmt in ("base64", "nested")}
    samples = {fmt: [] for fmt in clients}
    for fmt, client in clients.items():  # warm-up: one call each
        one_call(client, problem)
    for _ in range(runs):  # interleaved, so drift in the shared machine's speed hits both alike
        for fmt, client in clients.items():
            samples[fmt].append(one_call(client, problem))
    print(f"mnist POST /backward (input [64,1,28,28]), {runs} calls per format, medians in ms")
    print(f"{'format':<8} {'encode':>8} {'round trip':>11} {'decode':>8} {'total':>8} {'overhead':>9} "
          f"{'request':>10} {'response':>10}")
    for fmt, rows in samples.items():
        med = {k: statistics.median(r[k] for r in rows) for k in ("encode", "round_trip", "decode")}
        total = sum(med.values())
        print(f"{fmt:<8} {med['encode'] * 1e3:8.2f} {med['round_trip'] * 1e3:11.2f} {med['decode'] * 1e3:8.2f} "
              f"{total * 1e3:8.2f} {100 * (med['encode'] + med['decode']) / total:8.1f}% "
              f"{rows[0]['request_bytes'] / 1e6:8.2f}MB {rows[0]['response_bytes'] / 1e6:8.2f}MB")


if __name__ == "__main__":
    main()
