extension ShardManifest.InputFile {
    /// Size and CRC32C of the file at `path`, for the manifest's list of inputs.
    /// - Parameter name: how the manifest names it (default: `path` as given).
    /// - Throws: `ShardError` when the file cannot be opened or mapped.
    /// - Complexity: O(file size); several GB/s from the page cache.
    public static func checksum(path: String, name: String? = nil) throws -> Self {
        let file = try _MappedFile(path: path)
        return Self(path: name ?? path, bytes: file.bytes.count, crc32c: CRC32C.checksum(file.bytes))
    }
}
