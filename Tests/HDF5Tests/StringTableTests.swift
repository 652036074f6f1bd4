import HDF5
import Testing

@Suite struct StringTableTests {
    /// Records of width 8 as a fixed-length string dataset stores them, padded in every way seen.
    static let records: [(raw: String, expected: String)] = [
        ("abc\0\0\0\0\0", "abc"),        // NUL-padded
        ("abc     ", "abc"),             // space-padded
        ("a b\t\r\n  ", "a b"),          // trailing whitespace of every kind, inner space kept
        ("ab\0cd   ", "ab"),             // the string ends at its first NUL
        ("abcdefgh", "abcdefgh"),        // full width, no padding
        ("\0\0\0\0\0\0\0\0", ""),        // empty, NUL-padded
        ("        ", ""),                // empty, space-padded
        ("  lead\0\0", "  lead"),        // leading spaces are content
    ]

    static func fixedTable() -> StringTable {
        let bytes = records.flatMap { Array($0.raw.utf8) }
        precondition(bytes.count == records.count * 8)
        return StringTable(fixedWidth: 8, count: records.count, bytes: bytes)
    }

    @Test func fixedWidthRecordsAreTrimmedWhenRead() {
        let table = Self.fixedTable()
        #expect(table.count == Self.records.count)
        #expect(Array(table) == Self.records.map(\.expected))
        for index in table.indices {
            #expect(String(decoding: table.bytes[table.byteRange(index)], as: UTF8.self) == Self.records[index].expected)
            #expect(table.byteRange(index).lowerBound == index * 8)
        }
    }

    @Test func bothLayoutsHoldTheSameStringsAndCompareEqual() {
        let fixed = Self.fixedTable()
        var packed = StringTable()
        for record in Self.records {
            Array(record.raw.utf8).withUnsafeBufferPointer { packed.append($0) }
        }
        #expect(Array(packed) == Array(fixed))
        #expect(packed == fixed && fixed == packed)
        var different = StringTable()
        for record in Self.records.dropLast() { different.append(record.expected) }
        different.append("lead")
        #expect(different != fixed)
        different = StringTable()
        for record in Self.records.dropLast() { different.append(record.expected) }
        #expect(different != fixed)
    }

    @Test func appendingToFixedWidthRecordsKeepsThem() {
        var table = Self.fixedTable()
        table.append("http://h/x.jpg")
        Array("tail \0junk".utf8).withUnsafeBufferPointer { table.append($0) }
        #expect(Array(table) == Self.records.map(\.expected) + ["http://h/x.jpg", "tail"])
    }

    @Test func emptyTables() {
        #expect(StringTable(fixedWidth: 4, count: 0, bytes: []).isEmpty)
        #expect(StringTable(fixedWidth: 4, count: 0, bytes: []) == StringTable())
    }
}
