/// Why a URL could not be fetched. `isTransient` failures are retried (within a run, with
/// backoff, and by `prepare --retry-failed` in a later run); the others are final.
public enum DownloadFailure: Sendable, Hashable, CustomStringConvertible {
    /// An HTTP status other than 200: 404 and 410 are final, 5xx and 429 transient.
    case http(Int)
    case timeout
    case connect(String)
    case reset(String)
    /// The connection closed before the announced Content-Length arrived.
    case truncated
    case tooLarge(Int)
    case tooManyRedirects
    /// A URL whose scheme is not http or https (`file://`, `ftp://`).
    case protocolRefused(String)
    case badURL(String)
    case emptyBody
    case other(String)

    public var isTransient: Bool {
        switch self {
        case let .http(status): return status >= 500 || status == 429 || status == 408
        case .timeout, .connect, .reset, .truncated: return true
        default: return false
        }
    }

    /// A short stable name for the ledger's failure table.
    public var reason: String {
        switch self {
        case let .http(status): return "http_\(status)"
        case .timeout: return "timeout"
        case .connect: return "connect"
        case .reset: return "reset"
        case .truncated: return "truncated"
        case .tooLarge: return "too_large"
        case .tooManyRedirects: return "redirect_loop"
        case .protocolRefused: return "protocol_refused"
        case .badURL: return "bad_url"
        case .emptyBody: return "empty_body"
        case .other: return "other"
        }
    }

    public var description: String {
        switch self {
        case let .http(status): return "HTTP \(status)"
        case .timeout: return "timed out"
        case let .connect(message): return "could not connect: \(message)"
        case let .reset(message): return "connection reset: \(message)"
        case .truncated: return "body shorter than its Content-Length"
        case let .tooLarge(limit): return "body larger than \(limit) bytes"
        case .tooManyRedirects: return "too many redirects"
        case let .protocolRefused(message): return "protocol refused (only http and https): \(message)"
        case let .badURL(message): return "malformed URL: \(message)"
        case .emptyBody: return "empty body"
        case let .other(message): return message
        }
    }
}

/// The final outcome of one URL in a run, after any retries.
public struct DownloadResult: Sendable {
    public let id: Int
    public let url: String
    /// The body of a 200 response, or the failure.
    public let outcome: Result<[UInt8], DownloadError>
    /// The last HTTP status seen (0 when none).
    public let httpStatus: Int
    public let attempts: Int
    /// Wall time of the last attempt, in milliseconds.
    public let milliseconds: Int
}

/// A failed URL: what failed and where, in one line.
public struct DownloadError: Error, Sendable, CustomStringConvertible {
    public let url: String
    public let failure: DownloadFailure
    public var description: String { "\(url): \(failure)" }
}
