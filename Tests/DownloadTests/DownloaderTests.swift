import DemoData
import DemoHost
import Download
import Foundation
import Testing
import TestSupport

/// The downloader against the real demo host on 127.0.0.1, whose fault mix is known per image id.
@Suite(.serialized) struct DownloaderTests {
    static let dataset = DemoDataset(options: DemoDatasetOptions(trainImages: 200, testImages: 10, seed: 5, longSide: 48))

    func testOptions(port: Int) -> DownloadOptions {
        var options = DownloadOptions()
        options.concurrency = 16
        // The slow trickle (2 s) must pass; the stall (silence after 1 KiB) is caught by the
        // low-speed limit after 3 s.
        options.totalTimeoutSeconds = 8
        options.lowSpeedBytesPerSecond = 1
        options.lowSpeedSeconds = 3
        options.maxAttempts = 3
        options.backoffBaseSeconds = 0.05
        options.retryAfterMaxSeconds = 1
        options.connectTo = [DemoURL.connectToEntry(port: port)]
        return options
    }

    @Test func everyFaultEndsInTheRightOutcomeAndNothingIsFetchedTwice() async throws {
        let directory = try TemporaryDirectory("download")
        _ = try Self.dataset.write(to: directory.path)
        let host = try await DemoHost.start(data: directory.path, port: 0)
        let images = Self.dataset.train
        var results: [Int: DownloadResult] = [:]
        let statistics = try Downloader(options: testOptions(port: host.port))
            .run(images.map { (id: $0.row, url: $0.url) }) { results[$0.id] = $0 }
        let stats = host.stats()
        try await host.stop()

        #expect(results.count == images.count, "every URL gets exactly one outcome")
        #expect(!statistics.interrupted)
        for image in images {
            let result = try #require(results[image.row])
            let reason: String? = switch result.outcome {
            case .success: nil
            case let .failure(error): error.failure.reason
            }
            let expected: String? = switch image.fault {
            case .notFound: "http_404"
            case .gone: "http_410"
            case .serverError: "http_500"
            case .redirectLoop: "redirect_loop"
            case .truncatedBody: "truncated"
            case .connectionReset: "reset"
            case .stall: "timeout"
            case .zeroBytes: "empty_body"
            default: nil  // a body, judged later by Imaging (HTML, placeholder, garbage, tiny ...)
            }
            #expect(reason == expected, "image \(image.row) (\(image.fault)): got \(reason ?? "a body")")
            if case .notFound = image.fault { #expect(result.attempts == 1, "404 is not retried") }
            if case .gone = image.fault { #expect(result.attempts == 1, "410 is not retried") }
            if case .serverError = image.fault { #expect(result.attempts == 3, "500 is retried up to maxAttempts") }
            if [.serverErrorThenOK, .serviceUnavailableRetry, .tooManyRequestsRetry].contains(image.fault) {
                #expect(result.attempts == 2, "\(image.fault) succeeds on the retry")
            }
            if case let .success(body) = result.outcome, image.fault == .none {
                #expect(body == (try Self.dataset.fileBytes(of: image)), "image \(image.row) body is the file served")
            }
        }
        // No image path was fetched successfully twice (the one shared placeholder is every
        // dead photo's redirect target, so it is fetched once per such photo).
        let twice = stats.successes.filter { $0.value > 1 && $0.key != "/photo_unavailable.png" }
        #expect(twice.isEmpty, "fetched twice: \(twice)")
        for image in images where image.fault == .none {
            #expect(stats.requests[image.path] == 1, "\(image.path) requested \(stats.requests[image.path] ?? 0) times")
        }
    }

    @Test func onlyHTTPAndHTTPSAreFetched() throws {
        var results: [Int: DownloadResult] = [:]
        _ = try Downloader(options: testOptions(port: 9)).run([
            (0, "file:///etc/passwd"), (1, "ftp://127.0.0.1/x.jpg"), (2, "gopher://127.0.0.1/x"), (3, "not a url"),
        ]) { results[$0.id] = $0 }
        for id in 0..<3 {
            guard case let .failure(error) = results[id]?.outcome else { Issue.record("\(id) was fetched"); continue }
            #expect(error.failure.reason == "protocol_refused", "\(error)")
        }
        guard case .failure = results[3]?.outcome else { Issue.record("a malformed URL was fetched"); return }
    }

    @Test func anOutagePausesInsteadOfFailingTheList() throws {
        // Nothing listens on the port: every transfer fails to connect. The run pauses, probes,
        // and gives up after maxOutageSeconds without marking a single URL failed.
        var options = testOptions(port: 1)
        options.outageThreshold = 4
        var delivered = 0
        let started = Date()
        let statistics = try Downloader(options: options).run(
            Self.dataset.train.prefix(40).map { (id: $0.row, url: $0.url) }, maxOutageSeconds: 2) { _ in delivered += 1 }
        #expect(statistics.interrupted)
        #expect(statistics.outagePauses == 1)
        #expect(delivered <= options.outageThreshold, "at most the failures before the outage was recognised")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func theRunResumesWhenTheNetworkComesBack() async throws {
        let directory = try TemporaryDirectory("outage")
        _ = try Self.dataset.write(to: directory.path)
        let port = try freeLoopbackPort()
        var options = testOptions(port: port)
        options.outageThreshold = 4
        let healthy = Self.dataset.train.filter { $0.fault == .none }.prefix(30)
        let starter = Task {
            try await Task.sleep(for: .seconds(1.5))
            return try await DemoHost.start(data: directory.path, port: port)
        }
        // The blocking run goes on a thread of its own, so the starter and the host's handlers keep
        // the cooperative pool; the long outage allowance only covers a heavily loaded machine.
        let (list, fixedOptions) = (healthy.map { (id: $0.row, url: $0.url) }, options)
        let (statistics, outcomes) = try await onDedicatedThread {
            var outcomes: [Int: DownloadResult] = [:]
            let statistics = try Downloader(options: fixedOptions).run(list, maxOutageSeconds: 180) { outcomes[$0.id] = $0 }
            return (statistics, outcomes)
        }
        let host = try await starter.value
        try await host.stop()
        #expect(statistics.outagePauses >= 1)
        #expect(!statistics.interrupted)
        let failed = outcomes.values.filter { if case .failure = $0.outcome { return true } else { return false } }
        #expect(outcomes.count == healthy.count)
        #expect(failed.count <= options.outageThreshold, "only failures before the outage was recognised: \(failed.map(\.url))")
    }
}

/// A port nothing listens on right now (bound, read, closed).
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
