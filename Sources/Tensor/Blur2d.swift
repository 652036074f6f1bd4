/// A fixed binomial blur of NHWC images: the filter [1, 2, 1] / 4 along the rows, then along the
/// columns, each channel on its own, the edge pixels repeated past the border.
///
/// After nearest-neighbour 2x upsampling it is bilinear upsampling with half-pixel centres
/// (`align_corners=False`): an even pixel 2y of the upsampled row becomes
/// x[y - 1] / 4 + x[y] · 3/4 and an odd one 2y + 1 becomes x[y] · 3/4 + x[y + 1] / 4, with x clamped
/// at the ends. Its response at the highest frequency is zero, so it removes any period-2
/// pattern (the two sub-pixels of an upsampled pixel differing) that the layer before it makes.
///
/// With the edges repeated, the filter's matrix along one axis is symmetric
/// (row 0 is (3/4, 1/4), row y is (1/4, 1/2, 1/4), the last row (1/4, 3/4)), so the backward pass
/// is the same blur applied to the gradient. Both run in parallel over samples.
public final class Blur2d: Layer {
    public init() {}

    /// - Parameter input: `[N, H, W, C]`.
    /// - Complexity: O(N * H * W * C).
    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank == 4, "Blur2d expects [N, H, W, C], got \(input.shape)")
        return Self.blurred(input)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.rank == 4, "Blur2d gradient must be [N, H, W, C], got \(gradOutput.shape)")
        return Self.blurred(gradOutput)
    }

    /// The image blurred along both axes. Each sample is blurred along its rows into a scratch
    /// plane that stays in cache, then along its columns into the output.
    static func blurred(_ x: Tensor) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let plane = h * w * c
        let out = [Float](unsafeUninitializedCapacity: x.count) { op, initialized in
            x.data.withUnsafeBufferPointer { xp in
                guard let outBase = op.baseAddress, let inBase = xp.baseAddress else { return }
                let ob = _SendablePointer(outBase), xb = _SendableConstPointer(inBase)
                _parallelChunks(n, chunk: _chunkSize(itemCost: 2 * plane)) { samples in
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: plane)
                    defer { scratch.deallocate() }
                    for s in samples {
                        let offset = s * plane
                        // Along each row: neighbours are `c` floats apart.
                        for y in 0..<h {
                            Self.blurLine(from: xb.base + offset + y * w * c, to: scratch + y * w * c, length: w, stride: c, channels: c)
                        }
                        // Along each column: neighbours are a row (`w * c` floats) apart; the
                        // whole row of channels is one vector.
                        Self.blurLine(from: UnsafePointer(scratch), to: ob.base + offset, length: h, stride: w * c, channels: w * c)
                    }
                }
            }
            initialized = x.count
        }
        return Tensor(shape: x.shape, data: out)
    }

    /// Blurs `length` vectors of `channels` floats, `stride` floats apart, from `source` into
    /// `target` (disjoint), the end vectors repeated past the ends.
    @inline(__always)
    private static func blurLine(from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>,
                                 length: Int, stride: Int, channels: Int) {
        for i in 0..<length {
            let left = source + Swift.max(i - 1, 0) * stride, centre = source + i * stride
            let right = source + Swift.min(i + 1, length - 1) * stride
            let out = target + i * stride
            for j in 0..<channels { out[j] = 0.25 * left[j] + 0.5 * centre[j] + 0.25 * right[j] }
        }
    }
}
