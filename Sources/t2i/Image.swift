import ArgumentParser
import Foundation
import Imaging

/// `t2i image FILE...`: the imaging decision for local files, so a user can see why an image was dropped.
struct ImageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "Decode, filter and resize image files the way the pipeline does, and say why any is rejected.",
        discussion: """
            Prints one line per file: decision, reason, original size, DCT scale factor. Exits 0 when \
            every file was judged (rejections included) and 1 when a file could not be read or written.
            """)

    @Argument(help: "Image files (JPEG and PNG are decoded; other formats are reported as unsupported).")
    var files: [String]

    @Option(help: "Write each accepted result as a PNG named after its input file into this folder.")
    var out: String?

    @Option(help: "Output side in pixels.") var size: Int = 64
    @Option(help: "center_crop, border or stretch.") var mode: String = ResizeMode.centerCrop.rawValue
    @Option(help: "Reject images whose shorter side is below this.") var minSide: Int = 64
    @Option(help: "Reject images declaring more pixels than this.") var maxPixels: Int = 40_000_000
    @Option(help: "Chroma spread at or below which a 3-channel image counts as gray.") var grayTolerance: Int = 8
    @Option(help: "Placeholder list (SHA256 BYTES NAME lines); used when the default file exists.")
    var placeholders: String = "Manifests/placeholders.txt"

    func validate() throws {
        guard ResizeMode(rawValue: mode) != nil else {
            throw ValidationError("--mode must be one of \(ResizeMode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(mode)'")
        }
        guard (1...4096).contains(size) else { throw ValidationError("--size must be in 1...4096, got \(size)") }
        guard minSide >= 1, maxPixels >= 1, grayTolerance >= 0 else {
            throw ValidationError("--min-side and --max-pixels must be positive, --gray-tolerance not negative")
        }
    }

    func run() async throws {
        let processor = ImageProcessor(options: ImageOptions(
            size: size, mode: ResizeMode(rawValue: mode) ?? .centerCrop, minSide: minSide, maxPixels: maxPixels,
            grayTolerance: grayTolerance, placeholders: try loadPlaceholders()))
        if let out {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        }
        var failures = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("\(file): cannot read file\n".utf8))
                failures += 1
                continue
            }
            let decision = data.withUnsafeBytes { processor.process($0) }
            print("\(file): \(Self.describe(decision))")
            if let out, let image = decision.image {
                let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent + ".png"
                let target = URL(fileURLWithPath: out).appendingPathComponent(name)
                do {
                    try Data(PNGEncoder().encode(image)).write(to: target)
                } catch {
                    FileHandle.standardError.write(Data("\(target.path): cannot write: \(error)\n".utf8))
                    failures += 1
                }
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func loadPlaceholders() throws -> PlaceholderList {
        let isDefault = placeholders == "Manifests/placeholders.txt"
        if isDefault && !FileManager.default.fileExists(atPath: placeholders) { return PlaceholderList() }
        return try PlaceholderList(contentsOf: URL(fileURLWithPath: placeholders))
    }

    /// `accepted | jpeg 640x480 | scale 1/4` or `rejected corrupt | jpeg 640x480 | scale 1/1 | Premature end of JPEG file`.
    static func describe(_ decision: ImageDecision) -> String {
        let info = decision.info
        var fields = [decision.reason.map { "rejected \($0.rawValue)" } ?? "accepted", info.format.rawValue]
        fields.append(info.width > 0 ? "\(info.width)x\(info.height)" : "size unknown")
        fields.append("scale \(info.scale)")
        if info.orientation != 1 { fields.append("exif orientation \(info.orientation)") }
        if !info.detail.isEmpty { fields.append(info.detail) }
        return fields.joined(separator: " | ")
    }
}
