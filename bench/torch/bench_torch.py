#!/usr/bin/env python3
"""Issue 7's four workloads in PyTorch float64, forward + backward, on 2 threads (optional).

usage: bench_torch.py [--quick] [--threads N] [--no-numpy] [NAME ...]   (seed mnist cifar bigconv)

The same problems (same values) as bench/http/make_bodies.py. Prints, per workload, the median,
min, max and spread of several runs after a warm-up, conv GFLOP/s (2 x MACs for each of forward,
input gradient and weight gradient, over the whole step's median) and, unless --no-numpy, the same
run's numpy dgemm GFLOP/s (2 BLAS threads, n = 1024 and 2048) and torch's conv / dgemm ratio.
If torch cannot be imported it says so and exits 0: nothing else depends on this script.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http"))
import workloads  # noqa: E402

RUNS = {"seed": 2000, "mnist": 30, "cifar": 15, "bigconv": 8}
ISSUE_TORCH_SECONDS = {"seed": 0.40e-3, "mnist": 7.0e-3, "cifar": 37.7e-3, "bigconv": 234e-3}

DGEMM = """
import sys, time, numpy as np
for n in map(int, sys.argv[1:]):
    rng = np.random.default_rng(n)
    a = rng.uniform(-1, 1, (n, n)); b = rng.uniform(-1, 1, (n, n))
    a @ b
    t = []
    for _ in range(7 if n <= 1024 else 3):
        s = time.perf_counter(); a @ b; t.append(time.perf_counter() - s)
    t.sort()
    print(n, 2 * n**3 / t[len(t) // 2] / 1e9, flush=True)
"""


def dgemm_gflops(sizes=(1024, 2048)):
    """numpy's dgemm in a subprocess with 2 threads and OpenBLAS choosing its own kernel (the
    OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE overrides of this machine removed for that child only)."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env.update(OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2")
    out = subprocess.run([sys.executable, "-c", DGEMM, *map(str, sizes)], env=env,
                         capture_output=True, text=True, check=True).stdout
    return {int(n): float(g) for n, g in (line.split() for line in out.splitlines())}


def build(torch, problem):
    """The problem as leaf tensors (requires_grad) and a step() doing forward, loss, backward."""
    F = torch.nn.functional

    def leaf(array):
        return torch.tensor(array, dtype=torch.float64, requires_grad=True)

    x = leaf(problem["input"])
    layers = []
    for spec in problem["layers"]:
        layer = dict(spec)
        for key in ("weight", "bias"):
            if key in layer:
                layer[key] = leaf(layer[key])
        layers.append(layer)
    leaves = [x] + [l[k] for l in layers for k in ("weight", "bias") if k in l]

    def forward():
        h = x if x.dim() == 4 else x.reshape(1, 1, *x.shape)
        for l in layers:
            kind = l["type"]
            if kind == "conv2d":
                h = F.conv2d(h, l["weight"].reshape(-1, h.shape[1], *l["weight"].shape[-2:]),
                             l.get("bias"), stride=l.get("stride", 1), padding=l.get("padding", 0))
            elif kind == "relu":
                h = F.relu(h)
            elif kind == "maxpool2d":
                h = F.max_pool2d(h, l["kernel_size"])
            elif kind == "flatten":
                h = h.flatten(1)
            elif kind == "linear":
                h = F.linear(h, l["weight"], l.get("bias"))
            else:
                raise ValueError(kind)
        return h

    if "loss" in problem:
        loss = problem["loss"]
        if loss["type"] == "mse":
            target = torch.tensor(loss["target"], dtype=torch.float64)
            seed = lambda out: F.mse_loss(out, target.reshape(out.shape))  # noqa: E731
        else:
            target = torch.tensor(loss["target"], dtype=torch.long)
            seed = lambda out: F.cross_entropy(out, target)  # noqa: E731
        backward = lambda out: seed(out).backward()  # noqa: E731
    else:
        grad_output = torch.tensor(problem["grad_output"], dtype=torch.float64)
        backward = lambda out: out.backward(grad_output)  # noqa: E731

    def step():
        for t in leaves:
            t.grad = None
        backward(forward())

    return step


def conv_flops(problem):
    """2 x MACs for each of forward, input gradient and weight gradient, over the conv layers."""
    shape = list(problem["input"].shape)
    if len(shape) < 4:
        shape = [1] * (4 - len(shape)) + shape
    flops = 0.0
    for l in problem["layers"]:
        if l["type"] == "conv2d":
            c_out, c_in, kh, kw = l["weight"].shape if l["weight"].ndim == 4 else (1, 1, *l["weight"].shape)
            s, p = l.get("stride", 1), l.get("padding", 0)
            h = (shape[2] + 2 * p - kh) // s + 1
            w = (shape[3] + 2 * p - kw) // s + 1
            shape = [shape[0], c_out, h, w]
            flops += 3 * 2 * shape[0] * c_out * h * w * c_in * kh * kw
        elif l["type"] == "maxpool2d":
            k = l["kernel_size"]
            shape = [shape[0], shape[1], shape[2] // k, shape[3] // k]
    return flops


def measure(step, runs):
    step()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - start)
    seconds.sort()
    return seconds


def fmt_time(s):
    return f"{s * 1e6:.1f} us" if s < 1e-3 else f"{s * 1e3:.2f} ms"


def main(argv):
    quick = "--quick" in argv
    no_numpy = "--no-numpy" in argv
    threads = int(argv[argv.index("--threads") + 1]) if "--threads" in argv else 2
    names = [a for a in argv if a in workloads.NAMES] or list(workloads.NAMES)
    try:
        import torch
    except ImportError:
        print("torch is not importable here: skipping the PyTorch comparison")
        return 0
    torch.set_num_threads(threads)
    print(f"== PyTorch {torch.__version__} float64, {torch.get_num_threads()} threads, forward + backward ==")
    problems = workloads.problems()
    gflops = {}
    for name in names:
        problem = problems[name]
        runs = max(3, RUNS[name] // 3) if quick else RUNS[name]
        t = measure(build(torch, problem), runs)
        median = t[len(t) // 2]
        line = (f"{name}: {fmt_time(median)} (min {fmt_time(t[0])}, max {fmt_time(t[-1])}, "
                f"spread {100 * (t[-1] - t[0]) / median:.0f}%, {runs} runs)")
        flops = conv_flops(problem)
        if flops >= 1e6:
            gflops[name] = flops / median / 1e9
            line += f", conv {gflops[name]:.1f} GFLOP/s"
        line += f", issue 7's torch time / this = {ISSUE_TORCH_SECONDS[name] / median:.2f}"
        print(line, flush=True)
    if not no_numpy:
        dgemm = dgemm_gflops()
        best = max(dgemm.values())
        print("numpy dgemm (2 threads): " + ", ".join(f"n={n} {g:.1f} GFLOP/s" for n, g in dgemm.items()))
        for name, g in gflops.items():
            print(f"{name}: torch conv / best dgemm = {100 * g / best:.0f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
