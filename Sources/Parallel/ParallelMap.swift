import Dispatch

/// Runs `body(part)` for `part` in `0..<parts` on every core and returns the results in order.
///
/// Each iteration writes only its own slot of a buffer allocated up front, so no Swift array is
/// mutated from two threads at once.
/// - Complexity: `parts` calls of `body`, spread over `DispatchQueue.concurrentPerform`.
public func parallelMap<T>(parts: Int, _ body: (Int) -> T) -> [T] {
    precondition(parts >= 0, "parts must not be negative")
    let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: parts)
    slots.initialize(repeating: nil)
    defer {
        slots.deinitialize()
        slots.deallocate()
    }
    let box = _SlotBox(slots)
    withoutActuallyEscaping(body) { body in
        let work = _UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            box.slots[part] = work.value(part)
        }
    }
    return slots.map { $0! }
}

/// How many parts to split `count` items into: one per core, none smaller than `minimumPart`.
public func parallelParts(count: Int, minimumPart: Int) -> Int {
    max(1, min(Cores.count, count / max(1, minimumPart)))
}

/// The machine's active cores, read once.
public enum Cores {
    public static let count = max(1, _activeProcessorCount())
}

private final class _SlotBox<T>: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<T?>
    init(_ slots: UnsafeMutableBufferPointer<T?>) { self.slots = slots }
}

private struct _UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
