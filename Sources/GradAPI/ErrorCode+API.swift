import ConvEngine

/// The API's error codes beside the engine's (openapi.yaml, `Error`; openapi.yaml, `Error.code`).
extension ErrorCode {
    /// 400: the body is not JSON.
    public static let invalidJSON = ErrorCode(rawValue: "invalid_json")
    /// 422: valid JSON that is not a valid problem, when no more specific code applies.
    public static let invalidRequest = ErrorCode(rawValue: "invalid_request")
    /// 422: a member of the wrong JSON type.
    public static let wrongType = ErrorCode(rawValue: "wrong_type")
    /// 422: a member the object does not have.
    public static let unknownField = ErrorCode(rawValue: "unknown_field")
    /// 422: a required member is missing.
    public static let missingField = ErrorCode(rawValue: "missing_field")
    /// 422: a layer `type` the contract does not name.
    public static let unknownLayer = ErrorCode(rawValue: "unknown_layer")
    /// 422: a loss `type` the contract does not name.
    public static let unknownLoss = ErrorCode(rawValue: "unknown_loss")
    /// 422: two layers with one name.
    public static let duplicateName = ErrorCode(rawValue: "duplicate_name")
    /// 422: a tensor that is ragged, empty or not numbers.
    public static let invalidTensor = ErrorCode(rawValue: "invalid_tensor")
    /// 422: a base64 tensor that is not RFC 4648 base64.
    public static let invalidBase64 = ErrorCode(rawValue: "invalid_base64")
    /// 422: an /explain `index` that is not an element of the tensor.
    public static let invalidIndex = ErrorCode(rawValue: "invalid_index")
    /// 422: a number that overflows float64, or a non-finite base64 value.
    public static let nonFiniteNumber = ErrorCode(rawValue: "non_finite_number")
    /// 422: the problem overflows float64 (a non-finite output, loss or gradient).
    public static let nonFiniteResult = ErrorCode(rawValue: "non_finite_result")
    /// 422: a submission or `of` names no gradient of the problem.
    public static let unknownGradient = ErrorCode(rawValue: "unknown_gradient")
    /// 403: the request's API key lacks the scope this request needs (a `grade:hidden` key asking
    /// for full feedback); the router gives the same code for a route's scope (HTTP1/HTTPError+Access.swift).
    public static let forbidden = ErrorCode(rawValue: "forbidden")
    /// 503: the client went away before the work finished.
    public static let cancelled = ErrorCode(rawValue: "cancelled")
    /// 500: a bug; never expected.
    public static let internalError = ErrorCode(rawValue: "internal_error")
}
