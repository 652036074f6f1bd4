import CPNGDecode

/// Encodes RGB images as 8-bit PNG (lossless) with libpng.
public struct PNGEncoder: Sendable {
    public init() {}

    /// - Returns: the PNG file's bytes.
    /// - Throws: `ImageEncodeError` with libpng's message.
    public func encode(_ image: RGBImage) throws(ImageEncodeError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 160)
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            t2i_png_encode_rgb(pixels.baseAddress, UInt32(image.width), UInt32(image.height), &output, &size, &message, message.count)
        }
        defer { t2i_png_free(output) }
        guard Int(status) == T2I_PNG_OK, let output else {
            let text = message.withUnsafeBufferPointer { buffer in
                String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            throw ImageEncodeError(format: .png, message: text.isEmpty ? "libpng status \(status)" : text)
        }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}
