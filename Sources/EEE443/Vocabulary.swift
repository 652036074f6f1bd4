/// The EEE443 vocabulary: id -> word, built from the one-record compound `word_code`.
///
/// Member names went through MATLAB's `makeValidName`, so `<START>` is stored as `x_START_` and the
/// keyword `while` as `xWhile`. `words` holds the display names, un-mangled.
public struct Vocabulary: Sendable, Equatable {
    /// Padding after `<END>`.
    public static let nullID = 0
    /// First token of every caption row.
    public static let startID = 1
    /// Ends a caption; everything after it is padding.
    public static let endID = 2
    /// A word outside the vocabulary.
    public static let unknownID = 3

    /// The stored (mangled) member name of each id.
    public let memberNames: [String]
    /// The display word of each id: `<NULL> <START> <END> <UNK>` and plain words.
    public let words: [String]
    private let idsByWord: [String: Int]
    /// Every word's UTF-8 bytes end to end, and where each id's bytes start and end: decoding
    /// copies bytes from here without touching a String or an array per token.
    @usableFromInline let wordBytes: [UInt8]
    @usableFromInline let wordStarts: [Int]

    /// Builds a vocabulary whose id `i` is `memberNames[i]`.
    public init(memberNames: [String]) {
        self.memberNames = memberNames
        words = memberNames.map(Vocabulary.displayName(ofMember:))
        var ids: [String: Int] = [:]
        for (id, word) in words.enumerated() where ids[word] == nil { ids[word] = id }
        idsByWord = ids
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        for word in words {
            bytes += word.utf8
            starts.append(bytes.count)
        }
        wordBytes = bytes
        wordStarts = starts
    }

    /// The real 1004-word EEE443 vocabulary, as listed in `Manifests/eee443_vocab.tsv`.
    public static let eee443 = Vocabulary(memberNames: eee443MemberNames)

    /// Number of ids.
    public var count: Int { words.count }

    /// The id of a display word, if the vocabulary has it.
    public func id(of word: String) -> Int? { idsByWord[word] }

    /// MATLAB keywords that `makeValidName` prefixes with `x` and capitalises.
    static let matlabKeywords: Set<String> = [
        "break", "case", "catch", "classdef", "continue", "else", "elseif", "end", "for", "function",
        "global", "if", "otherwise", "parfor", "persistent", "return", "spmd", "switch", "try", "while",
    ]

    /// Undoes MATLAB's `makeValidName` on a member name: `x_START_` -> `<START>`, `xWhile` -> `while`.
    public static func displayName(ofMember name: String) -> String {
        if name.hasPrefix("x_"), name.hasSuffix("_"), name.count > 3 {
            let inner = name.dropFirst(2).dropLast()
            if inner.allSatisfy({ $0.isUppercase || $0.isNumber }) { return "<\(inner)>" }
        }
        if name.hasPrefix("x"), name.count > 2 {
            let rest = name.dropFirst()
            if rest.first?.isUppercase == true, matlabKeywords.contains(rest.lowercased()) { return rest.lowercased() }
        }
        return name
    }

    /// Applies MATLAB's `makeValidName` to a display word, the inverse of `displayName(ofMember:)`.
    public static func memberName(ofDisplay word: String) -> String {
        if word.hasPrefix("<"), word.hasSuffix(">"), word.count > 2 { return "x_\(word.dropFirst().dropLast())_" }
        if matlabKeywords.contains(word) { return "x" + word.prefix(1).uppercased() + word.dropFirst() }
        return word
    }

    /// Decodes one caption row: skips `<NULL>` and `<START>`, stops at `<END>`.
    /// - Precondition: every id is below `count` (the reader validates ids before decoding).
    /// - Complexity: O(row length).
    public func decode<C: Collection>(_ row: C) -> String where C.Element: BinaryInteger {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96)
        appendDecoded(row, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the decoded text of `row` to `bytes` (no separator before the first word).
    @inlinable
    public func appendDecoded<C: Collection>(_ row: C, to bytes: inout [UInt8]) where C.Element: BinaryInteger {
        wordBytes.withUnsafeBufferPointer { table in
            wordStarts.withUnsafeBufferPointer { starts in
                var first = true
                for token in row {
                    let id = Int(token)
                    if id == Vocabulary.endID { break }
                    if id == Vocabulary.nullID || id == Vocabulary.startID { continue }
                    if !first { bytes.append(0x20) }
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: table[starts[id]..<starts[id + 1]]))
                    first = false
                }
            }
        }
    }

    /// Encodes a sentence into a caption row of `width` ids (`<START>`, words, `<END>`, padding).
    /// Words outside the vocabulary become `<UNK>` and are returned; words past `width - 2` are dropped.
    public func encode(_ sentence: String, width: Int = 17) -> (row: [Int32], unknown: [String], truncated: Bool) {
        let tokens = sentence.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        var row: [Int32] = [Int32(Vocabulary.startID)]
        var unknown: [String] = []
        for word in tokens.prefix(width - 2) {
            if let id = idsByWord[String(word)] { row.append(Int32(id)) } else {
                row.append(Int32(Vocabulary.unknownID))
                unknown.append(String(word))
            }
        }
        row.append(Int32(Vocabulary.endID))
        row += [Int32](repeating: Int32(Vocabulary.nullID), count: width - row.count)
        return (row, unknown, tokens.count > width - 2)
    }

    public static func == (lhs: Vocabulary, rhs: Vocabulary) -> Bool { lhs.memberNames == rhs.memberNames }
}
