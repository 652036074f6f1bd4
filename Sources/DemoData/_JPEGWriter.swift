import CTurboJPEG

/// A TurboJPEG compressor (tjCompress2) for the demo's images and JPEG fault variants.
///
/// Internal on purpose: the `Imaging` module will own the project's codecs; this one only needs
/// to write. One instance per thread (a TurboJPEG handle is not thread-safe); freed in deinit.
final class _JPEGWriter {
    enum Kind {
        /// Three-channel YCbCr, 4:2:0 or 4:4:4 chroma.
        case color(subsampled: Bool)
        /// One-channel luma (TJSAMP_GRAY).
        case grayscale
        /// Four-channel CMYK (TJPF_CMYK input, Adobe-style inverted as TurboJPEG writes it).
        case cmyk
    }

    private let handle: tjhandle

    init() throws {
        guard let handle = tjInitCompress() else {
            throw DemoDataError(subject: "TurboJPEG", message: "tjInitCompress failed: \(String(cString: tjGetErrorStr2(nil)))")
        }
        self.handle = handle
    }

    deinit { tjDestroy(handle) }

    /// Compresses `image` at `quality` (1-100).
    /// - Throws: `DemoDataError` carrying TurboJPEG's message.
    func encode(_ image: _RGBImage, quality: Int, kind: Kind, progressive: Bool = false) throws -> [UInt8] {
        // TurboJPEG 2.1 leaves progressive-mode settings (optimised Huffman tables) in the handle,
        // which would make later images depend on which came before: use a fresh handle here.
        if progressive { return try _JPEGWriter().compress(image, quality: quality, kind: kind, progressive: true) }
        return try compress(image, quality: quality, kind: kind, progressive: false)
    }

    private func compress(_ image: _RGBImage, quality: Int, kind: Kind, progressive: Bool) throws -> [UInt8] {
        var flags: Int32 = TJFLAG_ACCURATEDCT
        if progressive { flags |= TJFLAG_PROGRESSIVE }
        let subsampling: Int32
        var pixelFormat = Int32(TJPF_RGB.rawValue)
        var source = image.pixels
        switch kind {
        case .color(let subsampled): subsampling = Int32(subsampled ? TJSAMP_420.rawValue : TJSAMP_444.rawValue)
        case .grayscale: subsampling = Int32(TJSAMP_GRAY.rawValue)
        case .cmyk:
            subsampling = Int32(TJSAMP_444.rawValue)
            pixelFormat = Int32(TJPF_CMYK.rawValue)
            source = Self.cmykPixels(image)
        }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = source.withUnsafeBufferPointer { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(image.width), 0, Int32(image.height), pixelFormat,
                        &output, &size, subsampling, Int32(quality), flags)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output, size > 0 else {
            throw DemoDataError(subject: "TurboJPEG", message: "tjCompress2 of a \(image.width)x\(image.height) image failed: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }

    /// Naive RGB -> CMYK (K = 1 - max), the conversion CMYK print files approximate.
    private static func cmykPixels(_ image: _RGBImage) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: image.width * image.height * 4)
        for index in 0..<(image.width * image.height) {
            let r = Int(image.pixels[3 * index]), g = Int(image.pixels[3 * index + 1]), b = Int(image.pixels[3 * index + 2])
            let maximum = max(r, g, b)
            let k = 255 - maximum
            if maximum == 0 {
                out[4 * index + 3] = 255
                continue
            }
            out[4 * index] = UInt8((maximum - r) * 255 / maximum)
            out[4 * index + 1] = UInt8((maximum - g) * 255 / maximum)
            out[4 * index + 2] = UInt8((maximum - b) * 255 / maximum)
            out[4 * index + 3] = UInt8(k)
        }
        return out
    }

    /// Rewrites the frame header (SOFn) of `jpeg` to declare `width` x `height`: a valid-looking
    /// file whose header lies, for the "header says 30000x30000" fault.
    static func withDeclaredSize(_ jpeg: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        var bytes = jpeg
        var index = 2
        while index + 9 < bytes.count {
            guard bytes[index] == 0xFF else { break }
            let marker = bytes[index + 1]
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            if (0xC0...0xC3).contains(marker) {
                bytes[index + 5] = UInt8(height >> 8); bytes[index + 6] = UInt8(height & 0xFF)
                bytes[index + 7] = UInt8(width >> 8); bytes[index + 8] = UInt8(width & 0xFF)
                return bytes
            }
            index += 2 + length
        }
        throw DemoDataError(subject: "TurboJPEG", message: "no SOF marker found to patch in a \(jpeg.count)-byte JPEG")
    }
}
