import CPNG
import Foundation

/// Writing a PNG failed; names the file and libpng's message.
public struct PNGWriteError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): cannot write PNG: \(message)" }
}

/// A minimal RGB PNG writer over libpng's simplified API (`png_image_write_to_file`), which
/// reports errors through the `png_image` rather than longjmp. Internal to training until the
/// Imaging module's encoders land.
enum PNGWriter {
    /// Writes `rgb` (`width * height * 3` bytes, rows top to bottom) to `path`.
    /// - Throws: `PNGWriteError` with libpng's message.
    static func write(rgb: [UInt8], width: Int, height: Int, to path: String) throws {
        precondition(rgb.count == width * height * 3, "RGB buffer does not match \(width)x\(height)")
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = png_uint_32(PNG_FORMAT_RGB)
        let ok = rgb.withUnsafeBufferPointer { buffer in
            png_image_write_to_file(&image, path, 0, buffer.baseAddress, png_int_32(width * 3), nil)
        }
        let message = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        png_image_free(&image)
        guard ok != 0 else { throw PNGWriteError(path: path, message: message.isEmpty ? "unknown error" : message) }
    }
}

/// Images tiled into one picture: `rows x columns` cells separated by a gap.
public enum ImageGrid {
    /// Writes images `[rows * columns, S, S, 3]` in [-1, 1] (row-major cell order) as one PNG.
    /// - Throws: `PNGWriteError`.
    public static func writePNG(images: [Float], imageSize s: Int, rows: Int, columns: Int, gap: Int = 2,
                                to path: String) throws {
        precondition(images.count == rows * columns * s * s * 3, "grid of \(rows)x\(columns) images of \(s)x\(s)")
        let width = columns * s + (columns + 1) * gap, height = rows * s + (rows + 1) * gap
        var rgb = [UInt8](repeating: 255, count: width * height * 3)
        for cell in 0..<rows * columns {
            let (r, c) = (cell / columns, cell % columns)
            for y in 0..<s {
                for x in 0..<s {
                    let dst = ((gap + r * (s + gap) + y) * width + gap + c * (s + gap) + x) * 3
                    let src = ((cell * s + y) * s + x) * 3
                    for k in 0..<3 {
                        let v = (images[src + k] + 1) * 127.5
                        rgb[dst + k] = UInt8(Swift.max(0, Swift.min(255, v.rounded())))
                    }
                }
            }
        }
        try PNGWriter.write(rgb: rgb, width: width, height: height, to: path)
    }
}
