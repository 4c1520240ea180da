"""Issue 7's four workloads as POST /backward problems (../shared/API.md), with deterministic
seeded values (numpy's PCG64, seed 7), shared by bench/http/make_bodies.py and bench/torch/.

A problem is a plain dict: {"input": ndarray, "layers": [dict], "loss": dict} or with
"grad_output" instead of "loss". Tensors are numpy float64 arrays; `to_json` writes them nested.
"""
import json

import numpy as np

NAMES = ("seed", "mnist", "cifar", "bigconv")


def _uniform(rng, shape, scale=1.0):
    return rng.uniform(-scale, scale, shape)


def _conv(rng, c_out, c_in, k, *, bias=True, stride=1, padding=0):
    """A conv2d layer, weights scaled by 1/sqrt(fan_in) (PyTorch's default init bound)."""
    bound = 1.0 / np.sqrt(c_in * k * k)
    layer = {"type": "conv2d", "weight": _uniform(rng, (c_out, c_in, k, k), bound),
             "stride": stride, "padding": padding}
    if bias:
        layer["bias"] = _uniform(rng, (c_out,), bound)
    return layer


def _linear(rng, n_out, n_in):
    bound = 1.0 / np.sqrt(n_in)
    return {"type": "linear", "weight": _uniform(rng, (n_out, n_in), bound),
            "bias": _uniform(rng, (n_out,), bound)}


def _cross_entropy(rng, batch, classes):
    return {"type": "cross_entropy", "target": rng.integers(0, classes, batch)}


def seed():
    """The lesson's worked example (API.md): 4x4 image, 2x2 kernel, stride 2, flatten, linear, mse."""
    return {
        "input": np.arange(1.0, 17.0).reshape(4, 4),
        "layers": [
            {"type": "conv2d", "weight": np.array([[1.0, 0.0], [0.0, -1.0]]),
             "bias": np.array([0.5]), "stride": 2},
            {"type": "flatten"},
            {"type": "linear", "weight": np.array([[0.1, 0.2, 0.3, 0.4]]), "bias": np.array([0.0])},
        ],
        "loss": {"type": "mse", "target": np.array([[1.0]])},
    }


def mnist(rng):
    """[64,1,28,28], conv 1->8 3x3 pad 1, relu, maxpool 2, flatten, linear 1568->10, cross_entropy."""
    return {
        "input": rng.uniform(0.0, 1.0, (64, 1, 28, 28)),
        "layers": [_conv(rng, 8, 1, 3, padding=1), {"type": "relu"},
                   {"type": "maxpool2d", "kernel_size": 2}, {"type": "flatten"},
                   _linear(rng, 10, 1568)],
        "loss": _cross_entropy(rng, 64, 10),
    }


def cifar(rng):
    """[32,3,32,32], conv 3->32 3x3 pad 1, relu, conv 32->32 3x3 s2 pad 1, relu, flatten,
    linear 8192->10, cross_entropy."""
    return {
        "input": _uniform(rng, (32, 3, 32, 32)),
        "layers": [_conv(rng, 32, 3, 3, padding=1), {"type": "relu"},
                   _conv(rng, 32, 32, 3, stride=2, padding=1), {"type": "relu"},
                   {"type": "flatten"}, _linear(rng, 10, 8192)],
        "loss": _cross_entropy(rng, 32, 10),
    }


def bigconv(rng):
    """[8,64,56,56], conv 64->64 3x3 pad 1 (no bias), grad_output all ones."""
    return {
        "input": _uniform(rng, (8, 64, 56, 56)),
        "layers": [_conv(rng, 64, 64, 3, bias=False, padding=1)],
        "grad_output": np.ones((8, 64, 56, 56)),
    }


def problems():
    """All four problems, in NAMES order, from one generator (seed 7): deterministic."""
    rng = np.random.default_rng(7)
    return {"seed": seed(), "mnist": mnist(rng), "cifar": cifar(rng), "bigconv": bigconv(rng)}


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def to_json(problem):
    """The POST /backward body: nested arrays both ways (tensor_format nested), shortest floats."""
    body = _plain(problem)
    body["tensor_format"] = "nested"
    return json.dumps(body, separators=(",", ":")).encode()


def tensor_bytes(problem):
    """float64 bytes of the request's tensors, and of the /backward response's tensors (the
    output and one gradient per input, weight and bias), for judging peak memory."""
    request = sum(v.nbytes for v in _arrays(problem))
    grads = problem["input"].nbytes + sum(
        layer[k].nbytes for layer in problem["layers"] for k in ("weight", "bias") if k in layer)
    return request, _output_bytes(problem) + grads


def _output_bytes(problem):
    """The network's output: grad_output's shape, or [N, out_features] of the final linear."""
    if "grad_output" in problem:
        return problem["grad_output"].nbytes
    batch = problem["input"].shape[0] if problem["input"].ndim == 4 else 1
    return 8 * batch * problem["layers"][-1]["weight"].shape[0]


def _arrays(value):
    if isinstance(value, np.ndarray):
        if value.dtype == np.float64:
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _arrays(v)
    elif isinstance(value, list):
        for v in value:
            yield from _arrays(v)
