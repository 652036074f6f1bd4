#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import CDemoPNG

/// libpng encoding through the small C target `CDemoPNG` (libpng reports errors by longjmp, which
/// Swift cannot catch). Internal: the `Imaging` module will own the project's codecs.
enum _PNGWriter {
    enum Kind {
        case rgb, rgba, palette, rgb16
    }

    /// Encodes `image` as a PNG of `kind`, Adam7-interlaced when asked.
    /// - Throws: `DemoDataError` with libpng's message.
    static func encode(_ image: _RGBImage, kind: Kind, interlaced: Bool = false) throws -> [UInt8] {
        let count = image.width * image.height
        var palette: [UInt8] = []
        let pixels: [UInt8]
        let cKind: cdemopng_kind
        switch kind {
        case .rgb:
            pixels = image.pixels; cKind = CDEMOPNG_RGB8
        case .rgba:
            // Alpha fades toward the edges, so the transparent parts matter to a decoder.
            var out = [UInt8](repeating: 0, count: count * 4)
            for y in 0..<image.height {
                for x in 0..<image.width {
                    let i = y * image.width + x
                    let edge = min(min(x, image.width - 1 - x), min(y, image.height - 1 - y))
                    out[4 * i] = image.pixels[3 * i]; out[4 * i + 1] = image.pixels[3 * i + 1]; out[4 * i + 2] = image.pixels[3 * i + 2]
                    out[4 * i + 3] = UInt8(min(255, 80 + edge * 4))
                }
            }
            pixels = out; cKind = CDEMOPNG_RGBA8
        case .palette:
            // A 6x6x6 colour cube plus 40 grays: 256 entries.
            for r in 0..<6 { for g in 0..<6 { for b in 0..<6 { palette += [UInt8(r * 51), UInt8(g * 51), UInt8(b * 51)] } } }
            for k in 0..<40 { palette += [UInt8(k * 255 / 39), UInt8(k * 255 / 39), UInt8(k * 255 / 39)] }
            var out = [UInt8](repeating: 0, count: count)
            for i in 0..<count {
                let r = Int(image.pixels[3 * i]), g = Int(image.pixels[3 * i + 1]), b = Int(image.pixels[3 * i + 2])
                out[i] = UInt8(((r + 25) / 51) * 36 + ((g + 25) / 51) * 6 + (b + 25) / 51)
            }
            pixels = out; cKind = CDEMOPNG_PALETTE8
        case .rgb16:
            var out = [UInt8](repeating: 0, count: count * 6)
            for i in 0..<(count * 3) {
                let value = UInt16(image.pixels[i]) * 257
                out[2 * i] = UInt8(value >> 8); out[2 * i + 1] = UInt8(value & 0xFF)
            }
            pixels = out; cKind = CDEMOPNG_RGB16
        }
        var output: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = pixels.withUnsafeBufferPointer { p in
            palette.withUnsafeBufferPointer { pal in
                cdemopng_encode(p.baseAddress, UInt32(image.width), UInt32(image.height), cKind,
                                pal.baseAddress, Int32(palette.count / 3), interlaced ? 1 : 0, &output, &size, &message, message.count)
            }
        }
        defer { free(output) }
        guard status == 0, let output, size > 0 else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DemoDataError(subject: "libpng", message: "encoding a \(image.width)x\(image.height) \(kind) PNG failed: \(text)")
        }
        return Array(UnsafeBufferPointer(start: output, count: size))
    }
}
