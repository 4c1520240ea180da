import ConvEngine
import Grading

/// A layer kind the API serves: the engine's passes, grading's explanations and mistakes
/// (`GradedLayer`), and its decoding from a request's layer object. Each kind conforms in its own file
/// (GradAPI/Layers/) and is listed once in `LayerRegistry.kinds`.
public protocol RegisteredLayer: GradedLayer {
    /// Decodes the layer's own fields (`type` and `name` are read by `LayerDecoder`), every field
    /// with its PyTorch default; unknown fields are 422 `unknown_field`.
    static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer
}

/// Every layer kind the contract names, in the order openapi.yaml lists them: the one list a new
/// kind is added to (docs/ADDING-A-LAYER.md).
public enum LayerRegistry {
    public static let kinds: [any RegisteredLayer.Type] = [
        Conv2d.self, MaxPool2d.self, AvgPool2d.self, ReLU.self, Sigmoid.self, Tanh.self, LeakyReLU.self,
        Flatten.self, Linear.self, BatchNorm1d.self, BatchNorm2d.self, Dropout.self, Softmax.self, LogSoftmax.self,
        GELU.self, LayerNorm.self, GroupNorm.self, AdaptiveAvgPool2d.self, Upsample.self, Residual.self,
        ConvTranspose2d.self, Conv1d.self,
    ]

    /// The kind of the design card's short form (`{"images", "kernels", ...}`, openapi.yaml).
    static let shortForm: any ShortFormLayer.Type = Conv2d.self

    /// The contract's type names, in `kinds`' order.
    public static let typeNames = kinds.map { $0.typeName }

    private static let byName = Dictionary(uniqueKeysWithValues: kinds.map { ($0.typeName, $0) })

    /// The kind named `typeName`, if the contract has one.
    public static func kind(named typeName: String) -> (any RegisteredLayer.Type)? { byName[typeName] }
}

/// The kind the design card's short form is one layer of: it reads its fields from the problem's top
/// level, its weight under `kernels`.
protocol ShortFormLayer: RegisteredLayer {
    static func decodeShortForm(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer
}

/// One layer as the request wrote it, decoded: the layer (weights at full rank) plus the shapes its
/// parameters were written in, by parameter name.
public struct DecodedLayer: Sendable {
    public var layer: any RegisteredLayer
    public var name: String?
    public var writtenShapes: [String: [Int]]
    /// Where each parameter was written relative to the layer object, when not under its own name
    /// (a block's `"0.weight"` is at `"layers[0].weight"`).
    public var parameterPaths: [String: String]

    public init(
        _ layer: any RegisteredLayer, writtenShapes: [String: [Int]] = [:], parameterPaths: [String: String] = [:]
    ) {
        self.layer = layer
        self.name = nil
        self.writtenShapes = writtenShapes
        self.parameterPaths = parameterPaths
    }
}
