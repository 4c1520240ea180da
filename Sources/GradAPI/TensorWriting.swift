import ConvEngine
import JSONCodec

extension JSONWriter {
    /// Writes a response tensor in the form the request chose (`tensor_format`): nested arrays
    /// (a rank-0 tensor is a bare number), `{"shape", "data"}`, or `{"shape", "base64"}` with
    /// little-endian float64 bytes. Numbers are shortest round-trip; the caller has checked they are finite.
    public mutating func tensor(_ tensor: Tensor, format: ResponseOptions.TensorFormat) {
        switch format {
        case .nested:
            self.tensor(shape: tensor.shape, data: tensor.data)
        case .flat:
            beginObject()
            key("shape")
            shape(tensor.shape)
            key("data")
            numbers(tensor.data)
            endObject()
        case .base64:
            beginObject()
            key("shape")
            shape(tensor.shape)
            key("base64")
            base64Float64(tensor.data)
            endObject()
        }
    }

    private mutating func shape(_ shape: [Int]) {
        beginArray()
        for dim in shape { number(dim) }
        endArray()
    }
}
