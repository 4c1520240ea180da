"""The classroom of issue 18: students clicking on the lesson's example (/backward and /explain,
with think time) while an autograder grades 200 MNIST-size submissions per request in a loop."""
import json
import os
import random
import socket
import threading
import time

from server import NoResponse, PartialResponse, post_bytes, read_response
from wrk import run_wrk

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "examples")


def lesson_bodies():
    """(the lesson's /backward body, its /explain body): examples/problem.json and explain.json."""
    with open(os.path.join(EXAMPLES, "problem.json"), "rb") as f:
        problem = json.dumps(json.load(f), separators=(",", ":")).encode()
    with open(os.path.join(EXAMPLES, "explain.json"), "rb") as f:
        explain = json.dumps(json.load(f), separators=(",", ":")).encode()
    return problem, explain


def mnist_grade_body(submissions=200, batch=32):
    """/grade of an MNIST-size network on a [batch,1,28,28] minibatch (conv 1->16 3x3, relu, maxpool 2,
    conv 16->16 3x3, relu, maxpool 2, flatten, linear 784->10, cross entropy: about 0.05 G
    multiply-adds forward and backward) with `submissions` students' dL/d(conv1 weight, bias)."""
    rng = random.Random(18)

    def tensor(shape, scale):
        count = 1
        for d in shape:
            count *= d
        return {"shape": shape, "data": [round(rng.uniform(-scale, scale), 4) for _ in range(count)]}

    problem = {
        "input": tensor([batch, 1, 28, 28], 1.0),
        "layers": [
            {"type": "conv2d", "weight": tensor([16, 1, 3, 3], 0.3), "bias": tensor([16], 0.1), "padding": 1},
            {"type": "relu"}, {"type": "maxpool2d", "kernel_size": 2},
            {"type": "conv2d", "weight": tensor([16, 16, 3, 3], 0.1), "padding": 1},
            {"type": "relu"}, {"type": "maxpool2d", "kernel_size": 2},
            {"type": "flatten"},
            {"type": "linear", "weight": tensor([10, 784], 0.05), "bias": tensor([10], 0.1)},
        ],
        "loss": {"type": "cross_entropy", "target": [rng.randrange(10) for _ in range(batch)]},
        "submissions": [{"id": f"s{i}", "gradients": {"0.weight": tensor([16, 1, 3, 3], 0.1), "0.bias": tensor([16], 0.1)}}
                        for i in range(submissions)],
    }
    return json.dumps(problem, separators=(",", ":")).encode()


def cifar_backward_body(batch=16):
    """/backward of a CIFAR-size network on a [batch,3,32,32] batch (conv 3->32 3x3, relu, maxpool 2,
    conv 32->32 3x3, relu, maxpool 2, flatten, linear 2048->10, cross entropy): tens of ms of compute."""
    rng = random.Random(10)

    def tensor(shape, scale):
        count = 1
        for d in shape:
            count *= d
        return {"shape": shape, "data": [round(rng.uniform(-scale, scale), 3) for _ in range(count)]}

    problem = {
        "input": tensor([batch, 3, 32, 32], 1.0),
        "layers": [
            {"type": "conv2d", "weight": tensor([32, 3, 3, 3], 0.2), "padding": 1}, {"type": "relu"},
            {"type": "maxpool2d", "kernel_size": 2},
            {"type": "conv2d", "weight": tensor([32, 32, 3, 3], 0.05), "padding": 1}, {"type": "relu"},
            {"type": "maxpool2d", "kernel_size": 2},
            {"type": "flatten"},
            {"type": "linear", "weight": tensor([10, 2048], 0.02)},
        ],
        "loss": {"type": "cross_entropy", "target": [rng.randrange(10) for _ in range(batch)]},
        "tensor_format": "base64",
    }
    return json.dumps(problem, separators=(",", ":")).encode()


class LoopingClient(threading.Thread):
    """POSTs one of `requests` ((path, body) pairs, in turn) on a keep-alive connection, waiting
    `think()` seconds after each answer; records latency (ms) by path, and statuses."""

    def __init__(self, port, requests, think=lambda: 0.0, seed=0):
        super().__init__(daemon=True)
        self.port, self.requests, self.think = port, requests, think
        self.latencies = {path: [] for path, _ in requests}
        self.statuses, self.failures = {}, 0
        self.stopping = threading.Event()
        self.turn = seed

    def run(self):
        sock, buffer = None, b""
        while not self.stopping.is_set():
            path, body = self.requests[self.turn % len(self.requests)]
            self.turn += 1
            try:
                if sock is None:
                    sock, buffer = socket.create_connection(("127.0.0.1", self.port), timeout=30), b""
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                started = time.monotonic()
                sock.sendall(post_bytes(path, body))
                status, headers, _, buffer = read_response(sock, buffer)
                if status == 200:
                    self.latencies[path].append((time.monotonic() - started) * 1000)
                self.statuses[status] = self.statuses.get(status, 0) + 1
                if headers.get("connection", "").lower() == "close":
                    sock.close()
                    sock = None
            except (OSError, NoResponse, PartialResponse):
                self.failures += 1
                sock = None
            self.stopping.wait(self.think())
        if sock:
            sock.close()

    def stop(self):
        self.stopping.set()


def run_clients(clients, seconds):
    for client in clients:
        client.start()
    time.sleep(seconds)
    for client in clients:
        client.stop()
    for client in clients:
        client.join(60)


def merged(clients, attribute):
    """Latencies merged by path, or statuses summed, over `clients`."""
    if attribute == "statuses":
        total = {}
        for client in clients:
            for status, n in client.statuses.items():
                total[status] = total.get(status, 0) + n
        return total
    latencies = {}
    for client in clients:
        for path, values in client.latencies.items():
            latencies.setdefault(path, []).extend(values)
    return latencies


def students(port, seconds, count=64, think_ms=(500, 1500)):
    """`count` students for `seconds`, half on /backward and half on /explain of the lesson's example,
    each waiting a think time uniform in `think_ms` after every answer. They are wrk connections
    (C, one thread per path), so their latencies are the server's and the kernel's, not a Python
    client's (whose threads wait for the GIL beside the grader's). Returns {path: WrkResult}."""
    problem, explain = lesson_bodies()
    results = {}

    def run(path, body):
        results[path] = run_wrk(port, body, seconds, count // 2, delay_ms=think_ms[0], delay_max_ms=think_ms[1],
                                path=path)

    runners = [threading.Thread(target=run, args=item) for item in (("/backward", problem), ("/explain", explain))]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    return results


def graders(port, body, connections, path="/grade"):
    return [LoopingClient(port, [(path, body)]) for _ in range(connections)]
