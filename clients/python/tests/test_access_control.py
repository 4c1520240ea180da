"""The client against a gradserver started with --api-keys (README "API keys"): `api_key=` and
$CONVGRAD_API_KEY become `Authorization: Bearer`, and the server's 401/403 become typed errors."""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
from typing import Iterator

import pytest

import convgrad

from conftest import LESSON, gradserver_binary

AUTOGRADER = "auto-0123456789abcdef-py"
STUDENT = "sect-0123456789abcdef-py"
SUBMISSION = {"0.weight": [[-140.8, -129.8], [-96.8, -85.8]]}


@pytest.fixture(scope="module")
def keyed_url() -> Iterator[str]:
    keys = {"keys": [
        {"name": "autograder", "key": AUTOGRADER, "scopes": ["compute", "grade", "explain", "gradcheck"]},
        {"name": "section-a", "key": STUDENT, "scopes": ["grade:hidden"]},
    ]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(keys, file)
    os.chmod(file.name, 0o600)
    process = subprocess.Popen([str(gradserver_binary()), "--host", "127.0.0.1", "--port", "0", "--log-level", "warning",
                                "--api-keys", file.name], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("listening on http://"), f"gradserver printed {line!r}"
        yield line.split()[2]
    finally:
        process.terminate()
        process.wait(timeout=30)
        os.unlink(file.name)


def test_noKey_raisesUnauthorized(keyed_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONVGRAD_API_KEY", raising=False)
    with pytest.raises(convgrad.UnauthorizedError):
        convgrad.Client(keyed_url, timeout=30).backward(LESSON)


def test_apiKey_andEnvironment_areSentAsBearer(keyed_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "0.weight" in convgrad.Client(keyed_url, timeout=30, api_key=AUTOGRADER).backward(LESSON).gradients
    monkeypatch.setenv("CONVGRAD_API_KEY", AUTOGRADER)
    assert "0.weight" in convgrad.Client(keyed_url, timeout=30).backward(LESSON).gradients


def test_gradeHiddenKey_getsHiddenFeedbackOr403(keyed_url: str) -> None:
    student = convgrad.Client(keyed_url, timeout=30, api_key=STUDENT)
    hidden = student.grade(LESSON, submission=SUBMISSION, feedback="hidden")
    assert isinstance(hidden, convgrad.GradeResult) and "85.8" not in json.dumps(hidden.raw)
    with pytest.raises(convgrad.ForbiddenError) as full:
        student.grade(LESSON, submission=SUBMISSION)
    assert full.value.code == "forbidden" and full.value.path == "feedback"
    with pytest.raises(convgrad.ForbiddenError):
        student.backward(LESSON)
