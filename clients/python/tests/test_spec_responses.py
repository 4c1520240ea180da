"""The restructured openapi.yaml stays exact for the answers this client reads: live responses of
every /grade form (one, many, Gradescope, many in Gradescope, hidden feedback), /explain and
/gradcheck validate against the spec's schemas, and the request variants accept and refuse as the
server does (exactly one of submission and submissions; one problem form)."""
from __future__ import annotations

import json

import jsonschema
import numpy as np
import pytest
import yaml

import convgrad
from conftest import LESSON, REPO

SPEC = yaml.safe_load((REPO / "openapi.yaml").read_text())


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = {**SPEC, "$ref": f"#/components/schemas/{name}",
              "$schema": "https://json-schema.org/draft/2020-12/schema"}
    return jsonschema.Draft202012Validator(schema)


def errors(name: str, instance: object) -> list[str]:
    return [e.message[:200] for e in validator(name).iter_errors(instance)]


@pytest.mark.parametrize("options", [
    {"submission": {"0.weight": [[1, 2], [3, 4]]}},
    {"submission": {"0.weight": [[1, 2], [3, 4]]}, "feedback": "hidden"},
    {"submission": {"0.weight": [[1, 2], [3, 4]], "input": [[0]]}},
    {"submission": {"0.bias": [-11.0]}, "format": "gradescope"},
    {"submissions": [{"id": "a", "gradients": {"0.bias": [-11.0]}}, {"gradients": {"0.weight": [[0, 0], [0, 0]]}}]},
    {"submissions": [{"id": 7, "gradients": {"0.bias": [1.0]}}], "format": "gradescope"},
])
def test_gradeResponses_validateAgainstGradeResponse(client: convgrad.Client, options: dict) -> None:
    request = {**LESSON, **options}
    assert errors("GradeRequest", request) == []
    answer = client.request("POST", "/grade", json.dumps(request).encode()).json()
    assert errors("GradeResponse", answer) == [], answer


def test_explainAndGradcheckResponses_validate(client: convgrad.Client) -> None:
    def answer(path: str, body: dict) -> object:
        return client.request("POST", path, json.dumps(body).encode()).json()

    assert errors("ExplainResponse", answer("/explain", {**LESSON, "of": "0", "index": [0, 0, 1, 1]})) == []
    checked = answer("/gradcheck", {**LESSON, "tensor_format": "base64"})
    assert errors("GradcheckResponse", checked) == [] and "base64" in checked["results"]["input"]["analytic"]
    backward = answer("/backward", {**LESSON, "return": ["activations"], "tensor_format": "base64"})
    assert errors("BackwardResponse", backward) == []


@pytest.mark.parametrize("request_body", [
    {**LESSON},
    {**LESSON, "submission": {}, "submissions": []},
    {"images": [[1.0]], "kernels": [[1.0]], "submission": {"kernels": [[1.0]]}, "input": [[1.0]]},
])
def test_gradeRequest_notExactlyOneSubmissionForm_refusedBySpecAndServer(client: convgrad.Client,
                                                                         request_body: dict) -> None:
    assert errors("GradeRequest", request_body) != []
    with pytest.raises(convgrad.InvalidRequestError):
        client.request("POST", "/grade", json.dumps(request_body).encode())


def test_problemForms_shortFormAndLayersForm_bothAccepted(client: convgrad.Client) -> None:
    short = {"images": [[1.0, 2.0], [3.0, 4.0]], "kernels": [[1.0]], "padding": "same", "grad_output": [[1.0, 1.0], [1.0, 1.0]]}
    assert errors("Problem", short) == [] and errors("GradcheckRequest", short) == []
    assert client.backward(short).gradients["kernels"].tolist() == [[10.0]]
    assert errors("Problem", {**LESSON, "tensor_format": "base64", "input": {"shape": [1], "base64": "AAAAAAAA8D8="}}) == []
    assert errors("Problem", {**LESSON, "kernels": [[1.0]]}) != []
    assert errors("ExplainRequest", {**LESSON, "of": "input", "index": 3}) == []
    assert errors("ExplainRequest", {**LESSON, "of": "input"}) != []
    assert np.isfinite(client.explain(LESSON, of="input", index=[0, 0]).value)
