/// How a batch of images is laid out in a float buffer.
public enum PixelLayout: Sendable, Hashable {
    /// [batch][y][x][channel]: channels innermost, as stored (the trainer's layout).
    case nhwc
    /// [batch][channel][y][x]: one plane per channel.
    case nchw
}

/// A batch for the trainer: images as floats in [-1, 1] plus the captions of each image.
public struct ShardBatch: Sendable {
    /// The dataset indices in the batch, in batch order.
    public var indices: [Int]
    public var imageIDs: [UInt64]
    /// `indices.count` images in `layout`, each value `pixel / 127.5 - 1`.
    public var images: [Float]
    public var layout: PixelLayout
    public var captionCounts: [Int]
    /// [batch][maxCaptions][captionLength] token ids (unused slots zero).
    public var tokens: [UInt16]
    /// [batch][maxCaptions][embeddingDimension] mean encodings (unused slots zero).
    public var meanEncodings: [Float]
}

extension ShardDataset {
    /// Converts the images at `indices` straight from the mapping into `destination`, the only
    /// copy made: `indices.count x height x width x channels` floats in [-1, 1].
    /// - Throws: `ShardError` for a record whose checksum fails (when `checkRecords`).
    /// - Complexity: O(indices.count x pixelCount).
    public func fillImages(_ indices: some Collection<Int>, into destination: UnsafeMutableBufferPointer<Float>,
                           layout pixelLayout: PixelLayout = .nhwc) throws {
        let size = layout.pixelCount
        precondition(destination.count >= indices.count * size, "destination holds \(destination.count) floats, needs \(indices.count * size)")
        guard let base = destination.baseAddress else { return }
        for (slot, index) in indices.enumerated() {
            let record = try record(index)
            let source = record.pixels.assumingMemoryBound(to: UInt8.self)
            let out = base + slot * size
            switch pixelLayout {
            case .nhwc: Self.convert(source, into: out)
            case .nchw: Self.convertPlanar(source, into: out, channels: layout.channels)
            }
        }
    }

    /// The batch of `indices`: images, ids and captions.
    /// - Throws: `ShardError` for a damaged record.
    public func batch(_ indices: [Int], layout pixelLayout: PixelLayout = .nhwc) throws -> ShardBatch {
        var images = [Float](repeating: 0, count: indices.count * layout.pixelCount)
        try images.withUnsafeMutableBufferPointer { try fillImages(indices, into: $0, layout: pixelLayout) }
        var ids: [UInt64] = [], counts: [Int] = []
        ids.reserveCapacity(indices.count)
        counts.reserveCapacity(indices.count)
        var tokens = [UInt16](repeating: 0, count: indices.count * layout.tokenCount)
        var means = [Float](repeating: 0, count: indices.count * layout.meanCount)
        for (slot, index) in indices.enumerated() {
            // fillImages checked this record's checksum; it need not be computed twice.
            let (shard, local) = location(of: index)
            let record = try shards[shard].record(local, checked: false)
            ids.append(record.imageID)
            counts.append(record.captionCount)
            tokens.withUnsafeMutableBufferPointer { record.copyTokens(into: UnsafeMutableBufferPointer(rebasing: $0[(slot * layout.tokenCount)...])) }
            means.withUnsafeMutableBufferPointer { record.copyMeans(into: UnsafeMutableBufferPointer(rebasing: $0[(slot * layout.meanCount)...])) }
        }
        return ShardBatch(indices: indices, imageIDs: ids, images: images, layout: pixelLayout, captionCounts: counts,
                          tokens: tokens, meanEncodings: means)
    }

    /// Batches of `size` in `order` (default: sequential), the last one short unless `dropLast`.
    public func batches(size: Int, order: [Int]? = nil, layout pixelLayout: PixelLayout = .nhwc,
                        dropLast: Bool = false) -> ShardBatchStream {
        precondition(size > 0, "batch size must be positive")
        if order == nil { shards.forEach { $0.adviseSequential() } }
        return ShardBatchStream(dataset: self, order: order ?? Array(0..<count), size: size, layout: pixelLayout, dropLast: dropLast)
    }

    /// The record order of one shuffled epoch: a permutation of 0..<count that depends only on
    /// `count`, `seed` and `epoch` (SplitMix64 driving Fisher-Yates; see docs/shard-format.md).
    public func epochOrder(seed: UInt64, epoch: Int) -> [Int] {
        Self.epochOrder(count: count, seed: seed, epoch: epoch)
    }

    /// See `epochOrder(seed:epoch:)`.
    public static func epochOrder(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var order = Array(0..<count)
        var random = SplitMix64(seed: seed &+ UInt64(truncatingIfNeeded: epoch) &* 0x9E37_79B9_7F4A_7C15)
        var i = count - 1
        while i > 0 {
            let j = Int(random.next() % UInt64(i + 1))
            order.swapAt(i, j)
            i -= 1
        }
        return order
    }

    static let scale: Float = 1 / 127.5

    static func convert(_ source: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<Float>, count: Int) {
        // A plain loop the optimiser vectorises. Multiplying by the reciprocal (not dividing)
        // is several times faster, stays within one ulp of pixel / 127.5 - 1, and still maps
        // 0 -> -1 and 255 -> 1 exactly (the tests check both ends).
        for i in 0..<count { out[i] = Float(source[i]) * scale - 1 }
    }
}

extension ShardDataset {
    fileprivate static func convert(_ source: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<Float>) {
        guard let base = source.baseAddress else { return }
        convert(base, into: out, count: source.count)
    }

    fileprivate static func convertPlanar(_ source: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<Float>, channels: Int) {
        let plane = source.count / channels
        if channels == 3, let pixels = source.baseAddress {
            // RGB, the common case: one sequential pass over the pixels feeding three plane streams.
            let red = out, green = out + plane, blue = out + 2 * plane
            for p in 0..<plane {
                red[p] = Float(pixels[3 * p]) * scale - 1
                green[p] = Float(pixels[3 * p + 1]) * scale - 1
                blue[p] = Float(pixels[3 * p + 2]) * scale - 1
            }
            return
        }
        // Channel outermost so the writes are sequential; the strided reads hit the same cache lines.
        for c in 0..<channels {
            let planeOut = out + c * plane
            for p in 0..<plane { planeOut[p] = Float(source[p * channels + c]) * scale - 1 }
        }
    }
}

/// Batches in a fixed order, read on demand. A value type: copy it to restart.
public struct ShardBatchStream: Sendable {
    public let dataset: ShardDataset
    public let order: [Int]
    public let size: Int
    public let layout: PixelLayout
    public let dropLast: Bool
    private var position = 0

    init(dataset: ShardDataset, order: [Int], size: Int, layout: PixelLayout, dropLast: Bool) {
        self.dataset = dataset
        self.order = order
        self.size = size
        self.layout = layout
        self.dropLast = dropLast
    }

    /// The next batch, or nil at the end of the order.
    /// - Throws: `ShardError` for a damaged record.
    public mutating func next() throws -> ShardBatch? {
        let end = min(position + size, order.count)
        guard end > position, !(dropLast && end - position < size) else { return nil }
        defer { position = end }
        return try dataset.batch(Array(order[position..<end]), layout: layout)
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and easy to reproduce in any language.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
