import CCurl

/// One libcurl easy handle, configured once and reused for many transfers (the connection and
/// DNS caches live in the multi handle, so reuse only saves set-up).
/// Not Sendable: owned by the downloader's single transfer thread.
final class _CurlEasy {
    let handle: UnsafeMutableRawPointer
    /// The transfer using this handle now.
    var transfer: _Transfer?

    init(options: DownloadOptions, connectTo: UnsafeMutablePointer<curl_slist>?) throws {
        guard let handle = curl_easy_init() else { throw DownloadSetupError(message: "curl_easy_init failed") }
        self.handle = handle
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_FOLLOWLOCATION, 1)
        try set(CURLOPT_MAXREDIRS, options.maxRedirects)
        try set(CURLOPT_CONNECTTIMEOUT_MS, Int(options.connectTimeoutSeconds * 1000))
        try set(CURLOPT_TIMEOUT_MS, Int(options.totalTimeoutSeconds * 1000))
        try set(CURLOPT_LOW_SPEED_LIMIT, options.lowSpeedBytesPerSecond)
        try set(CURLOPT_LOW_SPEED_TIME, options.lowSpeedSeconds)
        try check(ccurl_easy_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(options.maxBodyBytes)), "CURLOPT_MAXFILESIZE_LARGE")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "CURLOPT_PROTOCOLS_STR")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"), "CURLOPT_REDIR_PROTOCOLS_STR")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_USERAGENT, options.userAgent), "CURLOPT_USERAGENT")
        try check(ccurl_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "identity"), "CURLOPT_ACCEPT_ENCODING")
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        if let connectTo {
            try check(ccurl_easy_setopt_pointer(handle, CURLOPT_CONNECT_TO, UnsafeMutableRawPointer(connectTo)), "CURLOPT_CONNECT_TO")
        }
        try check(ccurl_easy_setopt_write(handle, CURLOPT_WRITEFUNCTION, _curlWrite), "CURLOPT_WRITEFUNCTION")
    }

    deinit { curl_easy_cleanup(handle) }

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(ccurl_easy_setopt_long(handle, option, value), "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else {
            throw DownloadSetupError(message: "libcurl refused \(what): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    /// Points the handle at `transfer`'s URL and body buffer.
    func start(_ transfer: _Transfer) -> CURLcode {
        self.transfer = transfer
        let code = ccurl_easy_setopt_string(handle, CURLOPT_URL, transfer.url)
        guard code == CURLE_OK else { return code }
        return ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(transfer).toOpaque())
    }

    var responseCode: Int {
        var code = 0
        _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    /// Seconds from a Retry-After header of the last response, if any.
    var retryAfter: Double? {
        var seconds: curl_off_t = 0
        guard ccurl_easy_getinfo_off(handle, CURLINFO_RETRY_AFTER, &seconds) == CURLE_OK, seconds > 0 else { return nil }
        return Double(seconds)
    }
}

/// The downloader could not set libcurl up (a library problem, not a URL's).
public struct DownloadSetupError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { "download set-up: \(message)" }
}

/// One URL's state across attempts. Not Sendable: owned by the transfer thread.
final class _Transfer {
    let id: Int
    let url: String
    let limit: Int
    var attempts = 0
    var body: [UInt8] = []
    var tooLarge = false
    var started: UInt64 = 0
    var lastStatus = 0

    init(id: Int, url: String, limit: Int) {
        self.id = id
        self.url = url
        self.limit = limit
    }
}

/// libcurl's write callback: appends to the transfer's body, refusing past the size limit.
let _curlWrite: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<_Transfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    if transfer.body.count + length > transfer.limit {
        transfer.tooLarge = true
        return 0
    }
    if let data, length > 0 {
        transfer.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
    }
    return length
}
