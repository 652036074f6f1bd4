import GAN
import Tensor

/// The seam between the trainer and wherever images and captions come from.
///
/// Implementations: `SyntheticShapes` (rendered in memory, for tests and until the demo
/// dataset lands). The Shards reader plugs in here with an adapter whose `batch` copies a
/// shard batch (contiguous NHWC floats in [-1, 1], 17-id token rows, 50-d GloVe means).
public protocol TrainingData {
    /// Number of records (images).
    var count: Int { get }
    /// Image side in pixels.
    var imageSize: Int { get }
    /// How many captions record `record` has (1...5).
    func captionCount(of record: Int) -> Int
    /// Images `[N, S, S, 3]` in [-1, 1] and, for each, caption number `captions[i]` of `records[i]`.
    /// - Throws: if the records cannot be read.
    func batch(records: [Int], captions: [Int]) throws -> (images: Tensor, captions: CaptionBatch)
    /// Turns free text into the same caption form (token rows and caption vectors) as `batch`.
    var captionEncoder: CaptionEncoder { get }
}

/// Data whose records carry known categorical attributes (object, colour, background), for
/// evaluating whether generated images follow their captions.
public protocol AttributeLabeledData: TrainingData {
    /// The attributes and their class names, e.g. `("colour", ["red", "blue", ...])`.
    var attributes: [(name: String, classes: [String])] { get }
    /// Class index of each attribute for `record`.
    func labels(of record: Int) -> [Int]
    /// A caption naming exactly the attribute classes `labels`.
    func caption(for labels: [Int]) -> String
    /// Whether the image of `record` shows its labels unambiguously. A demo scene with two
    /// objects does not: nothing in the picture says which object the labels describe.
    func hasUnambiguousLabels(_ record: Int) -> Bool
}

extension AttributeLabeledData {
    public func hasUnambiguousLabels(_ record: Int) -> Bool { true }
}
