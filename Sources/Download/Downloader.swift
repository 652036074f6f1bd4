import CCurl
import Foundation

/// Fetches many URLs concurrently on libcurl's multi interface, on the calling thread.
///
/// Connections are kept alive and reused, and the multi handle's DNS cache is shared by every
/// transfer. Transient failures (5xx, 429, timeouts, resets, truncation) are retried with
/// exponential backoff and jitter, honouring Retry-After; 404, 410 and other client errors are
/// final at once. When every transfer fails to connect or resolve (an outage), the run pauses
/// and probes with one transfer at a time, backing off, instead of failing the rest of the list.
public final class Downloader {
    public let options: DownloadOptions
    private let multi: UnsafeMutableRawPointer
    private var connectTo: UnsafeMutablePointer<curl_slist>?
    private var idle: [_CurlEasy] = []
    private var random = SystemRandomNumberGenerator()

    /// Counts of what happened in one `run`.
    public struct Statistics: Sendable {
        public var delivered = 0
        public var succeeded = 0
        public var retries = 0
        public var bytes = 0
        public var outagePauses = 0
        /// True when the run stopped because `shouldStop` said so, or an outage outlasted its limit.
        public var interrupted = false
        public var failures: [String: Int] = [:]
    }

    public init(options: DownloadOptions) throws {
        self.options = options
        _ = _CurlGlobal.initialised
        guard let multi = curl_multi_init() else { throw DownloadSetupError(message: "curl_multi_init failed") }
        self.multi = multi
        for entry in options.connectTo { connectTo = curl_slist_append(connectTo, entry) }
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, options.perHostConnections)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, options.concurrency)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, options.concurrency)
    }

    deinit {
        idle.removeAll()
        curl_multi_cleanup(multi)
        curl_slist_free_all(connectTo)
    }

    /// Fetches `requests` (id, URL) and calls `deliver` once per URL with its final outcome, on
    /// this thread, as each finishes. Returns when every URL has an outcome, or when
    /// `shouldStop` returns true (URLs in flight then get no outcome: they were not finished).
    /// - Parameter maxOutageSeconds: how long an outage may last before the run gives up (its
    ///   remaining URLs get no outcome and stay pending for the next run).
    public func run(_ requests: [(id: Int, url: String)], maxOutageSeconds: Double = 600,
                    shouldStop: () -> Bool = { false }, deliver: (DownloadResult) -> Void) throws -> Statistics {
        var statistics = Statistics()
        var next = 0
        var retryQueue: [(ready: UInt64, transfer: _Transfer)] = []
        var active: [UnsafeMutableRawPointer: _CurlEasy] = [:]
        var consecutiveConnectFailures = 0
        var pausedUntil: UInt64 = 0
        var outageBackoff = 1.0
        var outageStarted: UInt64?
        var probing = false

        func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
        func finish(_ transfer: _Transfer, _ outcome: Result<[UInt8], DownloadError>) {
            let elapsed = Int((now() - transfer.started) / 1_000_000)
            statistics.delivered += 1
            switch outcome {
            case let .success(body):
                statistics.succeeded += 1
                statistics.bytes += body.count
            case let .failure(error):
                statistics.failures[error.failure.reason, default: 0] += 1
            }
            deliver(DownloadResult(id: transfer.id, url: transfer.url, outcome: outcome,
                                   httpStatus: transfer.lastStatus, attempts: transfer.attempts, milliseconds: elapsed))
        }

        while true {
            if shouldStop() {
                statistics.interrupted = true
                break
            }
            if let started = outageStarted, Double(now() - started) / 1e9 > maxOutageSeconds {
                statistics.interrupted = true  // the rest stays pending for the next run
                break
            }
            let time = now()
            // Start transfers: retries that are due first, then new URLs; one probe during an outage.
            let paused = time < pausedUntil || (outageStarted != nil && probing)
            while active.count < options.concurrency && !paused {
                let transfer: _Transfer
                if let first = retryQueue.first, first.ready <= time {
                    transfer = retryQueue.removeFirst().transfer
                } else if next < requests.count {
                    transfer = _Transfer(id: requests[next].id, url: requests[next].url, limit: options.maxBodyBytes)
                    next += 1
                } else {
                    break
                }
                let easy = try idle.popLast() ?? _CurlEasy(options: options, connectTo: connectTo)
                transfer.attempts += 1
                transfer.body.removeAll(keepingCapacity: true)
                transfer.tooLarge = false
                transfer.started = now()
                let code = easy.start(transfer)
                guard code == CURLE_OK, curl_multi_add_handle(multi, easy.handle) == CURLM_OK else {
                    idle.append(easy)
                    finish(transfer, .failure(DownloadError(url: transfer.url, failure: .badURL(String(cString: curl_easy_strerror(code))))))
                    continue
                }
                active[easy.handle] = easy
                if outageStarted != nil {
                    probing = true
                    break
                }
            }
            if active.isEmpty && next >= requests.count && retryQueue.isEmpty { break }

            var running: Int32 = 0
            _ = curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                      let easy = active.removeValue(forKey: handle), let transfer = easy.transfer else { continue }
                let code = message.pointee.data.result
                let status = easy.responseCode
                let retryAfter = easy.retryAfter
                curl_multi_remove_handle(multi, handle)
                easy.transfer = nil
                idle.append(easy)
                transfer.lastStatus = status
                let failure = Self.classify(code: code, status: status, transfer: transfer, limit: options.maxBodyBytes)

                if case .connect = failure {
                    consecutiveConnectFailures += 1
                } else {
                    consecutiveConnectFailures = 0
                    if outageStarted != nil {  // something answered: the outage is over
                        outageStarted = nil
                        outageBackoff = 1.0
                        pausedUntil = 0
                    }
                }
                let wasProbe = probing
                probing = false
                if case .connect = failure, outageStarted != nil || consecutiveConnectFailures >= options.outageThreshold {
                    // An outage: this URL is not at fault. Put it back without spending an attempt.
                    // The pause starts once, and grows only when a probe fails.
                    if outageStarted == nil {
                        outageStarted = now()
                        statistics.outagePauses += 1
                        pausedUntil = now() + UInt64(outageBackoff * 1e9)
                    } else if wasProbe {
                        outageBackoff = min(outageBackoff * 2, 60)
                        pausedUntil = now() + UInt64(outageBackoff * 1e9)
                    }
                    transfer.attempts -= 1
                    retryQueue.insert((0, transfer), at: 0)
                    continue
                }
                guard let failure else {
                    finish(transfer, .success(transfer.body))
                    continue
                }
                if failure.isTransient && transfer.attempts < options.maxAttempts {
                    statistics.retries += 1
                    var delay = min(options.backoffMaxSeconds, options.backoffBaseSeconds * pow(2, Double(transfer.attempts - 1)))
                    delay *= Double.random(in: 0.5...1.0, using: &random)
                    if let retryAfter { delay = max(delay, min(retryAfter, options.retryAfterMaxSeconds)) }
                    let ready = now() + UInt64(delay * 1e9)
                    let index = retryQueue.firstIndex { $0.ready > ready } ?? retryQueue.endIndex
                    retryQueue.insert((ready, transfer), at: index)
                } else {
                    finish(transfer, .failure(DownloadError(url: transfer.url, failure: failure)))
                }
            }
            // Sleep until a socket is ready, or until the next retry or the end of a pause is due.
            var wait = 100
            if active.isEmpty {
                let wake = [retryQueue.first?.ready, pausedUntil > now() ? pausedUntil : nil].compactMap { $0 }.min()
                if let wake { wait = max(1, min(1000, Int((Int64(wake) - Int64(now())) / 1_000_000))) }
            }
            _ = curl_multi_poll(multi, nil, 0, Int32(wait), nil)
        }
        for (handle, easy) in active {
            curl_multi_remove_handle(multi, handle)
            easy.transfer = nil
            idle.append(easy)
        }
        return statistics
    }

    /// The failure a finished transfer represents, or nil for a usable 200 body.
    static func classify(code: CURLcode, status: Int, transfer: _Transfer, limit: Int) -> DownloadFailure? {
        if transfer.tooLarge || code == CURLE_FILESIZE_EXCEEDED { return .tooLarge(limit) }
        switch code {
        case CURLE_OK:
            if status != 200 { return .http(status) }
            return transfer.body.isEmpty ? .emptyBody : nil
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connect(String(cString: curl_easy_strerror(code)))
        case CURLE_PARTIAL_FILE: return .truncated
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING:
            return .reset(String(cString: curl_easy_strerror(code)))
        case CURLE_TOO_MANY_REDIRECTS: return .tooManyRedirects
        case CURLE_UNSUPPORTED_PROTOCOL: return .protocolRefused(transfer.url)
        case CURLE_URL_MALFORMAT: return .badURL(transfer.url)
        default:
            if status >= 400 { return .http(status) }
            return .other(String(cString: curl_easy_strerror(code)))
        }
    }
}

/// libcurl's global initialisation, done once per process before any handle exists.
enum _CurlGlobal {
    static let initialised: Bool = curl_global_init(ccurl_global_all()) == CURLE_OK
}
