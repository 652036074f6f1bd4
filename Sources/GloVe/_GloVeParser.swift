import Foundation
import Parallel

/// Parses GloVe's text format from a byte buffer, splitting the work across cores by line.
struct _GloVeParser {
    let path: String
    let bytes: UnsafeBufferPointer<UInt8>

    private struct Chunk {
        var words: [String] = []
        var values: [Float] = []
        /// The failure, as (byte offset of the line's start, message).
        var failure: (offset: Int, message: String)?
    }

    func parse() throws -> WordVectors {
        guard !bytes.isEmpty else { throw GloVeError(file: path, line: nil, message: "the file is empty") }
        let dimension = try firstLineDimension()
        let parts = parallelParts(count: bytes.count, minimumPart: 1 << 20)
        var bounds = [0]
        for part in 1..<parts {
            var cut = max(bytes.count * part / parts, bounds[bounds.count - 1])
            while cut < bytes.count && bytes[cut - 1] != 0x0A { cut += 1 }
            bounds.append(cut)
        }
        bounds.append(bytes.count)
        let chunkBounds = bounds
        let chunks = parallelMap(parts: parts) { part in
            parseChunk(chunkBounds[part]..<chunkBounds[part + 1], dimension: dimension)
        }
        var words: [String] = []
        var values: [Float] = []
        words.reserveCapacity(chunks.reduce(0) { $0 + $1.words.count })
        values.reserveCapacity(words.capacity * dimension)
        for chunk in chunks {
            if let failure = chunk.failure {
                throw GloVeError(file: path, line: lineNumber(atOffset: failure.offset), message: failure.message)
            }
            words += chunk.words
            values += chunk.values
        }
        return WordVectors(dimension: dimension, words: words, values: values)
    }

    /// The number of fields after the word on the first line.
    private func firstLineDimension() throws -> Int {
        let end = bytes.firstIndex(of: 0x0A) ?? bytes.count
        var fields = 0
        var inField = false
        for byte in bytes[0..<end] {
            if byte == 0x20 || byte == 0x0D || byte == 0x09 { inField = false } else if !inField { inField = true; fields += 1 }
        }
        guard fields >= 2 else {
            throw GloVeError(file: path, line: 1, message: "expected a word and its vectors, found \(fields) field(s)")
        }
        return fields - 1
    }

    private func lineNumber(atOffset offset: Int) -> Int {
        var line = 1
        for byte in bytes[0..<offset] where byte == 0x0A { line += 1 }
        return line
    }

    private func parseChunk(_ range: Range<Int>, dimension: Int) -> Chunk {
        var chunk = Chunk()
        chunk.words.reserveCapacity(range.count / (dimension * 9 + 8) + 1)
        chunk.values.reserveCapacity(chunk.words.capacity * dimension)
        var position = range.lowerBound
        let end = range.upperBound
        while position < end {
            let lineStart = position
            var lineEnd = position
            while lineEnd < end && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            position = lineEnd + 1
            var stop = lineEnd
            if stop > lineStart && bytes[stop - 1] == 0x0D { stop -= 1 }
            if stop == lineStart { continue }  // a blank line (the final newline)
            var cursor = lineStart
            while cursor < stop && bytes[cursor] != 0x20 { cursor += 1 }
            let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<cursor]), as: UTF8.self)
            var count = 0
            while cursor < stop {
                while cursor < stop && bytes[cursor] == 0x20 { cursor += 1 }
                if cursor == stop { break }
                let fieldStart = cursor
                while cursor < stop && bytes[cursor] != 0x20 { cursor += 1 }
                guard let value = _parseFloat(bytes, fieldStart..<cursor) else {
                    let field = String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<cursor]), as: UTF8.self)
                    chunk.failure = (lineStart, "'\(field)' (value \(count + 1) of word '\(word)') is not a number")
                    return chunk
                }
                count += 1
                if count <= dimension { chunk.values.append(value) }
            }
            guard count == dimension else {
                chunk.failure = (lineStart, "word '\(word)' has \(count) values, expected \(dimension) (the first line's count)")
                return chunk
            }
            chunk.words.append(word)
        }
        return chunk
    }
}

private let exactPowersOfTen: [Double] = (0...22).map { pow(10.0, Double($0)) }

/// Parses a decimal float (`-0.41242`, `4.1242e-05`): an exact integer mantissa scaled by an exact
/// power of ten in Double, then rounded to Float; falls back to `strtof` outside that fast path.
@inline(__always)
func _parseFloat(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Float? {
    var index = range.lowerBound
    let end = range.upperBound
    guard index < end else { return nil }
    var negative = false
    if bytes[index] == 0x2D { negative = true; index += 1 } else if bytes[index] == 0x2B { index += 1 }
    var mantissa: UInt64 = 0
    var digits = 0
    var scale = 0
    var sawDigit = false
    while index < end, bytes[index] &- 0x30 < 10 {
        if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- 0x30); if mantissa > 0 { digits += 1 } } else { scale += 1 }
        sawDigit = true
        index += 1
    }
    if index < end, bytes[index] == 0x2E {
        index += 1
        while index < end, bytes[index] &- 0x30 < 10 {
            if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[index] &- 0x30); if mantissa > 0 { digits += 1 }; scale -= 1 }
            sawDigit = true
            index += 1
        }
    }
    guard sawDigit else { return _strtofFallback(bytes, range) }
    if index < end, bytes[index] | 0x20 == 0x65 {
        index += 1
        var exponentNegative = false
        if index < end, bytes[index] == 0x2D { exponentNegative = true; index += 1 } else if index < end, bytes[index] == 0x2B { index += 1 }
        var exponent = 0
        var exponentDigits = 0
        while index < end, bytes[index] &- 0x30 < 10 {
            if exponent < 10_000 { exponent = exponent * 10 + Int(bytes[index] &- 0x30) }
            exponentDigits += 1
            index += 1
        }
        guard exponentDigits > 0 else { return nil }
        scale += exponentNegative ? -exponent : exponent
    }
    guard index == end else { return nil }
    guard mantissa < (1 << 53), abs(scale) <= 22 else { return _strtofFallback(bytes, range) }
    let magnitude = scale < 0 ? Double(mantissa) / exactPowersOfTen[-scale] : Double(mantissa) * exactPowersOfTen[scale]
    return Float(negative ? -magnitude : magnitude)
}

private func _strtofFallback(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Float? {
    var text = Array(bytes[range])
    text.append(0)
    return text.withUnsafeBufferPointer { buffer -> Float? in
        buffer.withMemoryRebound(to: CChar.self) { chars -> Float? in
            guard let start = chars.baseAddress else { return nil }
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtof(start, &endPointer)
            guard let endPointer, endPointer == UnsafeMutablePointer(mutating: start) + range.count else { return nil }
            return value
        }
    }
}
