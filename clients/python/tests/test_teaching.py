"""grade, explain and gradcheck against a live gradserver, and their Jupyter tables."""
from __future__ import annotations

import html

import numpy as np

import convgrad
from conftest import LESSON


def right_and_rotated(client: convgrad.Client) -> tuple[np.ndarray, np.ndarray]:
    right = client.backward(LESSON).gradients["0.weight"]
    return right, right[::-1, ::-1]


def test_grade_right_passes(client: convgrad.Client) -> None:
    right, _ = right_and_rotated(client)
    result = client.grade(LESSON, submission={"0.weight": right, "input": np.zeros((4, 4))})
    assert isinstance(result, convgrad.GradeResult)
    assert result.score == 0.5 and not result.passed
    assert result.results["0.weight"].passed and result.results["0.weight"].diagnosis is None
    assert result.first_failure()[0] == "input"


def test_grade_flippedKernel_diagnosed(client: convgrad.Client) -> None:
    _, rotated = right_and_rotated(client)
    result = client.grade(LESSON, submission={"0.weight": rotated})
    grade = result.results["0.weight"]
    assert not result.passed and grade.mismatched == 4 and grade.total == 4
    assert grade.diagnosis is not None and grade.diagnosis.code == "kernel_flipped"
    assert grade.mismatches[0]["index"] == [0, 0]
    page = result._repr_html_()
    assert "<table>" in page and "kernel_flipped" in page and "fail" in page


def test_grade_hiddenFeedback_noExpectedValues(client: convgrad.Client) -> None:
    _, rotated = right_and_rotated(client)
    grade = client.grade(LESSON, submission={"0.weight": rotated}, feedback="hidden").results["0.weight"]
    assert grade.max_abs_error is None and grade.max_rel_error is None
    assert all(set(m) == {"index"} for m in grade.mismatches)


def test_grade_tolerance_loosensTheCheck(client: convgrad.Client) -> None:
    right, _ = right_and_rotated(client)
    off = right * (1 + 1e-3)
    assert not client.grade(LESSON, submission={"0.weight": off}).passed
    assert client.grade(LESSON, submission={"0.weight": off}, tolerance={"rtol": 1e-2, "atol": 0}).passed


def test_grade_submissions_batchInOrderWithIds(client: convgrad.Client) -> None:
    right, rotated = right_and_rotated(client)
    batch = client.grade(LESSON, submissions=[{"id": "ada", "gradients": {"0.weight": right}},
                                              {"id": "bob", "gradients": {"0.weight": rotated}}])
    assert isinstance(batch, convgrad.GradeBatchResult)
    assert [s.id for s in batch.submissions] == ["ada", "bob"]
    assert batch["ada"].passed and not batch[1].passed
    assert batch["bob"].results["0.weight"].diagnosis.code == "kernel_flipped"
    assert batch._repr_html_().count("<table>") == 2


def test_grade_gradescopeFormat_returnsTheResultsJSON(client: convgrad.Client) -> None:
    right, _ = right_and_rotated(client)
    answer = client.grade(LESSON, submission={"0.weight": right}, format="gradescope", points={"0.weight": 2})
    assert answer["score"] == 2 and answer["max_score"] == 2
    assert answer["tests"][0]["name"] == "0.weight"


def test_explain_lessonWeight_boardAndTerms(client: convgrad.Client) -> None:
    result = client.explain(LESSON, of="0.weight", index=[0, 0])
    expected = client.backward(LESSON).gradients["0.weight"][0, 0]
    assert result.value == expected
    assert len(result.terms) == 4
    assert sum(t["product"] for t in result.terms) == np.float64(expected) or abs(
        sum(t["product"] for t in result.terms) - expected) < 1e-12
    assert result.board and result.board.startswith("dL/dw1 =")
    page = result._repr_html_()
    assert result.board in page and page.count("<tr>") == 5 and "input[0, 0]" in page


def test_explain_layerName_lastLayerUpstreamIsTheLoss(client: convgrad.Client) -> None:
    result = client.explain(LESSON, of="2", index=np.array([0, 0]))
    upstream = result.terms[0]["upstream"]
    assert upstream["of"] == "loss" and upstream["formula"]
    assert html.escape(upstream["formula"]) in result._repr_html_()
    assert client.explain(LESSON, of="0.bias", index=np.int64(0)).index == [0]  # a bare number, numpy's int


def test_explain_paddingFactor_flaggedInTheTable(client: convgrad.Client) -> None:
    problem = {"input": np.arange(1.0, 10).reshape(3, 3),
               "layers": [{"type": "conv2d", "weight": np.ones((2, 2)), "padding": 1}],
               "loss": {"type": "mse", "target": np.zeros((4, 4))}}
    result = client.explain(problem, of="0.weight", index=[0, 0])
    assert any(t["local"].get("padding") for t in result.terms)
    assert "(padding)" in result._repr_html_()


def test_gradcheck_lesson_passesWithArrays(client: convgrad.Client) -> None:
    result = client.gradcheck(LESSON, eps=1e-6)
    assert result.passed
    entry = result.results["0.weight"]
    assert entry.analytic.shape == entry.numeric.shape == (2, 2)
    np.testing.assert_allclose(entry.numeric, entry.analytic, rtol=1e-6)
    assert entry.kinks == []


def test_gradcheck_reluAtZero_reportsKinks(client: convgrad.Client) -> None:
    result = client.gradcheck(input=np.array([[0.0, 1.0]]), layers=[{"type": "relu"}],
                              loss={"type": "mse", "target": [[0.5, 0.5]]}, tolerance={"rtol": 1e-5, "atol": 1e-8})
    assert result.results["input"].kinks == [[0, 0]]
