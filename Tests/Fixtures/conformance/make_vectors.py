#!/usr/bin/env python3
"""Makes the course-layer conformance vectors (vectors/2NN_*.json) with PyTorch in float64.

The first 192 vectors (000-191) came with the contract (../../../../shared/conformance); this script
makes the ones for the layers of API.md's "Course layers and losses", in the same format (README.md
here), so that every committed vector can be made again: run it where torch is installed,

    python3 Tests/Fixtures/conformance/make_vectors.py

and commit what changed. The tests read the committed files; they never run this script.

Each case is a request in the contract's JSON; `torch_model` builds the same network from it with
torch.nn.functional, runs it in float64, and writes what the response must hold: output, loss,
gradients (input first, then parameters in layer order), buffers (updated running statistics) and,
where `return` asks, activations and activation gradients.
"""
import json
import pathlib

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = pathlib.Path(__file__).resolve().parent / "vectors"
FIRST = 192  # numbering continues after the contract's vectors


def tensor(values):
    return torch.tensor(values, dtype=torch.float64)


def rounded(shape, generator, scale=1.0):
    """Values with 4 decimals, so the requests stay readable and exact in JSON."""
    return (torch.randn(*shape, generator=generator) * scale).mul(1e4).round().div(1e4).tolist()


class Run:
    """Runs one request's network, keeping what the response names."""

    def __init__(self, request):
        self.request = request
        self.params = []  # (name, leaf tensor) in response order
        self.buffers = []  # (name, tensor updated in place)
        self.activations = []

    def leaf(self, name, values):
        t = tensor(values).requires_grad_(True)
        self.params.append((name, t))
        return t

    def layer(self, index, spec, x, prefix=""):
        name = prefix + spec.get("name", str(index))
        kind = spec["type"]
        if kind == "residual":
            h = x
            for j, inner in enumerate(spec["layers"]):
                h = self.layer(j, inner, h, prefix=f"{name}.")
            return x + h
        if kind == "conv2d":
            w = self.leaf(f"{name}.weight", spec["weight"])
            b = self.leaf(f"{name}.bias", spec["bias"]) if spec.get("bias") is not None else None
            return F.conv2d(x, w, b, stride=spec.get("stride", 1), padding=spec.get("padding", 0))
        if kind == "linear":
            w = self.leaf(f"{name}.weight", spec["weight"])
            b = self.leaf(f"{name}.bias", spec["bias"]) if spec.get("bias") is not None else None
            return F.linear(x, w, b)
        if kind == "relu":
            return F.relu(x)
        if kind == "sigmoid":
            return torch.sigmoid(x)
        if kind == "tanh":
            return torch.tanh(x)
        if kind == "maxpool2d":
            return F.max_pool2d(x, spec["kernel_size"])
        if kind == "flatten":
            return torch.flatten(x, 1)
        if kind in ("batchnorm1d", "batchnorm2d"):
            w = self.leaf(f"{name}.weight", spec["weight"]) if spec.get("weight") is not None else None
            b = self.leaf(f"{name}.bias", spec["bias"]) if spec.get("bias") is not None else None
            rm = tensor(spec["running_mean"]) if "running_mean" in spec else None
            rv = tensor(spec["running_var"]) if "running_var" in spec else None
            training = spec.get("training", True)
            y = F.batch_norm(x, rm, rv, w, b, training=training, momentum=spec.get("momentum", 0.1), eps=spec.get("eps", 1e-5))
            if training and rm is not None:
                self.buffers += [(f"{name}.running_mean", rm), (f"{name}.running_var", rv)]
            return y
        if kind == "layernorm":
            w = self.leaf(f"{name}.weight", spec["weight"]) if spec.get("weight") is not None else None
            b = self.leaf(f"{name}.bias", spec["bias"]) if spec.get("bias") is not None else None
            shape = spec["normalized_shape"]
            return F.layer_norm(x, [shape] if isinstance(shape, int) else shape, w, b, eps=spec.get("eps", 1e-5))
        if kind == "groupnorm":
            w = self.leaf(f"{name}.weight", spec["weight"]) if spec.get("weight") is not None else None
            b = self.leaf(f"{name}.bias", spec["bias"]) if spec.get("bias") is not None else None
            return F.group_norm(x, spec["num_groups"], w, b, eps=spec.get("eps", 1e-5))
        if kind == "adaptive_avgpool2d":
            return F.adaptive_avg_pool2d(x, spec["output_size"])
        if kind == "upsample":
            mode = spec.get("mode", "nearest")
            options = {"align_corners": spec.get("align_corners", False)} if mode == "bilinear" else {}
            return F.interpolate(x, scale_factor=spec["scale_factor"], mode=mode, **options)
        if kind == "conv_transpose2d":
            w = self.leaf(f"{name}.weight", spec["weight"])
            b = self.leaf(f"{name}.bias", spec["bias"]) if spec.get("bias") is not None else None
            return F.conv_transpose2d(x, w, b, stride=spec.get("stride", 1), padding=spec.get("padding", 0),
                                      output_padding=spec.get("output_padding", 0), groups=spec.get("groups", 1),
                                      dilation=spec.get("dilation", 1))
        if kind == "gelu":
            return F.gelu(x, approximate=spec.get("approximate", "none"))
        if kind == "dropout":
            p, training = spec.get("p", 0.5), spec.get("training", True)
            if not training or p == 0:
                return x
            if p == 1:
                return x * torch.zeros_like(x)  # what F.dropout does for p = 1
            return x * tensor(spec["mask"]) / (1 - p)
        if kind == "softmax":
            return F.softmax(x, dim=spec.get("dim", 1))
        if kind == "log_softmax":
            return F.log_softmax(x, dim=spec.get("dim", 1))
        raise ValueError(f"make_vectors.py does not build {kind}")

    def loss(self, output):
        spec = self.request["loss"]
        if spec["type"] == "mse":
            return F.mse_loss(output, tensor(spec["target"]), reduction=spec.get("reduction", "mean"))
        if spec["type"] == "bce":
            return F.binary_cross_entropy(output, tensor(spec["target"]), reduction=spec.get("reduction", "mean"))
        if spec["type"] == "multi_margin":
            return F.multi_margin_loss(output, torch.tensor(spec["target"]), p=spec.get("p", 1), margin=spec.get("margin", 1.0),
                                       reduction=spec.get("reduction", "mean"))
        if spec["type"] == "svm":
            y = torch.tensor(spec["target"])
            correct = output.gather(1, y[:, None])
            z = output - correct + spec.get("margin", 1.0)
            z = torch.where(z > 0, z, torch.zeros_like(z)).scatter(1, y[:, None], 0.0)  # CS231n: margins > 0, j != y
            per_sample = z.sum(1)
            return per_sample.mean() if spec.get("reduction", "mean") == "mean" else per_sample.sum()
        if spec["type"] == "nll":
            return F.nll_loss(output, torch.tensor(spec["target"]), reduction=spec.get("reduction", "mean"))
        if spec["type"] == "cross_entropy":
            target = spec["target"]
            target = torch.tensor(target) if isinstance(target[0], int) else tensor(target)
            return F.cross_entropy(output, target, reduction=spec.get("reduction", "mean"),
                                   label_smoothing=spec.get("label_smoothing", 0.0))
        raise ValueError(spec["type"])

    def expected(self, endpoint):
        x = tensor(self.request["input"]).requires_grad_(True)
        h = x
        for i, spec in enumerate(self.request["layers"]):
            h = self.layer(i, spec, h)
            h.retain_grad()
            self.activations.append((spec.get("name", str(i)), h))
        out = {"output": flat(h)}
        loss = self.loss(h) if "loss" in self.request else None
        if loss is not None:
            out["loss"] = loss.item()
        if endpoint == "/backward":
            if loss is not None:
                loss.backward()
            else:
                h.backward(tensor(self.request["grad_output"]))
            out["gradients"] = {"input": flat(x.grad), **{n: flat(t.grad) for n, t in self.params}}
        if self.buffers:
            out["buffers"] = {n: flat(t) for n, t in self.buffers}
        asked = self.request.get("return", [])
        if "activations" in asked:
            out["activations"] = {n: flat(t) for n, t in self.activations}
        if "activation_gradients" in asked:
            out["activation_gradients"] = {n: flat(t.grad) for n, t in self.activations}
        return out


def flat(t):
    return {"shape": list(t.shape), "data": t.detach().reshape(-1).tolist()}


def bn(kind, channels, g, affine=True, running=True, **options):
    spec = {"type": kind}
    if affine:
        spec["weight"] = rounded([channels], g, 0.5)
        spec["weight"] = [1 + w for w in spec["weight"]]
        spec["bias"] = rounded([channels], g, 0.5)
    if running:
        spec["running_mean"] = rounded([channels], g, 0.2)
        spec["running_var"] = [1 + abs(v) for v in rounded([channels], g, 0.3)]
    spec.update(options)
    return spec


def cases():
    g = torch.Generator().manual_seed(2026)
    x4 = rounded([4, 3, 5, 5], g)
    yield "bn2d_train_affine_running", "/backward", {
        "input": x4, "layers": [bn("batchnorm2d", 3, g)],
        "loss": {"type": "mse", "target": rounded([4, 3, 5, 5], g)}}
    yield "bn2d_train_no_affine", "/backward", {
        "input": x4, "layers": [bn("batchnorm2d", 3, g, affine=False, running=False)],
        "grad_output": rounded([4, 3, 5, 5], g)}
    yield "bn2d_eval", "/backward", {
        "input": x4, "layers": [bn("batchnorm2d", 3, g, training=False)],
        "loss": {"type": "mse", "target": rounded([4, 3, 5, 5], g), "reduction": "sum"}}
    yield "bn2d_momentum_eps", "/forward", {
        "input": x4, "layers": [bn("batchnorm2d", 3, g, momentum=0.9, eps=1e-3)]}
    yield "bn2d_one_image", "/backward", {
        "input": rounded([1, 2, 3, 3], g), "layers": [bn("batchnorm2d", 2, g)],
        "grad_output": rounded([1, 2, 3, 3], g), "return": ["activations", "activation_gradients"]}
    yield "bn1d_features", "/backward", {
        "input": rounded([8, 5], g),
        "layers": [{"type": "linear", "weight": rounded([4, 5], g), "bias": rounded([4], g)},
                   bn("batchnorm1d", 4, g), {"type": "relu"},
                   {"type": "linear", "weight": rounded([3, 4], g)}],
        "loss": {"type": "cross_entropy", "target": [0, 2, 1, 1, 0, 2, 2, 1]}}
    yield "bn1d_sequence", "/backward", {
        "input": rounded([4, 3, 6], g), "layers": [bn("batchnorm1d", 3, g, affine=False)],
        "grad_output": rounded([4, 3, 6], g)}
    yield "bn2d_cs231n_net", "/backward", {
        "input": rounded([2, 3, 6, 6], g),
        "layers": [{"type": "conv2d", "weight": rounded([4, 3, 3, 3], g, 0.3), "bias": rounded([4], g), "padding": 1},
                   bn("batchnorm2d", 4, g, name="bn"), {"type": "relu"}, {"type": "maxpool2d", "kernel_size": 2},
                   {"type": "flatten"}, {"type": "linear", "weight": rounded([3, 36], g, 0.2), "bias": rounded([3], g)}],
        "loss": {"type": "cross_entropy", "target": [2, 0]}, "return": ["activation_gradients"]}

    # gelu, exact and tanh, at 0, small and large values
    xg = rounded([2, 3, 4], g, 2.0)
    xg[0][0][:3] = [0.0, -6.0, 6.0]
    for approximate in ("none", "tanh"):
        yield f"gelu_{approximate}", "/backward", {
            "input": xg, "layers": [{"type": "gelu", "approximate": approximate}], "grad_output": rounded([2, 3, 4], g)}
    # dropout with a mask, in eval, and with p = 0 and 1
    xd = rounded([4, 5], g)
    mask = [[float(v > 0) for v in row] for row in rounded([4, 5], g)]
    yield "dropout_train_mask", "/backward", {
        "input": xd, "layers": [{"type": "linear", "weight": rounded([5, 5], g)}, {"type": "dropout", "p": 0.3, "mask": mask}],
        "loss": {"type": "mse", "target": rounded([4, 5], g)}}
    yield "dropout_eval_identity", "/backward", {
        "input": xd, "layers": [{"type": "dropout", "p": 0.3, "training": False}], "grad_output": rounded([4, 5], g)}
    yield "dropout_p1_zeros", "/backward", {
        "input": xd, "layers": [{"type": "dropout", "p": 1}], "grad_output": rounded([4, 5], g)}
    # softmax and log_softmax over several dims; log_softmax + nll is the course's softmax loss
    yield "softmax_dim1", "/backward", {
        "input": rounded([3, 5], g, 3.0), "layers": [{"type": "softmax"}], "grad_output": rounded([3, 5], g)}
    yield "softmax_last_dim_3d", "/backward", {
        "input": rounded([2, 3, 4], g, 3.0), "layers": [{"type": "softmax", "dim": -1}], "grad_output": rounded([2, 3, 4], g)}
    yield "log_softmax_nll", "/backward", {
        "input": rounded([4, 6], g, 3.0), "layers": [{"type": "log_softmax", "dim": 1}],
        "loss": {"type": "nll", "target": [5, 0, 2, 2]}}
    yield "log_softmax_dim0", "/backward", {
        "input": rounded([3, 4], g, 3.0), "layers": [{"type": "log_softmax", "dim": 0}], "grad_output": rounded([3, 4], g)}

    # the course losses: bce on sigmoid outputs, multi_margin p 1 and 2, the CS231n svm, label smoothing
    yield "bce_after_sigmoid", "/backward", {
        "input": rounded([4, 3], g, 2.0), "layers": [{"type": "sigmoid"}],
        "loss": {"type": "bce", "target": [[float(v > 0) for v in row] for row in rounded([4, 3], g)]}}
    yield "bce_soft_targets_sum", "/backward", {
        "input": rounded([2, 5], g, 2.0), "layers": [{"type": "sigmoid"}],
        "loss": {"type": "bce", "target": [[abs(v) / 4 for v in row] for row in rounded([2, 5], g)], "reduction": "sum"}}
    scores = rounded([5, 4], g, 2.0)
    labels = [3, 0, 1, 1, 2]
    for p, margin in ((1, 1.0), (2, 0.5)):
        yield f"multi_margin_p{p}", "/backward", {
            "input": scores, "layers": [{"type": "linear", "weight": rounded([4, 4], g)}],
            "loss": {"type": "multi_margin", "target": labels, "p": p, "margin": margin}}
    yield "svm_cs231n", "/backward", {
        "input": scores, "layers": [{"type": "linear", "weight": rounded([4, 4], g), "bias": rounded([4], g)}],
        "loss": {"type": "svm", "target": labels}}
    yield "svm_margin_sum", "/backward", {
        "input": scores, "layers": [{"type": "relu"}], "loss": {"type": "svm", "target": labels, "margin": 2.0, "reduction": "sum"}}
    yield "cross_entropy_label_smoothing", "/backward", {
        "input": scores, "layers": [{"type": "linear", "weight": rounded([4, 4], g)}],
        "loss": {"type": "cross_entropy", "target": labels, "label_smoothing": 0.1}}
    probs = [[abs(v) for v in row] for row in rounded([5, 4], g)]
    probs = [[v / sum(row) for v in row] for row in probs]
    yield "cross_entropy_probabilities_smoothing", "/backward", {
        "input": scores, "layers": [{"type": "relu"}],
        "loss": {"type": "cross_entropy", "target": probs, "label_smoothing": 0.25, "reduction": "sum"}}

    # layernorm over the last dim and over two trailing dims; groupnorm with 3, 1 and C groups
    yield "layernorm_features", "/backward", {
        "input": rounded([4, 6], g, 2.0),
        "layers": [{"type": "layernorm", "normalized_shape": 6, "weight": [1 + v for v in rounded([6], g, 0.3)], "bias": rounded([6], g)}],
        "loss": {"type": "mse", "target": rounded([4, 6], g)}}
    yield "layernorm_spatial_no_affine", "/backward", {
        "input": rounded([2, 3, 4, 4], g, 2.0), "layers": [{"type": "layernorm", "normalized_shape": [4, 4], "eps": 1e-3}],
        "grad_output": rounded([2, 3, 4, 4], g)}
    xg6 = rounded([2, 6, 3, 3], g, 2.0)
    for groups in (3, 1, 6):
        yield f"groupnorm_{groups}_groups", "/backward", {
            "input": xg6,
            "layers": [{"type": "groupnorm", "num_groups": groups, "weight": [1 + v for v in rounded([6], g, 0.3)], "bias": rounded([6], g)}],
            "grad_output": rounded([2, 6, 3, 3], g)}

    # adaptive average pooling (global, uneven windows) and upsampling (nearest, bilinear both ways)
    xr = rounded([2, 2, 5, 7], g)
    for size in (1, [2, 3], [3, 4]):
        label = size if isinstance(size, int) else f"{size[0]}x{size[1]}"
        yield f"adaptive_avgpool2d_{label}", "/backward", {
            "input": xr, "layers": [{"type": "adaptive_avgpool2d", "output_size": size}],
            "grad_output": rounded([2, 2] + ([1, 1] if size == 1 else size), g)}
    xu = rounded([1, 2, 3, 4], g)
    for mode, align, scale in (("nearest", False, 2), ("bilinear", False, [2, 3]), ("bilinear", True, 2)):
        spec = {"type": "upsample", "scale_factor": scale, "mode": mode}
        if mode == "bilinear":
            spec["align_corners"] = align
        s = scale if isinstance(scale, list) else [scale, scale]
        yield f"upsample_{mode}{'_align' if align else ''}", "/backward", {
            "input": xu, "layers": [spec], "grad_output": rounded([1, 2, 3 * s[0], 4 * s[1]], g)}

    # residual blocks: a ResNet basic block, a dense block with mse, a block holding a batch norm
    block = {"type": "residual", "name": "block", "layers": [
        {"type": "conv2d", "name": "conv1", "weight": rounded([3, 3, 3, 3], g, 0.3), "bias": rounded([3], g), "padding": 1},
        {"type": "relu"},
        {"type": "conv2d", "name": "conv2", "weight": rounded([3, 3, 3, 3], g, 0.3), "padding": 1}]}
    yield "residual_basic_block", "/backward", {
        "input": rounded([2, 3, 5, 5], g), "return": ["activations", "activation_gradients"],
        "layers": [block, {"type": "relu"}, {"type": "flatten"}, {"type": "linear", "weight": rounded([4, 75], g, 0.2)}],
        "loss": {"type": "cross_entropy", "target": [3, 1]}}
    yield "residual_dense_block", "/backward", {
        "input": rounded([4, 5], g),
        "layers": [{"type": "residual", "layers": [{"type": "linear", "weight": rounded([6, 5], g), "bias": rounded([6], g)},
                                                   {"type": "tanh"}, {"type": "linear", "weight": rounded([5, 6], g)}]}],
        "loss": {"type": "mse", "target": rounded([4, 5], g)}}
    yield "residual_with_batchnorm", "/backward", {
        "input": rounded([3, 2, 4, 4], g),
        "layers": [{"type": "residual", "name": "res", "layers": [
            {"type": "conv2d", "weight": rounded([2, 2, 3, 3], g, 0.3), "padding": 1}, bn("batchnorm2d", 2, g, name="bn")]}],
        "grad_output": rounded([3, 2, 4, 4], g)}

    # transposed convolutions: stride, padding with output_padding, dilation, groups with a bias
    xt = rounded([2, 2, 3, 3], g)
    for label, options, weight_shape in (
            ("stride2", {"stride": 2}, [2, 3, 2, 2]),
            ("pad_outpad", {"stride": 2, "padding": 1, "output_padding": 1}, [2, 2, 3, 3]),
            ("dilation", {"dilation": 2, "padding": [1, 0]}, [2, 1, 2, 3]),
            ("groups_bias", {"groups": 2, "stride": [1, 2], "bias": rounded([4], g)}, [2, 2, 3, 2])):
        spec = {"type": "conv_transpose2d", "weight": rounded(weight_shape, g, 0.5), **options}
        out = F.conv_transpose2d(tensor(xt), tensor(spec["weight"]), stride=spec.get("stride", 1), padding=spec.get("padding", 0),
                                 output_padding=spec.get("output_padding", 0), groups=spec.get("groups", 1),
                                 dilation=spec.get("dilation", 1))
        yield f"conv_transpose2d_{label}", "/backward", {
            "input": xt, "layers": [spec], "grad_output": rounded(list(out.shape), g)}


def main():
    for offset, (name, endpoint, request) in enumerate(cases()):
        vector = {"name": name, "category": "course", "kind": "compute", "endpoint": endpoint, "method": "POST",
                  "request": request, "expected": Run(request).expected(endpoint), "repeat": True}
        path = HERE / f"{FIRST + offset:03d}_{name}.json"
        path.write_text(json.dumps(vector, separators=(",", ":")) + "\n")
        print(f"make_vectors.py: wrote {path.name}")


if __name__ == "__main__":
    main()
