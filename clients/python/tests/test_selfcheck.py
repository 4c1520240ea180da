"""The self-checks pass a right CS231n-style implementation and catch the usual mistakes, naming the
tensor and giving the server's diagnosis."""
from __future__ import annotations

import numpy as np
import pytest

import convgrad


# --- Right implementations, written as a CS231n student writes them (layers.py). ---------------

def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param["stride"], conv_param["pad"]
    n, _, h, wd = x.shape
    f, _, hh, ww = w.shape
    ho, wo = 1 + (h + 2 * pad - hh) // stride, 1 + (wd + 2 * pad - ww) // stride
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((n, f, ho, wo))
    for i in range(ho):
        for j in range(wo):
            window = xp[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    _, _, hh, ww = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = xp[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww]
            dw += np.tensordot(dout[:, :, i, j], window, axes=([0], [0]))
            dxp[:, :, i * stride:i * stride + hh, j * stride:j * stride + ww] += np.tensordot(
                dout[:, :, i, j], w, axes=([1], [0]))
    dx = dxp[:, :, pad:pad + x.shape[2], pad:pad + x.shape[3]]
    return dx, dw, dout.sum(axis=(0, 2, 3))


def conv_backward_flipped_kernel(dout, cache):
    """The classic mistake: dw computed with the kernel rotated by 180 degrees."""
    dx, dw, db = conv_backward_naive(dout, cache)
    return dx, dw[:, :, ::-1, ::-1], db


def conv_backward_no_bias_sum(dout, cache):
    dx, dw, _ = conv_backward_naive(dout, cache)
    return dx, dw, dout.sum(axis=(2, 3))  # forgot to sum over the batch: shape (N, F)


def max_pool_forward_naive(x, pool_param):
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    n, c, h, w = x.shape
    out = np.zeros((n, c, 1 + (h - ph) // s, 1 + (w - pw) // s))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            out[:, :, i, j] = x[:, :, i * s:i * s + ph, j * s:j * s + pw].max(axis=(2, 3))
    return out, (x, pool_param)


def max_pool_backward_naive(dout, cache):
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = x[:, :, i * s:i * s + ph, j * s:j * s + pw]
            mask = window == window.max(axis=(2, 3), keepdims=True)
            dx[:, :, i * s:i * s + ph, j * s:j * s + pw] += mask * dout[:, :, i, j][:, :, None, None]
    return dx


def max_pool_backward_spread(dout, cache):
    """The mistake of sending every window's gradient to all its elements."""
    x, pool_param = cache
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros_like(x)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i * s:i * s + ph, j * s:j * s + pw] += dout[:, :, i, j][:, :, None, None]
    return dx


def affine_forward(x, w, b):
    return x.reshape(x.shape[0], -1) @ w + b, (x, w, b)


def affine_backward(dout, cache):
    x, w, _ = cache
    return (dout @ w.T).reshape(x.shape), x.reshape(x.shape[0], -1).T @ dout, dout.sum(axis=0)


def affine_backward_wrong_sign(dout, cache):
    dx, dw, db = affine_backward(dout, cache)
    return dx, -dw, db


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return dout * (cache > 0)


def relu_backward_passes_everything(dout, cache):
    return dout.copy()


def relu_forward_wrong(x):
    return np.abs(x), x


# --- The checks. -------------------------------------------------------------------------------

@pytest.mark.parametrize("stride, pad", [(1, 0), (2, 1), (1, 1), (3, 2)])
def test_checkConv_rightImplementation_passes(client: convgrad.Client, stride: int, pad: int) -> None:
    result = convgrad.check_conv_backward(conv_forward_naive, conv_backward_naive, stride=stride, pad=pad,
                                          client=client)
    assert result, str(result)
    assert result.passed_trials == result.trials == 3
    assert "passed 3 of 3" in str(result)


def test_checkConv_flippedKernel_caughtWithDiagnosis(client: convgrad.Client) -> None:
    result = convgrad.check_conv_backward(conv_forward_naive, conv_backward_flipped_kernel, stride=2, pad=1,
                                          client=client)
    assert not result and result.passed_trials == 0
    assert "dw is wrong" in result.failure
    assert "kernel_flipped" in result.failure
    assert result.grade is not None and result.grade.results["0.weight"].diagnosis.code == "kernel_flipped"
    assert "FAILED on problem 1 of 3" in str(result)
    assert "kernel_flipped" in result._repr_html_()


def test_checkConv_wrongBiasShape_reportsShapes(client: convgrad.Client) -> None:
    result = convgrad.check_conv_backward(conv_forward_naive, conv_backward_no_bias_sum, client=client, seed=1)
    assert not result
    assert "db has the wrong shape" in result.failure


def test_checkMaxPool_right_passesAndSpread_diagnosed(client: convgrad.Client) -> None:
    assert convgrad.check_max_pool_backward(max_pool_forward_naive, max_pool_backward_naive, client=client)
    assert convgrad.check_max_pool_backward(max_pool_forward_naive, max_pool_backward_naive, pool_height=3,
                                            pool_width=2, stride=1, client=client)
    result = convgrad.check_max_pool_backward(max_pool_forward_naive, max_pool_backward_spread, client=client)
    assert not result and "dx is wrong" in result.failure
    assert "diagnosis" in result.failure


def test_checkAffine_right_passesAndWrongSign_diagnosed(client: convgrad.Client) -> None:
    assert convgrad.check_affine_backward(affine_forward, affine_backward, client=client, trials=5)
    result = convgrad.check_affine_backward(affine_forward, affine_backward_wrong_sign, client=client)
    assert not result and "dw (transposed) is wrong" in result.failure
    assert "wrong_sign" in result.failure


def test_checkRelu_right_passesAndNoMask_caught(client: convgrad.Client) -> None:
    assert convgrad.check_relu_backward(relu_forward, relu_backward, client=client)
    result = convgrad.check_relu_backward(relu_forward, relu_backward_passes_everything, client=client)
    assert not result and "dx is wrong" in result.failure


def test_checkRelu_wrongForward_caughtBeforeGrading(client: convgrad.Client) -> None:
    result = convgrad.check_relu_backward(relu_forward_wrong, relu_backward, client=client)
    assert not result and "forward output differs" in result.failure and result.grade is None


def test_checkConv_noneOrNaNGradient_reportedByName(client: convgrad.Client) -> None:
    def returns_none(dout, cache):
        dx, _, db = conv_backward_naive(dout, cache)
        return dx, None, db

    def returns_nan(dout, cache):
        dx, dw, db = conv_backward_naive(dout, cache)
        return dx * np.nan, dw, db

    result = convgrad.check_conv_backward(conv_forward_naive, returns_none, client=client)
    assert not result and "dw is None" in result.failure
    result = convgrad.check_conv_backward(conv_forward_naive, returns_nan, client=client)
    assert not result and "dx has a non-finite value" in result.failure
