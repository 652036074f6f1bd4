/// The container format recognised from an image's first bytes (never from a URL or a header).
public enum ImageFormat: String, Sendable, CaseIterable {
    case jpeg, png, gif, webp, bmp, tiff, ico, avif, heic
    /// No known image signature: empty, HTML, garbage.
    case unknown

    /// Whether this module decodes the format; the others are rejected as unsupported.
    public var isDecodable: Bool { self == .jpeg || self == .png }

    /// Recognises the format from its signature.
    /// - Complexity: O(1); reads at most the first 12 bytes.
    public static func sniff(_ bytes: UnsafeRawBufferPointer) -> ImageFormat {
        func starts(with signature: [UInt8], at offset: Int = 0) -> Bool {
            guard bytes.count >= offset + signature.count else { return false }
            for (index, byte) in signature.enumerated() where bytes[offset + index] != byte { return false }
            return true
        }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(with: Array("GIF87a".utf8)) || starts(with: Array("GIF89a".utf8)) { return .gif }
        if starts(with: Array("RIFF".utf8)) && starts(with: Array("WEBP".utf8), at: 8) { return .webp }
        if starts(with: Array("BM".utf8)) && bytes.count >= 26 { return .bmp }
        if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if starts(with: [0x00, 0x00, 0x01, 0x00]) { return .ico }
        if starts(with: Array("ftypavif".utf8), at: 4) || starts(with: Array("ftypavis".utf8), at: 4) { return .avif }
        if starts(with: Array("ftypheic".utf8), at: 4) || starts(with: Array("ftypmif1".utf8), at: 4) { return .heic }
        return .unknown
    }
}
