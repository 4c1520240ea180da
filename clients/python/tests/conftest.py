"""Fixtures: a live gradserver on a free port (the repository's build, as scripts/run-example starts
it), a client for it, and a scripted fake server for the answers gradserver cannot be made to give
on demand (503 with Retry-After, 401/403/429, slow or non-JSON answers)."""
from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

import convgrad

REPO = Path(__file__).resolve().parents[3]
#: The lesson's worked example (API.md, "The problem").
LESSON = {
    "input": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]],
    "layers": [
        {"type": "conv2d", "weight": [[1, 0], [0, -1]], "bias": [0.5], "stride": 2},
        {"type": "flatten"},
        {"type": "linear", "weight": [[0.1, 0.2, 0.3, 0.4]], "bias": [0]},
    ],
    "loss": {"type": "mse", "target": [[1.0]]},
}
#: Small enough that a 100x100 tensor is over it (test_errors: 413).
MAX_TENSOR_ELEMENTS = 4096


def gradserver_binary() -> Path:
    """$GRADSERVER_BIN, else the debug build's gradserver (`swift build --show-bin-path`)."""
    if os.environ.get("GRADSERVER_BIN"):
        return Path(os.environ["GRADSERVER_BIN"])
    bin_path = subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, check=True, capture_output=True,
                              text=True).stdout.strip()
    return Path(bin_path) / "gradserver"


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """Starts gradserver on port 0 and yields its URL from the `listening on` line."""
    binary = gradserver_binary()
    assert binary.exists(), f"{binary} is not built: run `swift build --product gradserver`"
    process = subprocess.Popen([str(binary), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning",
                                "--max-tensor-elements", str(MAX_TENSOR_ELEMENTS)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("listening on http://"), f"gradserver printed {line!r}"
        yield line.split()[2]
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture()
def client(server_url: str) -> convgrad.Client:
    return convgrad.Client(server_url, timeout=30)


@pytest.fixture()
def nested_client(server_url: str) -> convgrad.Client:
    return convgrad.Client(server_url, timeout=30, tensor_format="nested")


class FakeServer:
    """Answers each request with the next scripted `(status, headers, body, delay)`, the last one
    repeating, and records every request's method, path, headers and body."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str], bytes, float]] = []
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                fake.requests.append({"method": "POST", "path": self.path, "headers": dict(self.headers),
                                      "body": self.rfile.read(length)})
                status, headers, body, delay = fake.script[min(len(fake.requests), len(fake.script)) - 1]
                time.sleep(delay)
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, status: int, body: object, headers: dict[str, str] | None = None, delay: float = 0) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.script.append((status, headers or {}, raw, delay))

    def error(self, status: int, code: str, message: str = "m", headers: dict[str, str] | None = None) -> None:
        self.answer(status, {"error": {"code": code, "message": message}}, headers)


@pytest.fixture()
def fake() -> Iterator[FakeServer]:
    server = FakeServer()
    yield server
    server.server.shutdown()
    server.server.server_close()
