import Foundation
import Imaging
import Testing
import TestSupport

@Suite("t2i image")
struct ImageCommandTests {
    @Test("prints a decision per file, writes accepted results as PNG, exits 0 when every file was judged")
    func judgesFiles() throws {
        let folder = try TemporaryDirectory("image-cli")
        let photo = folder.file("photo.jpg"), gray = folder.file("gray.png"), broken = folder.file("broken.jpg")
        try Data(JPEGEncoder().encode(gradient(width: 640, height: 480))).write(to: URL(fileURLWithPath: photo))
        try Data(PNGEncoder().encode(RGBImage(width: 100, height: 100, red: 9, green: 9, blue: 9))).write(to: URL(fileURLWithPath: gray))
        let jpeg = try JPEGEncoder().encode(gradient(width: 640, height: 480))
        try Data(jpeg.prefix(jpeg.count / 2)).write(to: URL(fileURLWithPath: broken))
        let out = folder.file("out")

        let result = try runT2I(["image", photo, gray, broken, "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "\(photo): accepted | jpeg | 640x480 | scale 1/4")
        #expect(lines[1].hasPrefix("\(gray): rejected grayscale | png | 100x100 | scale 1/1 | "))
        #expect(lines[2].hasPrefix("\(broken): rejected corrupt | jpeg | 640x480 | scale 1/4 | Premature end of JPEG file"))

        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.file("out/photo.png"))))
        let image = try #require(ImageProcessor(options: ImageOptions(minSide: 64)).process(written).image)
        #expect(image.width == 64 && image.height == 64)
        #expect(!FileManager.default.fileExists(atPath: folder.file("out/gray.png")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("out/broken.png")))
    }

    @Test("an unreadable file gives one line on stderr and a non-zero exit; the others are still judged")
    func unreadableFile() throws {
        let folder = try TemporaryDirectory("image-cli")
        let photo = folder.file("photo.png")
        try Data(PNGEncoder().encode(gradient(width: 80, height: 80))).write(to: URL(fileURLWithPath: photo))
        let missing = folder.file("missing.jpg")
        let result = try runT2I(["image", missing, photo])
        #expect(result.status == 1)
        #expect(result.stderr == "\(missing): cannot read file\n")
        #expect(result.stdout.hasPrefix("\(photo): accepted"))
    }

    @Test("options reach the processor: size, mode and a placeholder list")
    func options() throws {
        let folder = try TemporaryDirectory("image-cli")
        let photo = folder.file("wide.png")
        let bytes = try PNGEncoder().encode(gradient(width: 300, height: 100))
        try Data(bytes).write(to: URL(fileURLWithPath: photo))
        let list = folder.file("placeholders.txt")
        try (PlaceholderList.entry(for: bytes, name: "wide").line + "\n").write(toFile: list, atomically: true, encoding: .utf8)

        let rejected = try runT2I(["image", photo, "--placeholders", list])
        #expect(rejected.stdout.contains("rejected placeholder"))

        let out = folder.file("out")
        let accepted = try runT2I(["image", photo, "--size", "32", "--mode", "border", "--out", out])
        #expect(accepted.status == 0)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.file("out/wide.png"))))
        let image = try #require(ImageProcessor(options: ImageOptions(size: 32, minSide: 32)).process(written).image)
        #expect(pixel(image, 0, 0) == [255, 255, 255], "border mode pads white above a wide image")

        let bad = try runT2I(["image", photo, "--mode", "fill"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--mode must be one of center_crop, border, stretch"))
    }
}
