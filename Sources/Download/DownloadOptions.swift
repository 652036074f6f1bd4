/// How the downloader fetches: limits, timeouts, retries. Part of the download stage's
/// configuration hash, so changing any of it redoes the stage.
public struct DownloadOptions: Sendable, Hashable, Codable {
    /// Transfers in flight at once.
    public var concurrency = 64
    /// Connections to one host at once (the real list has only farm1-9.staticflickr.com).
    public var perHostConnections = 16
    public var connectTimeoutSeconds = 10.0
    /// Whole-transfer limit; a stalled server can hold a transfer no longer than this.
    public var totalTimeoutSeconds = 60.0
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedSeconds` is abandoned.
    public var lowSpeedBytesPerSecond = 1024
    public var lowSpeedSeconds = 15
    public var maxBodyBytes = 16 << 20
    public var maxRedirects = 5
    /// Attempts per URL within one run, for transient failures (5xx, 429, timeouts, resets).
    public var maxAttempts = 4
    public var backoffBaseSeconds = 0.5
    public var backoffMaxSeconds = 30.0
    /// Longest Retry-After honoured; a longer one is capped here.
    public var retryAfterMaxSeconds = 60.0
    /// Consecutive connection failures (refused, unresolved) with no success that count as an
    /// outage: the run pauses and probes instead of failing the rest of the list.
    public var outageThreshold = 24
    public var userAgent = "t2i/0.1 (EEE443 dataset preparation; +https://github.com/t2i)"
    /// libcurl CURLOPT_CONNECT_TO entries ("HOST:PORT:CONNECT-HOST:CONNECT-PORT"), used to send a
    /// dataset's host names to a local server without rewriting its URLs.
    public var connectTo: [String] = []

    public init() {}
}
