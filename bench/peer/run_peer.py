#!/usr/bin/env python3
"""Starts the peer (app.py) under uvicorn with 2 worker processes on 127.0.0.1.

usage: run_peer.py [--port PORT] [--workers N]   (PORT 0, the default: a free port)

Prints `listening on http://127.0.0.1:PORT` (as gradserver does) once every worker answers
GET /healthz, then one `peer:` line naming the versions, the HTTP parser and the event loop.
uvicorn uses httptools and uvloop when they are installed (uvicorn[standard], as FastAPI's own
`pip install "fastapi[standard]"` installs them), else h11 and asyncio; PEER_HTTP=h11 forces h11.
SIGTERM or SIGINT stops uvicorn and its workers.
"""
import argparse
import importlib.util
import json
import multiprocessing
import os
import socket
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    """A port the kernel just handed out for 127.0.0.1 (free again once closed; loopback only)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def installed(name):
    return importlib.util.find_spec(name) is not None


def wait_for_workers(url, workers, seconds=120):
    """Polls GET /healthz on fresh connections until `workers` distinct pids have answered."""
    pids, deadline = {}, time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                info = json.loads(response.read())
                pids[info["pid"]] = info
        except OSError:
            time.sleep(0.2)
            continue
        if len(pids) >= workers:
            return pids
        time.sleep(0.05)
    return pids


def announce(url, workers):
    import fastapi
    import orjson
    import torch
    import uvicorn

    pids = wait_for_workers(url, workers)
    threads = sorted({info["threads"] for info in pids.values()})
    isas = sorted({info.get("cpu_capability", "?") for info in pids.values()})
    print(f"listening on {url}", flush=True)
    print(f"peer: {len(pids)} of {workers} workers answered (pids {sorted(pids)}), torch threads {threads}, "
          f"torch cpu capability {isas} (MKL_ENABLE_INSTRUCTIONS={os.environ.get('MKL_ENABLE_INSTRUCTIONS', 'unset')}), "
          f"torch {torch.__version__}, fastapi {fastapi.__version__}, uvicorn {uvicorn.__version__}, "
          f"orjson {orjson.__version__}, http {HTTP}, loop {LOOP}, "
          f"encode {os.environ.get('PEER_ENCODE', 'numpy')}", flush=True)


HTTP = os.environ.get("PEER_HTTP") or ("httptools" if installed("httptools") else "h11")
LOOP = "uvloop" if installed("uvloop") else "asyncio"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    port = args.port or free_port()
    url = f"http://127.0.0.1:{port}"
    watcher = multiprocessing.get_context("spawn").Process(target=announce, args=(url, args.workers), daemon=True)
    watcher.start()

    import uvicorn

    sys.path.insert(0, HERE)
    uvicorn.run("app:app", app_dir=HERE, host="127.0.0.1", port=port, workers=args.workers,
                http=HTTP, loop=LOOP, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
