/// The Fréchet distance between Gaussians fitted to two feature sets:
/// |μ1 - μ2|² + tr(Σ1 + Σ2 - 2 (Σ1 Σ2)^½), with tr (Σ1 Σ2)^½ = Σ √eig(Σ1^½ Σ2 Σ1^½).
public enum FrechetDistance {
    /// - Parameters: `a`, `b`: feature rows of `dimension` floats each (at least 2 rows).
    /// - Complexity: O(rows * d² + d³) per sweep of the Jacobi eigen solver.
    public static func between(_ a: [Float], _ b: [Float], dimension d: Int) -> Double {
        let (ma, ca) = meanCovariance(a, d), (mb, cb) = meanCovariance(b, d)
        let meanTerm = zip(ma, mb).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let rootA = symmetricFunction(ca, d) { $0.squareRoot() }
        let product = multiply(multiply(rootA, cb, d), rootA, d)
        let cross = eigenvalues(product, d).reduce(0) { $0 + Swift.max($1, 0).squareRoot() }
        let trace = (0..<d).reduce(0) { $0 + ca[$1 * d + $1] + cb[$1 * d + $1] }
        return meanTerm + trace - 2 * cross
    }

    static func meanCovariance(_ x: [Float], _ d: Int) -> ([Double], [Double]) {
        let n = x.count / d
        precondition(n > 1 && x.count == n * d, "need at least two feature rows of \(d)")
        var mean = [Double](repeating: 0, count: d)
        for r in 0..<n { for j in 0..<d { mean[j] += Double(x[r * d + j]) / Double(n) } }
        var cov = [Double](repeating: 0, count: d * d)
        for r in 0..<n {
            for i in 0..<d {
                let xi = Double(x[r * d + i]) - mean[i]
                for j in i..<d { cov[i * d + j] += xi * (Double(x[r * d + j]) - mean[j]) }
            }
        }
        for i in 0..<d { for j in i..<d { cov[i * d + j] /= Double(n - 1); cov[j * d + i] = cov[i * d + j] } }
        return (mean, cov)
    }

    static func multiply(_ a: [Double], _ b: [Double], _ d: Int) -> [Double] {
        var c = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for k in 0..<d { let aik = a[i * d + k]; for j in 0..<d { c[i * d + j] += aik * b[k * d + j] } } }
        return c
    }

    /// V f(Λ) Vᵀ for a symmetric matrix (eigenvalues clamped at 0 before `f`).
    static func symmetricFunction(_ a: [Double], _ d: Int, _ f: (Double) -> Double) -> [Double] {
        let (values, vectors) = jacobi(a, d)
        var out = [Double](repeating: 0, count: d * d)
        for k in 0..<d {
            let fk = f(Swift.max(values[k], 0))
            for i in 0..<d { for j in 0..<d { out[i * d + j] += vectors[i * d + k] * fk * vectors[j * d + k] } }
        }
        return out
    }

    static func eigenvalues(_ a: [Double], _ d: Int) -> [Double] {
        // Symmetrise against rounding before the symmetric solver.
        var s = a
        for i in 0..<d { for j in 0..<d { s[i * d + j] = 0.5 * (a[i * d + j] + a[j * d + i]) } }
        return jacobi(s, d).values
    }

    /// Cyclic Jacobi rotations until the off-diagonal mass is negligible.
    static func jacobi(_ input: [Double], _ d: Int) -> (values: [Double], vectors: [Double]) {
        var a = input
        var v = [Double](repeating: 0, count: d * d)
        for i in 0..<d { v[i * d + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<d { for j in 0..<d where i != j { off += a[i * d + j] * a[i * d + j] } }
            if off < 1e-22 { break }
            for p in 0..<d - 1 {
                for q in p + 1..<d where abs(a[p * d + q]) > 1e-300 {
                    let theta = (a[q * d + q] - a[p * d + p]) / (2 * a[p * d + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<d {
                        let (akp, akq) = (a[k * d + p], a[k * d + q])
                        a[k * d + p] = c * akp - s * akq
                        a[k * d + q] = s * akp + c * akq
                    }
                    for k in 0..<d {
                        let (apk, aqk) = (a[p * d + k], a[q * d + k])
                        a[p * d + k] = c * apk - s * aqk
                        a[q * d + k] = s * apk + c * aqk
                    }
                    for k in 0..<d {
                        let (vkp, vkq) = (v[k * d + p], v[k * d + q])
                        v[k * d + p] = c * vkp - s * vkq
                        v[k * d + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<d).map { a[$0 * d + $0] }, v)
    }
}
