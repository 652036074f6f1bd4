/// An image that could not be encoded, with the codec library's own message.
public struct ImageEncodeError: Error, CustomStringConvertible {
    public let format: ImageFormat
    public let message: String
    public var description: String { "cannot encode \(format.rawValue.uppercased()): \(message)" }
}
