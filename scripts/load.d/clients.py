"""Python clients for what wrk cannot do: a latency probe, held idle and slowloris connections,
clients that vanish, and an overload run that counts every request's fate."""
import socket
import threading
import time

from server import NoResponse, PartialResponse, post_bytes, read_response, reset_close


class Probe(threading.Thread):
    """Sends one request after another on a keep-alive connection (GET path, or POST body),
    `interval` apart, recording each latency in ms and each status until stopped."""

    def __init__(self, port, path="/healthz", body=None, interval=0.01):
        super().__init__(daemon=True)
        self.port, self.path, self.body, self.interval = port, path, body, interval
        self.latencies, self.statuses, self.errors = [], {}, 0
        self.stopping = threading.Event()

    def run(self):
        sock, buffer = None, b""
        message = post_bytes(self.path, self.body) if self.body is not None else \
            f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        while not self.stopping.is_set():
            try:
                if sock is None:
                    sock, buffer = socket.create_connection(("127.0.0.1", self.port), timeout=10), b""
                started = time.monotonic()
                sock.sendall(message)
                status, headers, _, buffer = read_response(sock, buffer)
                self.latencies.append((time.monotonic() - started) * 1000)
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if headers.get("connection", "").lower() == "close":
                    sock.close()
                    sock = None
            except (OSError, NoResponse, PartialResponse):
                self.errors += 1
                sock = None
            self.stopping.wait(self.interval)
        if sock:
            sock.close()

    def stop(self):
        self.stopping.set()
        self.join(30)


def open_idle(port, count):
    """`count` keep-alive connections, each after one answered GET /healthz, left idle."""
    held = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        status, _, _, _ = read_response(sock)
        assert status == 200
        held.append(sock)
    return held


def still_answering(socks):
    """How many held connections answer one more GET /healthz with 200."""
    alive = 0
    for sock in socks:
        try:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            if read_response(sock)[0] == 200:
                alive += 1
        except (OSError, NoResponse, PartialResponse):
            pass
        sock.close()
    return alive


class Slowloris(threading.Thread):
    """`count` connections that send a header line every `every` s and never finish the head;
    one closed by the server (408 at its header deadline) is opened again, as slowhttptest does."""

    def __init__(self, port, count, every=2.0):
        super().__init__(daemon=True)
        self.port, self.count, self.every = port, count, every
        self.stopping = threading.Event()
        self.reopened = 0
        self.timeouts = 0

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        sock.sendall(b"POST /backward HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n")
        sock.setblocking(False)
        return sock

    def run(self):
        socks = [self.connect() for _ in range(self.count)]
        self.connected = len(socks)
        while not self.stopping.wait(self.every):
            for i, sock in enumerate(socks):
                try:
                    data = sock.recv(4096)
                    if data or data == b"":  # an answer (408) or a close: the server gave up on it
                        self.timeouts += data.startswith(b"HTTP/1.1 408")
                        sock.close()
                        socks[i] = self.connect()
                        self.reopened += 1
                        continue
                except BlockingIOError:
                    pass
                except OSError:
                    socks[i] = self.connect()
                    self.reopened += 1
                    continue
                try:
                    sock.send(b"X-Slow: 1\r\n")
                except OSError:
                    pass
        for sock in socks:
            sock.close()

    def stop(self):
        self.stopping.set()
        self.join(30)


def abort_mid_body(port, body):
    """Sends the head and half the body, then vanishes (RST)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    message = post_bytes("/backward", body)
    sock.sendall(message[: len(message) - len(body) // 2])
    time.sleep(0.001)
    reset_close(sock)


def abort_mid_compute(port, body):
    """Sends the whole request and vanishes (FIN) 10 ms later, while the server computes."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(post_bytes("/backward", body))
    time.sleep(0.010)
    sock.close()


def abort_mid_response(port, body):
    """Sends a request with a large answer (a 4 KiB receive window, so the server cannot have it all
    in flight), reads its first bytes, then vanishes (RST)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(30)
    sock.connect(("127.0.0.1", port))
    sock.sendall(post_bytes("/backward", body))
    sock.recv(1)
    reset_close(sock)


def in_parallel(task, count, workers):
    """Runs task() `count` times on `workers` threads; returns the number of exceptions."""
    remaining = [count]
    lock = threading.Lock()
    failures = [0]

    def worker():
        while True:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            try:
                task()
            except (OSError, NoResponse, PartialResponse):
                with lock:
                    failures[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return failures[0]


class Fates:
    """Counts of what happened to each request a client sent."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}

    def add(self, fate):
        with self.lock:
            self.counts[fate] = self.counts.get(fate, 0) + 1

    def get(self, fate):
        return self.counts.get(fate, 0)


def overload_with_aborts(port, body, clients, per_client, abort_every, fates):
    """`clients` threads each send `per_client` requests on keep-alive connections; every
    `abort_every`-th request is abandoned (FIN) right after it is sent. Fates: status codes,
    'aborted', 'unanswered' (connection closed before any response byte), 'partial', and
    'not sent' (the connection failed before the request was written)."""

    def client(index):
        sock, buffer = None, b""
        for n in range(per_client):
            try:
                if sock is None:
                    sock, buffer = socket.create_connection(("127.0.0.1", port), timeout=30), b""
                sock.sendall(post_bytes("/backward", body))
            except OSError:
                fates.add("not sent")
                sock = None
                continue
            try:
                if (index * per_client + n) % abort_every == abort_every - 1:
                    sock.close()
                    sock = None
                    fates.add("aborted")
                    continue
                status, headers, _, buffer = read_response(sock, buffer)
                fates.add(status)
                if headers.get("connection", "").lower() == "close":
                    sock.close()
                    sock = None
            except NoResponse:
                fates.add("unanswered")
                sock = None
            except (PartialResponse, OSError):
                fates.add("partial")
                sock = None
        if sock:
            sock.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
