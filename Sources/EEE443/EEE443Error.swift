/// A file that does not have the EEE443 layout, or holds a value the layout forbids.
///
/// One line: the file, the dataset, and the offending value.
public struct EEE443Error: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let dataset: String?
    public let message: String

    public init(file: String, dataset: String?, message: String) {
        self.file = file
        self.dataset = dataset
        self.message = message
    }

    public var description: String {
        if let dataset { return "\(file): dataset '\(dataset)': \(message)" }
        return "\(file): \(message)"
    }
}
