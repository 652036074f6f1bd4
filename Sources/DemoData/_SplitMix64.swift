/// The demo's random source: SplitMix64, chosen because it is tiny, fast and gives the same
/// stream on every platform, so a seed reproduces a dataset byte for byte.
struct _SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A generator for one item, derived from `seed` and the item's keys without shared state,
    /// so that items can be generated in any order and on any thread.
    init(seed: UInt64, _ keys: UInt64...) {
        var value = seed
        for key in keys { value = _mix(value ^ _mix(key &+ 0x9E37_79B9_7F4A_7C15)) }
        state = value
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return _mix(state)
    }

    /// A uniform value in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform value in `range`.
    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    /// A standard normal value (Box-Muller).
    mutating func normal() -> Double {
        let u = max(unit(), 1e-12), v = unit()
        return (-2 * _logarithm(u)).squareRoot() * _cosine(2 * Double.pi * v)
    }
}

/// SplitMix64's finaliser: a fast bijective 64-bit hash.
@inline(__always)
func _mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Hash of several keys, order-sensitive.
func _hash(_ keys: UInt64...) -> UInt64 {
    var value: UInt64 = 0x2545_F491_4F6C_DD1D
    for key in keys { value = _mix(value ^ key) &+ 0x9E37_79B9_7F4A_7C15 }
    return value
}
