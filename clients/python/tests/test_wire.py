"""_wire: request bodies with base64 tensors spliced in are the JSON encode_request describes, and
answers are read with the base64 text cut out first, whatever else the answer holds."""
from __future__ import annotations

import base64
import json

import numpy as np
import pytest

import convgrad
from convgrad._tensors import encode_request
from convgrad._wire import dumps_request, loads_response


def b64(values: list[float]) -> str:
    return base64.b64encode(np.array(values, dtype="<f8").tobytes()).decode()


@pytest.mark.parametrize("tensor_format", ["base64", "nested"])
def test_dumpsRequest_sameJSONAsEncodeRequest(tensor_format: str) -> None:
    body = {"input": np.arange(6.0).reshape(2, 3), "layers": [{"type": "linear", "weight": np.eye(3), "name": "x"}],
            "loss": {"type": "cross_entropy", "target": np.array([0, 2])}, "submission": {"input": np.ones((2, 3))},
            "note": 'a "quoted" \\ string with "base64":"' + "x"}
    assert json.loads(dumps_request(body, tensor_format)) == encode_request(body, tensor_format)


def test_dumpsRequest_nonContiguousAndScalar() -> None:
    array = np.arange(12.0).reshape(3, 4).T  # Fortran order
    body = json.loads(dumps_request({"input": array, "grad_output": 2.0}, "base64"))
    assert body["input"] == {"shape": [4, 3], "base64": b64(array.ravel().tolist())}
    assert body["grad_output"] == {"shape": [], "base64": b64([2.0])}


def test_loadsResponse_tensorsBecomeArraysAndTheRestStays() -> None:
    answer = {"output": {"shape": [1, 2], "base64": b64([1.5, -0.0])},
              "activations": {"base64": {"shape": [1], "base64": b64([3.0])}},  # a layer named base64
              "message": 'says \\"base64\\":\\"AAAA\\"', "nested": [[1.0, 2.0]],
              "other": {"shape": [1], "base64": b64([4.0]), "dtype": "float64"}, "empty": []}
    decoded = loads_response(json.dumps(answer, separators=(",", ":")).encode())
    assert decoded["output"].tolist() == [[1.5, -0.0]] and np.signbit(decoded["output"][0, 1])
    assert decoded["activations"]["base64"].tolist() == [3.0]
    assert decoded["message"] == answer["message"] and decoded["nested"] == [[1.0, 2.0]]
    assert decoded["other"] == answer["other"] and decoded["empty"] == []


def test_loadsResponse_spacedJSON_fallsBackToJSONLoads() -> None:
    answer = {"output": {"shape": [1], "base64": b64([1.0])}}
    assert loads_response(json.dumps(answer).encode()) == answer  # '"base64": "' is not cut out


def test_loadsResponse_wrongLength_raisesProtocolError() -> None:
    bad = json.dumps({"output": {"shape": [2], "base64": b64([1.0])}}, separators=(",", ":")).encode()
    with pytest.raises(convgrad.ProtocolError, match="base64"):
        loads_response(bad)


@pytest.fixture(params=["pybase64", "binascii"])
def base64_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test with each base64 backend (pybase64 only where it is installed)."""
    from convgrad import _base64
    if request.param == "binascii":
        monkeypatch.setattr(_base64, "pybase64", None)
    elif _base64.pybase64 is None:
        pytest.skip("pybase64 is not installed")  # scripts/test installs it, so both run there
    assert _base64.backend() == request.param
    return request.param


def test_backends_sameBytesBothWays(base64_backend: str) -> None:
    rng = np.random.default_rng(11)
    values = rng.integers(0, 2**63, size=4099, dtype=np.uint64).view(np.float64)
    values = values[np.isfinite(values)]
    body = json.loads(dumps_request({"input": values}, "base64"))
    assert body["input"]["base64"] == base64.b64encode(values.astype("<f8").tobytes()).decode()
    answer = json.dumps({"output": body["input"]}, separators=(",", ":")).encode()
    decoded = loads_response(answer)["output"]
    assert decoded.tobytes() == values.tobytes()
    assert decoded.dtype == np.float64 and decoded.flags.writeable  # a notebook may change it in place


def test_backends_badText_raisesProtocolError(base64_backend: str) -> None:
    bad = b'{"output":{"shape":[1],"base64":"AAAA*AAAAAAA"}}'
    with pytest.raises(convgrad.ProtocolError):
        loads_response(bad)
