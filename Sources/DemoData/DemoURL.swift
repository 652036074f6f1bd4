/// The demo's Flickr-shaped URLs: `http://HOST/{server}/{photo}_{secret}_z.jpg`.
///
/// By default HOST is `demo.t2i.invalid` (RFC 6761 reserves `.invalid`, so it can never resolve
/// to a real machine): the URLs keep the real shape, and a client maps the name to the running
/// demo host, e.g. libcurl `CURLOPT_CONNECT_TO` with `connectToEntry(port:)`. `--host
/// 127.0.0.1:PORT` writes literal loopback URLs instead. The host routes by path only.
///
/// The photo number is `1_000_000_000 + id`, so the demo image id (and with it the fault) can be
/// read back from any URL; server and secret come from the seed.
public enum DemoURL {
    /// The placeholder host name written into URLs by default.
    public static let placeholderHost = "demo.t2i.invalid"
    /// Photo numbers start here, so they have ten digits like Flickr's.
    public static let photoBase = 1_000_000_000

    /// The path of demo image `id` for a seed: `/{server}/{photo}_{secret}_z.jpg`.
    public static func path(forImage id: Int, seed: UInt64) -> String {
        let key = _hash(seed, 0x55524C, UInt64(id))
        let server = 1000 + Int(key % 9000)
        let secret = String(_mix(key) & 0xFF_FFFF_FFFF, radix: 16)
        let padded = String(repeating: "0", count: max(0, 10 - secret.count)) + secret
        return "/\(server)/\(photoBase + id)_\(padded)_z.jpg"
    }

    /// The full URL of demo image `id` on `host` (a name or `name:port`).
    public static func url(forImage id: Int, seed: UInt64, host: String = placeholderHost) -> String {
        "http://\(host)\(path(forImage: id, seed: seed))"
    }

    /// The demo image id in a URL or path, if it has the demo shape.
    public static func imageID(from urlOrPath: String) -> Int? {
        guard let components = pathComponents(urlOrPath) else { return nil }
        return components.photo - photoBase
    }

    /// The `CURLOPT_CONNECT_TO` entry that sends `demo.t2i.invalid` URLs to a host on `port`.
    public static func connectToEntry(port: Int) -> String { "\(placeholderHost):80:127.0.0.1:\(port)" }

    /// Validates a `--host` value: a host name or IPv4 address, optionally `:port`.
    public static func isValidHost(_ host: String) -> Bool {
        let parts = host.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let name = parts.first, !name.isEmpty,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else { return false }
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port) else { return false }
        }
        return true
    }

    /// Parses `/{4 digits}/{10 digits}_{10 hex}_z.jpg` (after an optional `http://host`).
    static func pathComponents(_ urlOrPath: String) -> (server: Int, photo: Int, secret: Substring)? {
        var path = Substring(urlOrPath)
        if path.hasPrefix("http://") {
            let rest = path.dropFirst(7)
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            path = rest[slash...]
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].isEmpty, parts[1].count == 4, let server = Int(parts[1]),
              parts[2].hasSuffix("_z.jpg") else { return nil }
        let name = parts[2].dropLast(6).split(separator: "_", omittingEmptySubsequences: false)
        guard name.count == 2, name[0].count == 10, name[0].allSatisfy(\.isASCIIDigitCharacter),
              let photo = Int(name[0]), photo >= photoBase,
              name[1].count == 10, name[1].allSatisfy(\.isHexDigit) else { return nil }
        return (server, photo, name[1])
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}
