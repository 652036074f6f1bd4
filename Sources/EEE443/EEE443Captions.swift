import HDF5
import Parallel

/// All captions of one file in memory: token rows, the image row of each, and the URLs.
public struct EEE443Captions: Sendable {
    public let split: EEE443Split
    public let vocabulary: Vocabulary
    /// `count * EEE443File.captionWidth` validated token ids, row-major.
    public let tokens: [Int32]
    /// The zero-based image row of each caption.
    public let imageRows: [Int32]
    /// The URL of each image row.
    public let urls: StringTable
    /// The base the file's `*_imid` used (0 or 1).
    public let imageIDBase: Int

    public init(split: EEE443Split, vocabulary: Vocabulary, tokens: [Int32], imageRows: [Int32], urls: StringTable, imageIDBase: Int) {
        precondition(tokens.count == imageRows.count * EEE443File.captionWidth, "token rows and image rows disagree")
        self.split = split
        self.vocabulary = vocabulary
        self.tokens = tokens
        self.imageRows = imageRows
        self.urls = urls
        self.imageIDBase = imageIDBase
    }

    /// Number of captions.
    public var count: Int { imageRows.count }

    /// The token ids of caption `index`.
    public func row(_ index: Int) -> ArraySlice<Int32> {
        tokens[(index * EEE443File.captionWidth)..<((index + 1) * EEE443File.captionWidth)]
    }

    /// The decoded text of caption `index`.
    public func text(_ index: Int) -> String { vocabulary.decode(row(index)) }

    /// The URL of caption `index`'s image.
    public func url(ofCaption index: Int) -> String { urls[Int(imageRows[index])] }

    /// Decodes every caption to text, splitting the captions across cores.
    /// - Complexity: O(total tokens), with one String built per caption.
    public func decodeAll() -> [String] {
        let parts = parallelParts(count: count, minimumPart: 10_000)
        return parallelMap(parts: parts) { part in decode(count * part / parts..<count * (part + 1) / parts) }.flatMap { $0 }
    }

    /// Decodes captions `range` to text.
    public func decode(_ range: Range<Int>) -> [String] {
        var result: [String] = []
        result.reserveCapacity(range.count)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128)
        let width = EEE443File.captionWidth
        tokens.withUnsafeBufferPointer { all in
            for index in range {
                bytes.removeAll(keepingCapacity: true)
                vocabulary.appendDecoded(UnsafeBufferPointer(rebasing: all[(index * width)..<((index + 1) * width)]), to: &bytes)
                result.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        return result
    }

    /// The caption indices of each image row.
    public func captionsByImage() -> [[Int]] {
        var groups = [[Int]](repeating: [], count: urls.count)
        for (caption, image) in imageRows.enumerated() { groups[Int(image)].append(caption) }
        return groups
    }
}

