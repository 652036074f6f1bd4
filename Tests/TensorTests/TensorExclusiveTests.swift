import Foundation
import Synchronization
import TestSupport
import Testing

/// `.tensorExclusive` must keep test cases from overlapping even within a parallel suite:
/// eight cases that each hold the gate for 20 ms never see another one inside.
@Suite struct TensorExclusiveTests {
    static let inside = Atomic<Int>(0)
    static let mostInside = Atomic<Int>(0)

    @Test(.tensorExclusive, arguments: 0..<8)
    func casesNeverOverlap(_ index: Int) {
        let now = Self.inside.add(1, ordering: .sequentiallyConsistent).newValue
        _ = Self.mostInside.max(now, ordering: .sequentiallyConsistent)
        Thread.sleep(forTimeInterval: 0.02)
        Self.inside.subtract(1, ordering: .sequentiallyConsistent)
        #expect(Self.mostInside.load(ordering: .sequentiallyConsistent) == 1, "case \(index) overlapped another")
    }
}
