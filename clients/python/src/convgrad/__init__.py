"""ConvGrad from Python: forward values and every gradient of a small conv net, in float64 with
PyTorch's semantics, with numpy arrays in and out.

    >>> import numpy as np, convgrad
    >>> client = convgrad.Client("http://127.0.0.1:8080")
    >>> result = client.backward(input=np.arange(1.0, 17).reshape(4, 4),
    ...                          layers=[{"type": "conv2d", "weight": [[1, 0], [0, -1]], "stride": 2}],
    ...                          loss={"type": "mse", "target": np.zeros((2, 2))})
    >>> result.gradients["0.weight"]

See Client for the routes, convgrad.errors for the exceptions and convgrad.selfcheck for the
self-checks of a student's own layer functions.
"""
from .client import Client
from .errors import (APIError, ConnectionError, ConvGradError, ForbiddenError, InvalidJSONError,
                     InvalidRequestError, MethodNotAllowedError, NotFoundError, OverloadedError, ProtocolError,
                     RateLimitedError, TimeoutError, TooLargeError, UnauthorizedError, UnsupportedMediaTypeError)
from .results import (BackwardResult, Diagnosis, ExplainResult, ForwardResult, GradcheckEntry, GradcheckResult,
                      GradeBatchResult, GradeResult, TensorGrade)
from .selfcheck import (CheckResult, check_affine_backward, check_conv_backward, check_max_pool_backward,
                        check_relu_backward)

__version__ = "0.1.0"

__all__ = [
    "Client", "APIError", "ConnectionError", "ConvGradError", "ForbiddenError", "InvalidJSONError",
    "InvalidRequestError", "MethodNotAllowedError", "NotFoundError", "OverloadedError", "ProtocolError",
    "RateLimitedError", "TimeoutError", "TooLargeError", "UnauthorizedError", "UnsupportedMediaTypeError",
    "BackwardResult", "Diagnosis", "ExplainResult", "ForwardResult", "GradcheckEntry", "GradcheckResult",
    "GradeBatchResult", "GradeResult", "TensorGrade", "CheckResult", "check_affine_backward",
    "check_conv_backward", "check_max_pool_backward", "check_relu_backward",
]
