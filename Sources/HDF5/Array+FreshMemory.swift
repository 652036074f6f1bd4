import Glibc

extension Array where Element: BitwiseCopyable {
    /// An array of `count` elements that `fill` writes in full, without zero-filling them first.
    ///
    /// Large buffers are offered to the kernel for transparent huge pages, as numpy does for
    /// every array of 4 MiB or more: a 27 MB read then takes a dozen page faults instead of
    /// thousands. The advice is only a hint; where huge pages are off it changes nothing.
    /// - Parameter fill: writes every byte of the buffer, or throws (the array is then dropped).
    init(_fillingFresh count: Int, _ fill: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        try self.init(unsafeUninitializedCapacity: count) { buffer, initialised in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            _adviseHugePages(raw)
            try fill(raw)
            initialised = count
        }
    }
}

/// Asks for transparent huge pages over the whole pages inside `buffer` when it is 4 MiB or more.
func _adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    guard buffer.count >= 1 << 22, let base = buffer.baseAddress else { return }
    let page = 4096
    let skip = (page - Int(bitPattern: base) % page) % page
    // Advice only: an old kernel or THP set to "never" refuses it, and the read is merely slower.
    _ = madvise(base + skip, buffer.count - skip, MADV_HUGEPAGE)
}
