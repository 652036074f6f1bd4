import Foundation
import GAN

/// A configuration file could not be used; names the file and the problem.
public struct TrainingConfigurationError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Where training data comes from.
public struct DataConfiguration: Codable, Sendable, Equatable {
    /// `"synthetic"` (rendered shapes) or `"shards"` (a folder written by `t2i prepare`).
    public var source: String
    /// Shard folder for `"shards"`.
    public var path: String?
    /// Records to render for `"synthetic"`.
    public var count: Int
    /// Seed of the synthetic records and of the stand-in word vectors.
    public var seed: UInt64
    /// A GloVe text file for caption vectors of free text (sampling); seeded stand-in vectors if nil.
    public var glove: String?
    /// Synthetic (colour, object, background) triples kept out of training, for evaluation.
    public var heldOut: [[Int]]
    /// Shard folder of held-out real images for `"shards"` (evaluation), e.g. the test split.
    public var testPath: String?
    /// The demo dataset's seed, whose scenes label shard records with object, colour, background.
    public var demoSeed: UInt64?
    /// For `"shards"`: standardise each dimension of the caption vectors with the mean and
    /// standard deviation over the training folder's captions (`CaptionStandardization`).
    public var standardizeCaptionVectors = false

    public init(source: String = "synthetic", path: String? = nil, count: Int = 4096, seed: UInt64 = 1,
                glove: String? = nil, heldOut: [[Int]] = []) {
        self.source = source
        self.path = path
        self.count = count
        self.seed = seed
        self.glove = glove
        self.heldOut = heldOut
    }
}

/// Everything `t2i train` reads from its configuration file (JSON; see docs/training.md).
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    public var data = DataConfiguration()
    /// Folder for the CSV log, sample grids and the checkpoint.
    public var output = "runs/train"
    public var model = GANConfiguration()
    /// Total optimisation steps; `epochs` (if set) overrides it.
    public var steps = 1000
    public var epochs: Int?
    public var batch = 64
    public var learningRate: Float = 2e-4
    /// D's (and the GRU's) learning rate; `learningRate` if nil.
    public var discriminatorLearningRate: Float?
    /// Over this many final steps both learning rates fall linearly towards 0 (the schedule of
    /// pix2pix and CycleGAN: constant, then a linear decay); nil = constant throughout.
    public var learningRateDecaySteps: Int?
    /// Standard deviation of the instance noise added to D's inputs at step 0 (images in [-1, 1]);
    /// it falls linearly to 0 at `instanceNoiseSteps` (default: the last step). 0 = off.
    public var instanceNoise: Float = 0
    public var instanceNoiseSteps: Int?
    public var beta1: Float = 0.5
    /// Weight initialisation.
    public var seed: UInt64 = 1
    /// Epoch shuffles.
    public var shuffleSeed: UInt64 = 2
    /// Per-step noise and caption choice (the stream of step k is derived from this and k).
    public var noiseSeed: UInt64 = 3
    /// The fixed noise of the sample grids.
    public var sampleSeed: UInt64 = 4
    /// Captions of the 8 grid rows; the first captions of records 0..<8 if nil.
    public var sampleCaptions: [String]?
    public var sampleEvery = 500
    public var checkpointEvery = 100
    public var logEvery = 10
    public var threads = 2

    public init() {}

    static let keys: Set<String> = ["data", "output", "model", "steps", "epochs", "batch", "learningRate", "discriminatorLearningRate", "learningRateDecaySteps",
                                    "instanceNoise", "instanceNoiseSteps", "beta1", "seed",
                                    "shuffleSeed", "noiseSeed", "sampleSeed", "sampleCaptions", "sampleEvery",
                                    "checkpointEvery", "logEvery", "threads"]
    static let dataKeys: Set<String> = ["source", "path", "count", "seed", "glove", "heldOut", "testPath", "demoSeed",
                                        "standardizeCaptionVectors"]
    static let modelKeys: Set<String> = ["imageSize", "width", "textEncoder", "gloveDimension", "interpolation", "realLabel", "mismatch",
                                         "noiseDimension", "projectionDimension", "vocabularySize",
                                         "embeddingDimension", "gruHidden", "generatorAverage", "generatorMatching",
                                         "captionReconstruction", "captionTarget", "captionHeadPooled", "conditionalBatchNorm", "wordProjection",
                                         "discriminatorRefine", "generatorRefine", "generatorResize", "generatorResizeInterpolation", "modeSeeking",
                                         "augmentTranslation", "augmentCutout"]

    /// Reads a JSON configuration; absent keys keep their defaults, unknown keys are errors.
    /// - Throws: `TrainingConfigurationError` naming the file and the key or value at fault.
    public static func load(path: String) throws -> TrainingConfiguration {
        func fail(_ reason: String) -> TrainingConfigurationError { TrainingConfigurationError(path: path, reason: reason) }
        guard let bytes = FileManager.default.contents(atPath: path) else { throw fail("cannot read the file") }
        guard let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any] else {
            throw fail("not a JSON object")
        }
        for (section, allowed) in [(nil, keys), ("data", dataKeys), ("model", modelKeys)] as [(String?, Set<String>)] {
            let dict = section.map { object[$0] as? [String: Any] ?? [:] } ?? object
            if let unknown = dict.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw fail("unknown key \(section.map { "\($0)." } ?? "")\(unknown)")
            }
        }
        let config: TrainingConfiguration
        do {
            config = try JSONDecoder().decode(TrainingConfiguration.self, from: bytes)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
                let DecodingError.dataCorrupted(context) {
            throw fail("bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            throw fail("\(error)")
        }
        if let problem = config.problem { throw fail(problem) }
        return config
    }

    /// What is wrong with the values, or nil.
    public var problem: String? {
        if let p = model.problem { return "model: \(p)" }
        if batch < 2 { return "batch must be at least 2 (batch norm), got \(batch)" }
        if steps < 1 && (epochs ?? 0) < 1 { return "steps or epochs must be positive" }
        if sampleEvery < 1 || checkpointEvery < 1 || logEvery < 1 { return "intervals must be positive" }
        if threads < 1 { return "threads must be positive" }
        if instanceNoise < 0 || (instanceNoiseSteps ?? 1) < 1 { return "instanceNoise must be >= 0 and instanceNoiseSteps positive" }
        if let r = discriminatorLearningRate, !(r > 0) { return "discriminatorLearningRate must be positive" }
        if let d = learningRateDecaySteps, d < 1 { return "learningRateDecaySteps must be positive, got \(d)" }
        if !["synthetic", "shards"].contains(data.source) { return "data.source must be \"synthetic\" or \"shards\"" }
        return nil
    }
}

extension DataConfiguration {
    /// Decoding with defaults: absent keys keep the values of `init()`.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? source
        path = try c.decodeIfPresent(String.self, forKey: .path)
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? count
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        glove = try c.decodeIfPresent(String.self, forKey: .glove)
        heldOut = try c.decodeIfPresent([[Int]].self, forKey: .heldOut) ?? heldOut
        testPath = try c.decodeIfPresent(String.self, forKey: .testPath)
        demoSeed = try c.decodeIfPresent(UInt64.self, forKey: .demoSeed)
        standardizeCaptionVectors = try c.decodeIfPresent(Bool.self, forKey: .standardizeCaptionVectors) ?? false
    }
}

extension TrainingConfiguration {
    // Decoding with defaults: every key is optional.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func take<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
        }
        try take(.data, &data); try take(.output, &output); try take(.model, &model); try take(.steps, &steps)
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs)
        try take(.batch, &batch); try take(.learningRate, &learningRate); try take(.beta1, &beta1)
        discriminatorLearningRate = try c.decodeIfPresent(Float.self, forKey: .discriminatorLearningRate)
        learningRateDecaySteps = try c.decodeIfPresent(Int.self, forKey: .learningRateDecaySteps)
        try take(.instanceNoise, &instanceNoise)
        instanceNoiseSteps = try c.decodeIfPresent(Int.self, forKey: .instanceNoiseSteps)
        try take(.seed, &seed); try take(.shuffleSeed, &shuffleSeed); try take(.noiseSeed, &noiseSeed)
        try take(.sampleSeed, &sampleSeed)
        sampleCaptions = try c.decodeIfPresent([String].self, forKey: .sampleCaptions)
        try take(.sampleEvery, &sampleEvery); try take(.checkpointEvery, &checkpointEvery); try take(.logEvery, &logEvery)
        try take(.threads, &threads)
    }
}
