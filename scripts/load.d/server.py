"""A gradserver child process on loopback, its /metrics, and a raw-socket HTTP/1.1 client."""
import json
import os
import random
import re
import resource
import signal
import socket
import struct
import subprocess

FD_LIMIT = 16384


def raise_fd_limit():
    """Lifts the soft RLIMIT_NOFILE (inherited by children) so 1,200 held connections fit on each side."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = FD_LIMIT if hard == resource.RLIM_INFINITY else min(FD_LIMIT, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


class Server:
    """gradserver --host 127.0.0.1 --port 0, started and waited for its `listening on` line."""

    def __init__(self, binary, *flags):
        raise_fd_limit()
        self.process = subprocess.Popen(
            [binary, "--host", "127.0.0.1", "--port", "0", "--log-level", "warning", *flags],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"gradserver did not start: {line!r}")
        self.port = int(match.group(1))
        self.pid = self.process.pid

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as f:
            return int(next(line for line in f if line.startswith("VmRSS")).split()[1])

    def fd_count(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def metrics(self):
        """{(name, frozenset(labels)): value} from GET /metrics."""
        status, _, body = request(self.port, "GET", "/metrics")
        assert status == 200, status
        values = {}
        for line in body.decode().splitlines():
            match = re.match(r'^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$', line)
            if not match or line.startswith("#"):
                continue
            labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
            values[(match.group(1), labels)] = float(match.group(3))
        return values

    def terminate(self, timeout=30):
        """SIGTERM, then the exit status (None if it had to be killed)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None


def counter_sum(metrics, name, **match):
    """Sum of a metric's samples whose labels include `match` (values may be sets of allowed values)."""
    total = 0.0
    for (metric, labels), value in metrics.items():
        if metric != name:
            continue
        labels = dict(labels)
        if all(labels.get(k) in (v if isinstance(v, (set, tuple, list)) else {v}) for k, v in match.items()):
            total += value
    return total


def post_bytes(path, body, connection="keep-alive"):
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: {connection}\r\n\r\n").encode() + body


class NoResponse(Exception):
    """The connection closed before a single byte of the response arrived."""


class PartialResponse(Exception):
    """The connection closed in the middle of a response."""


def read_response(sock, buffer=b""):
    """(status, headers, body, leftover) of one response; raises NoResponse / PartialResponse."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise (PartialResponse if buffer else NoResponse)()
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if status == 100:
        return read_response(sock, rest)
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise PartialResponse()
        rest += chunk
    return status, headers, rest[:length], rest[length:]


def request(port, method, path, body=b"", timeout=10):
    """One request on a fresh connection: (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        if method == "POST":
            sock.sendall(post_bytes(path, body, "close"))
        else:
            sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        status, headers, data, _ = read_response(sock)
        return status, headers, data


def reset_close(sock):
    """Closes with RST (SO_LINGER 0), as a client that crashed or was killed does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def tensor(rng, shape, scale=1.0):
    count = 1
    for d in shape:
        count *= d
    return {"shape": shape, "data": [round(rng.uniform(-scale, scale), 6) for _ in range(count)]}


def light_body():
    """A small /backward problem (about 0.2 M multiply-adds): parsing and writing dominate."""
    rng = random.Random(1)
    return json.dumps({
        "input": tensor(rng, [1, 2, 16, 16]),
        "layers": [
            {"type": "conv2d", "weight": tensor(rng, [8, 2, 3, 3]), "bias": tensor(rng, [8]), "padding": 1},
            {"type": "relu"},
            {"type": "conv2d", "weight": tensor(rng, [8, 8, 3, 3], 0.3), "padding": 1},
            {"type": "maxpool2d", "kernel_size": 4},
            {"type": "flatten"},
            {"type": "linear", "weight": tensor(rng, [3, 128], 0.1), "bias": tensor(rng, [3])},
        ],
        "loss": {"type": "cross_entropy", "target": [1]},
        "tensor_format": "base64",
    }, separators=(",", ":")).encode()


def heavy_body(big_answer=False):
    """A /backward problem of about 0.06 G multiply-adds (8 conv layers, 16 channels, 32x32; tens of
    ms); with `big_answer`, every activation and its gradient are returned too (about 5.6 MB of
    base64), more than the socket buffers hold, so a client can vanish in the middle of it."""
    rng = random.Random(2)
    layers = [{"type": "conv2d", "weight": tensor(rng, [16, 8, 3, 3], 0.2), "padding": 1}, {"type": "tanh"}]
    for _ in range(7):
        layers += [{"type": "conv2d", "weight": tensor(rng, [16, 16, 3, 3], 0.1), "padding": 1}, {"type": "tanh"}]
    layers += [{"type": "avgpool2d", "kernel_size": 32}, {"type": "flatten"}]
    problem = {"input": tensor(rng, [1, 8, 32, 32]), "layers": layers,
               "loss": {"type": "cross_entropy", "target": [3]}, "tensor_format": "base64"}
    if big_answer:
        problem["return"] = ["activations", "activation_gradients"]
    return json.dumps(problem, separators=(",", ":")).encode()
