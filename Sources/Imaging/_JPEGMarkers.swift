/// What the APP segments before the first scan say: EXIF orientation and the Adobe APP14 marker.
struct _JPEGMarkers {
    /// EXIF orientation 1...8; 1 when absent or malformed.
    var orientation = 1
    /// An Adobe APP14 segment is present (Adobe CMYK files store inverted ink values).
    var hasAdobeMarker = false

    /// Walks the marker segments up to the first SOS; never reads past `bytes`.
    /// - Complexity: O(number of segments before the scan data).
    init(_ bytes: UnsafeRawBufferPointer) {
        var position = 2 // after SOI
        while position + 4 <= bytes.count {
            guard bytes[position] == 0xFF else { return }
            let marker = bytes[position + 1]
            if marker == 0xFF { position += 1; continue } // fill byte
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { position += 2; continue } // no length
            if marker == 0xDA || marker == 0xD9 { return } // start of scan / end of image
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            guard length >= 2, position + 2 + length <= bytes.count else { return }
            let segment = UnsafeRawBufferPointer(rebasing: bytes[(position + 4)..<(position + 2 + length)])
            if marker == 0xE1 { parseExif(segment) }
            if marker == 0xEE, segment.count >= 12, Array(segment[0..<5]) == Array("Adobe".utf8) { hasAdobeMarker = true }
            position += 2 + length
        }
    }

    /// Finds tag 0x0112 (Orientation) in IFD0 of an `Exif\0\0` APP1 segment.
    private mutating func parseExif(_ segment: UnsafeRawBufferPointer) {
        guard segment.count >= 14, Array(segment[0..<6]) == [0x45, 0x78, 0x69, 0x66, 0x00, 0x00] else { return }
        let tiff = UnsafeRawBufferPointer(rebasing: segment[6...])
        let littleEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return
        }
        func u16(_ offset: Int) -> Int? {
            guard offset >= 0, offset + 2 <= tiff.count else { return nil }
            return littleEndian ? Int(tiff[offset]) | Int(tiff[offset + 1]) << 8
                                : Int(tiff[offset]) << 8 | Int(tiff[offset + 1])
        }
        func u32(_ offset: Int) -> Int? {
            guard let high = u16(littleEndian ? offset + 2 : offset), let low = u16(littleEndian ? offset : offset + 2) else { return nil }
            return high << 16 | low
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return }
        for entry in 0..<count {
            let offset = ifd + 2 + entry * 12
            guard let tag = u16(offset) else { return }
            if tag == 0x0112, u16(offset + 2) == 3, let value = u16(offset + 8), (1...8).contains(value) {
                orientation = value
                return
            }
        }
    }
}
