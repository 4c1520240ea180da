"""Every error path: the API's errors from a live gradserver as exceptions with status, code, message
and path; the ones gradserver cannot be made to give on demand from a scripted fake server; retries of
503/429 with Retry-After; connection failures and timeouts named as such; the API key header."""
from __future__ import annotations

import builtins
import socket

import numpy as np
import pytest

import convgrad
from conftest import LESSON, MAX_TENSOR_ELEMENTS


def test_invalidRequest_shapeMismatch_raisesWithCodeAndPath(client: convgrad.Client) -> None:
    problem = {**LESSON, "layers": [{"type": "conv2d", "weight": np.ones((1, 2, 2))}]}
    with pytest.raises(convgrad.InvalidRequestError) as caught:
        client.forward(problem)
    error = caught.value
    assert (error.status, error.path) == (422, "layers[0].weight")
    assert error.code and "conv2d" in error.message
    assert isinstance(error, convgrad.APIError) and isinstance(error, convgrad.ConvGradError)
    assert "layers[0].weight" in str(error)


def test_invalidRequest_unknownLayer_codeSays(client: convgrad.Client) -> None:
    with pytest.raises(convgrad.InvalidRequestError) as caught:
        client.backward({**LESSON, "layers": [{"type": "conv3d"}]})
    assert caught.value.code == "unknown_layer"


def test_invalidRequest_nanInBase64_nonFiniteNumber(client: convgrad.Client) -> None:
    with pytest.raises(convgrad.InvalidRequestError) as caught:
        client.forward(input=np.array([[np.nan, 1.0]]), layers=[{"type": "relu"}])
    assert caught.value.code == "non_finite_number"
    assert caught.value.path == "input.base64"


def test_invalidJSON_nanInNestedLists_raises400(nested_client: convgrad.Client) -> None:
    with pytest.raises(convgrad.InvalidJSONError) as caught:
        nested_client.forward(input=np.array([[np.nan, 1.0]]), layers=[{"type": "relu"}])
    assert (caught.value.status, caught.value.code) == (400, "invalid_json")


def test_tooLarge_tensorOverTheServerLimit_raises413(client: convgrad.Client) -> None:
    side = int(MAX_TENSOR_ELEMENTS ** 0.5) + 2
    with pytest.raises(convgrad.TooLargeError) as caught:
        client.forward(input=np.zeros((side, side)), layers=[{"type": "relu"}])
    assert (caught.value.status, caught.value.code) == (413, "too_large")


def test_unknownGradient_grade_raises422(client: convgrad.Client) -> None:
    with pytest.raises(convgrad.InvalidRequestError) as caught:
        client.grade(LESSON, submission={"9.weight": [[1.0]]})
    assert caught.value.code == "unknown_gradient"


def test_notFound_unknownPath_raises404(client: convgrad.Client) -> None:
    with pytest.raises(convgrad.NotFoundError) as caught:
        client.post("/nowhere", LESSON)
    assert caught.value.status == 404


def test_methodNotAllowed_getOnForward_raises405(client: convgrad.Client) -> None:
    with pytest.raises(convgrad.MethodNotAllowedError) as caught:
        client.request("GET", "/forward")
    assert caught.value.status == 405


def test_unsupportedMediaType_textPlain_raises415(client: convgrad.Client) -> None:
    with pytest.raises(convgrad.UnsupportedMediaTypeError) as caught:
        client.request("POST", "/forward", b"{}", content_type="text/plain")
    assert (caught.value.status, caught.value.code) == (415, "unsupported_media_type")


def test_request_healthz_returnsTheResponse(client: convgrad.Client) -> None:
    assert client.request("GET", "/healthz").json() == {"status": "ok"}


def test_connectionRefused_raisesConnectionErrorNamingTheURL() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(convgrad.ConnectionError) as caught:
        convgrad.Client(f"http://127.0.0.1:{port}", timeout=5).forward(LESSON)
    assert isinstance(caught.value, builtins.ConnectionError)
    assert f"127.0.0.1:{port}/forward" in str(caught.value) and "cannot connect" in str(caught.value)


def test_timeout_slowServer_raisesTimeoutError(fake) -> None:
    fake.answer(200, {"output": [1.0]}, delay=1.0)
    with pytest.raises(convgrad.TimeoutError) as caught:
        convgrad.Client(fake.url, timeout=0.2).forward(LESSON)
    assert isinstance(caught.value, builtins.TimeoutError)


def test_overloaded_retryAfter_retriedThenSucceeds(fake) -> None:
    fake.error(503, "overloaded", headers={"Retry-After": "0"})
    fake.error(503, "overloaded", headers={"Retry-After": "0"})
    fake.answer(200, {"output": [[-4.5]], "loss": 30.25})
    assert convgrad.Client(fake.url).forward(LESSON).loss == 30.25
    assert len(fake.requests) == 3
    assert fake.requests[0]["body"] == fake.requests[2]["body"]


def test_overloaded_persistent_raisesAfterMaxRetries(fake) -> None:
    fake.error(503, "overloaded", "the work queue is full", headers={"Retry-After": "0"})
    with pytest.raises(convgrad.OverloadedError) as caught:
        convgrad.Client(fake.url, max_retries=2).forward(LESSON)
    assert (caught.value.status, caught.value.code, caught.value.retry_after) == (503, "overloaded", 0.0)
    assert len(fake.requests) == 3


def test_overloaded_retryWait_cappedByMaxRetryWait(fake) -> None:
    fake.error(503, "overloaded", headers={"Retry-After": "3600"})
    fake.answer(200, {"output": [1.0]})
    client = convgrad.Client(fake.url, max_retry_wait=0.01)
    assert client.forward(LESSON).output.tolist() == [1.0]


def test_overloaded_withoutRetryAfter_notRetried(fake) -> None:
    fake.error(503, "overloaded")
    with pytest.raises(convgrad.OverloadedError) as caught:
        convgrad.Client(fake.url).forward(LESSON)
    assert caught.value.retry_after is None and len(fake.requests) == 1


def test_rateLimited_retryAfter_retriedThenRaises(fake) -> None:
    fake.error(429, "rate_limited", headers={"Retry-After": "0"})
    with pytest.raises(convgrad.RateLimitedError):
        convgrad.Client(fake.url, max_retries=1).forward(LESSON)
    assert len(fake.requests) == 2


@pytest.mark.parametrize("status, code, cls", [
    (401, "unauthorized", convgrad.UnauthorizedError),
    (403, "forbidden", convgrad.ForbiddenError),
    (413, "too_large", convgrad.TooLargeError),
    (400, "invalid_json", convgrad.InvalidJSONError),
])
def test_statuses_mapToSubclasses(fake, status: int, code: str, cls: type) -> None:
    fake.error(status, code, "the scope grade is needed")
    with pytest.raises(cls) as caught:
        convgrad.Client(fake.url).grade(LESSON, submission={"input": np.zeros((4, 4))})
    assert (caught.value.status, caught.value.code, caught.value.message) == (status, code, "the scope grade is needed")


def test_errorBodyNotJSON_raisesAPIErrorWithStatus(fake) -> None:
    fake.answer(502, b"<html>Bad Gateway</html>", headers={"Content-Type": "text/html"})
    with pytest.raises(convgrad.APIError) as caught:
        convgrad.Client(fake.url).forward(LESSON)
    assert (caught.value.status, caught.value.code) == (502, "http_502")
    assert "Bad Gateway" in caught.value.message


def test_okBodyNotJSON_raisesProtocolError(fake) -> None:
    fake.answer(200, b"not json")
    with pytest.raises(convgrad.ProtocolError):
        convgrad.Client(fake.url).forward(LESSON)


def test_apiKey_sentAsBearer(fake) -> None:
    fake.answer(200, {"output": [1.0]})
    convgrad.Client(fake.url, api_key="s3cret").forward(LESSON)
    assert fake.requests[0]["headers"]["Authorization"] == "Bearer s3cret"


def test_apiKey_fromEnvironment(fake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVGRAD_API_KEY", "from-env")
    fake.answer(200, {"output": [1.0]})
    convgrad.Client(fake.url).forward(LESSON)
    convgrad.Client(fake.url, api_key="explicit").forward(LESSON)
    assert [r["headers"]["Authorization"] for r in fake.requests] == ["Bearer from-env", "Bearer explicit"]


def test_apiKey_none_noAuthorizationHeader(fake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONVGRAD_API_KEY", raising=False)
    fake.answer(200, {"output": [1.0]})
    convgrad.Client(fake.url).forward(LESSON)
    assert "Authorization" not in fake.requests[0]["headers"]


def test_client_unknownTensorFormat_raisesValueError() -> None:
    with pytest.raises(ValueError, match="tensor_format"):
        convgrad.Client(tensor_format="flat")


def test_client_contextManager_closesAndRepr(server_url: str) -> None:
    with convgrad.Client(server_url) as client:
        assert client.forward(LESSON).loss == 30.25
        assert repr(client) == f"convgrad.Client(url={server_url!r}, tensor_format='base64')"
