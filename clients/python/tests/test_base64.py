"""Tensors are exact to the bit both ways: the encoding itself, and through a live gradserver, where a
`flatten` over an `[N, F]` input is the identity forward and passes `grad_output` through backward."""
from __future__ import annotations

import base64
import struct

import numpy as np
import pytest

import convgrad
from convgrad._tensors import decode_tensor, encode_request, encode_tensor

AWKWARD = [
    5e-324,                   # the smallest subnormal
    -5e-324,
    2.225073858507201e-308,   # the largest subnormal
    2.2250738585072014e-308,  # the smallest normal
    -0.0, 0.0,
    1e308, -1e308, 1.7976931348623157e308,
    0.1, 0.2, 1 / 3, np.pi, -2.5e-300, 123456789.12345679, 9007199254740993.0, 1e-7,
]


def bits(array: np.ndarray) -> list[int]:
    return np.ascontiguousarray(array, dtype="<f8").view("<u8").ravel().tolist()


def test_encodeTensor_base64_isLittleEndianFloat64() -> None:
    encoded = encode_tensor(np.array([[1.0, -0.0]]), "base64")
    assert encoded["shape"] == [1, 2]
    assert base64.b64decode(encoded["base64"]) == struct.pack("<2d", 1.0, -0.0)


def test_encodeTensor_float32_widenedExactly() -> None:
    value = np.array([0.1], dtype=np.float32)
    assert base64.b64decode(encode_tensor(value, "base64")["base64"]) == struct.pack("<d", float(value[0]))


def test_encodeTensor_integers_sentAsIntegers() -> None:
    assert encode_tensor(np.array([2, 0]), "base64") == [2, 0]
    assert encode_tensor(3, "base64") == 3


def test_encodeTensor_nonNumeric_raisesTypeError() -> None:
    with pytest.raises(TypeError, match="numeric"):
        encode_tensor(np.array(["a"]), "base64")


def test_encodeRequest_scalarTensorAndNumpyScalars() -> None:
    body = encode_request({"loss": {"type": "mse", "target": 2.5}, "index": np.array([1, 2]),
                           "eps": np.float64(1e-6)}, "base64")
    assert body["loss"]["target"] == {"shape": [], "base64": base64.b64encode(struct.pack("<d", 2.5)).decode()}
    assert body["index"] == [1, 2] and type(body["eps"]) is float


def test_decodeTensor_everyForm() -> None:
    raw = base64.b64encode(struct.pack("<3d", *AWKWARD[:3])).decode()
    assert bits(decode_tensor({"shape": [3], "base64": raw})) == bits(np.array(AWKWARD[:3]))
    assert decode_tensor({"shape": [2, 1], "data": [1, 2]}).shape == (2, 1)
    assert decode_tensor([[1, 2]]).dtype == np.float64


def test_encodeDecode_awkwardDoubles_roundTripBitExact() -> None:
    array = np.array(AWKWARD).reshape(1, -1)
    assert bits(decode_tensor(encode_tensor(array, "base64"))) == bits(array)


@pytest.mark.parametrize("tensor_format", ["base64", "nested"])
def test_forward_awkwardDoubles_identityBitExact(server_url: str, tensor_format: str) -> None:
    client = convgrad.Client(server_url, tensor_format=tensor_format)
    values = np.array(AWKWARD).reshape(1, -1)  # (N, F): flatten is the identity
    result = client.forward(input=values, layers=[{"type": "flatten"}])
    assert result.output.shape == values.shape
    assert bits(result.output) == bits(values)


@pytest.mark.parametrize("tensor_format", ["base64", "nested"])
def test_backward_awkwardGradOutput_inputGradientBitExact(server_url: str, tensor_format: str) -> None:
    client = convgrad.Client(server_url, tensor_format=tensor_format)
    grad_output = np.array(AWKWARD[::-1]).reshape(1, -1)
    result = client.backward(input=np.ones_like(grad_output), layers=[{"type": "flatten"}], grad_output=grad_output)
    assert bits(result.gradients["input"]) == bits(grad_output)


def test_backward_randomDoubles_base64BitExactThroughTheServer(client: convgrad.Client) -> None:
    rng = np.random.default_rng(3)
    random_bits = rng.integers(0, 2**63, size=(2, 1000), dtype=np.uint64)
    values = random_bits.view(np.float64)
    values = values[np.isfinite(values)].reshape(1, -1)
    result = client.backward(input=values, layers=[{"type": "flatten"}], grad_output=values)
    assert bits(result.output) == bits(values)
    assert bits(result.gradients["input"]) == bits(values)
