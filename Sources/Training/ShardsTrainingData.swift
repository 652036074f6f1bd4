import DemoData
import EEE443
import Foundation
import GAN
import Shards
import Tensor

/// Training records from a shard folder written by `t2i prepare` (the Shards reader), with the
/// demo dataset's scene attributes as labels for evaluation.
///
/// Images come from the memory-mapped records converted once into the batch tensor; captions
/// are the stored token rows and mean encodings; free text is encoded with the shard folder's own
/// word-vector table and the same mean rule, so `t2i sample` matches training.
public final class ShardsTrainingData: AttributeLabeledData, @unchecked Sendable {
    public let dataset: ShardDataset
    public let captionEncoder: CaptionEncoder
    /// The demo seed whose scenes label the records, or nil for data without labels.
    public let demoSeed: UInt64?
    public let split: EEE443Split
    private let imageIDs: [UInt64]

    /// Applied to the stored caption vectors of every batch (and by `captionEncoder` to free text).
    public let standardization: CaptionStandardization?

    /// - Parameter standardizeFrom: a shard folder whose stored caption vectors fix a per-dimension
    ///   standardisation for this data's vectors (the training folder, also for its test folder); none if nil.
    /// - Throws: `ShardError` when a folder is not a valid shard folder.
    public init(directory: String, demoSeed: UInt64?, standardizeFrom: String? = nil) throws {
        let opened = try ShardDataset(directory: directory)
        dataset = opened
        self.demoSeed = demoSeed
        split = EEE443Split(rawValue: opened.manifest.split) ?? .train
        let layout = opened.layout
        standardization = try standardizeFrom.map { folder in
            let source = folder == directory ? opened : try ShardDataset(directory: folder)
            var all: [Float] = []
            for index in 0..<source.count {
                let record = try source.record(index)
                for caption in 0..<record.captionCount { all += record.meanEncoding(caption: caption) }
            }
            return CaptionStandardization(fitting: all, dimension: source.layout.embeddingDimension)
        }
        captionEncoder = CaptionEncoder(vocabulary: Vocabulary(memberNames: opened.manifest.vocabulary.map(Vocabulary.memberName(ofDisplay:))),
                                        vectors: CaptionVectorTable(dimension: layout.embeddingDimension, table: opened.embeddings),
                                        standardization: standardization)
        imageIDs = try (0..<opened.count).map { try opened.record($0).imageID }
    }

    public var count: Int { dataset.count }
    public var imageSize: Int { dataset.layout.imageHeight }

    public func captionCount(of record: Int) -> Int {
        (try? dataset.record(record).captionCount) ?? 0
    }

    public func batch(records: [Int], captions: [Int]) throws -> (images: Tensor, captions: CaptionBatch) {
        let layout = dataset.layout
        let side = layout.imageHeight, pixels = side * layout.imageWidth * layout.channels
        var images = [Float](repeating: 0, count: records.count * pixels)
        var tokens: [Int32] = []
        var vectors: [Float] = []
        tokens.reserveCapacity(records.count * layout.captionLength)
        try images.withUnsafeMutableBufferPointer { output in
            for (slot, index) in records.enumerated() {
                let record = try dataset.record(index)
                let source = record.pixels.bindMemory(to: UInt8.self)
                let base = slot * pixels
                for offset in 0..<pixels { output[base + offset] = Float(source[offset]) * (2 / 255) - 1 }
                let caption = min(captions[slot], max(0, record.captionCount - 1))
                tokens += record.tokens(caption: caption).map(Int32.init)
                vectors += record.meanEncoding(caption: caption)
            }
        }
        standardization?.apply(to: &vectors)
        return (Tensor(shape: [records.count, side, layout.imageWidth, layout.channels], data: images),
                CaptionBatch(tokens: tokens, tokensPerCaption: layout.captionLength,
                             glove: Tensor(shape: [records.count, layout.embeddingDimension], data: vectors)))
    }

    // MARK: AttributeLabeledData (the demo dataset's object, colour and background)

    public var attributes: [(name: String, classes: [String])] {
        [("object", DemoObjectKind.allCases.map(\.rawValue)), ("colour", DemoColour.allCases.map(\.rawValue)),
         ("background", DemoBackground.allCases.map(\.rawValue))]
    }

    public func labels(of record: Int) -> [Int] {
        guard let demoSeed else { return [0, 0, 0] }
        let scene = DemoDataset.scene(seed: demoSeed, split: split, row: Int(imageIDs[record]))
        return [DemoObjectKind.allCases.firstIndex(of: scene.first.kind) ?? 0,
                DemoColour.allCases.firstIndex(of: scene.first.colour) ?? 0,
                DemoBackground.allCases.firstIndex(of: scene.background) ?? 0]
    }

    /// One-object scenes only: in a two-object scene the labels (the first object's) could be either object.
    public func hasUnambiguousLabels(_ record: Int) -> Bool {
        guard let demoSeed else { return false }
        return DemoDataset.scene(seed: demoSeed, split: split, row: Int(imageIDs[record])).second == nil
    }

    /// The demo's held-out (object, colour, background) triples, as label indices.
    public static var demoHeldOut: [[Int]] {
        var held: [[Int]] = []
        for (k, kind) in DemoObjectKind.allCases.enumerated() {
            for (c, colour) in DemoColour.allCases.enumerated() {
                for (b, background) in DemoBackground.allCases.enumerated()
                where DemoCombination(kind: kind, colour: colour, background: background).isHeldOut {
                    held.append([k, c, b])
                }
            }
        }
        return held
    }

    public func caption(for labels: [Int]) -> String {
        DemoCombination(kind: DemoObjectKind.allCases[labels[0]], colour: DemoColour.allCases[labels[1]],
                        background: DemoBackground.allCases[labels[2]]).caption
    }
}
