"""base64 for tensors: pybase64 (SIMD; `pip install "./clients/python[fast]"`) when it is installed,
else the standard library's binascii. Both give the same bytes; pybase64 is 10 to 40 times faster,
which is most of the client's own time on a large answer (docs/PERFORMANCE.md, "The Python client")."""
from __future__ import annotations

import binascii
from typing import Any, Union

try:
    import pybase64
except ImportError:  # the optional extra is not installed
    pybase64 = None  # type: ignore[assignment]

Data = Union[bytes, bytearray, memoryview, str]


def backend() -> str:
    """`"pybase64"` or `"binascii"`: the one in use."""
    return "pybase64" if pybase64 is not None else "binascii"


def encode(data: Union[bytes, memoryview]) -> bytes:
    """Standard base64 with padding, no newline (RFC 4648 §4)."""
    if pybase64 is not None:
        encoded: Any = pybase64.b64encode(data)
        return bytes(encoded)
    return binascii.b2a_base64(data, newline=False)


def decode(data: Data) -> bytearray:
    """The bytes of standard base64 text, writable (so an array over them needs no copy); raises
    binascii.Error (a ValueError) on bad text."""
    if pybase64 is not None:
        decoded: Any = pybase64.b64decode_as_bytearray(data, validate=True)
        return bytearray(decoded) if not isinstance(decoded, bytearray) else decoded
    return bytearray(binascii.a2b_base64(data))
