/// Something wrong with a shard folder, a shard file or a record, in one line that names it.
public struct ShardError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file the problem is in (a shard, the manifest, the embedding table), by name.
    public let file: String
    /// The record index inside that file, when the problem is in one record.
    public let record: Int?
    public let message: String

    public init(file: String, record: Int? = nil, _ message: String) {
        self.file = file
        self.record = record
        self.message = message
    }

    public var description: String {
        if let record { return "\(file) record \(record): \(message)" }
        return "\(file): \(message)"
    }
}
