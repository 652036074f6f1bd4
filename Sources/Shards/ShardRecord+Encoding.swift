extension ShardRecord {
    /// Writes this record's fixed-size bytes, checksum included, into `record`
    /// (`layout.recordSize` bytes, zeroed by the caller).
    /// - Throws: `ShardError` when the record does not fit the layout or the vocabulary.
    func encode(into record: UnsafeMutableRawBufferPointer, layout: ShardLayout, vocabularySize: Int) throws {
        let name = "image \(imageID)"
        guard pixels.count == layout.pixelCount else {
            throw ShardError(file: name, "has \(pixels.count) pixel bytes, the layout needs \(layout.imageHeight)x\(layout.imageWidth)x\(layout.channels) = \(layout.pixelCount)")
        }
        guard captions.count <= layout.maxCaptions else {
            throw ShardError(file: name, "has \(captions.count) captions, the layout holds \(layout.maxCaptions)")
        }
        record.storeBytes(of: imageID.littleEndian, toByteOffset: ShardLayout.imageIDOffset, as: UInt64.self)
        record.storeBytes(of: UInt16(captions.count).littleEndian, toByteOffset: ShardLayout.captionCountOffset, as: UInt16.self)
        pixels.withUnsafeBytes { source in
            UnsafeMutableRawBufferPointer(rebasing: record[ShardLayout.pixelsOffset..<ShardLayout.pixelsOffset + source.count])
                .copyMemory(from: source)
        }
        for (c, caption) in captions.enumerated() {
            guard caption.tokens.count == layout.captionLength else {
                throw ShardError(file: name, "caption \(c) has \(caption.tokens.count) token ids, the layout needs \(layout.captionLength)")
            }
            guard caption.meanEncoding.count == layout.embeddingDimension else {
                throw ShardError(file: name, "caption \(c) has a \(caption.meanEncoding.count)-value mean encoding, the layout needs \(layout.embeddingDimension)")
            }
            for (t, token) in caption.tokens.enumerated() {
                guard Int(token) < vocabularySize else {
                    throw ShardError(file: name, "caption \(c) has token id \(token), outside the \(vocabularySize)-word vocabulary")
                }
                record.storeBytes(of: token.littleEndian, toByteOffset: layout.tokensOffset + 2 * (c * layout.captionLength + t), as: UInt16.self)
            }
            for (d, value) in caption.meanEncoding.enumerated() {
                record.storeBytes(of: Float16(value).bitPattern.littleEndian,
                                  toByteOffset: layout.meansOffset + 2 * (c * layout.embeddingDimension + d), as: UInt16.self)
            }
        }
        let checksum = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: record[0..<layout.checksumOffset]))
        record.storeBytes(of: checksum.littleEndian, toByteOffset: layout.checksumOffset, as: UInt32.self)
    }

    /// The side-table entry: the metadata as a JSON object with sorted keys, in UTF-8.
    func encodedMetadata() -> [UInt8] {
        Array(jsonObject(metadata).utf8)
    }
}

/// A flat string map as compact JSON with sorted keys (no Foundation needed, stable bytes).
func jsonObject(_ map: [String: String]) -> String {
    "{" + map.sorted { $0.key < $1.key }.map { jsonString($0.key) + ":" + jsonString($0.value) }.joined(separator: ",") + "}"
}

func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            out += "\\u" + padded(scalar.value, width: 4, radix: 16)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
