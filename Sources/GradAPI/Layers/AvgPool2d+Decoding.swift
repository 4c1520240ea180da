import ConvEngine
import Grading

/// avgpool2d's fields (openapi.yaml, `Layer`).
extension AvgPool2d: RegisteredLayer {
    public static func decode(_ fields: FieldReader, _ decoder: LayerDecoder) throws -> DecodedLayer {
        try fields.rejectUnknownKeys(
            allowed: ["type", "name", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"],
            context: "an avgpool2d layer")
        let kernel = try decoder.kernelSize(fields)
        return DecodedLayer(
            AvgPool2d(
                kernel: kernel, stride: try fields.pair("stride", default: kernel, range: LayerDecoder.positive),
                padding: try fields.pair("padding", default: Pair(0), range: LayerDecoder.nonNegative)!,
                ceilMode: try fields.bool("ceil_mode", default: false),
                countIncludePad: try fields.bool("count_include_pad", default: true)))
    }
}
