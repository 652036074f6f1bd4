/// A dense float32 tensor: a contiguous row-major buffer and its shape.
///
/// Layout convention (see docs/tensor.md): images are 4-D `[N, H, W, C]` (NHWC, channels
/// innermost), so an image batch is also a `[N*H*W, C]` matrix whose rows a GEMM can take
/// directly; vectors per sample are `[N, C]`; sequences are `[N, T, C]`.
public struct Tensor: Sendable, Equatable {
    /// Extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `data.count == shape.reduce(1, *)`.
    public var data: [Float]

    /// A tensor of `shape` holding `data` (row-major).
    public init(shape: [Int], data: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) does not match \(data.count) elements")
        self.shape = shape
        self.data = data
    }

    /// A tensor of `shape` filled with `value`.
    public init(zeros shape: [Int], value: Float = 0) {
        self.init(shape: shape, data: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// Number of elements.
    public var count: Int { data.count }
    /// Number of axes.
    public var rank: Int { shape.count }

    /// The same elements viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }

    /// Rows when the tensor is seen as a matrix whose columns are the last axis.
    public var rows: Int { shape.isEmpty ? 1 : count / Swift.max(shape[shape.count - 1], 1) }
    /// Extent of the last (innermost) axis.
    public var columns: Int { shape.last ?? 1 }
}
