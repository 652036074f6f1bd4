@testable import EEE443
import Testing

@Suite struct TokenCheckTests {
    /// The branch-free range check against a plain comparison, at both ends and at the extremes.
    @Test(arguments: [Int32(1), 2, 1004, Int32.max])
    func anyOutsideAgreesWithAPlainComparison(limit: Int32) {
        let probes: [Int32] = [0, 1, limit &- 1, limit, limit &+ 1, -1, -2, Int32.min, Int32.max, Int32.max - 1, 1003, 1004]
        for probe in probes {
            let values = [Int32](repeating: 0, count: 37) + [probe] + [Int32](repeating: 0, count: 5)
            let outside = values.withUnsafeBufferPointer { EEE443File.anyOutside($0, limit: limit) }
            #expect(outside == (probe < 0 || probe >= limit), "limit \(limit), value \(probe)")
        }
        let inside = (0..<1000).map { Int32($0) % limit }
        #expect(!inside.withUnsafeBufferPointer { EEE443File.anyOutside($0, limit: limit) })
        #expect(!EEE443File.anyOutside(UnsafeBufferPointer(start: nil, count: 0), limit: limit))
    }
}
