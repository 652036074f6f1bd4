import ArgumentParser
import Dispatch
import Foundation
import Ledger
import Pipeline

/// `t2i prepare`: runs a pipeline's stages, resuming where an earlier run stopped.
struct Prepare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the staged, resumable prepare pipeline (captions, download, encode, shards).",
        discussion: """
        Progress lives in OUTPUT/ledger.sqlite: a rerun skips what is done and redoes only what \
        was in flight. SIGINT or SIGTERM stops cleanly; run the same command again to resume.
        """)

    @Option(help: "Pipeline definition (TOML).") var pipeline = "Pipelines/demo.toml"
    @Option(help: "Run only this stage: captions, download, encode or shards.") var stage: StageName?
    @Flag(help: "Also retry images that failed for a transient reason (5xx, 429, timeouts, resets) in an earlier run.")
    var retryFailed = false
    @Option(name: .customLong("set"), help: "Override a setting: section.key=value, or a [variables] name=value.")
    var overrides: [String] = []

    func run() async throws {
        let config: PipelineConfig
        do { config = try PipelineConfig.load(path: pipeline, overrides: overrides) } catch {
            printError(error)
            throw ExitCode(2)
        }
        let stop = StopFlag()
        let signals = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                FileHandle.standardError.write(Data("\nt2i: stopping: finishing what is in hand and committing the ledger...\n".utf8))
                stop.stop()
            }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        let run = PrepareRun(config: config, stop: stop) { line in
            FileHandle.standardError.write(Data("t2i: \(line)\n".utf8))
        }
        let summary: PrepareSummary
        do { summary = try await run.run(only: stage, retryFailed: retryFailed) } catch {
            printError(error)
            throw ExitCode(1)
        }
        print(StatusReport(status: summary.status, ledger: run.ledgerPath).text)
        for folder in summary.shardFolders { print("shards: \(folder)") }
        if summary.interrupted {
            var resume = "t2i prepare --pipeline \(pipeline)"
            if let stage { resume += " --stage \(stage.rawValue)" }
            for override in overrides { resume += " --set \(override)" }
            print("interrupted: the ledger is committed; resume with: \(resume)")
            throw ExitCode(stop.isSet ? 130 : 3)
        }
    }
}

extension StageName: ExpressibleByArgument {}

/// `t2i status`: per-stage counts and the failure table, from the ledger alone.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the prepare pipeline's progress from its ledger.")

    @Option(help: "Pipeline definition (TOML); its output folder holds the ledger.") var pipeline = "Pipelines/demo.toml"
    @Option(help: "A ledger file, instead of --pipeline.") var ledger: String?
    @Option(name: .customLong("set"), help: "Overrides, as for prepare.") var overrides: [String] = []
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let path: String
        if let ledger { path = ledger } else {
            do { path = try PipelineConfig.load(path: pipeline, overrides: overrides).outputDirectory + "/ledger.sqlite" } catch {
                printError(error)
                throw ExitCode(2)
            }
        }
        guard FileManager.default.fileExists(atPath: path) else {
            printError(PrepareError(message: "\(path): no ledger yet; run `t2i prepare` first"))
            throw ExitCode(1)
        }
        let status = try Ledger(path: path).status()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(StatusReport(status: status, ledger: path).text)
        }
    }
}
