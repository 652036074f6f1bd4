import CPNG

/// Encodes 8-bit images as PNG with libpng's simplified write API.
///
/// Kept here for WebDataset export until the Imaging module's encoder lands; the two should be
/// folded into one then. libpng reports errors from the simplified API as a status and a
/// message, so no setjmp is needed on this side.
public enum PNGEncoder {
    /// A PNG file of `pixels`: `height x width x channels` bytes, row-major, channels innermost.
    /// - Parameter channels: 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA).
    /// - Throws: `ShardError` carrying libpng's message when encoding fails.
    public static func encode(_ pixels: UnsafeRawBufferPointer, width: Int, height: Int, channels: Int) throws -> [UInt8] {
        precondition(pixels.count == width * height * channels, "pixel buffer does not match \(width)x\(height)x\(channels)")
        // PNG_FORMAT_RGBA and friends are compound macros Swift does not import; build them from the flags.
        let color = UInt32(PNG_FORMAT_FLAG_COLOR), alpha = UInt32(PNG_FORMAT_FLAG_ALPHA)
        let formats: [Int: UInt32] = [1: 0, 2: alpha, 3: color, 4: color | alpha]
        guard let format = formats[channels] else { preconditionFailure("PNG holds 1 to 4 channels, not \(channels)") }
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = png_uint_32(format)
        defer { png_image_free(&image) }
        var size: png_alloc_size_t = 0
        let stride = png_int_32(width * channels)
        guard png_image_write_to_memory(&image, nil, &size, 0, pixels.baseAddress, stride, nil) != 0, size > 0 else {
            throw ShardError(file: "PNG", "libpng cannot size the image: \(message(&image))")
        }
        var output = [UInt8](repeating: 0, count: Int(size))
        let status = output.withUnsafeMutableBytes { buffer in
            png_image_write_to_memory(&image, buffer.baseAddress, &size, 0, pixels.baseAddress, stride, nil)
        }
        guard status != 0 else { throw ShardError(file: "PNG", "libpng failed: \(message(&image))") }
        return Array(output.prefix(Int(size)))
    }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
