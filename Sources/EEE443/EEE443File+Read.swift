import HDF5

extension EEE443File {
    /// Reads an integer dataset's rows as Int32 whatever the stored class, width and sign.
    ///
    /// Widths that fit are converted by HDF5 on the read itself; wider integers and floats go
    /// through Int64/Double and are checked, so a value HDF5 would clamp is reported instead.
    func readInt32(_ dataset: HDF5Dataset, rows: Range<Int>) throws -> [Int32] {
        switch dataset.type {
        case let .integer(signed, bytes) where bytes < 4 || (signed && bytes == 4):
            return try dataset.read(Int32.self, rows: rows)
        case .integer:
            let wide = try dataset.read(Int64.self, rows: rows)
            return try wide.enumerated().map { index, value in
                guard let narrow = Int32(exactly: value) else {
                    throw badValue(dataset, rows.lowerBound, index, "\(value)", "is too large for an id")
                }
                return narrow
            }
        case .float:
            let wide = try dataset.read(Double.self, rows: rows)
            return try wide.enumerated().map { index, value in
                guard value == value.rounded(), let narrow = Int32(exactly: value) else {
                    throw badValue(dataset, rows.lowerBound, index, "\(value)", "is not a whole number")
                }
                return narrow
            }
        default:
            throw EEE443Error(file: path, dataset: dataset.name, message: "stored type \(dataset.type), expected integers")
        }
    }

    func badValue(_ dataset: HDF5Dataset, _ firstRow: Int, _ flatIndex: Int, _ value: String, _ problem: String) -> EEE443Error {
        let width = dataset.rowWidth
        let position = width > 1 ? "row \(firstRow + flatIndex / width), column \(flatIndex % width)" : "row \(firstRow + flatIndex)"
        return EEE443Error(file: path, dataset: dataset.name, message: "\(position): value \(value) \(problem)")
    }

    /// Reads caption rows (each `captionWidth` ids, row-major) and checks every id is in the vocabulary.
    /// - Complexity: O(rows.count); only those rows are read.
    public func readCaptionTokens(rows: Range<Int>? = nil) throws -> [Int32] {
        let rows = rows ?? 0..<captionCount
        let limit = Int32(vocabulary.count)
        let tokens: [Int32], outside: Bool
        if case .integer(true, 4) = captions.type {
            // Checked block by block as it is read, while each block is in cache.
            let read = try captions.read(Int32.self, rows: rows) { block, _ in Self.anyOutside(block, limit: limit) }
            (tokens, outside) = (read.values, read.summaries.contains(true))
        } else {
            tokens = try readInt32(captions, rows: rows)
            outside = tokens.withUnsafeBufferPointer { Self.anyOutside($0, limit: limit) }
        }
        if outside, let bad = tokens.firstIndex(where: { $0 < 0 || $0 >= limit }) {
            throw badValue(captions, rows.lowerBound, bad, "\(tokens[bad])", "is outside the vocabulary (ids 0..<\(limit))")
        }
        return tokens
    }

    /// Whether any of `values` lies outside `0..<limit`, in one branch-free pass.
    ///
    /// `(limit - 1 - v) | v` is negative exactly when `v < 0` or `v >= limit` (the subtraction
    /// wraps only when `v` is itself negative), so OR-ing it over the values needs only SSE2
    /// subtract and or: 0.46 ms for 6.8 M ids in cache, where an unsigned max (no SSE2
    /// instruction for it) took 1.16 ms.
    /// - Complexity: O(values.count).
    static func anyOutside(_ values: UnsafeBufferPointer<Int32>, limit: Int32) -> Bool {
        let top = limit &- 1
        return values.reduce(Int32(0)) { $0 | ((top &- $1) | $1) } < 0
    }

    /// The base of `*_imid`, detected from its minimum and maximum: 1 when (1, N), 0 when (0, N-1),
    /// with N the number of URLs. Reads the column in blocks, so memory stays small.
    /// - Throws: `EEE443Error` naming the values found when they fit neither.
    public func imageIDBase() throws -> Int {
        try imageIDBase(range: try imageIDRange())
    }

    func imageIDBase(range: (min: Int64, max: Int64)) throws -> Int {
        let (low, high) = range
        guard low <= high else {
            throw EEE443Error(file: path, dataset: imageIDs.name, message: "is empty: no captions")
        }
        let count = Int64(imageCount)
        if low < 0 || high > count {
            let value = low < 0 ? low : high
            throw EEE443Error(file: path, dataset: imageIDs.name, message: "value \(value) is outside the URL range (min \(low), max \(high), \(count) URLs in '\(urls.name)')")
        }
        if low == 0 && high == count {
            throw EEE443Error(file: path, dataset: imageIDs.name, message: "values run from 0 to \(high): both 0 and \(count) cannot be image rows of \(count) URLs")
        }
        if low == 0 { return 0 }
        if high == count { return 1 }
        throw EEE443Error(file: path, dataset: imageIDs.name, message: "cannot tell the base: min \(low), max \(high) with \(count) URLs (expected 1..\(count) or 0..\(count - 1))")
    }

    /// Minimum and maximum of `*_imid`, read in blocks.
    public func imageIDRange(blockRows: Int = 1 << 18) throws -> (min: Int64, max: Int64) {
        var low = Int64.max, high = Int64.min
        var start = 0
        while start < imageIDs.rowCount {
            let rows = start..<min(start + blockRows, imageIDs.rowCount)
            for value in try readInt32(imageIDs, rows: rows) {
                low = min(low, Int64(value))
                high = max(high, Int64(value))
            }
            start = rows.upperBound
        }
        return (low, high)
    }

    /// The zero-based image row (index into the URLs) of each caption in `rows`.
    /// - Parameter base: the detected base; pass `imageIDBase()` once and reuse it.
    public func readImageRows(rows: Range<Int>? = nil, base: Int) throws -> [Int32] {
        let rows = rows ?? 0..<captionCount
        return try imageRows(fromIDs: try readInt32(imageIDs, rows: rows), firstRow: rows.lowerBound, base: base)
    }

    func imageRows(fromIDs stored: consuming [Int32], firstRow: Int = 0, base: Int) throws -> [Int32] {
        var ids = stored
        let offset = Int32(base), count = Int32(imageCount)
        let bad = ids.withUnsafeMutableBufferPointer { buffer -> Int? in
            for index in buffer.indices {
                let row = buffer[index] &- offset
                guard row >= 0, row < count else { return index }
                buffer[index] = row
            }
            return nil
        }
        if let bad {
            // ids[bad] is still the stored value: the loop stopped before writing it.
            throw badValue(imageIDs, firstRow, bad, "\(ids[bad])", "is outside the URL range (\(base)-based, \(count) URLs)")
        }
        return ids
    }

    /// The URLs of image rows `rows`, trimmed, packed in one table.
    public func readURLs(rows: Range<Int>? = nil) throws -> StringTable {
        try urls.readStringTable(rows: rows)
    }

    /// Reads every caption, its image row and every URL, validated. The image ids are read once.
    public func loadAll() throws -> EEE443Captions {
        let ids = try readInt32(imageIDs, rows: 0..<imageIDs.rowCount)
        let base = try imageIDBase(range: ids.withUnsafeBufferPointer { buffer in
            buffer.reduce(into: (Int64.max, Int64.min)) { range, value in
                range.0 = min(range.0, Int64(value))
                range.1 = max(range.1, Int64(value))
            }
        })
        let imageRows = try imageRows(fromIDs: consume ids, base: base)
        return EEE443Captions(
            split: split, vocabulary: vocabulary,
            tokens: try readCaptionTokens(), imageRows: imageRows,
            urls: try readURLs(), imageIDBase: base)
    }
}
