import Download
import Imaging
import Parallel

/// One pipeline, as a TOML file in `Pipelines/` describes it (see docs/pipelines.md).
public struct PipelineConfig: Sendable {
    /// The file it was read from, for messages.
    public var file: String
    public var name: String
    /// Where the ledger, the shards and any kept originals go.
    public var outputDirectory: String
    /// The EEE443 files; a missing split is simply not prepared.
    public var trainFile: String?
    public var testFile: String?
    /// Word vectors in GloVe text format.
    public var vectorsFile: String
    /// Make the demo dataset when missing and serve it for the run.
    public var demo: DemoSettings?
    public var download = DownloadOptions()
    /// Also write each downloaded body to `output/originals/`.
    public var keepOriginals = false
    public var image = ImageSettings()
    public var shardSize = 4096
    /// Caption encoder: "glove" (mean of the caption's word vectors).
    public var encoder = "glove"
    /// Captions kept per image in the shards (COCO has 5 to 7).
    public var maxCaptions = 5
    /// Threads that decode and resize downloaded bodies.
    public var workers = Cores.count

    public struct DemoSettings: Sendable, Hashable {
        public var dataDirectory: String
        public var images = 10_000
        public var testImages = 1_000
        public var seed: UInt64 = 443
        public var longSide = 640
        /// Start the loopback demo host for the run (false: `download.connect_to` points elsewhere).
        public var serve = true
    }

    /// The Imaging options that decide which images are kept and how they look.
    public struct ImageSettings: Sendable, Hashable {
        public var size = 64
        public var mode = ResizeMode.centerCrop
        public var minSide = 64
        public var maxPixels = 40_000_000
        public var grayTolerance = 8
        public var placeholdersFile = "Manifests/placeholders.txt"
    }
}

/// A configuration file that cannot be used: the file, the key, and what was expected.
public struct PipelineConfigError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let key: String?
    public let message: String

    public init(file: String, key: String?, message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String {
        if let key { return "\(file): key '\(key)': \(message)" }
        return "\(file): \(message)"
    }
}
