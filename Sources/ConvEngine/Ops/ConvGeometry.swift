/// The padding a conv applies to each side of its input, after resolving `"same"`/`"valid"`.
public struct ResolvedPadding: Sendable, Equatable, CustomStringConvertible {
    public var top: Int
    public var bottom: Int
    public var left: Int
    public var right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
    }

    public var description: String { "(top \(top), bottom \(bottom), left \(left), right \(right))" }
}

extension ConvSpec {
    /// The kernel's (height, width): the last two dims of `weight` (`[C_out, C_in/groups, kh, kw]`).
    public var kernelSize: Pair {
        let s = weight.shape
        return s.count >= 2 ? Pair(s[s.count - 2], s[s.count - 1]) : Pair(1)
    }

    /// The padding on each side, as PyTorch resolves it.
    ///
    /// - explicit `(ph, pw)`: `ph` above and below, `pw` left and right.
    /// - `"valid"`: none.
    /// - `"same"`: per axis `total = dilation * (k - 1)`, `top = total / 2`, `bottom = total - top`
    ///   (the odd extra goes to the bottom/right). Requires stride 1.
    ///
    /// Throws `invalid_value` for negative padding, or `"same"` with a stride other than 1.
    public func resolvedPadding() throws -> ResolvedPadding {
        try resolvedPadding(LayerContext(index: 0, type: "conv"))
    }

    func resolvedPadding(_ ctx: LayerContext) throws -> ResolvedPadding {
        switch padding {
        case .valid:
            return ResolvedPadding(top: 0, bottom: 0, left: 0, right: 0)
        case .explicit(let p):
            guard p.h >= 0, p.w >= 0 else {
                throw ctx.error(.invalidValue, field: "padding", "padding \(p) must be >= 0")
            }
            return ResolvedPadding(top: p.h, bottom: p.h, left: p.w, right: p.w)
        case .same:
            guard stride == Pair(1) else {
                throw ctx.error(
                    .invalidValue, field: "padding", "padding \"same\" requires stride 1, but stride is \(stride)")
            }
            let k = kernelSize
            guard let th = ShapeArithmetic.product(dilation.h, k.h - 1),
                let tw = ShapeArithmetic.product(dilation.w, k.w - 1)
            else { throw ctx.tooLarge("the \"same\" padding") }
            return ResolvedPadding(top: th / 2, bottom: th - th / 2, left: tw / 2, right: tw - tw / 2)
        }
    }

    /// The output's (height, width) for an input of `height` x `width`:
    /// `out = (in + pad_before + pad_after - dilation * (k - 1) - 1) / stride + 1` (floor).
    ///
    /// Throws `kernel_too_large` when that is < 1, and the padding errors of `resolvedPadding()`.
    public func outputSize(height: Int, width: Int) throws -> Pair {
        let ctx = LayerContext(index: 0, type: "conv")
        try checkHyperparameters(ctx)
        let pad = try resolvedPadding(ctx)
        return try outputSize(height: height, width: width, pad: pad, ctx)
    }

    func outputSize(height: Int, width: Int, pad: ResolvedPadding, _ ctx: LayerContext) throws -> Pair {
        let k = kernelSize
        let oh = try slidingCount(height, pad.top, pad.bottom, k.h, stride.h, dilation.h, ctx)
        let ow = try slidingCount(width, pad.left, pad.right, k.w, stride.w, dilation.w, ctx)
        guard oh >= 1, ow >= 1 else {
            throw ctx.error(
                .kernelTooLarge, field: "weight",
                "kernel \(describe([k.h, k.w])) with dilation \(dilation) does not fit the padded input "
                    + "\(describe([height, width])) with padding \(pad) (output would be \(describe([oh, ow])))")
        }
        return Pair(oh, ow)
    }

    /// Stride, dilation and groups must be >= 1.
    func checkHyperparameters(_ ctx: LayerContext) throws {
        guard stride.h >= 1, stride.w >= 1 else {
            throw ctx.error(.invalidValue, field: "stride", "stride \(stride) must be >= 1")
        }
        guard dilation.h >= 1, dilation.w >= 1 else {
            throw ctx.error(.invalidValue, field: "dilation", "dilation \(dilation) must be >= 1")
        }
        guard groups >= 1 else {
            throw ctx.error(.invalidValue, field: "groups", "groups \(groups) must be >= 1")
        }
    }
}

/// Windows of a sliding kernel along one axis: `(in + before + after - dilation*(k-1) - 1) / stride + 1`
/// (floor division; may be <= 0 when the kernel does not fit).
func slidingCount(
    _ size: Int, _ before: Int, _ after: Int, _ kernel: Int, _ stride: Int, _ dilation: Int, _ ctx: LayerContext
) throws -> Int {
    guard let padded = ShapeArithmetic.sum(size, before).flatMap({ ShapeArithmetic.sum($0, after) }),
        let span = ShapeArithmetic.product(dilation, kernel - 1)
    else { throw ctx.tooLarge("the padded input or dilated kernel") }
    let room = padded - span - 1
    return floorDivide(room, stride) + 1
}

/// Floor division for a possibly negative numerator and a positive divisor.
func floorDivide(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && a < 0) ? q - 1 : q
}
