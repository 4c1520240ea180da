"""The API's answers as Python values: tensors as float64 numpy arrays, Jupyter tables for grades
and explanations. `raw` keeps the decoded JSON of every answer."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

from ._tensors import decode_tensor, decode_tensor_map


@dataclass
class ForwardResult:
    """POST /forward: `output`, `loss` (None without a loss) and `activations` by layer name."""

    output: np.ndarray
    loss: Optional[float]
    activations: dict[str, np.ndarray]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "ForwardResult":
        return cls(decode_tensor(body["output"]), body.get("loss"), decode_tensor_map(body.get("activations")), body)


@dataclass
class BackwardResult:
    """POST /backward: as ForwardResult, plus `gradients` (`"input"`, `"<layer>.weight"`, ...),
    `activation_gradients` (dL/d(each layer's output)) and `buffers` (batch norm's running
    statistics, when the server sends them); each maps names to arrays, `{}` when absent."""

    output: np.ndarray
    loss: Optional[float]
    gradients: dict[str, np.ndarray]
    activations: dict[str, np.ndarray]
    activation_gradients: dict[str, np.ndarray]
    buffers: dict[str, np.ndarray]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "BackwardResult":
        return cls(decode_tensor(body["output"]), body.get("loss"), decode_tensor_map(body.get("gradients")),
                   decode_tensor_map(body.get("activations")), decode_tensor_map(body.get("activation_gradients")),
                   decode_tensor_map(body.get("buffers")), body)


@dataclass
class Diagnosis:
    """A known mistake the submission matches: a stable `code` (`kernel_flipped`, ...) and a
    one-sentence `message`."""

    code: str
    message: str


@dataclass
class TensorGrade:
    """One submitted tensor's grade (API.md, "POST /grade"); `max_*` are None with hidden feedback."""

    passed: bool
    shape_ok: bool
    expected_shape: list[int]
    mismatched: int
    total: int
    max_abs_error: Optional[float]
    max_rel_error: Optional[float]
    mismatches: list[dict[str, Any]]
    diagnosis: Optional[Diagnosis]

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "TensorGrade":
        diagnosis = body.get("diagnosis")
        return cls(body["passed"], body["shape_ok"], body["expected_shape"], body["mismatched"], body["total"],
                   body.get("max_abs_error"), body.get("max_rel_error"), body.get("mismatches", []),
                   Diagnosis(diagnosis["code"], diagnosis["message"]) if diagnosis else None)


@dataclass
class GradeResult:
    """POST /grade for one submission: `passed`, `score` (fraction of tensors passing) and
    `results` by gradient name. In Jupyter it shows as a pass/fail table with the diagnosis."""

    passed: bool
    score: float
    results: dict[str, TensorGrade]
    id: Optional[str] = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "GradeResult":
        results = {name: TensorGrade.from_json(r) for name, r in body["results"].items()}
        return cls(body["passed"], body["score"], results, body.get("id"), body)

    def first_failure(self) -> Optional[tuple[str, TensorGrade]]:
        """The first failing tensor, in submission order, or None."""
        return next(((name, r) for name, r in self.results.items() if not r.passed), None)

    def _repr_html_(self) -> str:
        rows = "".join(_grade_row(name, r) for name, r in self.results.items())
        title = f"{html.escape(self.id)}: " if self.id is not None else ""
        verdict = "passed" if self.passed else "failed"
        return (f"<div><b>{title}{verdict}</b>, score {self.score:g}"
                "<table><tr><th>tensor</th><th>result</th><th>mismatched</th><th>max abs error</th>"
                f"<th>diagnosis</th></tr>{rows}</table></div>")


@dataclass
class GradeBatchResult:
    """POST /grade with `submissions`: one GradeResult per submission, in the order given."""

    submissions: list[GradeResult]
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    def __getitem__(self, key: Any) -> GradeResult:
        if isinstance(key, str):
            found: GradeResult = next(s for s in self.submissions if s.id == key)
            return found
        return self.submissions[int(key)]

    def _repr_html_(self) -> str:
        return "".join(s._repr_html_() for s in self.submissions)


def _grade_row(name: str, grade: TensorGrade) -> str:
    verdict = "pass" if grade.passed else ("fail" if grade.shape_ok else "wrong shape")
    error = "" if grade.max_abs_error is None else f"{grade.max_abs_error:.3g}"
    diagnosis = (f"<code>{html.escape(grade.diagnosis.code)}</code>: {html.escape(grade.diagnosis.message)}"
                 if grade.diagnosis else "")
    return (f"<tr><td><code>{html.escape(name)}</code></td><td>{verdict}</td>"
            f"<td>{grade.mismatched} of {grade.total}</td><td>{error}</td><td>{diagnosis}</td></tr>")


@dataclass
class ExplainResult:
    """POST /explain: the element's `value`, its `formula`, the `board` line (the sum with every
    term named, as on the board) and `terms`, each `{"upstream", "local", "product"}` as the server
    sends them. In Jupyter it shows the board line and the terms as a table."""

    of: str
    index: list[int]
    value: float
    formula: str
    board: Optional[str]
    terms: list[dict[str, Any]]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "ExplainResult":
        return cls(body["of"], body["index"], body["value"], body["formula"], body.get("board"), body["terms"], body)

    def _repr_html_(self) -> str:
        board = f"<pre>{html.escape(self.board)}</pre>" if self.board else ""
        rows = "".join(
            f"<tr><td>{_factor(t['upstream'])}</td><td>{_factor(t['local'])}</td>"
            f"<td>{_number(t.get('product'))}</td></tr>"
            for t in self.terms)
        return (f"<div><b>{html.escape(self.formula)}</b> = {_number(self.value)}{board}"
                "<table><tr><th>upstream</th><th>local</th><th>product</th></tr>"
                f"{rows}</table></div>")


def _factor(factor: dict[str, Any]) -> str:
    index = factor.get("index")
    where = html.escape(factor["of"]) + (f"[{', '.join(str(i) for i in index)}]" if index is not None else "")
    padding = " (padding)" if factor.get("padding") else ""
    formula = f" <small>({html.escape(factor['formula'])})</small>" if factor.get("formula") else ""
    return f"<code>{where}</code> = {_number(factor.get('value'))}{padding}{formula}"


def _number(value: Optional[float]) -> str:
    return "overflow" if value is None else f"{value:.6g}"


@dataclass
class GradcheckEntry:
    """One gradient's check: the `analytic` and central-difference `numeric` arrays, their largest
    differences, and `kinks` (indices where the numeric value is not meaningful)."""

    passed: bool
    analytic: np.ndarray
    numeric: np.ndarray
    max_abs_error: Optional[float]
    max_rel_error: Optional[float]
    kinks: list[list[int]]


@dataclass
class GradcheckResult:
    """POST /gradcheck: `passed` and `results` by gradient name."""

    passed: bool
    results: dict[str, GradcheckEntry]
    raw: dict[str, Any] = field(repr=False)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "GradcheckResult":
        results = {
            name: GradcheckEntry(r["passed"], decode_tensor(r["analytic"]), decode_tensor(r["numeric"]),
                                 r["max_abs_error"], r["max_rel_error"], r["kinks"])
            for name, r in body["results"].items()
        }
        return cls(body["passed"], results, body)
