"""The Python client's own cost on the mnist-size POST /backward (issue 15): encode + decode against
the whole call, base64 against nested lists, interleaved in one run.

Per call, timed apart with the client's own code (convgrad.Client.post and BackwardResult.from_json):
- encode: numpy problem -> JSON bytes with the tensors spliced in (`_wire.dumps_request`);
- round trip: the HTTP exchange (requests), which includes the server's parse, compute and write;
- decode: JSON bytes -> dict with float64 arrays (`_wire.loads_response`, `BackwardResult.from_json`).
Overhead = (encode + decode) / (encode + round trip + decode), from the medians. base64 runs with
each base64 backend (pybase64, the `fast` extra, when installed; the standard library's binascii).

Usage: python3 bench/python-client/overhead.py URL [RUNS=15]   (a release gradserver:
`swift build -c release --product gradserver`; the workload is bench/http/workloads.py's mnist)
"""
import statistics
import sys
import time
from pathlib import Path

import numpy as np

import convgrad
from convgrad import _base64
from convgrad._wire import dumps_request, loads_response
from convgrad.results import BackwardResult

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
import workloads  # noqa: E402  (bench/http/workloads.py)


def one_call(client: convgrad.Client, problem: dict) -> dict:
    """One client.backward(problem), phase by phase; seconds per phase and the body sizes."""
    t0 = time.perf_counter()
    if client.tensor_format == "base64":
        problem = {**problem, "tensor_format": "base64"}
    raw = dumps_request(problem, client.tensor_format)
    t1 = time.perf_counter()
    response = client.transport.request("POST", "/backward", raw)
    t2 = time.perf_counter()
    content = response.content
    result = BackwardResult.from_json(loads_response(content))
    t3 = time.perf_counter()
    assert result.gradients["input"].shape == (64, 1, 28, 28)
    return {"encode": t1 - t0, "round_trip": t2 - t1, "decode": t3 - t2, "request_bytes": len(raw),
            "response_bytes": len(content)}


def variants(url: str) -> dict:
    """label -> (client, base64 backend module or None): base64 with each backend, and nested lists."""
    fast = _base64.pybase64
    rows = {"base64+pybase64": ("base64", fast), "base64+binascii": ("base64", None), "nested": ("nested", None)}
    if fast is None:
        del rows["base64+pybase64"]
    return {label: (convgrad.Client(url, timeout=120, tensor_format=fmt), backend)
            for label, (fmt, backend) in rows.items()}


def main() -> None:
    url, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 15
    problem = workloads.mnist(np.random.default_rng(20261127))
    clients = variants(url)
    samples = {label: [] for label in clients}

    def call(label: str) -> dict:
        client, backend = clients[label]
        _base64.pybase64 = backend
        return one_call(client, problem)

    for label in clients:  # warm-up: one call each
        call(label)
    for _ in range(runs):  # interleaved, so drift in the shared machine's speed hits all alike
        for label in clients:
            samples[label].append(call(label))
    print(f"mnist POST /backward (input [64,1,28,28]), {runs} calls per variant, medians in ms")
    print(f"{'variant':<16} {'encode':>7} {'round trip':>11} {'decode':>7} {'total':>8} {'overhead':>9} "
          f"{'request':>8} {'response':>9}")
    for label, rows in samples.items():
        med = {k: statistics.median(r[k] for r in rows) for k in ("encode", "round_trip", "decode")}
        total = sum(med.values())
        print(f"{label:<16} {med['encode'] * 1e3:7.2f} {med['round_trip'] * 1e3:11.2f} {med['decode'] * 1e3:7.2f} "
              f"{total * 1e3:8.2f} {100 * (med['encode'] + med['decode']) / total:8.1f}% "
              f"{rows[0]['request_bytes'] / 1e6:6.2f}MB {rows[0]['response_bytes'] / 1e6:7.2f}MB")


if __name__ == "__main__":
    main()
