import ConvEngine
import JSONCodec

/// A workload written as a POST /backward body (openapi.yaml): nested-array tensors.
enum WorkloadRequest {
    static func body(_ workload: Workload) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: 1 << 20)
        w.beginObject()
        w.key("input")
        w.tensor(shape: workload.input.shape, data: workload.input.data)
        w.key("layers")
        w.beginArray()
        for layer in workload.network.layers { write(layer, to: &w) }
        w.endArray()
        switch workload.seed {
        case .loss(let loss):
            w.key("loss")
            write(loss, to: &w)
        case .gradOutput(let g):
            w.key("grad_output")
            w.tensor(shape: g.shape, data: g.data)
        }
        w.endObject()
        return w.bytes
    }

    /// The layer kinds the workloads use.
    private static func write(_ layer: any Layer, to w: inout JSONWriter) {
        w.beginObject()
        switch layer {
        case let spec as Conv2d:
            w.key("type")
            w.string("conv2d")
            w.key("weight")
            w.tensor(shape: spec.weight.shape, data: spec.weight.data)
            if let bias = spec.bias {
                w.key("bias")
                w.tensor(shape: bias.shape, data: bias.data)
            }
            w.key("stride")
            pair(spec.stride, &w)
            if case .explicit(let pad) = spec.padding {
                w.key("padding")
                pair(pad, &w)
            }
        case let spec as MaxPool2d:
            w.key("type")
            w.string("maxpool2d")
            w.key("kernel_size")
            pair(spec.kernel, &w)
            w.key("stride")
            pair(spec.stride, &w)
        case is ReLU:
            w.key("type")
            w.string("relu")
        case is Flatten:
            w.key("type")
            w.string("flatten")
        case let spec as Linear:
            w.key("type")
            w.string("linear")
            w.key("weight")
            w.tensor(shape: spec.weight.shape, data: spec.weight.data)
            if let bias = spec.bias {
                w.key("bias")
                w.tensor(shape: bias.shape, data: bias.data)
            }
        default:
            preconditionFailure("gradbench workloads do not use \(layer)")
        }
        w.endObject()
    }

    private static func write(_ loss: LossSpec, to w: inout JSONWriter) {
        w.beginObject()
        w.key("type")
        switch loss.kind {
        case .mse: w.string("mse")
        case .crossEntropy: w.string("cross_entropy")
        default: preconditionFailure("gradbench workloads do not use \(loss.kind)")
        }
        w.key("target")
        switch loss.target {
        case .values(let t): w.tensor(shape: t.shape, data: t.data)
        case .classIndices(let indices):
            w.beginArray()
            for i in indices { w.number(i) }
            w.endArray()
        }
        w.endObject()
    }

    private static func pair(_ p: Pair, _ w: inout JSONWriter) {
        w.beginArray()
        w.number(p.h)
        w.number(p.w)
        w.endArray()
    }
}
