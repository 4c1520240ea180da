#!/usr/bin/env python3
"""Records a gradserver's answers (status line + body bytes, one file per case) so that two builds
can be compared with cmp: the same requests must get byte-identical answers.

usage: record_answers.py PORT OUTDIR BODIES CONFORMANCE
  BODIES: bench/http/make_bodies.py's output (seed, mnist, cifar .json)
  CONFORMANCE: ../shared/conformance/vectors (each file's request to its endpoint)
Also sends tensor bodies that are ragged, mixed, too deep, non-finite or not JSON, whose errors
(message and path) must not change either.
"""
import glob
import http.client
import json
import os
import sys

port, out, bodies, conformance = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
os.makedirs(out, exist_ok=True)
cases = []
for name in ["seed", "mnist", "cifar"]:
    cases.append((name, "/backward", open(os.path.join(bodies, name + ".json"), "rb").read()))
for path in sorted(glob.glob(os.path.join(conformance, "*.json"))):
    v = json.load(open(path))
    body = json.dumps(v["request"], separators=(",", ":")).encode()
    cases.append((os.path.basename(path)[:-5], v["endpoint"], body))
seed = json.load(open(os.path.join(conformance, "005_conv_basic_4d.json")))["request"]


def variant(name, edit):
    r = json.loads(json.dumps(seed))
    edit(r)
    cases.append((name, "/backward", json.dumps(r, separators=(",", ":")).encode()))


variant("err_ragged_row", lambda r: r["input"][0][0].__setitem__(1, r["input"][0][0][1][:3]))
variant("err_ragged_channel", lambda r: r["input"][0].__setitem__(1, r["input"][0][1][:2]))
variant("err_mixed", lambda r: r["input"][0][0].__setitem__(2, "x"))
variant("err_empty", lambda r: r["input"][0][0].__setitem__(2, []))
variant("err_number_for_row", lambda r: r["input"][0][0].__setitem__(2, 1.5))
variant("err_deeper", lambda r: r["input"][0][0][0].__setitem__(1, [1.0]))
variant("err_input_5d", lambda r: r.__setitem__("input", [r["input"]]))
variant("flat_data_nested", lambda r: r.__setitem__("input", {"shape": [1], "data": [[1.0, 2.0]]}))
raw = [
    ("err_nonfinite_nested", b'{"input":[[[[1.0,2.0],[3.0,1e999]]]],"layers":[{"type":"relu"}],"loss":{"type":"sum"}}'),
    ("err_padding_nested", b'{"input":[[[[1.0,2.0],[3.0,4.0]]]],"layers":[{"type":"conv2d","weight":[[[[1.0]]]],"padding":[[1,2],[3,4]]}],"loss":{"type":"sum"}}'),
    ("err_ten_dims", b'{"input":[[[[[[[[[[1.0]]]]]]]]]],"layers":[{"type":"relu"}],"loss":{"type":"sum"}}'),
    ("err_nine_dims", b'{"input":[[[[[[[[[1.0]]]]]]]]],"layers":[{"type":"relu"}],"loss":{"type":"sum"}}'),
    ("err_not_json", b'{"input":[[1.0,2.0],[3.0,4.0]'),
    ("err_weight_ragged", b'{"input":[[[[1.0,2.0],[3.0,4.0]]]],"layers":[{"type":"conv2d","weight":[[[[1.0],[2.0,3.0]]]]}],"loss":{"type":"sum"}}'),
]
for name, body in raw:
    cases.append((name, "/backward", body))
for name, endpoint, body in cases:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("POST", endpoint, body, {"Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    with open(os.path.join(out, name + ".out"), "wb") as f:
        f.write(f"{r.status}\n".encode() + data)
    c.close()
print(len(cases), "cases")
