import ConvEngine
import Grading

/// maxpool2d's fields (openapi.yaml, `Layer`).
extension MaxPool2d: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(
            allowed: ["type", "name", "kernel_size", "stride", "padding", "dilation", "ceil_mode"],
            context: "a maxpool2d layer")
        let kernel = try decoder.kernelSize(fields)
        return DecodedLayer(
            MaxPool2d(
                kernel: kernel, stride: try fields.pair("stride", default: kernel, range: LayerDecoder.positive),
                padding: try fields.pair("padding", default: Pair(0), range: LayerDecoder.nonNegative)!,
                dilation: try fields.pair("dilation", default: Pair(1), range: LayerDecoder.positive)!,
                ceilMode: try fields.bool("ceil_mode", default: false)))
    }
}
