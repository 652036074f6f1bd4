/// Per-column sums over rows, computed in fixed row chunks whose Double partials are added in
/// chunk order, so the result does not depend on the thread count.
///
/// `body(rows, acc)` must add its rows' contributions for every column into `acc[0..<columns]`.
/// - Complexity: O(rows * columns).
@inlinable
func _columnReduce(rows: Int, columns: Int,
                   _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
    let chunk = _chunkSize(itemCost: columns, work: 1 << 16)
    let chunks = Swift.max(1, (rows + chunk - 1) / chunk)
    var partials = [Double](repeating: 0, count: chunks * columns)
    partials.withUnsafeMutableBufferPointer { p in
        let base = _SendablePointer(p.baseAddress!)
        _parallelChunks(chunks, chunk: 1) { range in
            for c in range {
                body(c * chunk..<Swift.min(rows, (c + 1) * chunk), base.base + c * columns)
            }
        }
    }
    var total = [Double](repeating: 0, count: columns)
    for c in 0..<chunks { for j in 0..<columns { total[j] += partials[c * columns + j] } }
    return total
}

/// Adds the per-column sums of the row-major `rows x columns` matrix `x` into `target`.
/// - Complexity: O(rows * columns).
func _addColumnSums(_ x: [Float], rows: Int, columns: Int, into target: inout [Float]) {
    precondition(target.count == columns && x.count >= rows * columns, "column-sum shape mismatch")
    let sums = x.withUnsafeBufferPointer { xp in
        let xb = _SendableConstPointer(xp.baseAddress!)
        return _columnReduce(rows: rows, columns: columns) { range, acc in
            for r in range {
                let row = xb.base + r * columns
                for j in 0..<columns { acc[j] += Double(row[j]) }
            }
        }
    }
    for j in 0..<columns { target[j] += Float(sums[j]) }
}

/// Runs `body` on disjoint index ranges of a buffer of `count` elements, in parallel chunks.
/// - Complexity: O(count).
@inlinable
func _elementwise(_ count: Int, _ body: (Range<Int>) -> Void) {
    _parallelChunks(count, chunk: 1 << 15, body)
}
