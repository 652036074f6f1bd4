import CHDF5
import Glibc

extension HDF5Dataset {
    /// Reads `rows` (all when nil) as `T` like `read(_:rows:)`, and hands each block of about
    /// `blockBytes` to `summarise` while the block is still in cache, so that checking the values
    /// costs no second pass over memory.
    ///
    /// When the rows are stored contiguously in exactly this host's type `T` (the usual case),
    /// the blocks are read straight from the file with `pread` into the result, one after the
    /// other. (Splitting them over two threads won 25% with an idle core but lost more when the
    /// other core was busy, on the shared 2-core machine this was measured on.) Any other layout
    /// or type (chunked, big-endian, another width) is read by HDF5 in one converting call and
    /// summarised after.
    /// - Parameter summarise: called once per block, in order, with the block's values and the
    ///   index of its first value in the result.
    /// - Returns: the values, row-major, and one summary per block in order.
    /// - Throws: `HDF5Error` when the stored type is not numeric, the rows are out of range, or
    ///   the read fails or comes up short.
    /// - Complexity: O(rows.count * rowWidth).
    public func read<T: HDF5Number, Summary>(
        _: T.Type, rows: Range<Int>? = nil, blockBytes: Int = 1 << 18,
        summarising summarise: (UnsafeBufferPointer<T>, Int) -> Summary
    ) throws -> (values: [T], summaries: [Summary]) {
        let rows = rows ?? 0..<rowCount
        guard type.isNumeric else { throw error("read", "stored type is \(type), expected numbers") }
        guard rows.lowerBound >= 0, rows.upperBound <= rowCount else {
            throw error("read rows \(rows.lowerBound)..<\(rows.upperBound)", "out of range: the dataset has \(rowCount) rows")
        }
        let count = rows.count * rowWidth
        let blockValues = max(1, blockBytes / MemoryLayout<T>.stride)
        let blocks = (0..<((count + blockValues - 1) / blockValues)).map { $0 * blockValues..<min(count, ($0 + 1) * blockValues) }
        let stride = MemoryLayout<T>.stride
        guard let start = HDF5Library.sync({ _contiguousStart(of: T.self, element: rows.lowerBound * rowWidth) }) else {
            let values = try read(T.self, rows: rows)
            let summaries = values.withUnsafeBufferPointer { all in
                blocks.map { summarise(UnsafeBufferPointer(rebasing: all[$0]), $0.lowerBound) }
            }
            return (values, summaries)
        }
        let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw error("read", "cannot open the file again to read it directly: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var summaries: [Summary] = []
        summaries.reserveCapacity(blocks.count)
        let values = try [T](_fillingFresh: count) { raw in
            for block in blocks {
                let bytes = UnsafeMutableRawBufferPointer(rebasing: raw[(block.lowerBound * stride)..<(block.upperBound * stride)])
                if let failure = _preadAll(descriptor, bytes, at: start + block.lowerBound * stride) { throw failure }
                summaries.append(summarise(UnsafeBufferPointer(bytes.bindMemory(to: T.self)), block.lowerBound))
            }
        }
        return (values, summaries)
    }

    /// The absolute file offset of element `element` when the data can be read straight from the
    /// file as `T`: contiguous, fully stored, and stored in exactly `T`'s native type. Else nil.
    /// Caller holds the library lock.
    func _contiguousStart<T: HDF5Number>(of _: T.Type, element: Int) -> Int? {
        guard H5Tequal(fileType.id, T._memoryType()) > 0, let address = _contiguousAddress(elementSize: MemoryLayout<T>.stride) else { return nil }
        return address + element * MemoryLayout<T>.stride
    }

    /// The absolute file offset of the data when it is stored contiguously and in full
    /// (`rowCount * rowWidth` elements of `elementSize` bytes), else nil: chunked, compact,
    /// external or not yet written. Caller holds the library lock.
    func _contiguousAddress(elementSize: Int) -> Int? {
        let address = H5Dget_offset(handle.id)
        guard address != chdf5_haddr_undef() else { H5Eclear2(chdf5_error_default()); return nil }
        guard H5Dget_storage_size(handle.id) == hsize_t(rowCount * rowWidth * elementSize) else { return nil }
        // H5Dget_offset is the absolute file offset, user block (MATLAB v7.3 files) included.
        return Int(address)
    }

    /// Fills `bytes` from `descriptor` at `offset`, retrying short reads; an error when the file
    /// ends first or the read fails.
    func _preadAll(_ descriptor: Int32, _ bytes: UnsafeMutableRawBufferPointer, at offset: Int) -> HDF5Error? {
        guard let base = bytes.baseAddress else { return nil }
        var done = 0
        while done < bytes.count {
            let got = pread(descriptor, base + done, bytes.count - done, off_t(offset + done))
            if got < 0 && errno == EINTR { continue }
            if got < 0 { return error("read", "pread at offset \(offset + done): \(String(cString: strerror(errno)))") }
            if got == 0 { return error("read", "the file ends inside the dataset (read \(done) of \(bytes.count) bytes at offset \(offset))") }
            done += got
        }
        return nil
    }
}
