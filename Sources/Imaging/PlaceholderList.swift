import Foundation

/// Known "photo unavailable" images, recognised by the SHA-256 of their exact bytes.
///
/// Dead Flickr links often answer 200 with one fixed placeholder file, so the bytes are the
/// stable identity; hashing bytes (not pixels) makes the check independent of decoding and of
/// the output options, and lets `sha256sum FILE` produce an entry. The byte count is kept next to
/// the digest so that only files of a placeholder's exact size are hashed.
///
/// File format (`Manifests/placeholders.txt`): one entry a line, `SHA256HEX BYTECOUNT NAME...`;
/// blank lines and lines starting with `#` are ignored.
public struct PlaceholderList: Sendable, Equatable {
    /// One known placeholder.
    public struct Entry: Sendable, Equatable {
        public let sha256: String
        public let byteCount: Int
        public let name: String

        public init(sha256: String, byteCount: Int, name: String) {
            self.sha256 = sha256.lowercased()
            self.byteCount = byteCount
            self.name = name
        }

        /// The line that registers this entry in a placeholder file.
        public var line: String { "\(sha256) \(byteCount) \(name)" }
    }

    public private(set) var entries: [Entry]
    private var byteCounts: Set<Int>

    public init(_ entries: [Entry] = []) {
        self.entries = entries
        byteCounts = Set(entries.map(\.byteCount))
    }

    /// Parses the text of a placeholder file.
    /// - Throws: `PlaceholderListError` naming the source and line of a malformed entry.
    public init(parsing text: String, source: String) throws {
        var entries: [Entry] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard fields.count >= 2, fields[0].count == 64, fields[0].allSatisfy(\.isHexDigit),
                  let byteCount = Int(fields[1]), byteCount > 0 else {
                throw PlaceholderListError(source: source, line: index + 1,
                                           message: "expected 'SHA256HEX BYTECOUNT NAME', got '\(line)'")
            }
            entries.append(Entry(sha256: String(fields[0]), byteCount: byteCount,
                                 name: fields.count > 2 ? String(fields[2]) : ""))
        }
        self.init(entries)
    }

    /// Reads a placeholder file such as `Manifests/placeholders.txt`.
    /// - Throws: `PlaceholderListError` when the file cannot be read or has a malformed line.
    public init(contentsOf url: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PlaceholderListError(source: url.path, line: 0, message: "cannot read: \(error.localizedDescription)")
        }
        try self.init(parsing: text, source: url.path)
    }

    /// Adds the image whose bytes are `bytes` under `name`.
    public mutating func register(_ bytes: [UInt8], name: String) {
        let entry = PlaceholderList.entry(for: bytes, name: name)
        guard !entries.contains(where: { $0.sha256 == entry.sha256 }) else { return }
        entries.append(entry)
        byteCounts.insert(entry.byteCount)
    }

    /// The entry that registers `bytes` as a placeholder (write `entry.line` to the manifest).
    public static func entry(for bytes: [UInt8], name: String) -> Entry {
        bytes.withUnsafeBytes { Entry(sha256: SHA256.hexDigest($0), byteCount: $0.count, name: name) }
    }

    /// The entry matching `bytes`, if they are a known placeholder.
    /// - Complexity: O(1) unless the byte count equals a placeholder's, then O(n) to hash.
    public func match(_ bytes: UnsafeRawBufferPointer) -> Entry? {
        guard byteCounts.contains(bytes.count) else { return nil }
        let digest = SHA256.hexDigest(bytes)
        return entries.first { $0.byteCount == bytes.count && $0.sha256 == digest }
    }
}

/// A placeholder file that could not be read or parsed.
public struct PlaceholderListError: Error, CustomStringConvertible {
    public let source: String
    public let line: Int
    public let message: String
    public var description: String { line > 0 ? "\(source):\(line): \(message)" : "\(source): \(message)" }
}
