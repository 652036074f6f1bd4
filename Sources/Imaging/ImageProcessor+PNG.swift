import CPNGDecode

extension ImageProcessor {
    func processPNG(_ bytes: UnsafeRawBufferPointer, info: inout ImageInfo) -> ImageDecision {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            info.detail = "empty file (0 bytes)"
            return .rejected(.corrupt, info)
        }
        var header = t2i_png_header()
        guard Int(t2i_png_read_header(base, bytes.count, &header)) == T2I_PNG_OK else {
            info.detail = _pngMessage(header)
            return .rejected(.corrupt, info)
        }
        let width = Int(header.width), height = Int(header.height)
        (info.width, info.height) = (width, height)
        if let reason = sizeRejection(width: width, height: height, info: &info) {
            return .rejected(reason, info)
        }
        // PNG_COLOR_TYPE_GRAY (0) and PNG_COLOR_TYPE_GRAY_ALPHA (4) carry one colour channel.
        if header.color_type == 0 || header.color_type == 4 {
            info.detail = "one channel (grayscale PNG, colour type \(header.color_type))"
            return .rejected(.grayscale, info)
        }
        var decoded = [UInt8](unsafeUninitializedCapacity: width * height * 4) { _, count in count = width * height * 4 }
        info.decodedBytes = decoded.count
        let status = decoded.withUnsafeMutableBufferPointer { output in
            t2i_png_decode_rgb(base, bytes.count, output.baseAddress, output.count, &header)
        }
        guard Int(status) == T2I_PNG_OK else {
            info.detail = _pngMessage(header)
            return .rejected(.corrupt, info)
        }
        return decoded.withUnsafeBufferPointer {
            finish(UnsafeBufferPointer(rebasing: $0[0..<(width * height * 3)]), decodedWidth: width, decodedHeight: height,
                   storedWidth: width, storedHeight: height, info: &info)
        }
    }
}

/// libpng's message from a header struct.
func _pngMessage(_ header: t2i_png_header) -> String {
    withUnsafeBytes(of: header.message) { raw in
        let bytes = raw.prefix { $0 != 0 }
        return bytes.isEmpty ? "libpng failed without a message" : "libpng: " + String(decoding: bytes, as: UTF8.self)
    }
}
