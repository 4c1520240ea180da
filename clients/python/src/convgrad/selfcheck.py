"""Self-checks for a student's own layer functions, in CS231n's signatures (assignment 2, layers.py).

Each check draws a few random problems, runs the student's forward and backward functions, compares
the forward output with the server's, grades the backward's gradients through POST /grade (with the
random upstream gradient `dout` as the request's `grad_output`) and reports the first failure with
the server's diagnosis:

    >>> result = convgrad.check_conv_backward(conv_forward_naive, conv_backward_naive, stride=2, pad=1)
    >>> result            # in Jupyter: a table; print(result) in a script
    >>> assert result     # truthy when every trial passed

Signatures (N: batch, C: channels, F: filters, HH x WW: kernel, D: features, M: outputs):

- conv: `conv_forward(x, w, b, conv_param) -> (out, cache)` with x (N, C, H, W), w (F, C, HH, WW),
  b (F,), conv_param `{"stride": s, "pad": p}`; `conv_backward(dout, cache) -> (dx, dw, db)`.
- max-pool: `max_pool_forward(x, pool_param) -> (out, cache)` with pool_param
  `{"pool_height", "pool_width", "stride"}`; `max_pool_backward(dout, cache) -> dx`.
- affine: `affine_forward(x, w, b) -> (out, cache)` with x (N, d_1, ..., d_k), w (D, M), b (M,),
  `out = x.reshape(N, D) @ w + b`; `affine_backward(dout, cache) -> (dx, dw, db)`.
- ReLU: `relu_forward(x) -> (out, cache)`; `relu_backward(dout, cache) -> dx`.

Batch norm follows once the server's batchnorm layer lands.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

from .client import Client
from .results import GradeResult

#: A student's forward or backward function, called with numpy arrays (signatures in the module doc).
LayerFunction = Callable[..., Any]


@dataclass
class CheckResult:
    """The outcome of a self-check: truthy when every trial passed; otherwise `failure` says which
    trial, which tensor and why (the server's diagnosis when it recognises the mistake)."""

    name: str
    trials: int
    passed_trials: int
    failure: Optional[str] = None
    grade: Optional[GradeResult] = field(default=None, repr=False)
    problem: Optional[dict[str, Any]] = field(default=None, repr=False)

    @property
    def passed(self) -> bool:
        return self.failure is None

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if self.passed:
            return f"{self.name}: passed {self.passed_trials} of {self.trials} random problems"
        return f"{self.name}: FAILED on problem {self.passed_trials + 1} of {self.trials}: {self.failure}"

    def _repr_html_(self) -> str:
        summary = f"<p>{html.escape(str(self))}</p>"
        return summary + (self.grade._repr_html_() if self.grade is not None and not self.passed else "")


@dataclass
class _Trial:
    """One drawn problem: the server's request, the student's outputs and what to submit."""

    problem: dict[str, Any]
    student_output: np.ndarray
    submission: dict[str, np.ndarray]
    description: str


def check_conv_backward(conv_forward: LayerFunction, conv_backward: LayerFunction, *, stride: int = 1,
                        pad: int = 0, client: Optional[Client] = None, trials: int = 3, seed: int = 0) -> CheckResult:
    """Checks CS231n-style `conv_forward(x, w, b, conv_param)` / `conv_backward(dout, cache)`
    (see the module doc) on `trials` random problems with this stride and zero padding `pad`."""
    rng = np.random.default_rng(seed)

    def draw() -> _Trial:
        n, c, f, kh, kw, ho, wo = (int(v) for v in rng.integers([1, 1, 1, 2, 2, 2, 2], [3, 4, 4, 4, 4, 4, 4]))
        h, w = max((ho - 1) * stride + kh - 2 * pad, 1), max((wo - 1) * stride + kw - 2 * pad, 1)
        while (h + 2 * pad - kh) % stride:  # CS231n's forward asserts the windows tile the input
            h += 1
        while (w + 2 * pad - kw) % stride:
            w += 1
        x, weight, bias = rng.standard_normal((n, c, h, w)), rng.standard_normal((f, c, kh, kw)), rng.standard_normal(f)
        out, cache = conv_forward(x.copy(), weight.copy(), bias.copy(), {"stride": stride, "pad": pad})
        dout = rng.standard_normal(np.shape(out))
        dx, dw, db = conv_backward(dout.copy(), cache)
        layer = {"type": "conv2d", "weight": weight, "bias": bias, "stride": stride, "padding": pad}
        return _Trial({"input": x, "layers": [layer], "grad_output": dout}, np.asarray(out),
                      {"input": dx, "0.weight": dw, "0.bias": db},
                      f"x {list(x.shape)}, w {list(weight.shape)}, stride {stride}, pad {pad}")

    return _run("check_conv_backward", draw, {"input": "dx", "0.weight": "dw", "0.bias": "db"}, client, trials)


def check_max_pool_backward(max_pool_forward: LayerFunction, max_pool_backward: LayerFunction, *,
                            pool_height: int = 2, pool_width: int = 2, stride: int = 2, client: Optional[Client] = None,
                            trials: int = 3, seed: int = 0) -> CheckResult:
    """Checks CS231n-style `max_pool_forward(x, pool_param)` / `max_pool_backward(dout, cache)`."""
    rng = np.random.default_rng(seed)

    def draw() -> _Trial:
        n, c, ho, wo = (int(v) for v in rng.integers([1, 1, 2, 2], [3, 4, 4, 4]))
        x = rng.standard_normal((n, c, (ho - 1) * stride + pool_height, (wo - 1) * stride + pool_width))
        param = {"pool_height": pool_height, "pool_width": pool_width, "stride": stride}
        out, cache = max_pool_forward(x.copy(), param)
        dout = rng.standard_normal(np.shape(out))
        dx = max_pool_backward(dout.copy(), cache)
        layer = {"type": "maxpool2d", "kernel_size": [pool_height, pool_width], "stride": stride}
        return _Trial({"input": x, "layers": [layer], "grad_output": dout}, np.asarray(out), {"input": dx},
                      f"x {list(x.shape)}, pool {pool_height}x{pool_width}, stride {stride}")

    return _run("check_max_pool_backward", draw, {"input": "dx"}, client, trials)


def check_affine_backward(affine_forward: LayerFunction, affine_backward: LayerFunction, *,
                          client: Optional[Client] = None, trials: int = 3, seed: int = 0) -> CheckResult:
    """Checks CS231n-style `affine_forward(x, w, b)` / `affine_backward(dout, cache)`. The server's
    linear weight is `[M, D]` (PyTorch's), so the student's `dw` (D, M) is graded transposed."""
    rng = np.random.default_rng(seed)

    def draw() -> _Trial:
        n, m = (int(v) for v in rng.integers([1, 1], [4, 5]))
        inner = tuple(int(d) for d in rng.integers(1, 4, size=rng.integers(1, 4)))  # (d_1, ..., d_k)
        x = rng.standard_normal((n, *inner))
        d = int(np.prod(inner))
        w, b = rng.standard_normal((d, m)), rng.standard_normal(m)
        out, cache = affine_forward(x.copy(), w.copy(), b.copy())
        dout = rng.standard_normal(np.shape(out))
        dx, dw, db = affine_backward(dout.copy(), cache)
        layers = [{"type": "flatten"}, {"type": "linear", "weight": w.T, "bias": b}]
        return _Trial({"input": x, "layers": layers, "grad_output": dout}, np.asarray(out),
                      {"input": dx, "1.weight": np.transpose(dw), "1.bias": db},
                      f"x {list(x.shape)}, w {list(w.shape)}")

    return _run("check_affine_backward", draw, {"input": "dx", "1.weight": "dw (transposed)", "1.bias": "db"},
                client, trials)


def check_relu_backward(relu_forward: LayerFunction, relu_backward: LayerFunction, *,
                        client: Optional[Client] = None, trials: int = 3, seed: int = 0) -> CheckResult:
    """Checks CS231n-style `relu_forward(x)` / `relu_backward(dout, cache)`."""
    rng = np.random.default_rng(seed)

    def draw() -> _Trial:
        x = rng.standard_normal((int(rng.integers(1, 4)), int(rng.integers(2, 7))))
        out, cache = relu_forward(x.copy())
        dout = rng.standard_normal(np.shape(out))
        dx = relu_backward(dout.copy(), cache)
        return _Trial({"input": x, "layers": [{"type": "relu"}], "grad_output": dout}, np.asarray(out),
                      {"input": dx}, f"x {list(x.shape)}")

    return _run("check_relu_backward", draw, {"input": "dx"}, client, trials)


def _run(name: str, draw: Callable[[], _Trial], labels: dict[str, str], client: Optional[Client],
         trials: int) -> CheckResult:
    """Draws and grades `trials` problems; stops at the first failure."""
    client = client or Client()
    for passed in range(trials):
        trial = draw()
        failure = _forward_failure(client, trial)
        grade = None
        if failure is None:
            failure = _submission_failure(trial.submission, labels)
        if failure is None:
            answer = client.grade(trial.problem, submission=trial.submission)
            assert isinstance(answer, GradeResult)  # one submission, JSON format
            grade = answer
            failure = _grade_failure(grade, labels)
        if failure is not None:
            return CheckResult(name, trials, passed, f"{trial.description}: {failure}", grade, trial.problem)
    return CheckResult(name, trials, trials)


def _forward_failure(client: Client, trial: _Trial) -> Optional[str]:
    """Why the student's forward output is wrong, or None."""
    expected = client.forward(trial.problem).output
    observed = trial.student_output
    if observed.shape != expected.shape:
        return f"the forward output has shape {list(observed.shape)}; expected {list(expected.shape)}"
    if not np.allclose(observed, expected, rtol=1e-5, atol=1e-8):
        worst = np.unravel_index(np.argmax(np.abs(observed - expected)), expected.shape)
        return (f"the forward output differs: at {list(map(int, worst))} expected {expected[worst]:.6g}, "
                f"found {observed[worst]:.6g}")
    return None


def _grade_failure(grade: GradeResult, labels: dict[str, str]) -> Optional[str]:
    """The first failing gradient, named as the student knows it, with the diagnosis."""
    first = grade.first_failure()
    if first is None:
        return None
    name, result = first
    label = labels.get(name, name)
    if not result.shape_ok:
        return f"{label} has the wrong shape; expected {result.expected_shape}"
    text = f"{label} is wrong in {result.mismatched} of {result.total} elements"
    if result.max_abs_error is not None:
        text += f" (max abs error {result.max_abs_error:.3g})"
    return text + (f"; diagnosis {result.diagnosis.code}: {result.diagnosis.message}" if result.diagnosis else "")


def _submission_failure(submission: dict[str, Any], labels: dict[str, str]) -> Optional[str]:
    """What makes a returned gradient ungradable (None, not numbers, NaN or Inf), or None."""
    for name, value in submission.items():
        label = labels.get(name, name)
        if value is None:
            return f"{label} is None (the backward function returned no value for it)"
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return f"{label} is not an array of numbers (found {type(value).__name__})"
        if not np.all(np.isfinite(array)):
            where = np.argwhere(~np.isfinite(array))[0].tolist() if array.ndim else []
            return f"{label} has a non-finite value (NaN or Inf) at {where}"
    return None
