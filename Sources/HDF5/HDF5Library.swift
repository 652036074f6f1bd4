import CHDF5
import Foundation

/// Process-wide access to libhdf5.
///
/// Debian's libhdf5 is the serial build, which is not thread-safe: every call into it from this
/// module happens inside `HDF5Library.sync`, one at a time, whatever thread or task asks.
public enum HDF5Library {
    private static let lock = NSRecursiveLock()
    nonisolated(unsafe) private static var initialised = false

    /// Runs `body` while holding the library lock; the first call also silences HDF5's own
    /// printing of error stacks, since every failure here becomes an `HDF5Error` instead.
    public static func sync<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        if !initialised {
            _ = H5open()
            _ = chdf5_silence_errors()
            initialised = true
        }
        return try body()
    }

    /// The version of libhdf5 this program runs against, e.g. "1.10.8".
    public static var version: String {
        sync {
            var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
            _ = H5get_libversion(&major, &minor, &release)
            return "\(major).\(minor).\(release)"
        }
    }
}

/// Owns one HDF5 identifier and closes it with the matching close function when released.
final class _HDF5Handle {
    let id: hid_t
    private let close: (hid_t) -> herr_t

    init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.close = close
    }

    deinit {
        HDF5Library.sync { _ = close(id) }
    }
}
