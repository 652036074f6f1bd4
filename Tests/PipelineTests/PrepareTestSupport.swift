import DemoData
import Foundation
import Ledger
import Shards
import TestSupport

/// A small demo dataset on disk and a pipeline file that prepares it, for the prepare tests.
struct PrepareFixture {
    let directory: TemporaryDirectory
    let dataset: DemoDataset
    var data: String { directory.file("data") }

    init(images: Int, testImages: Int, seed: UInt64 = 11) throws {
        directory = try TemporaryDirectory("prepare")
        dataset = DemoDataset(options: DemoDatasetOptions(trainImages: images, testImages: testImages, seed: seed, longSide: 160))
        _ = try dataset.write(to: data)
    }

    /// Writes a pipeline with short timeouts; `port` nil serves the demo in-process per run.
    /// `imageSize` sets the shard image side (the pipeline's default if nil).
    func pipeline(output: String, port: Int?, imageSize: Int? = nil) throws -> String {
        let serve = port == nil
        let connect = port.map { "connect_to = [\"\(DemoURL.connectToEntry(port: $0))\"]" } ?? ""
        let text = """
        [pipeline]
        name = "test"
        output = "\(directory.file(output))"
        workers = 2
        [inputs]
        train = "\(data)/eee443_project_dataset_train.h5"
        test = "\(data)/eee443_project_dataset_test.h5"
        vectors = "\(data)/demo_vectors.50d.txt"
        [demo]
        data = "\(data)"
        serve = \(serve)
        [download]
        concurrency = 16
        per_host_connections = 16
        total_timeout = 8
        low_speed_bytes = 1
        low_speed_time = 2
        max_attempts = 2
        backoff_base = 0.05
        retry_after_max = 1
        \(connect)
        [image]
        \(imageSize.map { "size = \($0)" } ?? "")
        placeholders = "\(repositoryRoot.appendingPathComponent("Manifests/placeholders.txt").path)"
        [shards]
        images_per_shard = 64
        """
        let path = directory.file("\(output).toml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Image id -> (row, pixels) of every record in a shard folder.
    static func shardContents(_ folder: String) throws -> [UInt64: [UInt8]] {
        let dataset = try ShardDataset(directory: folder)
        var contents: [UInt64: [UInt8]] = [:]
        for index in 0..<dataset.count {
            let record = try dataset.record(index)
            contents[record.imageID] = Array(record.pixels.bindMemory(to: UInt8.self))
        }
        return contents
    }

    /// The ledger reason each demo fault must end with (nil: accepted into the shards).
    static func expectedReason(_ fault: DemoFault) -> String? {
        switch fault {
        case .notFound: "http_404"
        case .gone: "http_410"
        case .serverError: "http_500"
        case .htmlPage, .garbageBytes: "corrupt"
        case .redirectLoop: "redirect_loop"
        case .redirectToPlaceholder: "placeholder"
        case .truncatedBody: "truncated"
        case .connectionReset: "reset"
        case .stall: "timeout"
        case .grayscaleJPEG, .grayPixelsJPEG: "grayscale"
        case .zeroBytes: "empty_body"
        case .tinyImage: "too_small"
        case .hugeDeclaredSize: "too_large"
        case .none, .serverErrorThenOK, .serviceUnavailableRetry, .tooManyRequestsRetry, .redirectToImage, .slowTrickle,
             .cmykJPEG, .progressiveJPEG, .pngRGB, .pngRGBA, .pngPalette, .png16Bit, .pngInterlaced: nil
        }
    }
}
