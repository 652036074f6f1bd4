import COpenBLAS

/// C = alpha * op(A) * op(B) + beta * C for row-major matrices, through `cblas_sgemm`.
///
/// `op(A)` is `m x k`, `op(B)` is `k x n`, `C` is `m x n`; leading dimensions are the stored row
/// lengths. See the OpenBLAS/CBLAS `cblas_sgemm` documentation.
/// - Complexity: O(m * n * k).
@inlinable
func _sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
            b: UnsafePointer<Float>, ldb: Int,
            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    guard m > 0, n > 0 else { return }
    if k == 0 {
        // No products to add: C becomes beta * C, which cblas leaves to the implementation.
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j] } }
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
                beta, c, blasint(ldc))
}

/// Matrix product of row-major `a` (`m x k`, or `k x m` if `transA`) and `b` into `c`.
///
/// Convenience over `_sgemm` for whole `Tensor` buffers; `accumulate` adds into `c`.
/// - Complexity: O(m * n * k).
func _matmul(_ a: [Float], _ b: [Float], into c: inout [Float], m: Int, n: Int, k: Int,
             transA: Bool = false, transB: Bool = false, accumulate: Bool = false) {
    precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n, "matmul operand too small")
    a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
                _sgemm(transA: transA, transB: transB, m: m, n: n, k: k,
                       a: ap.baseAddress!, lda: transA ? m : k,
                       b: bp.baseAddress!, ldb: transB ? k : n,
                       beta: accumulate ? 1 : 0, c: cp.baseAddress!, ldc: n)
            }
        }
    }
}
