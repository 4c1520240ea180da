"""The lesson's worked example, as a notebook would use ConvGrad.

A 4x4 image, one 2x2 kernel with stride 2, the 2x2 result flattened into z1..z4, a dense layer
to y-hat, and a mean-squared-error loss against 1. We ask the server for every gradient, then
grade two students' answers for dL/dW: one right, one with the kernel gradient rotated.

Usage: python3 examples/notebook.py [BASE_URL]   (default $GRADCLIENT_URL, else http://127.0.0.1:8080)
"""
import json
import os
import sys

import requests

BASE_URL = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GRADCLIENT_URL", "http://127.0.0.1:8080")).rstrip("/")

# %% The problem: API.md's worked example.
problem = {
    "input": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]],
    "layers": [
        {"type": "conv2d", "weight": [[1, 0], [0, -1]], "bias": [0.5], "stride": 2},
        {"type": "flatten"},
        {"type": "linear", "weight": [[0.1, 0.2, 0.3, 0.4]], "bias": [0]},
    ],
    "loss": {"type": "mse", "target": [[1.0]]},
}


def post(path, body):
    """POSTs JSON and returns the decoded answer; an error status raises with the server's message."""
    response = requests.post(BASE_URL + path, json=body, timeout=30)
    if not response.ok:
        raise SystemExit(f"{path}: HTTP {response.status_code}: {response.text}")
    return response.json()


# %% Forward and backward: y-hat, the loss, dL/dz for the conv output, and dL/dW.
answer = post("/backward", {**problem, "return": ["activations", "activation_gradients"]})
print("y_hat           =", answer["output"])
print("loss            =", answer["loss"])
print("z (conv output) =", answer["activations"]["0"])
print("dL/dz           =", answer["activation_gradients"]["0"])
for name, gradient in answer["gradients"].items():
    print(f"dL/d{name:<11} =", gradient)


# %% A student's own dL/dW, by the lesson's formula dW[a][b] = sum_ij dz[i][j] * x[2i+a][2j+b].
def student_kernel_gradient(x, dz, rotate=False):
    grad = [[sum(dz[i][j] * x[2 * i + a][2 * j + b] for i in range(2) for j in range(2)) for b in range(2)] for a in range(2)]
    return [row[::-1] for row in grad[::-1]] if rotate else grad


dz = answer["activation_gradients"]["0"][0][0]  # (N, C, H, W) = (1, 1, 2, 2)
right = student_kernel_gradient(problem["input"], dz)
rotated = student_kernel_gradient(problem["input"], dz, rotate=True)

# %% Grade both students against the same problem in one request.
graded = post("/grade", {**problem, "submissions": [
    {"id": "ada", "gradients": {"0.weight": right}},
    {"id": "bob", "gradients": {"0.weight": rotated}},
]})
for result in graded["submissions"]:
    weight = result["results"]["0.weight"]
    line = f"{result['id']}: passed={result['passed']} score={result['score']}"
    if "diagnosis" in weight:
        line += f" diagnosis={weight['diagnosis']['code']}: {weight['diagnosis']['message']}"
    print(line)

assert graded["submissions"][0]["passed"] and not graded["submissions"][1]["passed"], json.dumps(graded)
