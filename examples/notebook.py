"""The lesson's worked example, as a notebook uses ConvGrad through the Python client.

A 4x4 image, one 2x2 kernel with stride 2, the 2x2 result flattened into z1..z4, a dense layer
to y-hat, and a mean-squared-error loss against 1. We ask the server for every gradient, grade two
students' answers for dL/dW (one right, one with the kernel gradient rotated), spell one element
out by the chain rule, and self-check a student's own CS231n-style conv_backward.

Setup: pip install ./clients/python
Usage: python3 examples/notebook.py [BASE_URL]   (default $GRADCLIENT_URL, else http://127.0.0.1:8080)
"""
import os
import sys
from pathlib import Path

import numpy as np

try:
    import convgrad
except ImportError:  # run from a checkout without `pip install ./clients/python`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "clients" / "python" / "src"))
    import convgrad

BASE_URL = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GRADCLIENT_URL", "http://127.0.0.1:8080")
client = convgrad.Client(BASE_URL, timeout=30)
np.set_printoptions(precision=4, suppress=True)

# %% The problem: API.md's worked example, with numpy arrays.
x = np.arange(1.0, 17.0).reshape(4, 4)
problem = {
    "input": x,
    "layers": [
        {"type": "conv2d", "weight": np.array([[1.0, 0.0], [0.0, -1.0]]), "bias": [0.5], "stride": 2},
        {"type": "flatten"},
        {"type": "linear", "weight": np.array([[0.1, 0.2, 0.3, 0.4]]), "bias": [0.0]},
    ],
    "loss": {"type": "mse", "target": [[1.0]]},
}

# %% Forward and backward: y-hat, the loss, z and dL/dz for the conv output, and every gradient.
answer = client.backward(problem, activations=True, activation_gradients=True)
print("y_hat           =", answer.output.ravel())
print("loss            =", answer.loss)
print("z (conv output) =", answer.activations["0"][0, 0].tolist())
print("dL/dz           =", answer.activation_gradients["0"][0, 0].tolist())
for name, gradient in answer.gradients.items():
    print(f"dL/d{name:<11} = {gradient.tolist()}")

# %% A student's own dL/dW, by the lesson's formula dW[a, b] = sum_ij dz[i, j] * x[2i + a, 2j + b].
dz = answer.activation_gradients["0"][0, 0]  # (N, C, H, W) = (1, 1, 2, 2) -> (2, 2)
right = np.array([[np.sum(dz * x[a::2, b::2]) for b in range(2)] for a in range(2)])
rotated = right[::-1, ::-1]

# %% Grade both students against the same problem in one request.
graded = client.grade(problem, submissions=[
    {"id": "ada", "gradients": {"0.weight": right}},
    {"id": "bob", "gradients": {"0.weight": rotated}},
])
for student in graded.submissions:
    weight = student.results["0.weight"]
    line = f"{student.id}: passed={student.passed} score={student.score}"
    if weight.diagnosis:
        line += f" diagnosis={weight.diagnosis.code}: {weight.diagnosis.message}"
    print(line)
assert graded["ada"].passed and not graded["bob"].passed

# %% One element spelled out by the chain rule, as on the board (a table in Jupyter).
explained = client.explain(problem, of="0.weight", index=[0, 0])
print(explained.board, "=", explained.value)


# %% Self-check a student's own conv layer in CS231n's signatures: a right one and a flipped kernel.
def conv_forward_naive(x, w, b, conv_param):
    s, p = conv_param["stride"], conv_param["pad"]
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    ho, wo = 1 + (xp.shape[2] - w.shape[2]) // s, 1 + (xp.shape[3] - w.shape[3]) // s
    out = np.zeros((x.shape[0], w.shape[0], ho, wo))
    for i in range(ho):
        for j in range(wo):
            window = xp[:, :, i * s:i * s + w.shape[2], j * s:j * s + w.shape[3]]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache, flip=False):
    x, w, b, conv_param = cache
    s, p = conv_param["stride"], conv_param["pad"]
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * s, i * s + w.shape[2]), slice(j * s, j * s + w.shape[3])
            dw += np.tensordot(dout[:, :, i, j], xp[:, :, rows, cols], axes=([0], [0]))
            dxp[:, :, rows, cols] += np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
    dw = dw[:, :, ::-1, ::-1] if flip else dw
    return dxp[:, :, p:p + x.shape[2], p:p + x.shape[3]], dw, dout.sum(axis=(0, 2, 3))


good = convgrad.check_conv_backward(conv_forward_naive, conv_backward_naive, stride=2, pad=1, client=client)
flipped = convgrad.check_conv_backward(conv_forward_naive, lambda d, c: conv_backward_naive(d, c, flip=True),
                                       stride=2, pad=1, client=client)
print(good)
print(flipped)
assert good and not flipped
