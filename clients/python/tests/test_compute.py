"""forward and backward against a live gradserver: the lesson's numbers, numpy in any float dtype
and any array-like, both tensor formats, activations and buffers."""
from __future__ import annotations

import copy

import numpy as np
import pytest

import convgrad
from conftest import LESSON

LESSON_GRADIENTS = {
    "input": [[-1.1, 0.0, -2.2, 0.0], [0.0, 1.1, 0.0, 2.2], [-3.3, 0.0, -4.4, 0.0], [0.0, 3.3, 0.0, 4.4]],
    "0.weight": [[-85.80000000000001, -96.80000000000001], [-129.8, -140.8]],
    "0.bias": [-11.0],
    "2.weight": [[49.5, 49.5, 49.5, 49.5]],
    "2.bias": [-11.0],
}


def lesson_with_numpy(dtype: type) -> dict:
    """The lesson with its exactly representable tensors (integers, 0.5) as arrays of `dtype`."""
    problem = copy.deepcopy(LESSON)
    problem["input"] = np.array(problem["input"], dtype=dtype)
    problem["layers"][0]["weight"] = np.array(problem["layers"][0]["weight"], dtype=dtype)
    problem["layers"][0]["bias"] = np.array(problem["layers"][0]["bias"], dtype=dtype)
    return problem


def test_forward_lesson_returnsOutputAndLoss(client: convgrad.Client) -> None:
    result = client.forward(LESSON)
    assert isinstance(result.output, np.ndarray) and result.output.dtype == np.float64
    assert result.output.tolist() == [[-4.5]]
    assert result.loss == 30.25
    assert result.activations == {}


def test_forward_activations_keyedByLayerAtFullRank(client: convgrad.Client) -> None:
    result = client.forward(LESSON, activations=True)
    assert list(result.activations) == ["0", "1", "2"]
    assert result.activations["0"].shape == (1, 1, 2, 2)
    assert result.activations["0"].tolist() == [[[[-4.5, -4.5], [-4.5, -4.5]]]]


def test_forward_withoutLoss_lossIsNone(client: convgrad.Client) -> None:
    problem = {k: v for k, v in LESSON.items() if k != "loss"}
    assert client.forward(problem).loss is None


def test_backward_lesson_everyGradientAsTheLessonSays(client: convgrad.Client) -> None:
    result = client.backward(LESSON)
    assert list(result.gradients) == list(LESSON_GRADIENTS)
    for name, expected in LESSON_GRADIENTS.items():
        np.testing.assert_allclose(result.gradients[name], np.array(expected), rtol=1e-12, err_msg=name)
    assert result.loss == 30.25
    assert result.buffers == {}


def test_backward_activationGradients_areDLdz(client: convgrad.Client) -> None:
    result = client.backward(LESSON, activations=True, activation_gradients=True)
    assert result.activation_gradients["0"].tolist() == [[[[-1.1, -2.2], [-3.3, -4.4]]]]
    assert result.activations["1"].shape == (1, 4)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.longdouble])
def test_backward_anyFloatDtype_sameAsFloat64(client: convgrad.Client, dtype: type) -> None:
    reference = client.backward(LESSON)
    result = client.backward(lesson_with_numpy(dtype))
    for name, expected in reference.gradients.items():
        assert result.gradients[name].tobytes() == expected.tobytes(), name


def test_backward_arrayLikes_tuplesScalarsAndArrayProtocol(client: convgrad.Client) -> None:
    class TorchLike:
        """Anything with __array__, as a torch tensor has."""

        def __init__(self, values: list) -> None:
            self.values = values

        def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
            return np.array(self.values, dtype=dtype)

    problem = copy.deepcopy(LESSON)
    problem["input"] = tuple(tuple(row) for row in problem["input"])
    problem["layers"][0]["weight"] = TorchLike([[1.0, 0.0], [0.0, -1.0]])
    problem["layers"][0]["bias"] = [np.float32(0.5)]
    problem["layers"][0]["stride"] = np.int64(2)
    problem["loss"]["target"] = 1.0
    expected = client.backward(LESSON).gradients["0.weight"]
    assert client.backward(problem).gradients["0.weight"].tobytes() == expected.tobytes()


def test_backward_keywordsAndDict_keywordsWin(client: convgrad.Client) -> None:
    result = client.backward(LESSON, loss={"type": "mse", "target": [[-4.5]]})
    assert result.loss == 0.0
    assert client.backward(**LESSON).loss == 30.25


def test_backward_classIndicesAsIntegerArray_sentAsIntegers(client: convgrad.Client) -> None:
    problem = {"input": np.array([[1.0, 2.0, 3.0], [0.5, 0.1, -1.0]]), "layers": [{"type": "relu"}],
               "loss": {"type": "cross_entropy", "target": np.array([2, 0])}}
    result = client.backward(problem)
    logits = np.maximum(problem["input"], 0)
    softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = (softmax - np.eye(3)[[2, 0]]) / 2 * (problem["input"] > 0)
    np.testing.assert_allclose(result.gradients["input"], expected, rtol=1e-12)


def test_backward_shortForm_gradientsNamedImagesKernelsBias(client: convgrad.Client) -> None:
    result = client.backward(images=np.arange(1.0, 17).reshape(4, 4), kernels=np.array([[1.0, 0], [0, -1]]),
                             bias=[0.5], stride=2, loss={"type": "mse", "target": np.zeros((2, 2))})
    assert list(result.gradients) == ["images", "kernels", "bias"]
    assert result.gradients["kernels"].shape == (2, 2)


def test_backward_nestedFormat_equalsBase64(client: convgrad.Client, nested_client: convgrad.Client) -> None:
    rng = np.random.default_rng(7)
    problem = {"input": rng.standard_normal((2, 3, 6, 6)),
               "layers": [{"type": "conv2d", "weight": rng.standard_normal((4, 3, 3, 3)), "padding": 1},
                          {"type": "maxpool2d", "kernel_size": 2}, {"type": "flatten"},
                          {"type": "linear", "weight": rng.standard_normal((5, 36)), "bias": rng.standard_normal(5)}],
               "loss": {"type": "cross_entropy", "target": [1, 4]}}
    binary, nested = client.backward(problem), nested_client.backward(problem)
    assert isinstance(binary.raw["output"], np.ndarray)  # decoded from base64 as the answer was read
    assert isinstance(nested.raw["output"], list)
    assert binary.loss == nested.loss
    for name in binary.gradients:
        assert binary.gradients[name].tobytes() == nested.gradients[name].tobytes(), name


def test_backward_buffers_decodedWhenSent(fake) -> None:
    fake.answer(200, {"output": {"shape": [1], "data": [2.0]}, "gradients": {"input": [1.0]},
                      "buffers": {"0.running_mean": {"shape": [2], "data": [0.1, 0.2]}}})
    result = convgrad.Client(fake.url).backward(input=[1.0], layers=[{"type": "relu"}], grad_output=[1.0])
    assert result.buffers["0.running_mean"].tolist() == [0.1, 0.2]
    assert result.output.tolist() == [2.0]
