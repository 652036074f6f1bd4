/// `manifest.json`: what a shard folder holds and how it was made. Written last, atomically;
/// a folder without one is unfinished and no reader opens it.
public struct ShardManifest: Codable, Sendable, Equatable {
    public static let fileName = "manifest.json"
    public static let formatName = "t2i-shards"

    public var format: String
    public var version: Int
    /// Which part of the data this folder holds ("train", "test").
    public var split: String
    public var layout: ShardLayout
    public var recordSize: Int
    public var recordCount: Int
    public var shards: [Shard]
    /// Word of each token id, in id order.
    public var vocabulary: [String]
    /// CRC32C of the vocabulary's words, each followed by "\n", in UTF-8.
    public var vocabularyCRC32C: UInt32
    public var specialTokens: SpecialTokens
    public var embeddings: Embeddings
    public var inputs: [InputFile]
    /// The settings of the pipeline run that made the folder, flat key -> value.
    public var configuration: [String: String]
    /// CRC32C of the configuration as "key=value\n" lines sorted by key, in UTF-8.
    public var configurationCRC32C: UInt32
    public var encoders: [Encoder]

    /// One shard file.
    public struct Shard: Codable, Sendable, Equatable {
        public var file: String
        public var records: Int
        public var bytes: Int
        /// The body checksum, the same value as in the shard's header.
        public var crc32c: UInt32
        public var firstImageID: UInt64?
        public var lastImageID: UInt64?

        public init(file: String, records: Int, bytes: Int, crc32c: UInt32, firstImageID: UInt64?, lastImageID: UInt64?) {
            self.file = file
            self.records = records
            self.bytes = bytes
            self.crc32c = crc32c
            self.firstImageID = firstImageID
            self.lastImageID = lastImageID
        }
    }

    /// Ids with a fixed meaning in caption rows.
    public struct SpecialTokens: Codable, Sendable, Equatable {
        public var null: UInt16
        public var start: UInt16
        public var end: UInt16
        public var unknown: UInt16

        public init(null: UInt16 = 0, start: UInt16 = 1, end: UInt16 = 2, unknown: UInt16 = 3) {
            self.null = null
            self.start = start
            self.end = end
            self.unknown = unknown
        }
    }

    /// The side file with one float16 word vector per vocabulary id.
    public struct Embeddings: Codable, Sendable, Equatable {
        public var file: String
        public var rows: Int
        public var dimension: Int
        public var dtype: String
        public var bytes: Int
        public var crc32c: UInt32
    }

    /// A file the pipeline read, so a later run can tell whether its inputs changed.
    public struct InputFile: Codable, Sendable, Equatable {
        public var path: String
        public var bytes: Int
        public var crc32c: UInt32

        public init(path: String, bytes: Int, crc32c: UInt32) {
            self.path = path
            self.bytes = bytes
            self.crc32c = crc32c
        }
    }

    /// A caption or image encoder the pipeline used.
    public struct Encoder: Codable, Sendable, Equatable {
        public var name: String
        public var details: [String: String]

        public init(name: String, details: [String: String] = [:]) {
            self.name = name
            self.details = details
        }
    }

    /// CRC32C of "key=value\n" lines sorted by key.
    public static func configurationChecksum(_ configuration: [String: String]) -> UInt32 {
        CRC32C.checksum(Array(configurationLines(configuration).utf8))
    }

    /// "key=value\n" lines sorted by the keys' UTF-8 bytes.
    static func configurationLines(_ configuration: [String: String]) -> String {
        configuration.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { "\($0.key)=\($0.value)\n" }.joined()
    }

    /// CRC32C of the words, each followed by "\n".
    public static func vocabularyChecksum(_ words: [String]) -> UInt32 {
        CRC32C.checksum(Array(words.map { $0 + "\n" }.joined().utf8))
    }
}
