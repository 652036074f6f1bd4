import Shards

/// Deterministic made-up images and captions for shard tests.
struct SyntheticShards {
    let layout: ShardLayout
    let vocabulary: [String]
    let embeddings: [Float]

    init(layout: ShardLayout, vocabularySize: Int = 40) {
        self.layout = layout
        vocabulary = ["<NULL>", "<START>", "<END>", "<UNK>"] + (4..<vocabularySize).map { "word\($0)" }
        var random = SplitMix64(seed: 7)
        embeddings = (0..<vocabularySize * layout.embeddingDimension).map { _ in Float(Int(random.next() % 2001) - 1000) / 1000 }
    }

    /// Image `id`: pixels from its id, 1...maxCaptions captions of varying length, a URL.
    func record(_ id: UInt64) -> ShardRecord {
        var random = SplitMix64(seed: id &* 31 &+ 5)
        var pixels = (0..<layout.pixelCount).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        pixels[0] = 0
        pixels[pixels.count - 1] = 255
        let count = 1 + Int(id % UInt64(layout.maxCaptions))
        let captions = (0..<count).map { c -> ShardRecord.Caption in
            let words = 1 + Int(random.next() % UInt64(layout.captionLength - 2))
            var tokens = [UInt16](repeating: 0, count: layout.captionLength)
            tokens[0] = 1
            for w in 0..<words { tokens[1 + w] = UInt16(3 + random.next() % UInt64(vocabulary.count - 3)) }
            tokens[1 + words] = 2
            let mean = (0..<layout.embeddingDimension).map { Float(c + 1) * 0.01 * Float($0) - 0.3 }
            return ShardRecord.Caption(tokens: tokens, meanEncoding: mean)
        }
        return ShardRecord(imageID: id, pixels: pixels, captions: captions,
                           metadata: ["url": "http://127.0.0.1/images/\(id).jpg", "note": "synthetic \"\(id)\""])
    }

    /// Writes records for `ids` (ascending) to `directory` and finishes the folder.
    @discardableResult
    func write(_ ids: [UInt64], to directory: String, recordsPerShard: Int) throws -> ShardManifest {
        let writer = try writer(directory, recordsPerShard: recordsPerShard)
        for id in ids { try writer.add(record(id)) }
        return try finish(writer)
    }

    /// A writer for this data with the configuration every test folder uses.
    func writer(_ directory: String, recordsPerShard: Int, plan: [UInt64]? = nil, resume: Bool = false,
                configuration: [String: String]? = nil) throws -> ShardWriter {
        try ShardWriter(directory: directory, layout: layout, vocabulary: vocabulary, embeddings: embeddings,
                        configuration: configuration ?? ["imageSize": "\(layout.imageHeight)", "seed": "1"],
                        recordsPerShard: recordsPerShard, plannedImageIDs: plan, resume: resume)
    }

    @discardableResult
    func finish(_ writer: ShardWriter) throws -> ShardManifest {
        try writer.finish(split: "train", inputs: [.init(path: "captions.h5", bytes: 10, crc32c: 1)],
                          encoders: [.init(name: "glove.6B.50d", details: ["tokens": "15"])])
    }

    static let small = ShardLayout(imageHeight: 6, imageWidth: 5, channels: 3, maxCaptions: 3, captionLength: 9,
                                   encoderTokens: 7, embeddingDimension: 4)
}
