"""HTTP for the client: one requests.Session, JSON in and out, errors raised, 503/429 retried.

A 503 `overloaded` or 429 `rate_limited` with `Retry-After` (API.md, "Errors") is retried up to
`max_retries` times, sleeping the seconds the server asks for (at most `max_retry_wait` each);
anything else is raised at once.
"""
from __future__ import annotations

import re
import time
from typing import Any, Callable, Optional

import requests

from . import errors
from ._wire import loads_response

RETRIED_STATUSES = (429, 503)


class Transport:
    """Sends requests to one server; see Client for the parameters."""

    def __init__(self, url: str, timeout: float, api_key: Optional[str], max_retries: int,
                 max_retry_wait: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "convgrad-python/0.1"
        if api_key:
            self.session.headers["Authorization"] = f"Bearer {api_key}"

    def request(self, method: str, path: str, body: Optional[bytes] = None,
                content_type: Optional[str] = "application/json") -> requests.Response:
        """The response to `method path`, after retries; raises APIError on an error status."""
        headers = {"Content-Type": content_type} if content_type and body is not None else {}
        for attempt in range(self.max_retries + 1):
            response = self._send(method, path, body, headers)
            if response.ok:
                return response
            error = api_error(response)
            if not self._should_retry(error, attempt):
                raise error
            self.sleep(min(float(error.retry_after or 0), self.max_retry_wait))
        raise AssertionError("unreachable: the last attempt returns or raises")

    def post_json(self, path: str, body: bytes) -> Any:
        """POSTs a JSON body and returns the decoded JSON answer (base64 tensors as arrays)."""
        response = self.request("POST", path, body)
        try:
            return loads_response(response.content)
        except ValueError as failure:
            raise errors.ProtocolError(f"POST {path}: the answer is not JSON ({failure})") from None

    def _send(self, method: str, path: str, body: Optional[bytes], headers: dict[str, str]) -> requests.Response:
        target = self.url + path
        try:
            return self.session.request(method, target, data=body, headers=headers, timeout=self.timeout)
        except requests.Timeout:
            raise errors.TimeoutError(f"{method} {target}: no answer within {self.timeout} s") from None
        except requests.ConnectionError as failure:
            reason = _reason(failure)
            raise errors.ConnectionError(f"{method} {target}: cannot connect to the ConvGrad server ({reason})") from None

    def _should_retry(self, error: errors.APIError, attempt: int) -> bool:
        return error.status in RETRIED_STATUSES and error.retry_after is not None and attempt < self.max_retries


def api_error(response: requests.Response) -> errors.APIError:
    """The APIError for an error response: the contract's JSON error, or the status and the body's
    start when the body is not one (a proxy's HTML page)."""
    code, message, path = f"http_{response.status_code}", response.text[:200], None
    try:
        body = response.json()["error"]
        code, message, path = body["code"], body["message"], body.get("path")
    except (ValueError, KeyError, TypeError):
        pass
    cls = errors.STATUS_ERRORS.get(response.status_code, errors.APIError)
    return cls(response.status_code, code, message, path, _retry_after(response))


def _retry_after(response: requests.Response) -> Optional[float]:
    """Retry-After in seconds (RFC 9110 §10.2.3, the delay-seconds form), or None."""
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _reason(failure: Exception) -> str:
    """The OS's words when the message carries them (`[Errno 111] Connection refused`), else the message."""
    text = str(failure)
    found = re.search(r"\[Errno -?\d+\][^'\")]*", text)
    return found.group(0).strip() if found else text
