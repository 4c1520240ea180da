"""Errors: the API's JSON errors as exceptions, and the transport's failures named as such.

Every API error is `{"error": {"code", "message", "path"}}` (API.md, "Errors"); `APIError` carries
the HTTP status and those three members, and a subclass per status lets a notebook catch the common
cases (`except convgrad.InvalidRequestError`), while `code` keeps the specific 422 code
(`shape_mismatch`, `unknown_layer`, ...).
"""
from __future__ import annotations

import builtins
from typing import Optional


class ConvGradError(Exception):
    """Base class of every error this client raises."""


class APIError(ConvGradError):
    """The server answered with an error status.

    Attributes: `status` (HTTP status), `code` (the API's error code, e.g. `shape_mismatch`),
    `message` (what was expected and what was found), `path` (the place in the request at fault,
    e.g. `layers[0].weight`, or None), `retry_after` (seconds, from `Retry-After`, or None).
    """

    def __init__(self, status: int, code: str, message: str, path: Optional[str] = None,
                 retry_after: Optional[float] = None) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.path = path
        self.retry_after = retry_after
        where = f" at {path}" if path else ""
        super().__init__(f"HTTP {status} {code}{where}: {message}")


class InvalidJSONError(APIError):
    """400 `invalid_json`: the body was not JSON (e.g. NaN in a nested-list tensor)."""


class UnauthorizedError(APIError):
    """401 `unauthorized`: no key or an unknown key (set `api_key=` or `CONVGRAD_API_KEY`)."""


class ForbiddenError(APIError):
    """403 `forbidden`: the key lacks the route's scope; the message names the scope."""


class NotFoundError(APIError):
    """404: no such path."""


class MethodNotAllowedError(APIError):
    """405: the path exists with another method."""


class TooLargeError(APIError):
    """413 `too_large`: the body, a tensor or the estimated work is over the server's limits."""


class UnsupportedMediaTypeError(APIError):
    """415 `unsupported_media_type`: the request was not sent as application/json."""


class InvalidRequestError(APIError):
    """422: valid JSON that is not a valid problem; `code` says which (`shape_mismatch`, ...)."""


class RateLimitedError(APIError):
    """429 `rate_limited`: the key is over its rate; retried while retries remain."""


class OverloadedError(APIError):
    """503 `overloaded`: the queue is full or the server is draining; retried while retries remain."""


STATUS_ERRORS: dict[int, type[APIError]] = {
    400: InvalidJSONError, 401: UnauthorizedError, 403: ForbiddenError, 404: NotFoundError,
    405: MethodNotAllowedError, 413: TooLargeError, 415: UnsupportedMediaTypeError,
    422: InvalidRequestError, 429: RateLimitedError, 503: OverloadedError,
}


class ConnectionError(ConvGradError, builtins.ConnectionError):
    """The server could not be reached (refused, reset, DNS); the message names the URL."""


class TimeoutError(ConvGradError, builtins.TimeoutError):
    """The server did not answer within the client's `timeout`."""


class ProtocolError(ConvGradError):
    """The server answered with something that is not the contract's JSON."""
