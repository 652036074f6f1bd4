import Dispatch
import Download
import Foundation
import Imaging
import Ledger

/// Fetches every pending URL and turns each body into an accepted 64x64 image or a rejection,
/// in memory (originals reach the disk only with `keep_originals`), recording each outcome.
struct DownloadStage {
    let config: PipelineConfig
    let ledger: Ledger
    let processor: ImageProcessor
    let stop: StopFlag

    struct Result {
        var statistics: Downloader.Statistics
        var attempted: Int
    }

    func run(retryFailed: Bool) throws -> Result {
        let pending = try ledger.pendingDownloads(retryFailed: retryFailed)
        let progress = ProgressReporter(stage: "download", total: pending.count)
        let sink = _OutcomeSink(ledger: ledger)
        let queue = DispatchQueue(label: "t2i.process", attributes: .concurrent)
        let slots = DispatchSemaphore(value: max(2, config.workers * 8))
        let group = DispatchGroup()
        let originals = config.keepOriginals ? config.outputDirectory + "/originals" : nil
        if let originals { try FileManager.default.createDirectory(atPath: originals, withIntermediateDirectories: true) }
        let processor = self.processor

        let statistics = try Downloader(options: config.download).run(
            pending.map { (id: Int($0.id), url: $0.url) }, shouldStop: { stop.isSet || sink.error != nil }
        ) { result in
            switch result.outcome {
            case let .failure(error):
                sink.add(ImageOutcome(id: Int64(result.id), state: .failed, reason: error.failure.reason,
                                      transient: error.failure.isTransient, attempts: result.attempts,
                                      httpStatus: result.httpStatus, bytes: 0, milliseconds: result.milliseconds))
                progress.advance(failure: error.failure.reason)
            case let .success(body):
                slots.wait()
                queue.async(group: group) {
                    defer { slots.signal() }
                    if let originals { Self.keep(body, id: Int64(result.id), in: originals) }
                    let decision = processor.process(body)
                    let info = decision.info
                    let outcome: ImageOutcome
                    if let image = decision.image {
                        outcome = ImageOutcome(id: Int64(result.id), state: .done, reason: nil, transient: false,
                                               attempts: result.attempts, httpStatus: result.httpStatus, bytes: body.count,
                                               milliseconds: result.milliseconds, width: info.width, height: info.height,
                                               scale: info.scale.description, pixels: image.pixels)
                    } else {
                        outcome = ImageOutcome(id: Int64(result.id), state: .failed, reason: decision.reason?.rawValue ?? "rejected",
                                               transient: false, attempts: result.attempts, httpStatus: result.httpStatus,
                                               bytes: body.count, milliseconds: result.milliseconds, width: info.width,
                                               height: info.height, scale: info.scale.description)
                    }
                    sink.add(outcome)
                    progress.advance(failure: outcome.reason)
                }
            }
        }
        group.wait()
        try sink.close()
        progress.finish()
        return Result(statistics: statistics, attempted: pending.count)
    }

    /// Writes a body to `originals/<split>/<row>.<ext>`; a failure to keep it is reported, not fatal.
    static func keep(_ body: [UInt8], id: Int64, in folder: String) {
        let split = id >> 32 == 0 ? "train" : "test"
        let format = body.withUnsafeBytes { ImageFormat.sniff($0) }
        let directory = "\(folder)/\(split)"
        let path = "\(directory)/\(id & 0xFFFF_FFFF).\(format.rawValue)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(body).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            FileHandle.standardError.write(Data("t2i: \(path): cannot keep the original: \(error.localizedDescription)\n".utf8))
        }
    }
}
