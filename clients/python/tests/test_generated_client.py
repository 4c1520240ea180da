"""openapi.yaml is readable whole by the mainstream generator: `openapi-python-client generate`
produces every operation with no warning, and the generated client, pip-installed into a temporary
directory, computes the lesson's example (API.md, "The problem") against a live gradserver."""
from __future__ import annotations

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import LESSON, REPO

GENERATOR = [sys.executable, "-m", "openapi_python_client"]

USE_GENERATED = """
import json, sys
from conv_grad_client import Client
from conv_grad_client.api.compute import backward, forward
from conv_grad_client.api.teaching import explain, grade, gradcheck
from conv_grad_client.api.operations import healthz, openapi
from conv_grad_client.models import (BackwardResponse, ForwardResponse, GradeResult, LayersExplainRequest,
                                     LayersGradcheckRequest, LayersGradeRequest, LayersProblem)

url, lesson = sys.argv[1], json.loads(sys.argv[2])
client = Client(base_url=url, raise_on_unexpected_status=True)
problem = LayersProblem.from_dict(lesson)
back = backward.sync(client=client, body=problem)
fwd = forward.sync(client=client, body=problem)
assert isinstance(back, BackwardResponse) and isinstance(fwd, ForwardResponse), (back, fwd)
weight = back.gradients.to_dict()["0.weight"]
graded = grade.sync(client=client, body=LayersGradeRequest.from_dict({**lesson, "submission": {"0.weight": weight}}))
assert isinstance(graded, GradeResult), graded
explained = explain.sync(client=client, body=LayersExplainRequest.from_dict({**lesson, "of": "0.weight", "index": [0, 0]}))
checked = gradcheck.sync(client=client, body=LayersGradcheckRequest.from_dict(lesson))
print(json.dumps({"output": back.to_dict()["output"], "loss": back.loss, "forward_loss": fwd.loss,
                  "gradients": back.gradients.to_dict(), "graded": graded.passed, "explained": explained.value,
                  "gradcheck": checked.passed, "health": healthz.sync(client=client).to_dict(),
                  "spec_starts": openapi.sync(client=client)[:14]}))
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """Runs the generator as a user would; returns its output and the folder it was installed into."""
    work = tmp_path_factory.mktemp("generated")
    run = subprocess.run([*GENERATOR, "generate", "--path", str(REPO / "openapi.yaml")], cwd=work,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    site = work / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                              "--ignore-requires-python", "--target", str(site), str(work / "conv-grad-client")],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr
    return run.stdout + run.stderr, site


def test_generator_readsTheWholeSpecWithoutWarnings(generated: tuple[str, Path]) -> None:
    output, _ = generated
    assert "warning" not in output.lower(), output
    assert "will not be generated" not in output


def test_generator_everyOperationGenerated(generated: tuple[str, Path]) -> None:
    _, site = generated
    spec = yaml.safe_load((REPO / "openapi.yaml").read_text())
    operation_ids = {op["operationId"] for item in spec["paths"].values() for op in item.values() if "operationId" in op}
    # The generator names each operation's module in snake case: pageAsset -> page_asset.
    expected = {re.sub(r"(?<!^)(?=[A-Z])", "_", op).lower() for op in operation_ids}
    modules = {p.stem for p in (site / "conv_grad_client" / "api").rglob("*.py")}
    assert expected <= modules, expected - modules


def test_generatedClient_computesTheLesson(generated: tuple[str, Path], server_url: str) -> None:
    _, site = generated
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run([sys.executable, "-c", USE_GENERATED, server_url, json.dumps(LESSON)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    answer = json.loads(run.stdout)
    assert answer["output"] == [[-4.5]] and answer["loss"] == answer["forward_loss"] == 30.25
    assert list(answer["gradients"]) == ["input", "0.weight", "0.bias", "2.weight", "2.bias"]
    assert answer["gradients"]["2.weight"] == [[49.5, 49.5, 49.5, 49.5]]
    assert answer["graded"] is True and answer["gradcheck"] is True
    assert answer["explained"] == answer["gradients"]["0.weight"][0][0]
    assert answer["health"] == {"status": "ok"}
    assert answer["spec_starts"] == "openapi: 3.1.0"
