import Foundation
import EEE443
import GAN
import Tensor

/// Coloured objects (ball: disc, box: square, kite: triangle) on textured backgrounds (grass, sand, water, road),
/// rendered on demand from a seed, each with five captions in the EEE443 vocabulary, e.g.
/// "a red ball on the grass". Stands in for the demo dataset until it lands.
public struct SyntheticShapes: AttributeLabeledData, Sendable {
    public static let colours: [(name: String, rgb: (Float, Float, Float))] = [
        ("red", (0.9, 0.1, 0.1)), ("yellow", (0.95, 0.9, 0.1)), ("blue", (0.1, 0.2, 0.95)),
        ("black", (0.05, 0.05, 0.05)), ("white", (0.97, 0.97, 0.97)), ("purple", (0.6, 0.1, 0.7)),
    ]
    public static let objects = ["ball", "box", "kite"]
    public static let backgrounds: [(name: String, rgb: (Float, Float, Float))] = [
        ("grass", (0.2, 0.6, 0.15)), ("sand", (0.85, 0.75, 0.5)), ("water", (0.1, 0.45, 0.55)), ("road", (0.45, 0.45, 0.45)),
    ]
    static let templates = ["a {c} {o} on the {b}", "a {c} {o} in the {b}", "there is a {c} {o} on the {b}",
                            "a small {c} {o} on the {b}", "a {o} that is {c} on the {b}"]

    public let count: Int
    public let imageSize: Int
    public let seed: UInt64
    public let captionEncoder: CaptionEncoder
    /// Attribute triples (colour, object, background) of each record.
    private let records: [[Int]]

    /// - Parameters:
    ///   - count: number of records.
    ///   - combinations: the (colour, object, background) triples to draw from, uniformly;
    ///     all 72 if nil. Leaving some out gives held-out combinations for evaluation.
    public init(count: Int, imageSize: Int = 64, seed: UInt64, combinations: [[Int]]? = nil,
                captionEncoder: CaptionEncoder) {
        precondition(count > 0 && imageSize >= 8, "synthetic data needs records and at least 8x8 pixels")
        let all = combinations ?? Self.allCombinations
        precondition(!all.isEmpty, "no attribute combinations to draw from")
        self.count = count
        self.imageSize = imageSize
        self.seed = seed
        self.captionEncoder = captionEncoder
        var rng = SeededGenerator(seed: seed)
        records = (0..<count).map { _ in all[Int(rng.next() % UInt64(all.count))] }
    }

    /// Every (colour, object, background) triple.
    public static var allCombinations: [[Int]] {
        colours.indices.flatMap { c in objects.indices.flatMap { o in backgrounds.indices.map { [c, o, $0] } } }
    }

    public var attributes: [(name: String, classes: [String])] {
        [("colour", Self.colours.map(\.name)), ("object", Self.objects), ("background", Self.backgrounds.map(\.name))]
    }

    public func labels(of record: Int) -> [Int] { records[record] }

    public func captionCount(of record: Int) -> Int { Self.templates.count }

    public func caption(for labels: [Int]) -> String { caption(labels, template: 0) }

    func caption(_ labels: [Int], template: Int) -> String {
        Self.templates[template].replacingOccurrences(of: "{c}", with: Self.colours[labels[0]].name)
            .replacingOccurrences(of: "{o}", with: Self.objects[labels[1]])
            .replacingOccurrences(of: "{b}", with: Self.backgrounds[labels[2]].name)
    }

    public func batch(records chosen: [Int], captions: [Int]) throws -> (images: Tensor, captions: CaptionBatch) {
        precondition(chosen.count == captions.count, "one caption choice per record")
        let s = imageSize, per = s * s * 3
        var pixels = [Float](repeating: 0, count: chosen.count * per)
        for (i, r) in chosen.enumerated() {
            render(record: r, into: &pixels[i * per..<(i + 1) * per])
        }
        let text = zip(chosen, captions).map { caption(records[$0], template: $1 % Self.templates.count) }
        return (Tensor(shape: [chosen.count, s, s, 3], data: pixels), captionEncoder.encode(text).captions)
    }

    /// Draws record `record` (its own random stream: position, size, texture) in [-1, 1].
    func render(record: Int, into out: inout ArraySlice<Float>) {
        var rng = SeededGenerator(seed: seed &+ 0x5EED &+ UInt64(record) &* 0x9E37_79B9_7F4A_7C15)
        let labels = records[record], s = Float(imageSize)
        let colour = Self.colours[labels[0]].rgb, background = Self.backgrounds[labels[2]].rgb
        let radius = s * Float(0.2 + 0.1 * rng.nextUniform())
        let cx = radius + Float(rng.nextUniform()) * (s - 2 * radius), cy = radius + Float(rng.nextUniform()) * (s - 2 * radius)
        let stripe = Float(2 + rng.next() % 3)
        let base = out.startIndex
        for y in 0..<imageSize {
            for x in 0..<imageSize {
                let (fx, fy) = (Float(x) + 0.5 - cx, Float(y) + 0.5 - cy)
                let inside: Bool
                switch labels[1] {
                case 0: inside = fx * fx + fy * fy <= radius * radius
                case 1: inside = abs(fx) <= radius * 0.9 && abs(fy) <= radius * 0.9
                // A kite: a triangle, apex up.
                default: inside = abs(fy) <= radius && abs(fx) <= (fy + radius) * 0.55
                }
                // Backgrounds get a texture (stripes plus noise) so that they are not flat colours.
                let texture = 0.06 * Float(((y / Int(stripe)) % 2) * 2 - 1) + Float(0.08 * (rng.nextUniform() - 0.5))
                let rgb = inside ? colour : background
                let o = base + (y * imageSize + x) * 3
                out[o] = Swift.min(1, Swift.max(-1, 2 * rgb.0 - 1 + (inside ? 0 : texture)))
                out[o + 1] = Swift.min(1, Swift.max(-1, 2 * rgb.1 - 1 + (inside ? 0 : texture)))
                out[o + 2] = Swift.min(1, Swift.max(-1, 2 * rgb.2 - 1 + (inside ? 0 : texture)))
            }
        }
    }
}
