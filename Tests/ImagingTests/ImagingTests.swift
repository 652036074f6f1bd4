import Foundation
import Imaging
import Testing
import TestSupport

/// A colourful test picture: horizontal red ramp, vertical green ramp, constant blue.
func gradient(width: Int, height: Int) -> RGBImage {
    var pixels: [UInt8] = []
    pixels.reserveCapacity(width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            pixels += [UInt8(x * 255 / max(1, width - 1)), UInt8(y * 255 / max(1, height - 1)), 100]
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}

/// Left half `left`, right half `right`.
func halves(width: Int, height: Int, left: [UInt8], right: [UInt8]) -> RGBImage {
    var pixels: [UInt8] = []
    for _ in 0..<height {
        for x in 0..<width { pixels += x < width / 2 ? left : right }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}

func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
    Array(image.pixels[((y * image.width + x) * 3)..<((y * image.width + x) * 3 + 3)])
}

@Suite("Format sniffing")
struct SniffTests {
    @Test(arguments: [
        ([0xFF, 0xD8, 0xFF, 0xE0], ImageFormat.jpeg),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], .png),
        (Array("GIF89a....".utf8), .gif),
        (Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), .webp),
        (Array("<html><body>".utf8), .unknown),
        ([], .unknown),
    ] as [([UInt8], ImageFormat)])
    func sniff(bytes: [UInt8], expected: ImageFormat) {
        #expect(bytes.withUnsafeBytes { ImageFormat.sniff($0) } == expected)
    }
}

@Suite("Decisions on files written by real encoders")
struct DecisionTests {
    let processor = ImageProcessor()

    @Test("a JPEG is decoded with the smallest DCT scale that keeps the crop at least 64 pixels")
    func scaleChoice() throws {
        for (width, height, expected, size) in [(640, 480, "1/4", 64), (1024, 768, "1/8", 64), (500, 500, "1/4", 64),
                                                 (640, 480, "3/8", 128), (96, 80, "7/8", 64), (64, 64, "1/1", 64)] {
            let bytes = try JPEGEncoder(quality: 90).encode(gradient(width: width, height: height))
            let decision = ImageProcessor(options: ImageOptions(size: size, minSide: 32)).process(bytes)
            let image = try #require(decision.image, "\(width)x\(height): \(decision)")
            #expect(decision.info.scale.description == expected, "\(width)x\(height) -> \(size)")
            #expect(image.width == size && image.height == size)
            // Memory is bounded by the scaled size, not the original.
            let scale = decision.info.scale
            #expect(decision.info.decodedBytes == scale.scaled(width) * scale.scaled(height) * 3)
        }
    }

    @Test("PNG round trip through our encoder and decoder is lossless")
    func pngRoundTrip() throws {
        let original = gradient(width: 64, height: 64)
        let decision = processor.process(try PNGEncoder().encode(original))
        #expect(decision.image == original)
        #expect(decision.info.format == .png)
    }

    @Test("JPEG encode then process stays close to the source")
    func jpegRoundTrip() throws {
        let original = gradient(width: 64, height: 64)
        let image = try #require(processor.process(try JPEGEncoder(quality: 95, subsampling: .s444).encode(original)).image)
        let reference = original.pixels.map(Float.init)
        #expect(psnr(image.pixels, reference: reference) > 35)
    }

    @Test("center_crop takes the middle square; stretch keeps both halves; border pads white")
    func resizeModes() throws {
        let bytes = try PNGEncoder().encode(halves(width: 256, height: 64, left: [255, 0, 0], right: [0, 0, 255]))
        let crop = try #require(ImageProcessor(options: ImageOptions(size: 32)).process(bytes).image)
        // The middle 64x64 of a 256-wide image straddles the boundary at x = 128: left red, right blue.
        #expect(pixel(crop, 2, 16) == [255, 0, 0])
        #expect(pixel(crop, 29, 16) == [0, 0, 255])

        let stretch = try #require(ImageProcessor(options: ImageOptions(size: 32, mode: .stretch)).process(bytes).image)
        #expect(stretch.width == 32 && stretch.height == 32)
        #expect(pixel(stretch, 0, 0) == [255, 0, 0] && pixel(stretch, 31, 31) == [0, 0, 255])

        let border = try #require(ImageProcessor(options: ImageOptions(size: 32, mode: .border)).process(bytes).image)
        // 256x64 fits as 32x8 in the middle rows 12..<20; the rest is white.
        #expect(pixel(border, 0, 0) == [255, 255, 255] && pixel(border, 31, 31) == [255, 255, 255])
        #expect(pixel(border, 0, 12) == [255, 0, 0] && pixel(border, 31, 19) == [0, 0, 255])
        #expect(pixel(border, 16, 11) == [255, 255, 255] && pixel(border, 16, 20) == [255, 255, 255])
    }

    @Test("size limits are read from the header: too small, too large, and the boundary is accepted")
    func sizeLimits() throws {
        let bytes = try JPEGEncoder().encode(gradient(width: 100, height: 80))
        #expect(ImageProcessor(options: ImageOptions(minSide: 81)).process(bytes).reason == .tooSmall)
        #expect(ImageProcessor(options: ImageOptions(minSide: 80)).process(bytes).reason == nil)
        #expect(ImageProcessor(options: ImageOptions(maxPixels: 7_999)).process(bytes).reason == .tooLarge)
        #expect(ImageProcessor(options: ImageOptions(maxPixels: 8_000)).process(bytes).reason == nil)
        let tooLarge = ImageProcessor(options: ImageOptions(maxPixels: 7_999)).process(bytes)
        #expect(tooLarge.info.decodedBytes == 0, "nothing may be allocated for a rejected header")
    }

    @Test("gray tolerance: a 3-channel image is gray up to the tolerance and colour just above it")
    func grayTolerance() throws {
        var tinted = RGBImage(width: 80, height: 80, red: 120, green: 120, blue: 120)
        tinted.pixels[3 * 500] = 125 // one pixel with a spread of 5
        let bytes = try PNGEncoder().encode(tinted)
        #expect(ImageProcessor(options: ImageOptions(grayTolerance: 5)).process(bytes).reason == .grayscale)
        #expect(ImageProcessor(options: ImageOptions(grayTolerance: 4)).process(bytes).reason == nil)
    }

    @Test("a truncated JPEG is corrupt, not padded with gray")
    func truncatedJPEG() throws {
        let bytes = try JPEGEncoder(quality: 90).encode(gradient(width: 320, height: 240))
        for cut in [bytes.count / 2, bytes.count - 10, 200, 3] {
            let decision = processor.process(Array(bytes.prefix(cut)))
            #expect(decision.reason == .corrupt, "cut at \(cut): \(decision.info.detail)")
            #expect(!decision.info.detail.isEmpty)
        }
    }

    @Test("stray bytes before a marker are forgiven (pixels intact); a missing end of image is not")
    func jpegWarnings() throws {
        let bytes = try JPEGEncoder(quality: 90).encode(gradient(width: 320, height: 240))
        let clean = try #require(processor.process(bytes).image)
        let scan = try #require((2..<bytes.count - 1).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xDA })
        let stray = Array(bytes[..<scan]) + [0x00, 0x00] + Array(bytes[scan...])
        let decision = processor.process(stray)
        #expect(decision.image.map { $0 == clean } == true, "\(decision.info.detail)")
        #expect(processor.process(Array(bytes.dropLast(2))).reason == .corrupt)
    }

    @Test("placeholders match by exact bytes, before decoding")
    func placeholders() throws {
        let bytes = try PNGEncoder().encode(gradient(width: 100, height: 100))
        var list = PlaceholderList()
        list.register(bytes, name: "demo unavailable.png")
        let decision = ImageProcessor(options: ImageOptions(placeholders: list)).process(bytes)
        #expect(decision.reason == .placeholder)
        #expect(decision.info.detail.contains("demo unavailable.png"))
        var other = bytes
        other[other.count - 5] ^= 1 // same size, different bytes: not the placeholder (and now a CRC error)
        #expect(ImageProcessor(options: ImageOptions(placeholders: list)).process(other).reason == .corrupt)

        let parsed = try PlaceholderList(parsing: "# comment\n\n\(list.entries[0].line)\n", source: "test")
        #expect(parsed == list)
        #expect(throws: PlaceholderListError.self) { try PlaceholderList(parsing: "abc 12 x\n", source: "bad.txt") }
    }

    @Test("the manifest in the repository parses")
    func manifestParses() throws {
        _ = try PlaceholderList(contentsOf: repositoryRoot.appendingPathComponent("Manifests/placeholders.txt"))
    }

    @Test("process is safe to call from many threads at once and gives the same answers")
    func concurrentUse() async throws {
        let inputs = try [
            JPEGEncoder(quality: 85).encode(gradient(width: 640, height: 480)),
            PNGEncoder().encode(gradient(width: 300, height: 200)),
            Array(JPEGEncoder(quality: 85).encode(gradient(width: 320, height: 240)).prefix(2000)),
        ]
        let processor = processor
        let expected = inputs.map { processor.process($0) }
        try await withThrowingTaskGroup(of: (Int, ImageDecision).self) { group in
            for round in 0..<60 {
                let index = round % inputs.count
                let input = inputs[index]
                group.addTask { (index, processor.process(input)) }
            }
            for try await (index, decision) in group {
                #expect(decision == expected[index])
            }
        }
    }
}

@Suite("Building blocks")
struct BuildingBlockTests {
    @Test("SHA-256 known answers (FIPS 180-4 examples)")
    func sha256() {
        let cases = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            (String(repeating: "a", count: 1000), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"),
        ]
        for (text, digest) in cases {
            #expect(PlaceholderList.entry(for: Array(text.utf8), name: "").sha256 == digest, "\(text.prefix(10))")
        }
    }

    @Test("area resampling averages exactly, including fractional footprints")
    func areaResample() {
        let image = RGBImage(width: 4, height: 1, pixels: [0, 0, 0, 100, 100, 100, 200, 200, 200, 40, 40, 40])
        #expect(AreaResampler.resize(image, width: 2, height: 1).pixels == [50, 50, 50, 120, 120, 120])
        #expect(AreaResampler.resize(image, width: 1, height: 1).pixels == [85, 85, 85])
        // 4 -> 3: footprints of 4/3 pixels: (0 + 100/3) / (4/3) = 25; (100*2/3 + 200*2/3) / (4/3) = 150;
        // (200/3 + 40) / (4/3) = 80.
        #expect(AreaResampler.resize(image, width: 3, height: 1).pixels.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
                == [25, 150, 80])
        #expect(AreaResampler.resize(image, width: 4, height: 1) == image)
    }

    @Test("EXIF orientations match their definitions", arguments: 1...8)
    func orientation(value: Int) {
        // 3x2 image with distinct pixels 0...5 (stored row-major).
        let image = RGBImage(width: 3, height: 2, pixels: (0..<6).flatMap { [UInt8($0), 0, 0] })
        let oriented = image.oriented(value)
        let values = stride(from: 0, to: oriented.pixels.count, by: 3).map { oriented.pixels[$0] }
        let expected: [[UInt8]] = [
            [0, 1, 2, 3, 4, 5], // 1 as stored
            [2, 1, 0, 5, 4, 3], // 2 mirrored left-right
            [5, 4, 3, 2, 1, 0], // 3 rotated 180
            [3, 4, 5, 0, 1, 2], // 4 mirrored top-bottom
            [0, 3, 1, 4, 2, 5], // 5 transposed
            [3, 0, 4, 1, 5, 2], // 6 rotated 90 clockwise
            [5, 2, 4, 1, 3, 0], // 7 transversed
            [2, 5, 1, 4, 0, 3], // 8 rotated 90 counter-clockwise
        ]
        #expect(values == expected[value - 1])
        #expect((oriented.width, oriented.height) == (value >= 5 ? (2, 3) : (3, 2)))
    }

    @Test("an invalid RGBImage is a programmer error")
    func invalidImage() async {
        await #expect(processExitsWith: .failure) {
            _ = RGBImage(width: 2, height: 2, pixels: [1, 2, 3])
        }
    }
}
