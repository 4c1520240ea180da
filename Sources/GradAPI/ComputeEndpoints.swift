import ConvEngine
import HTTP1

/// POST /forward and POST /backward (openapi.yaml).
enum ComputeEndpoints {
    /// `{"output", "loss"?, "activations"?}`. A `grad_output`, and `"activation_gradients"` in `return`,
    /// are accepted and ignored: a forward pass computes no gradients.
    static func forward(_ request: HTTPRequest, _ context: RequestContext, _ configuration: APIConfiguration)
        -> HTTPResponse
    {
        APIEndpoint.respond(to: request) {
            let (problem, _) = try Problem.decode(body: request.body, configuration: configuration)
            let result = try APIEndpoint.run(problem) {
                try problem.network.forward(problem.input, loss: problem.loss, cancel: context.isCancelled)
            }
            return try ComputeResponse.forward(problem, result)
        }
    }

    /// `{"output", "loss"?, "gradients", "activations"?, "activation_gradients"?}`; exactly one of
    /// `loss` and `grad_output` seeds the backward pass.
    static func backward(_ request: HTTPRequest, _ context: RequestContext, _ configuration: APIConfiguration)
        -> HTTPResponse
    {
        APIEndpoint.respond(to: request) {
            let (problem, _) = try Problem.decode(body: request.body, configuration: configuration)
            let seed = try problem.requireSingleSeed()
            let result = try APIEndpoint.run(problem) {
                try problem.network.backward(problem.input, seed: seed, cancel: context.isCancelled)
            }
            return try ComputeResponse.backward(problem, result)
        }
    }
}

extension Problem {
    /// The backward seed, when exactly one of `loss` and `grad_output` was given; else 422.
    public func requireSingleSeed() throws -> BackwardSeed {
        switch (loss, gradOutput) {
        case (let loss?, nil): return .loss(loss)
        case (nil, let gradOutput?): return .gradOutput(gradOutput)
        case (.some, .some):
            throw APIError.invalid(
                .invalidRequest,
                "grad_output and loss are both given; the backward pass starts from exactly one of them",
                at: JSONPath("grad_output"))
        case (nil, nil):
            throw APIError.invalid(
                .missingField,
                "loss is required (or grad_output, dL/d(output) given directly): the backward pass starts from one of them",
                at: JSONPath("loss"))
        }
    }
}
