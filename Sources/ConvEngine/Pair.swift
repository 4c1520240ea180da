/// A (height, width) pair: stride, padding, dilation or kernel size, written `k` or `[kh, kw]`.
public struct Pair: Sendable, Hashable, CustomStringConvertible {
    public var h: Int
    public var w: Int
    public init(_ h: Int, _ w: Int) {
        self.h = h
        self.w = w
    }
    public init(_ k: Int) { self.init(k, k) }
    public var description: String { h == w ? "\(h)" : "[\(h), \(w)]" }
}
