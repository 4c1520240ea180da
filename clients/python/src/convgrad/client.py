"""`convgrad.Client`: the contract's five POST routes (API.md) with numpy arrays in and out."""
from __future__ import annotations

import os
from typing import Any, Iterable, Mapping, Optional, Union

import numpy as np

from ._tensors import TENSOR_FORMATS
from ._transport import Transport
from ._wire import dumps_request
from .results import (BackwardResult, ExplainResult, ForwardResult, GradcheckResult, GradeBatchResult,
                      GradeResult)

Problem = Mapping[str, Any]


class Client:
    """A ConvGrad server.

    Every method takes the problem as the API does (API.md, "The problem"): a dict with `input`,
    `layers` (a list of dicts) and `loss` or `grad_output`, or the short form (`images`, `kernels`,
    ...), given as one dict, as keyword arguments, or both (keywords win). Wherever a tensor goes,
    any array-like works: numpy arrays of any float dtype, lists, scalars; integer arrays (class
    indices) are sent as integers.

    Parameters:
        url: the server, e.g. `http://127.0.0.1:8080`.
        timeout: seconds to wait for each answer.
        api_key: sent as `Authorization: Bearer <key>`; defaults to `$CONVGRAD_API_KEY`.
        tensor_format: `"base64"` (little-endian float64, exact to the bit, the default) or
            `"nested"` (JSON lists, shortest round-trip numbers: also exact, larger and slower).
        max_retries: how often a 503 or 429 with `Retry-After` is retried before it is raised.
        max_retry_wait: the longest sleep, in seconds, before one retry.
    """

    def __init__(self, url: str = "http://127.0.0.1:8080", timeout: float = 60.0, api_key: Optional[str] = None,
                 tensor_format: str = "base64", max_retries: int = 3, max_retry_wait: float = 10.0) -> None:
        if tensor_format not in TENSOR_FORMATS:
            raise ValueError(f"tensor_format must be one of {TENSOR_FORMATS}; found {tensor_format!r}")
        key = api_key if api_key is not None else os.environ.get("CONVGRAD_API_KEY") or None
        self.tensor_format = tensor_format
        self.transport = Transport(url, timeout, key, max_retries, max_retry_wait)

    @property
    def url(self) -> str:
        return self.transport.url

    def __repr__(self) -> str:
        return f"convgrad.Client(url={self.url!r}, tensor_format={self.tensor_format!r})"

    def close(self) -> None:
        """Closes the kept-alive connections."""
        self.transport.session.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def forward(self, problem: Optional[Problem] = None, *, activations: bool = False, **fields: Any) -> ForwardResult:
        """The output, the loss (when the problem has one) and, with `activations=True`, each
        layer's output by layer name."""
        body = self._problem(problem, fields, ["activations"] if activations else [])
        return ForwardResult.from_json(self.post("/forward", body))

    def backward(self, problem: Optional[Problem] = None, *, activations: bool = False,
                 activation_gradients: bool = False, **fields: Any) -> BackwardResult:
        """Every gradient (`result.gradients["0.weight"]`), with the output and loss; with
        `activations=True` / `activation_gradients=True` also each layer's output and dL/d(it)."""
        extra = [name for name, wanted in (("activations", activations), ("activation_gradients", activation_gradients))
                 if wanted]
        return BackwardResult.from_json(self.post("/backward", self._problem(problem, fields, extra)))

    def grade(self, problem: Optional[Problem] = None, *, submission: Optional[Mapping[str, Any]] = None,
              submissions: Optional[Iterable[Mapping[str, Any]]] = None,
              tolerance: Optional[Mapping[str, float]] = None, feedback: Optional[str] = None,
              **fields: Any) -> Union[GradeResult, GradeBatchResult, dict[str, Any]]:
        """Grades `submission` (`{gradient name: array}`) or `submissions`
        (`[{"id": ..., "gradients": {...}}, ...]`) against the problem's true gradients.

        Returns a GradeResult (one submission) or GradeBatchResult (many); with
        `format="gradescope"` the Gradescope results.json dict as the server sends it.
        `tolerance` is `{"rtol", "atol"}` (numpy.allclose; defaults 1e-5 and 1e-8)."""
        body = self._problem(problem, fields, [])
        options = {"submission": submission, "submissions": list(submissions) if submissions is not None else None,
                   "tolerance": tolerance, "feedback": feedback}
        body.update({k: v for k, v in options.items() if v is not None})
        answer: dict[str, Any] = self.post("/grade", body)
        if body.get("format") == "gradescope":
            return answer
        if "submissions" in answer:
            return GradeBatchResult([GradeResult.from_json(s) for s in answer["submissions"]], answer)
        return GradeResult.from_json(answer)

    def explain(self, problem: Optional[Problem] = None, *, of: str, index: Union[int, np.integer, Iterable[int]],
                **fields: Any) -> ExplainResult:
        """The chain rule spelled out for one element: `of` a gradient name (`"0.weight"`) or a
        layer name (dL/d(that layer's output)), `index` the element in the rank the request wrote (a
        bare number for a 1-D tensor such as a bias)."""
        body = self._problem(problem, fields, [])
        element: Union[int, list[int]] = (int(index) if isinstance(index, (int, np.integer))
                                          else [int(i) for i in index])
        body.update({"of": of, "index": element})
        return ExplainResult.from_json(self.post("/explain", body))

    def gradcheck(self, problem: Optional[Problem] = None, *, eps: Optional[float] = None,
                  tolerance: Optional[Mapping[str, float]] = None, **fields: Any) -> GradcheckResult:
        """Analytic against central-difference gradients (`eps` default 1e-6)."""
        body = self._problem(problem, fields, [])
        body.update({k: v for k, v in (("eps", eps), ("tolerance", tolerance)) if v is not None})
        return GradcheckResult.from_json(self.post("/gradcheck", body))

    def post(self, path: str, body: Mapping[str, Any]) -> Any:
        """POSTs `body` (tensors encoded in the client's format) and returns the decoded JSON, with
        base64 tensors already float64 arrays."""
        if self.tensor_format == "base64":
            body = {**body, "tensor_format": body.get("tensor_format", "base64")}
        return self.transport.post_json(path, dumps_request(body, self.tensor_format))

    def request(self, method: str, path: str, body: Optional[bytes] = None,
                content_type: Optional[str] = "application/json") -> Any:
        """Any route, raw: returns the `requests.Response` (errors still raise APIError)."""
        return self.transport.request(method, path, body, content_type)

    def _problem(self, problem: Optional[Problem], fields: Mapping[str, Any], extra: list[str]) -> dict[str, Any]:
        body = {**(problem or {}), **fields}
        if extra:
            body["return"] = list(dict.fromkeys([*(body.get("return") or []), *extra]))
        return body
