/// A failure while writing the demo dataset: one line naming the file and what went wrong.
public struct DemoDataError: Error, CustomStringConvertible, Sendable {
    /// The file or item being written.
    public let subject: String
    public let message: String

    public init(subject: String, message: String) {
        self.subject = subject
        self.message = message
    }

    public var description: String { "\(subject): \(message)" }
}
