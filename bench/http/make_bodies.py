#!/usr/bin/env python3
"""Writes issue 7's POST /backward bodies (nested JSON) into a directory, deterministically.

usage: make_bodies.py OUTDIR [NAME ...]   (names: seed mnist cifar bigconv; default all)
Writes OUTDIR/NAME.json and OUTDIR/NAME.meta: body bytes, request tensor bytes, response tensor bytes.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    outdir, names = argv[1], argv[2:] or list(workloads.NAMES)
    problems = workloads.problems()
    for name in names:
        problem = problems[name]
        body = workloads.to_json(problem)
        with open(os.path.join(outdir, name + ".json"), "wb") as f:
            f.write(body)
        request_tensors, response_tensors = workloads.tensor_bytes(problem)
        with open(os.path.join(outdir, name + ".meta"), "w") as f:
            f.write(f"{len(body)} {request_tensors} {response_tensors}\n")
        print(f"{name}: body {len(body) / 1e6:.2f} MB, tensors {request_tensors / 1e6:.2f} MB in, "
              f"{response_tensors / 1e6:.2f} MB out")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
