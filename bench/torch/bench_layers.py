#!/usr/bin/env python3
"""PyTorch float64 on 2 threads, one layer forward + backward at bigconv's size [8, 64, 56, 56]: the
same cases as gradbench's `layers` section (bench/gradbench/LayerSection.swift), for a ratio taken
in one run. Exits 0 saying so when torch is not importable.

usage: bench_layers.py [--quick] [--threads N]
"""
import sys
import time

SHAPE = (8, 64, 56, 56)


def main(argv):
    quick = "--quick" in argv
    threads = int(argv[argv.index("--threads") + 1]) if "--threads" in argv else 2
    try:
        import torch
    except ImportError:
        print("torch is not importable here: skipping the PyTorch layer comparison")
        return 0
    torch.set_num_threads(threads)
    F = torch.nn.functional
    g = torch.Generator().manual_seed(13)
    c = SHAPE[1]
    x = (torch.rand(*SHAPE, generator=g, dtype=torch.float64) * 2 - 1).requires_grad_(True)
    weight = (torch.rand(c, generator=g, dtype=torch.float64) * 2 - 1).requires_grad_(True)
    bias = (torch.rand(c, generator=g, dtype=torch.float64) * 2 - 1).requires_grad_(True)
    running_mean, running_var = torch.zeros(c, dtype=torch.float64), torch.ones(c, dtype=torch.float64)
    grad_output = torch.ones(SHAPE, dtype=torch.float64)

    def step():
        for t in (x, weight, bias):
            t.grad = None
        F.batch_norm(x, running_mean, running_var, weight, bias, training=True).backward(grad_output)

    runs = 5 if quick else 15
    step()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    times.sort()
    median = times[len(times) // 2]
    print(f"== PyTorch {torch.__version__} float64, {torch.get_num_threads()} threads, one layer on {list(SHAPE)} ==")
    print(f"batchnorm2d (training, affine, running stats): {median * 1e3:.2f} ms "
          f"(min {times[0] * 1e3:.2f}, max {times[-1] * 1e3:.2f}, {runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
