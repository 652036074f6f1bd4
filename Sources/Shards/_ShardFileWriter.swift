/// Writes one shard file under a temporary name and publishes it when complete.
///
/// The header is written last (with `pwrite` at offset 0) after the records and side table,
/// then the file is synced and renamed, so a crash leaves either no file under the final name
/// or a complete one. Not Sendable: one `ShardWriter` owns it.
final class _ShardFileWriter {
    let index: Int
    let layout: ShardLayout
    let directory: String
    let fileName: String
    private let temporaryPath: String
    private let file: _FileDescriptor
    private var bodyChecksum: UInt32 = 0
    private var sideEntries: [(metadata: [UInt8], checksum: UInt32)] = []
    private(set) var firstImageID: UInt64?
    private(set) var lastImageID: UInt64?
    var recordCount: Int { sideEntries.count }

    init(index: Int, layout: ShardLayout, directory: String) throws {
        self.index = index
        self.layout = layout
        self.directory = directory
        fileName = ShardWriter.shardFileName(index)
        temporaryPath = directory + "/." + fileName + ".partial"
        file = try _FileDescriptor(creating: temporaryPath)
        // A zero header until the end: a crash leaves a file no reader accepts (bad magic).
        try [UInt8](repeating: 0, count: ShardHeader.size).withUnsafeBytes { try file.write($0) }
    }

    /// Appends one encoded record (its checksum already inside) and its side-table entry.
    func append(record: UnsafeRawBufferPointer, imageID: UInt64, metadata: [UInt8]) throws {
        try file.write(record)
        bodyChecksum = CRC32C.checksum(record, continuing: bodyChecksum)
        sideEntries.append((metadata, CRC32C.checksum(metadata)))
        if firstImageID == nil { firstImageID = imageID }
        lastImageID = imageID
    }

    /// Writes the side table and header, syncs, and renames the file to its final name.
    func finish() throws -> ShardManifest.Shard {
        var table = [UInt8](repeating: 0, count: 16 * sideEntries.count)
        var blobOffset = 0
        table.withUnsafeMutableBytes { raw in
            for (i, entry) in sideEntries.enumerated() {
                raw.storeBytes(of: UInt64(blobOffset).littleEndian, toByteOffset: 16 * i, as: UInt64.self)
                raw.storeBytes(of: UInt32(entry.metadata.count).littleEndian, toByteOffset: 16 * i + 8, as: UInt32.self)
                raw.storeBytes(of: entry.checksum.littleEndian, toByteOffset: 16 * i + 12, as: UInt32.self)
                blobOffset += entry.metadata.count
            }
        }
        table += sideEntries.flatMap(\.metadata)
        try table.withUnsafeBytes { try file.write($0) }
        bodyChecksum = CRC32C.checksum(table, continuing: bodyChecksum)
        let header = ShardHeader(layout: layout, recordCount: sideEntries.count, shardIndex: index,
                                 sideTableSize: table.count, bodyChecksum: bodyChecksum)
        try header.encode().withUnsafeBytes { try file.write($0, at: 0) }
        try file.sync()
        try publish(temporaryPath, as: directory + "/" + fileName, in: directory)
        return ShardManifest.Shard(file: fileName, records: sideEntries.count, bytes: header.fileSize, crc32c: bodyChecksum,
                                   firstImageID: firstImageID, lastImageID: lastImageID)
    }
}
