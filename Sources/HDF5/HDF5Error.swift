import CHDF5

/// A failure reported by libhdf5, or a file whose contents are not what the caller asked for.
///
/// The description is one line that names the file, the object inside it and what went wrong,
/// with the innermost message from HDF5's own error stack where there is one.
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    /// The file being worked on.
    public let file: String
    /// The dataset or other object inside the file, if any.
    public let object: String?
    /// What the caller was doing, e.g. "open", "read rows 0..<17".
    public let operation: String
    /// HDF5's own message, or the reason found by this wrapper.
    public let message: String

    public init(file: String, object: String? = nil, operation: String, message: String) {
        self.file = file
        self.object = object
        self.operation = operation
        self.message = message
    }

    public var description: String {
        var text = file
        if let object { text += ": dataset '\(object)'" }
        return text + ": \(operation): \(message)"
    }
}

/// Reads the innermost (most specific) description on HDF5's error stack for this thread
/// (walking downward, the last entry is the deepest).
func _hdf5StackMessage() -> String {
    final class Box { var messages: [String] = [] }
    let box = Box()
    let walker: H5E_walk2_t = { _, errorDescription, context in
        guard let errorDescription, let context else { return 0 }
        let box = Unmanaged<Box>.fromOpaque(context).takeUnretainedValue()
        if let desc = errorDescription.pointee.desc {
            box.messages.append(String(cString: desc))
        }
        return 0
    }
    _ = withExtendedLifetime(box) {
        H5Ewalk2(chdf5_error_default(), H5E_WALK_DOWNWARD, walker, Unmanaged.passUnretained(box).toOpaque())
    }
    H5Eclear2(chdf5_error_default())
    return box.messages.last(where: { !$0.isEmpty }) ?? "HDF5 reported a failure"
}
