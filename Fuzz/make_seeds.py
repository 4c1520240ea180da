#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora: scripts/fuzz calls it as `make_seeds.py OUT_DIR`.

Seeds come from the conformance vectors (every request body, pretty and compact), the request
examples of openapi.yaml, the valid and invalid cases of ../shared/HTTP-CASES.md and the unit
tests (JSON grammar and limits, HTTP framing), and every input that once found a bug
(Fuzz/regressions), so the fuzzers start from every branch the tests know.
"""
import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

JSON_CASES = [
    '{}', '[]', '0', '-0.0', '1e-400', '1e999', '-1E400', '123456789012345678901234567890',
    '0.1e-5', '2.2250738585072011e-308', '4.9e-324', '17976931348623157e292', '"caf\\u00e9 \\ud83d\\ude00"',
    '"\\ud800"', '"\\udc00x"', '"\\u0000"', '"\xc3\xa9"', '{"a": 1, "a": 2}', '{"a": 1, "\\u0061": 2}',
    '[1, 2,]', '{"a" 1}', '[NaN]', '[Infinity]', '[-Infinity]', '01', '1.', '.5', '+1', '-', '"\t"',
    '[' * 64 + ']' * 64, '[' * 65 + ']' * 65, '1' * 65, '[true, false, null]', '{"a": [[1, 2], [3, 4]]}',
    '[[1.5, -2.25e-3], [3, 4e10]]', '"\\/\\b\\f\\n\\r\\t\\"\\\\"', ' \n\t\r[ ]', '[1] x', '',
]

HTTP_CASES = [
    "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /healthz?x=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n",
    "POST /forward HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}",
    "POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4;name=value\r\nWiki\r\n5 ; x=\"q\"\r\npedia\r\n0;last\r\nX-Trailer: 1\r\n\r\n",
    "POST /f HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
    "GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET / HTTP/1.1\nHost: a\n\n", "\r\n\r\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET / HTTP/1.0\r\n\r\n", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "HEAD /healthz HTTP/1.1\r\nHost: a\r\n\r\n",
    "OPTIONS /forward HTTP/1.1\r\nHost: a\r\nOrigin: x\r\nAccess-Control-Request-Method: POST\r\n\r\n",
    "garbage\r\n\r\n", "GET /\r\n\r\n", "get / HTTP/1.1\r\nHost: a\r\n\r\n", "FOO /forward HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET / HTTP/2.0\r\nHost: a\r\n\r\n", "GET / HTTP/1.2\r\nHost: a\r\n\r\n", "GET / HTTP/1.1\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n c\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\nX: b\x00c\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\nx",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n0\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\n0\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;" + "e" * 40 + "\r\nx\r\n0\r\n\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nfff\r\n",
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
    "POST / HTTP/1.1\r\nHost: a\r\nExpect: something\r\n\r\n", "GET /" + "a" * 120 + " HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: a\r\nX: " + "v" * 80 + "\r\n\r\n", "GET / HTTP/1.1\r\nHost: a\r\n" + "X: 1\r\n" * 10 + "\r\n",
]

KEY_FILES = [
    '{"keys": [\n  {"name": "autograder", "key": "auto-0123456789abcdef", "scopes": ["compute", "grade", "explain", "gradcheck"]},\n'
    '  {"name": "section-a", "key": "sect-0123456789abcdef", "scopes": ["grade:hidden", "explain"], "rate": 5, "burst": 20}\n]}\n',
    '{"keys": [{"name": "m", "key": "metrics-0123456789ab==", "scopes": ["metrics"], "rate": 0.5}]}',
    '{"keys": [{"name": "a", "key": "short", "scopes": ["grade"]}]}',
    '{"keys": [{"name": "a", "key": "aaaaaaaaaaaaaaaaaaaa", "scopes": ["grade"]}, {"name": "a", "key": "bbbbbbbbbbbbbbbbbbbb", "scopes": ["grade"]}]}',
    '{"keys": [{"name": "a", "key": "aaaaaaaaaaaaaaaaaaaa", "scopes": ["grades"], "burst": 2}]}',
    '{"keys": []}', '{"keys": {}}', '{}', '[]', '{"keys": [1, "x", null]}', '{"keys": [{"name": "a",, }]}',
]

AUTHORIZATIONS = [
    "Bearer fuzz-key-a-0123456789", "bearer   fuzz-key-b-0123456789", "Bearer fuzz-key-a-012345678",
    "Bearer fuzz-key-a-0123456789=", "Bearer a=b", "Bearer ", "Bearer", "Basic YTpi", "BEARER x/y+z~._-==", "",
]


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))


def openapi_examples():
    """(path, body) for every request example in openapi.yaml (pyyaml may be missing: then none)."""
    try:
        import yaml
    except ImportError:
        return []
    doc = yaml.safe_load(open(os.path.join(ROOT, "openapi.yaml")))
    named = doc.get("components", {}).get("examples", {})
    found = []
    for path, item in doc["paths"].items():
        media = item.get("post", {}).get("requestBody", {}).get("content", {}).get("application/json", {})
        for example in media.get("examples", {}).values():
            if "$ref" in example:
                example = named[example["$ref"].split("/")[-1]]
            found.append((path, json.dumps(example["value"])))
    return found


def main(out):
    bodies = []
    for file in sorted(glob.glob(os.path.join(ROOT, "Tests/Fixtures/conformance/vectors/*.json"))):
        vector = json.load(open(file))
        body = vector.get("raw_body") or json.dumps(vector["request"], separators=(",", ":"))
        bodies.append((vector["endpoint"], body))
    bodies += openapi_examples()
    for i, (path, body) in enumerate(bodies):
        write(f"{out}/json-reader", f"vector{i:03}", body)
        write(f"{out}/grad-api", f"vector{i:03}", path + "\n" + body)
        if len(body) < 400:  # small ones also as the body of a whole HTTP request
            request = f"POST {path} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: {len(body.encode())}\r\n\r\n{body}"
            write(f"{out}/http-parser", f"vector{i:03}", b"\x00\x20" + request.encode())
    for i, case in enumerate(JSON_CASES):
        write(f"{out}/json-reader", f"case{i:03}", case)
        write(f"{out}/grad-api", f"case{i:03}", "/backward\n" + case)
    for i, case in enumerate(HTTP_CASES):
        write(f"{out}/http-parser", f"case{i:03}", bytes([0, i % 40]) + case.encode("latin-1"))
    for i, case in enumerate(KEY_FILES):
        write(f"{out}/access-control", f"keyfile{i:03}", b"\x00" + case.encode())
    for i, case in enumerate(AUTHORIZATIONS):
        write(f"{out}/access-control", f"authorization{i:03}", b"\x01" + case.encode())
    # Inputs that once found a bug (Fuzz/regressions/<harness>-<what>) stay in that harness's seeds.
    for file in sorted(glob.glob(os.path.join(ROOT, "Fuzz/regressions/*"))):
        name = os.path.basename(file)
        harness = next((h for h in ("http-parser", "json-reader", "grad-api", "access-control") if name.startswith(h)), None)
        if harness:
            write(f"{out}/{harness}", "regression-" + name, open(file, "rb").read())


if __name__ == "__main__":
    main(sys.argv[1])
