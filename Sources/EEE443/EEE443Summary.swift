import Foundation
import HDF5

/// What `t2i inspect` reports about one EEE443 file; Codable for `--json`.
public struct EEE443Summary: Codable, Sendable {
    public struct Dataset: Codable, Sendable {
        public let name: String
        public let shape: [Int]
        public let type: String
    }
    public struct Caption: Codable, Sendable {
        public let row: Int
        public let imageRow: Int
        public let imid: Int
        public let url: String
        public let tokens: [Int]
        public let text: String
    }
    public struct Spread: Codable, Sendable {
        public let min: Int
        public let median: Double
        public let max: Int
    }

    public let file: String
    public let split: EEE443Split
    public let datasets: [Dataset]
    public let vocabularySize: Int
    public let imidBase: Int
    public let imidRange: [Int64]
    public let images: Int
    public let captions: Int
    public let captionsPerImage: Spread
    public let imagesWithoutCaptions: Int
    public let shown: [Caption]
}

extension EEE443File {
    /// Summarises the file: datasets, vocabulary, imid base, counts, and some decoded captions.
    ///
    /// Every caption row is validated, in blocks, so a bad token anywhere is reported; memory stays
    /// at one block of captions plus one id per caption.
    /// - Parameters:
    ///   - captionLimit: how many captions to decode and show.
    ///   - imageRow: show the captions of this zero-based image row instead of the first ones.
    public func summary(captionLimit: Int, imageRow: Int? = nil, blockRows: Int = 1 << 16) throws -> EEE443Summary {
        var datasets: [EEE443Summary.Dataset] = []
        for name in try file.rootNames() {
            let dataset = try file.dataset(name)
            datasets.append(.init(name: name, shape: dataset.shape, type: dataset.type.description))
        }
        let base = try imageIDBase()
        let (low, high) = try imageIDRange()
        let rows = try readImageRows(base: base)
        var start = 0
        while start < captionCount {
            _ = try readCaptionTokens(rows: start..<min(start + blockRows, captionCount))
            start += blockRows
        }
        var perImage = [Int](repeating: 0, count: imageCount)
        for row in rows { perImage[Int(row)] += 1 }
        let sorted = perImage.sorted()
        let middle = sorted.count / 2
        let median = sorted.isEmpty ? 0 : (sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2)

        if let imageRow, !(0..<imageCount).contains(imageRow) {
            throw EEE443Error(file: path, dataset: urls.name, message: "image row \(imageRow) is outside 0..<\(imageCount)")
        }
        let chosen: [Int] = imageRow.map { wanted in rows.indices.filter { rows[$0] == Int32(wanted) } } ?? Array(0..<min(captionLimit, captionCount))
        var shown: [EEE443Summary.Caption] = []
        for row in chosen.prefix(imageRow == nil ? captionLimit : Int.max) {
            let tokens = try readCaptionTokens(rows: row..<(row + 1))
            let image = Int(rows[row])
            let url = try readURLs(rows: image..<(image + 1)).first ?? ""
            shown.append(.init(row: row, imageRow: image, imid: image + base, url: url,
                               tokens: tokens.map(Int.init), text: vocabulary.decode(tokens)))
        }
        return EEE443Summary(
            file: path, split: split, datasets: datasets, vocabularySize: vocabulary.count, imidBase: base,
            imidRange: [low, high], images: imageCount, captions: captionCount,
            captionsPerImage: .init(min: sorted.first ?? 0, median: median, max: sorted.last ?? 0),
            imagesWithoutCaptions: perImage.filter { $0 == 0 }.count, shown: shown)
    }
}

extension EEE443Summary {
    /// The human-readable report.
    public var text: String {
        var lines = ["\(file): EEE443 \(split.rawValue) file"]
        lines.append("  datasets:")
        let width = datasets.map(\.name.count).max() ?? 0
        for dataset in datasets {
            let shape = "(" + dataset.shape.map(String.init).joined(separator: ", ") + (dataset.shape.count == 1 ? ",)" : ")")
            lines.append("    \(dataset.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(shape.padding(toLength: 14, withPad: " ", startingAt: 0))  \(dataset.type)")
        }
        lines.append("  vocabulary: \(vocabularySize) words")
        lines.append("  imid base: \(imidBase) (values \(imidRange[0])..\(imidRange[1]))")
        lines.append("  images: \(images)  captions: \(captions)")
        let median = captionsPerImage.median == captionsPerImage.median.rounded() ? "\(Int(captionsPerImage.median))" : "\(captionsPerImage.median)"
        lines.append("  captions per image: min \(captionsPerImage.min) / median \(median) / max \(captionsPerImage.max)" +
                     (imagesWithoutCaptions > 0 ? " (\(imagesWithoutCaptions) images without captions)" : ""))
        if !shown.isEmpty { lines.append("  captions:") }
        for caption in shown {
            lines.append("    [\(caption.row)] image \(caption.imageRow) (imid \(caption.imid)) \(caption.url)")
            lines.append("        \(caption.text)")
        }
        return lines.joined(separator: "\n")
    }
}
