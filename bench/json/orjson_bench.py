#!/usr/bin/env python3
"""The JSON baseline of issue 7: orjson (and Python's json) on nested float64 tensors.

usage: orjson_bench.py [MNIST_BODY]

Times, as gradbench's json section does for ours: writing a [64,1,28,28] nested array of
float64 (uniform in [-1, 1), seed 11) and parsing those bytes back (median of 15 runs, MB/s of
the bytes). With MNIST_BODY (bench/http/make_bodies.py's mnist.json) it also times parsing that
whole request. orjson missing: says so and times Python's json only.
"""
import json
import sys
import time

import numpy as np


def median_seconds(fn, runs=15):
    fn()
    t = []
    for _ in range(runs):
        s = time.perf_counter()
        fn()
        t.append(time.perf_counter() - s)
    t.sort()
    return t[len(t) // 2]


def report(label, nbytes, seconds):
    print(f"{label}: {nbytes / seconds / 1e6:.0f} MB/s  {seconds * 1e3:.2f} ms, {nbytes} bytes")


def main(argv):
    values = np.random.default_rng(11).uniform(-1, 1, (64, 1, 28, 28)).tolist()
    try:
        import orjson
        libraries = [("orjson " + orjson.__version__, orjson.dumps, orjson.loads)]
    except ImportError:
        print("orjson is not importable here: timing Python's json only")
        libraries = []
    libraries.append(("json (stdlib)", lambda v: json.dumps(v, separators=(",", ":")).encode(), json.loads))
    body = open(argv[1], "rb").read() if len(argv) > 1 else None
    print("== JSON baseline: nested [64,1,28,28] float64 array ==")
    for name, dumps, loads in libraries:
        data = dumps(values)
        report(f"{name} write", len(data), median_seconds(lambda: dumps(values)))
        report(f"{name} parse", len(data), median_seconds(lambda: loads(data)))
        if body is not None:
            report(f"{name} parse mnist request", len(body), median_seconds(lambda: loads(body)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
