"""JSON bodies with base64 tensors, without running the tensors' text through the JSON codec.

A base64 tensor is most of a body's bytes, and `json.dumps`/`json.loads` scan every character of a
string; on the mnist-size /backward that scan cost as much as the base64 itself
(bench/python-client/overhead.py). So:

- dumps_request writes the request with a short placeholder for each tensor's base64 text, then
  splices the encoded bytes (_base64.encode) in their place;
- loads_response finds each `"base64":"` value with `bytes.find`, cuts it out before `json.loads`,
  and decodes it straight from the response's bytes into a float64 array.

Both are safe because base64 text never holds `"` or `\\`, and inside any JSON string every `"` is
escaped, so `"base64":"` can only be a real member followed by its value in a compact document
(which is what gradserver writes; anything else falls back to plain `json.loads`).
"""
from __future__ import annotations

import binascii
import json
import uuid
from typing import Any, Optional

import numpy as np

from . import _base64, errors
from ._tensors import encode_request

_MEMBER = b'"base64":"'


class Blobs:
    """The base64 bytes of a request's tensors, each standing in the JSON as `"<nonce>:<n>"`."""

    def __init__(self) -> None:
        self.nonce = uuid.uuid4().hex
        self.items: list[bytes] = []

    def add(self, array: np.ndarray) -> str:
        """Keeps the base64 of a float64 array; returns its placeholder."""
        flat = np.ascontiguousarray(array.reshape(-1)).data.cast("B")  # the bytes, not a copy
        self.items.append(_base64.encode(flat))
        return f"{self.nonce}:{len(self.items) - 1}"


def dumps_request(body: Any, tensor_format: str) -> bytes:
    """The request as JSON bytes, tensors in `tensor_format` (see _tensors.encode_request)."""
    blobs = Blobs() if tensor_format == "base64" else None
    skeleton = encode_request(body, tensor_format, blobs)
    text = json.dumps(skeleton, separators=(",", ":")).encode()
    if not blobs or not blobs.items:
        return text
    parts = text.split(b'"' + blobs.nonce.encode() + b":")  # each part after the first: <n>"<rest>
    out = [parts[0]]
    for part in parts[1:]:
        index, _, rest = part.partition(b'"')
        out += [b'"', blobs.items[int(index)], b'"', rest]
    return b"".join(out)


def loads_response(content: bytes) -> Any:
    """The decoded JSON answer; each `{"shape", "base64"}` tensor is already a float64 array."""
    blobs: list[memoryview] = []
    pieces: list[bytes] = []
    view, position = memoryview(content), 0
    while (start := content.find(_MEMBER, position)) >= 0:
        value = start + len(_MEMBER)
        end = content.find(b'"', value)
        if end < 0:
            break
        pieces += [content[position:value], str(len(blobs)).encode()]
        blobs.append(view[value:end])
        position = end
    if not blobs:
        return json.loads(content)
    pieces.append(content[position:])
    try:
        return _restore(json.loads(b"".join(pieces)), blobs)
    except (ValueError, binascii.Error) as failure:
        raise errors.ProtocolError(f"a base64 tensor in the answer does not decode: {failure}") from None


def _restore(value: Any, blobs: list[memoryview]) -> Any:
    """Replaces each `{"shape", "base64": "<n>"}` by its array, walking dicts and lists."""
    if isinstance(value, dict):
        tensor = _tensor(value, blobs)
        return tensor if tensor is not None else {k: _restore(v, blobs) for k, v in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], (dict, list)):
        return [_restore(item, blobs) for item in value]
    return value


def _tensor(value: dict[str, Any], blobs: list[memoryview]) -> Optional[np.ndarray]:
    """The array of a `{"shape", "base64"}` tensor; None for any other dict (whose cut-out
    `base64` text, if any, goes back in place)."""
    if not isinstance(value.get("base64"), str):
        return None
    blob = blobs[int(value["base64"])]
    if value.keys() != {"shape", "base64"}:
        value["base64"] = bytes(blob).decode("ascii")
        return None
    raw = _base64.decode(blob)
    shape = tuple(int(d) for d in value["shape"])
    # A writable float64 array over the decoded bytes: no copy on little-endian hosts.
    return np.frombuffer(raw, dtype="<f8").astype(np.float64, copy=False).reshape(shape)
