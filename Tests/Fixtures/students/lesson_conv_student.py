#!/usr/bin/env python3
"""Writes lesson-conv-student.grade.json: a /grade request holding a real student's conv backward pass.

The lesson this service grew from ("Convolutional Neural Network from Scratch", The Independent Code,
https://github.com/TheIndependentCode/Neural-Network/blob/master/convolutional.py) computes

    kernels_gradient[i, j] = signal.correlate2d(self.input[j], output_gradient[i], "valid")
    input_gradient[j] += signal.convolve2d(output_gradient[i], self.kernels[i, j], "full")

A student's version posted under it (issue 16) uses convolve2d for the kernel gradient (a true
convolution where the forward pass correlates) and "same" for the input gradient (where "full" is
right, so the result has the shape of dL/dY, not of X). It is transcribed below as written, except
that input_gradient is allocated with the shape its "same" terms have (np.zeros(self.input_shape)
would refuse them). The bias gradient is the lesson's own: output_gradient, one bias per output
element (ConvGrad's conv2d has one per channel).

Usage: python3 lesson_conv_student.py   (numpy and scipy: pip install numpy scipy)
"""
import json
import os

import numpy as np
from scipy import signal


class StudentConvolutional:
    """The student's layer: input (depth_in, h, w), kernels (depth, depth_in, k, k), correlate forward."""

    def __init__(self, input_shape, kernel_size, depth, rng):
        input_depth, input_height, input_width = input_shape
        self.depth = depth
        self.input_shape = input_shape
        self.input_depth = input_depth
        self.output_shape = (depth, input_height - kernel_size + 1, input_width - kernel_size + 1)
        self.kernels_shape = (depth, input_depth, kernel_size, kernel_size)
        self.kernels = rng.standard_normal(self.kernels_shape)
        self.biases = rng.standard_normal(self.output_shape)

    def forward(self, input):
        self.input = input
        self.output = np.copy(self.biases)
        for i in range(self.depth):
            for j in range(self.input_depth):
                self.output[i] += signal.correlate2d(self.input[j], self.kernels[i, j], "valid")
        return self.output

    def backward(self, output_gradient):
        kernels_gradient = np.zeros(self.kernels_shape)
        input_gradient = np.zeros((self.input_depth,) + output_gradient.shape[1:])
        for i in range(self.depth):
            for j in range(self.input_depth):
                kernels_gradient[i, j] = signal.convolve2d(self.input[j], output_gradient[i], "valid")
                input_gradient[j] += signal.convolve2d(output_gradient[i], self.kernels[i, j], "same")
        return kernels_gradient, input_gradient, output_gradient


def main():
    rng = np.random.default_rng(16)
    layer = StudentConvolutional((3, 7, 7), kernel_size=3, depth=2, rng=rng)
    x = rng.standard_normal((3, 7, 7))
    layer.forward(x)
    output_gradient = rng.standard_normal(layer.output_shape)
    kernels_gradient, input_gradient, bias_gradient = layer.backward(output_gradient)
    request = {
        "input": x.tolist(),
        "layers": [{"type": "conv2d", "weight": layer.kernels.tolist(), "bias": [0.0] * layer.depth}],
        "grad_output": output_gradient.tolist(),
        "submission": {
            "0.weight": kernels_gradient.tolist(),
            "input": input_gradient.tolist(),
            "0.bias": bias_gradient.tolist(),
        },
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lesson-conv-student.grade.json")
    with open(path, "w") as out:
        json.dump(request, out)
        out.write("\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
