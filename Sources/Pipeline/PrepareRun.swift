import DemoData
import DemoHost
import Download
import EEE443
import Foundation
import GloVe
import Imaging
import Ledger
import Shards

/// What a `t2i prepare` run did, for the final summary.
public struct PrepareSummary: Sendable {
    /// Stage -> "ran", "skipped (already done)", "interrupted".
    public var stages: [(StageName, String)] = []
    public var interrupted = false
    public var status = LedgerStatus()
    public var shardFolders: [String] = []
}

/// Runs the stages of one pipeline against its ledger, skipping what is done for the same
/// configuration and redoing what changed.
public final class PrepareRun: Sendable {
    public let config: PipelineConfig
    public let stop: StopFlag
    let log: @Sendable (String) -> Void

    public init(config: PipelineConfig, stop: StopFlag = StopFlag(), log: @escaping @Sendable (String) -> Void) {
        self.config = config
        self.stop = stop
        self.log = log
    }

    public var ledgerPath: String { config.outputDirectory + "/ledger.sqlite" }
    public var shardsDirectory: String { config.outputDirectory + "/shards" }

    /// Runs `only` (all stages when nil). With `retryFailed`, the download stage also retries
    /// images that failed for transient reasons in an earlier run.
    public func run(only: StageName? = nil, retryFailed: Bool = false) async throws -> PrepareSummary {
        try FileManager.default.createDirectory(atPath: config.outputDirectory, withIntermediateDirectories: true)
        var config = self.config
        var placeholders = try PlaceholderList(contentsOf: URL(fileURLWithPath: config.image.placeholdersFile))
        var host: DemoHost?
        if let demo = config.demo {
            try makeDemoDataIfMissing(demo)
            placeholders.register(try DemoPlaceholder.pngBytes(), name: "demo placeholder")
            let needsDownload = only == nil || only == .download
            if demo.serve && needsDownload {
                let started = try await DemoHost.start(data: demo.dataDirectory, port: 0)
                host = started
                config.download.connectTo.append(DemoURL.connectToEntry(port: started.port))
                log("demo host serving \(demo.dataDirectory) on 127.0.0.1:\(started.port)")
            }
        }
        let ledger = try Ledger(path: ledgerPath)
        let inputs = try inputChecksums(config)
        let hashes = stageHashes(config, inputs: inputs, placeholders: placeholders)
        var summary = PrepareSummary()
        do {
            for stage in StageName.allCases where only == nil || only == stage {
                if stop.isSet { summary.interrupted = true; break }
                let outcome = try await runStage(stage, config: config, ledger: ledger, hashes: hashes, inputs: inputs,
                                                 placeholders: placeholders, retryFailed: retryFailed, explicit: only != nil)
                summary.stages.append((stage, outcome))
                if outcome == "interrupted" { summary.interrupted = true; break }
            }
        } catch {
            if let host { try? await host.stop() }
            throw error
        }
        if let host { try await host.stop() }
        summary.status = try ledger.status()
        summary.shardFolders = [EEE443Split.train, .test].map { "\(shardsDirectory)/\($0.rawValue)" }
            .filter { FileManager.default.fileExists(atPath: $0 + "/" + ShardManifest.fileName) }
        return summary
    }

    private func makeDemoDataIfMissing(_ demo: PipelineConfig.DemoSettings) throws {
        let marker = demo.dataDirectory + "/" + DemoDataset.indexFileName
        guard !FileManager.default.fileExists(atPath: marker) else { return }
        log("making the demo dataset in \(demo.dataDirectory) (\(demo.images) train + \(demo.testImages) test images)")
        let dataset = DemoDataset(options: DemoDatasetOptions(trainImages: demo.images, testImages: demo.testImages,
                                                              seed: demo.seed, longSide: demo.longSide))
        _ = try dataset.write(to: demo.dataDirectory)
    }

    /// Size and CRC32C of each input file (EEE443 files that exist, and the vectors), read once
    /// per run: the stage hashes and the shard manifests both use them.
    func inputChecksums(_ config: PipelineConfig) throws -> [(path: String, file: ShardManifest.InputFile)] {
        let eee443 = [config.trainFile, config.testFile].compactMap { $0 }.filter { FileManager.default.fileExists(atPath: $0) }
        return try (eee443 + [config.vectorsFile]).map { ($0, try ShardManifest.InputFile.checksum(path: $0)) }
    }

    /// Each stage's configuration hash; each includes the hashes of the stages it reads from.
    func stageHashes(_ config: PipelineConfig, inputs: [(path: String, file: ShardManifest.InputFile)],
                     placeholders: PlaceholderList) -> [StageName: (hash: String, text: String)] {
        let eee443 = inputs.filter { $0.path != config.vectorsFile }.map { "\($0.path) \($0.file.bytes) \($0.file.crc32c)" }
        let vectors = inputs.first { $0.path == config.vectorsFile }?.file
        let captions = "inputs=\(eee443.joined(separator: ";"))"
        let image = config.image
        let download = "captions=\(hash(captions)) size=\(image.size) mode=\(image.mode.rawValue) min_side=\(image.minSide) " +
            "max_pixels=\(image.maxPixels) gray_tolerance=\(image.grayTolerance) placeholders=\(placeholders.entries.map(\.sha256).sorted().joined(separator: ",")) " +
            "max_body=\(config.download.maxBodyBytes) max_redirects=\(config.download.maxRedirects)"
        let encode = "captions=\(hash(captions)) encoder=\(config.encoder) vectors=\(vectors?.bytes ?? 0):\(vectors?.crc32c ?? 0)"
        let shards = "download=\(hash(download)) encode=\(hash(encode)) images_per_shard=\(config.shardSize) max_captions=\(config.maxCaptions)"
        return [.captions: (hash(captions), captions), .download: (hash(download), download),
                .encode: (hash(encode), encode), .shards: (hash(shards), shards)]
    }

    func hash(_ text: String) -> String { Array(text.utf8).withUnsafeBytes { SHA256.hexDigest($0) } }

    private func runStage(_ stage: StageName, config: PipelineConfig, ledger: Ledger,
                          hashes: [StageName: (hash: String, text: String)], inputs: [(path: String, file: ShardManifest.InputFile)],
                          placeholders: PlaceholderList,
                          retryFailed: Bool, explicit: Bool) async throws -> String {
        guard let (hash, text) = hashes[stage] else { return "skipped" }
        let previous = try ledger.stage(stage.rawValue)
        if let index = StageName.allCases.firstIndex(of: stage), index > 0 {
            let before = StageName.allCases[index - 1]
            guard let state = try ledger.stage(before.rawValue), state.done, state.configHash == hashes[before]?.hash else {
                throw PrepareError(message: "stage '\(stage.rawValue)' needs stage '\(before.rawValue)' done with this configuration first; run `t2i prepare` (all stages) or `--stage \(before.rawValue)`")
            }
        }
        let unchanged = previous?.configHash == hash
        if unchanged, previous?.done == true, !(stage == .download && retryFailed) {
            log("\(stage.rawValue): already done for this configuration")
            return "skipped (already done)"
        }
        let run = try ledger.beginStage(stage.rawValue, configHash: hash, config: text)
        let started = Date()
        var outcome = "done"
        var note = ""
        switch stage {
        case .captions:
            note = try await blocking { try self.captionsStage(config: config, ledger: ledger) }
        case .download:
            if !unchanged, previous != nil {
                log("download: configuration changed, redoing every image")
                try ledger.resetDownloads()
            }
            let processor = ImageProcessor(options: ImageOptions(
                size: config.image.size, mode: config.image.mode, minSide: config.image.minSide,
                maxPixels: config.image.maxPixels, grayTolerance: config.image.grayTolerance, placeholders: placeholders))
            let result = try await blocking {
                try DownloadStage(config: config, ledger: ledger, processor: processor, stop: self.stop).run(retryFailed: retryFailed)
            }
            if try result.statistics.interrupted || !ledger.pendingDownloads().isEmpty { outcome = "interrupted" }
            note = "\(result.attempted) attempted, \(result.statistics.succeeded) fetched, \(result.statistics.retries) retries, \(result.statistics.bytes) bytes"
        case .encode:
            note = try await blocking { try self.encodeStage(config: config, ledger: ledger) }
        case .shards:
            note = try await blocking { try self.shardsStage(config: config, ledger: ledger, hashes: hashes, inputs: inputs) }
        }
        let seconds = Date().timeIntervalSince(started)
        try ledger.finishStage(stage.rawValue, run: run, outcome: outcome, summary: note + String(format: " in %.1f s", seconds))
        log("\(stage.rawValue): \(outcome): \(note) in \(String(format: "%.1f", seconds)) s")
        return outcome == "done" ? "ran" : outcome
    }

    // MARK: - Stages

    private func captionsStage(config: PipelineConfig, ledger: Ledger) throws -> String {
        var notes: [String] = []
        var vocabulary: Vocabulary?
        for path in [config.trainFile, config.testFile].compactMap({ $0 }) {
            let file = try EEE443File(path: path)
            if let vocabulary, vocabulary != file.vocabulary {
                throw PrepareError(message: "\(path): its vocabulary differs from the other file's")
            }
            vocabulary = file.vocabulary
            let all = try file.loadAll()
            try ledger.replaceSplit(file.split.rawValue, urls: Array(all.urls), captionImageRows: all.imageRows,
                                    tokens: all.tokens, width: EEE443File.captionWidth)
            notes.append("\(file.split.rawValue): \(all.urls.count) images, \(all.count) captions")
        }
        return notes.joined(separator: "; ")
    }

    func vocabulary(_ config: PipelineConfig) throws -> Vocabulary {
        guard let path = config.trainFile ?? config.testFile else { throw PrepareError(message: "no input file") }
        return try EEE443File(path: path).vocabulary
    }

    private func encoder(_ config: PipelineConfig) throws -> GloVeMeanEncoder {
        let vectors = try WordVectors.load(path: config.vectorsFile)
        let embedding = VocabularyEmbedding(vocabulary: try vocabulary(config), vectors: vectors)
        return GloVeMeanEncoder(embedding: embedding, source: (config.vectorsFile as NSString).lastPathComponent)
    }

    private func encodeStage(config: PipelineConfig, ledger: Ledger) throws -> String {
        let encoder = try encoder(config)
        let dimension = encoder.dimension
        let count = try ledger.encodeCaptions(dimension: dimension) { ids, tokens, width in
            var vectors = [Float](repeating: 0, count: ids.count * dimension)
            tokens.withUnsafeBufferPointer { tokens in
                vectors.withUnsafeMutableBufferPointer { vectors in
                    for index in ids.indices {
                        encoder.encode(UnsafeBufferPointer(rebasing: tokens[(index * width)..<((index + 1) * width)]),
                                       into: UnsafeMutableBufferPointer(rebasing: vectors[(index * dimension)..<((index + 1) * dimension)]))
                    }
                }
            }
            return vectors
        }
        return "\(count) captions with \(encoder.name) (\(dimension)-d, \(encoder.embedding.missingWords.count) vocabulary words without a vector)"
    }

    private func shardsStage(config: PipelineConfig, ledger: Ledger, hashes: [StageName: (hash: String, text: String)],
                             inputs checksums: [(path: String, file: ShardManifest.InputFile)]) throws -> String {
        let encoder = try encoder(config)
        let vocabulary = try vocabulary(config)
        let layout = ShardLayout(imageHeight: config.image.size, imageWidth: config.image.size, maxCaptions: config.maxCaptions,
                                 captionLength: EEE443File.captionWidth, embeddingDimension: encoder.dimension)
        let inputs = checksums.map {
            ShardManifest.InputFile(path: ($0.path as NSString).lastPathComponent, bytes: $0.file.bytes, crc32c: $0.file.crc32c)
        }
        var configuration = flattened(config)
        for (stage, value) in hashes { configuration["hash.\(stage.rawValue)"] = value.hash }
        var notes: [String] = []
        for split in try ledger.splits() {
            let directory = "\(shardsDirectory)/\(split)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let writer = try ShardWriter(directory: directory, layout: layout, vocabulary: vocabulary.words,
                                         embeddings: encoder.embedding.table, configuration: configuration,
                                         recordsPerShard: config.shardSize)
            var assignments: [(id: Int64, shard: Int)] = []
            try ledger.forEachAcceptedImage(split: split, maxCaptions: config.maxCaptions) { image in
                let captions = image.captions.map { ShardRecord.Caption(tokens: $0.tokens, meanEncoding: $0.vector) }
                try writer.add(ShardRecord(imageID: UInt64(image.row), pixels: image.pixels, captions: captions,
                                           metadata: ["url": image.url]))
                assignments.append((image.id, assignments.count / config.shardSize))
            }
            let manifest = try writer.finish(split: split, inputs: inputs,
                                             encoders: [ShardManifest.Encoder(name: encoder.name, details: encoder.details)])
            try ledger.assignShards(assignments, split: split)
            notes.append("\(split): \(manifest.recordCount) images in \(manifest.shards.count) shards")
        }
        return notes.joined(separator: "; ")
    }

    /// The pipeline's settings as flat strings, for the shard manifest.
    func flattened(_ config: PipelineConfig) -> [String: String] {
        [
            "pipeline.name": config.name, "image.size": "\(config.image.size)", "image.mode": config.image.mode.rawValue,
            "image.min_side": "\(config.image.minSide)", "image.max_pixels": "\(config.image.maxPixels)",
            "image.gray_tolerance": "\(config.image.grayTolerance)", "encode.encoder": config.encoder,
            "shards.images_per_shard": "\(config.shardSize)", "shards.max_captions": "\(config.maxCaptions)",
            "download.max_body_bytes": "\(config.download.maxBodyBytes)", "download.max_redirects": "\(config.download.maxRedirects)",
        ]
    }

    /// Runs blocking work (libcurl's loop, SQLite, file I/O) on its own thread, off the
    /// cooperative pool.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}

/// A run that cannot go on, in one line.
public struct PrepareError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
