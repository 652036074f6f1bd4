import Foundation
import HDF5
import Testing
import TestSupport

@Suite struct BlockReadTests {
    /// One block's summary: where it starts, how many values, their sum.
    struct Block: Equatable { let first: Int; let count: Int; let sum: Int }

    static func summary(_ values: UnsafeBufferPointer<Int32>, _ first: Int) -> Block {
        Block(first: first, count: values.count, sum: values.reduce(0) { $0 + Int($1) })
    }

    /// What the blocks of `values` must be for `blockValues` values per block.
    static func expectedBlocks(_ values: [Int32], blockValues: Int) -> [Block] {
        stride(from: 0, to: values.count, by: blockValues).map { first in
            let block = values[first..<min(values.count, first + blockValues)]
            return Block(first: first, count: block.count, sum: block.reduce(0) { $0 + Int($1) })
        }
    }

    /// Contiguous native int32 is read straight from the file, in parts; every row range, every
    /// block size, and the values must equal HDF5's own read.
    @Test(arguments: [(0..<1000, 4096), (0..<1000, 40), (3..<997, 40), (10..<11, 4), (500..<500, 40)])
    func directReadsMatchHDF5(rows: Range<Int>, blockBytes: Int) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("ints.h5")
        let all = (0..<(1000 * 17)).map { Int32(truncatingIfNeeded: $0 &* 2_654_435_761 % 100_003) - 50_000 }
        try HDF5File(creating: path).write("ints", shape: [1000, 17], values: all)
        let dataset = try HDF5File(readingFrom: path).dataset("ints")
        let read = try dataset.read(Int32.self, rows: rows, blockBytes: blockBytes, summarising: Self.summary)
        let expected = try dataset.read(Int32.self, rows: rows)
        #expect(read.values == expected)
        #expect(expected == Array(all[(rows.lowerBound * 17)..<(rows.upperBound * 17)]))
        #expect(read.summaries == Self.expectedBlocks(expected, blockValues: blockBytes / 4))
    }

    /// Stored types that need conversion, chunked and big-endian data go through HDF5 and give
    /// the same values and blocks.
    @Test func convertedChunkedAndBigEndianDataGiveTheSameBlocks() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("mixed.h5")
        let script = """
        import h5py, numpy as np, sys
        values = (np.arange(300 * 17, dtype=np.int64) * 7919 % 1001).reshape(300, 17)
        with h5py.File(sys.argv[1], "w") as f:
            f.create_dataset("u16", data=values.astype("<u2"))
            f.create_dataset("chunked", data=values.astype("<i4"), chunks=(7, 17))
            f.create_dataset("big", data=values.astype(">i4"))
            f.create_dataset("plain", data=values.astype("<i4"))
        """
        let result = try runProcess(pythonExecutable, ["-c", script, path])
        #expect(result.status == 0, "\(result.stderr)")
        let file = try HDF5File(readingFrom: path)
        let plain = try file.dataset("plain").read(Int32.self)
        #expect(plain.count == 300 * 17 && plain[17] == Int32(17 * 7919 % 1001))
        for name in ["u16", "chunked", "big", "plain"] {
            let read = try file.dataset(name).read(Int32.self, rows: 5..<290, blockBytes: 400, summarising: Self.summary)
            #expect(read.values == Array(plain[(5 * 17)..<(290 * 17)]), "\(name)")
            #expect(read.summaries == Self.expectedBlocks(read.values, blockValues: 100), "\(name)")
        }
        #expect(throws: HDF5Error.self) { try file.dataset("plain").read(Int32.self, rows: 0..<301, summarising: Self.summary) }
    }
}
