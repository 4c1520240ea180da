#!/usr/bin/env python3
"""One POST /backward of each body to gradserver and to the peer; their answers must agree.

usage: compare.py OURS_URL PEER_URL BODY_DIR NAME ...   (BODY_DIR/NAME.json, from make_bodies.py)

Agreement is the contract's tolerance (../shared/API.md "Conventions"): per element
|ours - peer| <= 1e-9 * |peer|, or, for values that cancel to about zero,
<= 1e-12 * max(1, max |value| of that tensor). Both answers must have the same fields, the same
gradient names and the same shapes. Prints one line per workload with the largest relative error
(over elements whose peer value is not 0) and the largest error over its allowance, and exits 1
if any workload disagrees.
"""
import sys
import urllib.request

import numpy as np
import orjson

RTOL = 1e-9
ATOL_SCALE = 1e-12


def post(url, body):
    request = urllib.request.Request(url + "/backward", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        return orjson.loads(response.read())


def tensors(answer):
    """The answer's numbers by field: output, loss (when present), gradients.NAME."""
    fields = {"output": answer["output"]}
    if "loss" in answer:
        fields["loss"] = answer["loss"]
    fields.update({f"gradients.{name}": value for name, value in answer["gradients"].items()})
    return {name: np.asarray(value, dtype=np.float64) for name, value in fields.items()}


def disagreements(ours, peer):
    """Problems found (empty: they agree), the largest relative error (over elements whose peer
    value is not 0) and the largest error over its allowance (<= 1 passes) over all fields."""
    problems, worst, used = [], 0.0, 0.0
    if ours.keys() != peer.keys():
        return [f"fields differ: ours {sorted(ours)}, peer {sorted(peer)}"], worst, used
    for name, expected in peer.items():
        got = ours[name]
        if got.shape != expected.shape:
            problems.append(f"{name}: shape {got.shape}, peer {expected.shape}")
            continue
        error = np.abs(got - expected)
        atol = ATOL_SCALE * max(1.0, float(np.max(np.abs(expected), initial=0.0)))
        allowance = np.maximum(RTOL * np.abs(expected), atol)
        bad = error > allowance
        used = max(used, float(np.max(error / allowance, initial=0.0)))
        nonzero = expected != 0
        if nonzero.any():
            worst = max(worst, float(np.max(error[nonzero] / np.abs(expected[nonzero]))))
        if bad.any():
            index = np.unravel_index(int(np.argmax(bad)), bad.shape)
            problems.append(f"{name}: {int(bad.sum())} of {bad.size} elements differ, first at {list(index)}: "
                            f"ours {got[index]!r}, peer {expected[index]!r}")
    return problems, worst, used


def main(argv):
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    ours_url, peer_url, body_dir, names = argv[1], argv[2], argv[3], argv[4:]
    failed = False
    for name in names:
        with open(f"{body_dir}/{name}.json", "rb") as f:
            body = f.read()
        ours, peer = tensors(post(ours_url, body)), tensors(post(peer_url, body))
        problems, worst, used = disagreements(ours, peer)
        verdict = "agree" if not problems else "DISAGREE"
        print(f"compare {name:8} {verdict}: {len(peer)} fields ({', '.join(peer)}), "
              f"max relative error {worst:.2e}, max error / allowance {used:.1e} (<= 1 passes)", flush=True)
        for problem in problems:
            print(f"  {problem}", flush=True)
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
