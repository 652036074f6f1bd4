import Foundation
import Imaging
import Testing
import TestSupport

/// The corpus from scripts/imaging_corpus.py, built once per test run into a temporary folder.
final class Corpus: Sendable {
    struct Entry: Sendable {
        let file: String
        let label: String
        let hasReference: Bool
    }

    let directory: TemporaryDirectory
    let entries: [Entry]
    let placeholders: PlaceholderList

    static let shared: Result<Corpus, any Error> = Result { try Corpus() }

    private init() throws {
        directory = try TemporaryDirectory("imaging-corpus")
        try runPythonScript("imaging_corpus.py", [directory.path])
        let labels = try String(contentsOfFile: directory.file("labels.tsv"), encoding: .utf8)
        entries = labels.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t").map(String.init)
            return Entry(file: fields[0], label: fields[1], hasReference: fields[2] == "1")
        }
        placeholders = try PlaceholderList(contentsOf: directory.url.appendingPathComponent("placeholders.txt"))
    }

    func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.url.appendingPathComponent(name)))
    }

    func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: directory.url.appendingPathComponent(name))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}

/// Peak signal-to-noise ratio of 8-bit pixels against a float reference, in dB.
func psnr(_ pixels: [UInt8], reference: [Float]) -> Double {
    precondition(pixels.count == reference.count, "PSNR needs equal sizes")
    var squared = 0.0
    for (value, expected) in zip(pixels, reference) {
        let difference = Double(value) - Double(expected)
        squared += difference * difference
    }
    let mse = squared / Double(pixels.count)
    return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
}

@Suite("Imaging corpus against Pillow and a float reference")
struct CorpusTests {
    @Test("every corpus file gets the decision its label names")
    func decisionsMatchLabels() throws {
        let corpus = try Corpus.shared.get()
        #expect(corpus.entries.count > 80)
        let labels = Set(corpus.entries.map(\.label))
        #expect(labels == ["accepted", "corrupt", "grayscale", "too_small", "too_large", "unsupported", "placeholder"])
        let processor = ImageProcessor(options: ImageOptions(placeholders: corpus.placeholders))
        for entry in corpus.entries {
            let decision = processor.process(try corpus.bytes(entry.file))
            let got = decision.reason?.rawValue ?? "accepted"
            #expect(got == entry.label, "\(entry.file): expected \(entry.label), got \(got) (\(decision.info.detail))")
            if let image = decision.image {
                #expect(image.width == 64 && image.height == 64)
            }
        }
    }

    @Test("64x64 output is within 40 dB of the float reference and at least as close as Pillow draft()+BOX")
    func fidelity() throws {
        let corpus = try Corpus.shared.get()
        let processor = ImageProcessor()
        var ours: [Double] = [], pillow: [Double] = []
        for entry in corpus.entries where entry.hasReference {
            let reference = try corpus.floats(entry.file + ".ref.f32")
            let pillowPixels = try corpus.bytes(entry.file + ".pil.u8")
            let image = try #require(processor.process(try corpus.bytes(entry.file)).image, "\(entry.file) not accepted")
            let mine = psnr(image.pixels, reference: reference)
            let theirs = psnr(pillowPixels, reference: reference)
            ours.append(mine)
            pillow.append(theirs)
            // A per-image floor catches a wrong crop or orientation that a mean could hide.
            #expect(mine > 30, "\(entry.file): \(mine) dB against the reference (Pillow \(theirs) dB)")
        }
        let meanOurs = ours.reduce(0, +) / Double(ours.count)
        let meanPillow = pillow.reduce(0, +) / Double(pillow.count)
        print("imaging fidelity over \(ours.count) images: ours \(meanOurs) dB, Pillow draft+BOX \(meanPillow) dB")
        #expect(ours.count > 50)
        #expect(meanOurs >= 40)
        #expect(meanOurs >= meanPillow)
    }

    @Test("every prefix of real JPEG (with EXIF), progressive JPEG and PNG files is corrupt, never a crash",
          arguments: ["exif_orientation_6.jpg", "progressive.jpg", "cmyk.jpg", "png_interlaced.png", "png_palette_trns.png"])
    func prefixes(file: String) throws {
        let bytes = try Corpus.shared.get().bytes(file)
        let processor = ImageProcessor()
        let cuts = Array(0..<min(400, bytes.count)) + Array(stride(from: 400, to: bytes.count - 1, by: 997))
        for cut in cuts {
            let decision = processor.process(Array(bytes.prefix(cut)))
            #expect(decision.reason == .corrupt, "\(file) cut at \(cut) of \(bytes.count): \(decision.reason?.rawValue ?? "accepted")")
        }
    }

    @Test("flipped bytes anywhere in real files never crash the decoders", arguments: ["exif_orientation_5.jpg", "png_rgba.png"])
    func flippedBytes(file: String) throws {
        let bytes = try Corpus.shared.get().bytes(file)
        let processor = ImageProcessor()
        var generator = SplitMix64(seed: 443)
        for _ in 0..<300 {
            var damaged = bytes
            for _ in 0..<3 { damaged[Int(generator.next() % UInt64(damaged.count))] ^= UInt8(truncatingIfNeeded: generator.next() | 1) }
            if let image = processor.process(damaged).image { #expect(image.width == 64 && image.height == 64) }
        }
    }
}

/// A small deterministic generator so a failing damage pattern can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
