/// A deterministic random source (SplitMix64) so that initialisation is reproducible from a seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose whole sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in the open interval (0, 1).
    public mutating func nextUniform() -> Double {
        (Double(next() >> 11) + 0.5) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal sample (Box-Muller; one of each pair is used, keeping the stream simple).
    public mutating func nextNormal() -> Double {
        let u1 = nextUniform(), u2 = nextUniform()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }
}

extension Tensor {
    /// A tensor of `shape` with entries drawn from N(mean, std²) by `generator` (DCGAN uses N(0, 0.02)).
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 0.02,
                              using generator: inout SeededGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        var data = [Float](repeating: 0, count: n)
        for i in 0..<n { data[i] = mean + std * Float(generator.nextNormal()) }
        return Tensor(shape: shape, data: data)
    }

    /// A tensor of `shape` with entries uniform in [low, high) drawn by `generator`.
    public static func uniform(_ shape: [Int], low: Float, high: Float,
                               using generator: inout SeededGenerator) -> Tensor {
        let n = shape.reduce(1, *)
        var data = [Float](repeating: 0, count: n)
        for i in 0..<n { data[i] = low + (high - low) * Float(generator.nextUniform()) }
        return Tensor(shape: shape, data: data)
    }
}
