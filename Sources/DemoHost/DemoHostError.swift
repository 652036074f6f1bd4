/// A failure starting the demo host: one line naming the folder or address and the problem.
public struct DemoHostError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
