/// A word-vector file that does not follow GloVe's text format, with the line at fault.
public struct GloVeError: Error, CustomStringConvertible, Sendable {
    public let file: String
    /// 1-based line number, or nil for a whole-file problem.
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file): line \(line): \(message)" }
        return "\(file): \(message)"
    }
}
