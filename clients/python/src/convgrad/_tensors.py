"""Tensors on the wire: numpy arrays to the contract's forms and back (API.md, "Tensors").

A request tensor is sent as `{"shape", "base64"}` (little-endian float64 bytes, exact to the bit)
or as nested lists; a response tensor arrives as nested lists, `{"shape", "data"}` or
`{"shape", "base64"}` and becomes a float64 numpy array.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

import numpy as np

from . import _base64
#: The request members whose value is a tensor (API.md: the problem, its layers and its loss).
TENSOR_KEYS = frozenset({
    "input", "images", "kernels", "weight", "bias", "target", "grad_output",
    "mask", "running_mean", "running_var",
})
#: The request members whose value maps names to tensors (/grade's submitted gradients).
TENSOR_MAP_KEYS = frozenset({"submission", "gradients"})

TENSOR_FORMATS = ("base64", "nested")

if TYPE_CHECKING:
    from ._wire import Blobs


def encode_tensor(value: Any, tensor_format: str, blobs: Optional["Blobs"] = None) -> Any:
    """One request tensor in `tensor_format`: float arrays (any float dtype, widened exactly to
    float64) as base64 or nested lists; integer and boolean arrays (class indices, masks) as nested
    integers, which every form of the contract accepts. With `blobs`, the base64 text is kept there
    and a placeholder stands in the JSON (_wire.dumps_request)."""
    array = np.asarray(value)
    if array.dtype.kind in "iub":
        return array.astype(np.int64).tolist()
    if array.dtype.kind != "f":
        raise TypeError(f"a tensor must be numeric; found an array of dtype {array.dtype}")
    array = np.asarray(array, dtype="<f8")  # (np.ascontiguousarray would make a scalar 1-D)
    if tensor_format == "nested":
        return array.tolist()
    if blobs is not None:
        return {"shape": list(array.shape), "base64": blobs.add(array)}
    return {"shape": list(array.shape), "base64": _base64.encode(array.tobytes(order="C")).decode("ascii")}


def encode_request(value: Any, tensor_format: str, blobs: Optional["Blobs"] = None) -> Any:
    """The request with every tensor encoded and every numpy value made JSON: walks dicts and lists,
    encoding the members named in TENSOR_KEYS and the values of TENSOR_MAP_KEYS."""
    if isinstance(value, Mapping):
        return {str(k): _encode_member(str(k), v, tensor_format, blobs) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_request(item, tensor_format, blobs) for item in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _encode_member(key: str, value: Any, tensor_format: str, blobs: Optional["Blobs"]) -> Any:
    if value is None:
        return None
    if key in TENSOR_KEYS and not isinstance(value, Mapping):
        return encode_tensor(value, tensor_format, blobs)
    if key in TENSOR_MAP_KEYS and isinstance(value, Mapping):
        return {str(name): _encode_tensor_or_form(t, tensor_format, blobs) for name, t in value.items()}
    return encode_request(value, tensor_format, blobs)


def _encode_tensor_or_form(value: Any, tensor_format: str, blobs: Optional["Blobs"]) -> Any:
    """A submitted tensor; a dict already in one of the contract's forms passes through."""
    if isinstance(value, Mapping):
        return encode_request(value, tensor_format, blobs)
    return encode_tensor(value, tensor_format, blobs)


def decode_tensor(value: Any) -> np.ndarray:
    """A response tensor in any of the contract's forms (or an array _wire.loads_response already
    decoded) as a float64 array of its shape."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, Mapping):
        shape = tuple(int(d) for d in value["shape"])
        if "base64" in value:
            raw = _base64.decode(value["base64"])
            # A writable float64 array over the decoded bytes: no copy on little-endian hosts.
            return np.frombuffer(raw, dtype="<f8").astype(np.float64, copy=False).reshape(shape)
        return np.asarray(value["data"], dtype=np.float64).reshape(shape)
    return np.asarray(value, dtype=np.float64)


def decode_tensor_map(value: Any) -> dict[str, np.ndarray]:
    """`{name: tensor}` as `{name: array}`, in the server's order; `{}` when absent."""
    return {name: decode_tensor(t) for name, t in (value or {}).items()}
