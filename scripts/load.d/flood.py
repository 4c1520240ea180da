"""The upload flood of issue 20: many clients POSTing a 1.3 MB /forward body in a loop, some with
`Expect: 100-continue`, beside wrk; every answer must be 200 or 503, none slower than the body
deadline (a 408 there meant the server had stopped reading a body that had arrived)."""
import json
import random
import socket
import threading
import time

from server import NoResponse, PartialResponse, read_response

BODY_DEADLINE_S = 30.0  # ServerConfiguration.bodyTimeout's default


def flood_body():
    """conv 16->16 3x3 on [8,16,64,64], relu, maxpool 4, flatten, linear, cross entropy: about
    1.3 MB of JSON (single-digit inputs), 0.15 G multiply-adds."""
    rng = random.Random(20)
    count = 8 * 16 * 64 * 64
    problem = {
        "input": {"shape": [8, 16, 64, 64], "data": [rng.randrange(10) for _ in range(count)]},
        "layers": [
            {"type": "conv2d", "weight": {"shape": [16, 16, 3, 3], "data": [round(rng.uniform(-0.1, 0.1), 3) for _ in range(2304)]},
             "padding": 1},
            {"type": "relu"},
            {"type": "maxpool2d", "kernel_size": 4},
            {"type": "flatten"},
            {"type": "linear", "weight": {"shape": [10, 4096], "data": [round(rng.uniform(-0.01, 0.01), 4) for _ in range(40960)]}},
        ],
        "loss": {"type": "cross_entropy", "target": [rng.randrange(10) for _ in range(8)]},
    }
    return json.dumps(problem, separators=(",", ":")).encode()


def post_head(path, length, expect):
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n" + ("Expect: 100-continue\r\n" if expect else "") + "\r\n").encode()


def read_interim_or_final(sock, buffer):
    """(status, headers, leftover) of the next response head, 100 Continue included."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise (PartialResponse if buffer else NoResponse)()
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, rest


class FloodClient(threading.Thread):
    """POSTs `body` in a loop on a keep-alive connection (a new one after `Connection: close`).
    Without `expect`, head and body go out at once; with it, the body waits for `100 Continue`
    and is not sent when a final status comes first. Records statuses, the slowest answer (s),
    and failures (a connection that ended without an answer)."""

    def __init__(self, port, body, expect, path="/forward"):
        super().__init__(daemon=True)
        self.port, self.body, self.expect, self.path = port, body, expect, path
        self.statuses, self.slowest, self.failures, self.retry_after_missing = {}, 0.0, 0, 0
        self.stopping = threading.Event()

    def run(self):
        sock, buffer = None, b""
        while not self.stopping.is_set():
            try:
                if sock is None:
                    sock, buffer = socket.create_connection(("127.0.0.1", self.port), timeout=2 * BODY_DEADLINE_S), b""
                started = time.monotonic()
                status, headers, buffer = self.exchange(sock, buffer)
                self.slowest = max(self.slowest, time.monotonic() - started)
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if status == 503 and "retry-after" not in headers:
                    self.retry_after_missing += 1
                if headers.get("connection", "").lower() == "close":
                    sock.close()
                    sock = None
            except (OSError, NoResponse, PartialResponse):
                self.failures += 1
                if sock:
                    sock.close()
                sock = None
        if sock:
            sock.close()

    def exchange(self, sock, buffer):
        head = post_head(self.path, len(self.body), self.expect)
        if not self.expect:
            sock.sendall(head + self.body)
            status, headers, _, buffer = read_response(sock, buffer)
            return status, headers, buffer
        sock.sendall(head)
        status, headers, buffer = read_interim_or_final(sock, buffer)
        if status == 100:
            sock.sendall(self.body)
            status, headers, _, buffer = read_response(sock, buffer)
            return status, headers, buffer
        length = int(headers.get("content-length", "0"))
        while len(buffer) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise PartialResponse()
            buffer += chunk
        return status, headers, buffer[length:]

    def stop(self):
        self.stopping.set()
        self.join(2 * BODY_DEADLINE_S + 10)


def run_flood(port, body, seconds, clients=32, wrk_connections=8):
    """`clients` Python clients (half with Expect) and wrk beside them for `seconds`.
    Returns (python statuses, wrk result, slowest python answer s, python failures, 503s without Retry-After)."""
    from wrk import run_wrk
    flood = [FloodClient(port, body, expect=(i % 2 == 1)) for i in range(clients)]
    for client in flood:
        client.start()
    result = run_wrk(port, body, seconds, wrk_connections, threads=2, path="/forward",
                     timeout_s=int(2 * BODY_DEADLINE_S))
    for client in flood:
        client.stop()
    statuses = {}
    for client in flood:
        for status, n in client.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    return (statuses, result, max(c.slowest for c in flood), sum(c.failures for c in flood),
            sum(c.retry_after_missing for c in flood))
