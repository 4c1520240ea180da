"""The Python peer of issue 17's HTTP comparison: FastAPI + uvicorn + orjson + PyTorch, float64.

POST /backward takes the same bodies as gradserver (openapi.yaml, ../shared/API.md "POST /backward")
for the layers and losses of issue 7's four workloads (bench/http/workloads.py): conv2d, relu,
maxpool2d, flatten, linear; mse and cross_entropy, or grad_output instead of a loss. It answers
{"output", "loss"?, "gradients": {"input", "<i>.weight", "<i>.bias"}} with nested arrays, as
gradserver does, computed by torch autograd. Anything else gets 422 (it is a benchmark peer, not
a second implementation of the contract).

Each worker computes on one thread (torch.set_num_threads(1)) inside its event loop, one request
at a time: "2 workers x 1 thread" as issue 17 measured it. Run it with run_peer.py (2 workers).
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import orjson  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from fastapi import FastAPI, Request, Response  # noqa: E402

torch.set_num_threads(1)
torch.set_num_interop_threads(1)
ENCODE = os.environ.get("PEER_ENCODE", "numpy")

app = FastAPI()


class Invalid(Exception):
    """A request this peer does not serve: answered 422 like gradserver's invalid_request."""


def tensor(value, *, requires_grad=False):
    """A nested JSON array as a float64 tensor, through numpy (torch.tensor of the nested lists
    took 3x as long on mnist's input: 3.5 against 1.2 ms)."""
    array = np.asarray(value, dtype=np.float64)
    return torch.from_numpy(array).requires_grad_(requires_grad)


def pair(value):
    return tuple(value) if isinstance(value, list) else value


def conv2d(h, layer, weight):
    if weight.dim() == 2:
        weight = weight.reshape(1, 1, *weight.shape)  # [kh, kw]: one filter, one channel
    return F.conv2d(h, weight, layer.get("bias"), stride=pair(layer.get("stride", 1)),
                    padding=pair(layer.get("padding", 0)), dilation=pair(layer.get("dilation", 1)),
                    groups=layer.get("groups", 1))


def maxpool2d(h, layer):
    kernel = pair(layer["kernel_size"])
    return F.max_pool2d(h, kernel, stride=pair(layer.get("stride", kernel)),
                        padding=pair(layer.get("padding", 0)), dilation=pair(layer.get("dilation", 1)),
                        ceil_mode=layer.get("ceil_mode", False))


def full_rank(x):
    """API.md "Ranks": a spatial input of fewer than four dims has leading dims of 1."""
    return x.reshape(*([1] * (4 - x.dim())), *x.shape) if x.dim() < 4 else x


def forward(x, layers):
    """The network's output at full rank (NCHW, or [N, F] after flatten/linear)."""
    h = x
    for layer in layers:
        kind = layer["type"]
        if kind == "conv2d":
            h = conv2d(full_rank(h), layer, layer["weight"])
        elif kind == "relu":
            h = F.relu(h)
        elif kind == "maxpool2d":
            h = maxpool2d(full_rank(h), layer)
        elif kind == "flatten":
            h = full_rank(h).flatten(1)
        elif kind == "linear":
            h = F.linear(h if h.dim() == 2 else h.reshape(1, -1), layer["weight"], layer.get("bias"))
        else:
            raise Invalid(f"layer type {kind!r} is not served by the peer")
    return h


def loss_value(output, spec):
    reduction = spec.get("reduction", "mean")
    if spec["type"] == "mse":
        return F.mse_loss(output, tensor(spec["target"]).reshape(output.shape), reduction=reduction)
    if spec["type"] == "cross_entropy":
        target = np.asarray(spec["target"])
        if target.ndim == output.dim():  # class probabilities [N, K]
            target_tensor = tensor(target)
        else:  # class indices [N] (integral numbers)
            target_tensor = torch.from_numpy(target.astype(np.int64)).reshape(output.shape[0])
        return F.cross_entropy(output, target_tensor, reduction=reduction,
                               label_smoothing=spec.get("label_smoothing", 0.0))
    raise Invalid(f"loss type {spec['type']!r} is not served by the peer")


def leaves(problem):
    """The input and each layer's weight and bias as leaf tensors, by gradient name."""
    named = {"input": tensor(problem["input"], requires_grad=True)}
    layers = []
    for index, spec in enumerate(problem["layers"]):
        layer = dict(spec)
        for key in ("weight", "bias"):
            if key in layer:
                layer[key] = named[f"{spec.get('name', index)}.{key}"] = tensor(layer[key], requires_grad=True)
        layers.append(layer)
    return named, layers


def backward(problem):
    """{"output", "loss"?, "gradients"}: forward, then autograd from the loss or grad_output."""
    named, layers = leaves(problem)
    output = forward(named["input"], layers)
    answer = {"output": output.detach()}
    if "loss" in problem:
        loss = loss_value(output, problem["loss"])
        loss.backward()
        answer["loss"] = loss.item()
    elif "grad_output" in problem:
        output.backward(tensor(problem["grad_output"]).reshape(output.shape))
    else:
        raise Invalid("exactly one of loss and grad_output is required")
    answer["gradients"] = {name: leaf.grad for name, leaf in named.items()}
    return answer


def encode(answer):
    """orjson of the answer, tensors as nested arrays: numpy arrays through OPT_SERIALIZE_NUMPY
    (default), or tensor.tolist() with PEER_ENCODE=tolist. Both print shortest round-trip floats."""
    if ENCODE == "tolist":
        convert = torch.Tensor.tolist
    else:
        convert = lambda t: np.ascontiguousarray(t.numpy())  # noqa: E731
    plain = dict(answer, output=convert(answer["output"]),
                 gradients={name: convert(g) for name, g in answer["gradients"].items()})
    return orjson.dumps(plain, option=orjson.OPT_SERIALIZE_NUMPY)


@app.post("/backward")
async def post_backward(request: Request):
    """Computes in the event loop's thread: one request at a time per worker, on one core."""
    try:
        answer = backward(orjson.loads(await request.body()))
    except (Invalid, KeyError, TypeError, ValueError, RuntimeError) as error:
        body = {"error": {"code": "invalid_request", "message": f"{type(error).__name__}: {error}"}}
        return Response(orjson.dumps(body), status_code=422, media_type="application/json")
    return Response(encode(answer), media_type="application/json")


@app.get("/healthz")
async def healthz():
    """The worker's pid, torch's thread count and vector ISA, so run_peer.py can see both workers answer."""
    return Response(orjson.dumps({"status": "ok", "pid": os.getpid(), "threads": torch.get_num_threads(),
                                  "cpu_capability": torch.backends.cpu.get_cpu_capability()}),
                    media_type="application/json")
