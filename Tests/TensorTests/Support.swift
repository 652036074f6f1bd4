import Foundation
import Tensor
import Testing
import TestSupport

/// One case of Fixtures/reference.json (written by scripts/tensor_reference.py from PyTorch).
struct ReferenceCase {
    let fields: [String: Any]

    nonisolated(unsafe) static let all: [String: [String: Any]] = {
        let url = repositoryRoot.appendingPathComponent("Tests/TensorTests/Fixtures/reference.json")
        guard let data = FileManager.default.contents(atPath: url.path),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = root["cases"] as? [String: [String: Any]] else { return [:] }
        return cases
    }()

    init(_ name: String) throws {
        guard let fields = Self.all[name] else { throw FixtureError(what: "no reference case \(name)") }
        self.fields = fields
    }

    func tensor(_ key: String) throws -> Tensor {
        guard let object = fields[key] as? [String: Any] else { throw FixtureError(what: "no tensor \(key)") }
        return try Self.decode(object, key)
    }

    static func decode(_ object: [String: Any], _ key: String) throws -> Tensor {
        guard let shape = object["shape"] as? [Int], let data = object["data"] as? [Double] else {
            throw FixtureError(what: "malformed tensor \(key)")
        }
        return Tensor(shape: shape, data: data.map { Float($0) })
    }

    func number(_ key: String) throws -> Double {
        guard let v = fields[key] as? Double else { throw FixtureError(what: "no number \(key)") }
        return v
    }

    func ints(_ key: String) throws -> [Int] {
        guard let v = fields[key] as? [Int] else { throw FixtureError(what: "no integer list \(key)") }
        return v
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let what: String
    var description: String { "reference.json: \(what)" }
}

/// Checks `actual` against the PyTorch `expected` to 1e-4 relative: every element within
/// 1e-4 × max(|expected|, rms(expected)), so entries near zero are judged on the tensor's scale.
func expectClose(_ actual: Tensor, _ expected: Tensor, _ label: String, relative: Double = 1e-4,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape) vs \(expected.shape)",
            sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let rms = (expected.data.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(expected.count, 1))).squareRoot()
    var worst = 0.0, worstIndex = 0
    for i in 0..<expected.count {
        let e = Double(expected.data[i]), a = Double(actual.data[i])
        let err = abs(a - e) / max(abs(e), rms, 1e-30)
        if err > worst { worst = err; worstIndex = i }
    }
    #expect(worst <= relative, "\(label): relative error \(worst) at \(worstIndex) (\(actual.data[worstIndex]) vs \(expected.data[worstIndex]))",
            sourceLocation: sourceLocation)
}

/// Finite-difference check: the loss is L = Σ r·y for a fixed random `r`; analytic gradients
/// from `backprop(r)` (inputs) and the parameters' `grad` must match central differences.
func gradientCheck(inputs: [Tensor], parameters: [Parameter] = [], seed: UInt64 = 7,
                   epsilon: Float = 1e-2, tolerance: Double = 2e-2,
                   run: ([Tensor]) -> Tensor, backprop: (Tensor) -> [Tensor],
                   sourceLocation: SourceLocation = #_sourceLocation) {
    var generator = SeededGenerator(seed: seed)
    let y0 = run(inputs)
    let r = Tensor.normal(y0.shape, std: 1, using: &generator)
    func loss(_ xs: [Tensor]) -> Double {
        let y = run(xs)
        return zip(y.data, r.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    parameters.forEach { $0.zeroGrad() }
    _ = run(inputs)
    let analyticInputs = backprop(r)
    let analyticParams = parameters.map(\.grad)
    func compare(_ analytic: Float, _ numeric: Double, _ label: String) -> Bool {
        let ok = abs(Double(analytic) - numeric) <= tolerance * max(abs(numeric), 0.05)
        #expect(ok, "\(label): analytic \(analytic) vs numeric \(numeric)", sourceLocation: sourceLocation)
        return ok
    }
    for (k, g) in analyticInputs.enumerated() {
        for i in 0..<inputs[k].count {
            var plus = inputs, minus = inputs
            plus[k].data[i] += epsilon
            minus[k].data[i] -= epsilon
            let numeric = (loss(plus) - loss(minus)) / (2 * Double(epsilon))
            if !compare(g.data[i], numeric, "input \(k)[\(i)]") { return }
        }
    }
    for (p, g) in zip(parameters, analyticParams) {
        for i in 0..<p.value.count {
            let saved = p.value.data[i]
            p.value.data[i] = saved + epsilon
            let lp = loss(inputs)
            p.value.data[i] = saved - epsilon
            let lm = loss(inputs)
            p.value.data[i] = saved
            if !compare(g.data[i], (lp - lm) / (2 * Double(epsilon)), "\(p.name)[\(i)]") { return }
        }
    }
}

/// A random tensor whose entries stay at least `margin` away from zero (for kinked functions).
func randomTensor(_ shape: [Int], seed: UInt64, std: Float = 1, margin: Float = 0) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    var t = Tensor.normal(shape, std: std, using: &generator)
    for i in 0..<t.count where abs(t.data[i]) < margin { t.data[i] = t.data[i] < 0 ? -0.5 : 0.5 }
    return t
}

/// The gradients of a convolution of NHWC `x` with `weight` `[k, k, cin, cout]` (`stride`, `padding`)
/// for the output gradient `dy`, by a Double loop over the definition:
/// dX[n, iy, ix, ci] = Σ dY[n, oy, ox, o] · W[ky, kx, ci, o] and
/// dW[ky, kx, ci, o] = Σ X[n, iy, ix, ci] · dY[n, oy, ox, o] over iy = s·oy − p + ky, ix = s·ox − p + kx.
func convolutionGradientsByDefinition(x: Tensor, dy: Tensor, weight: Tensor, stride: Int, padding: Int) -> (dx: Tensor, dw: Tensor) {
    let (batch, height, width, cin) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow, cout, k) = (dy.shape[1], dy.shape[2], dy.shape[3], weight.shape[0])
    let w = weight.data
    var expected = [Double](repeating: 0, count: x.count)
    var expectedW = [Double](repeating: 0, count: weight.count)
    for n in 0..<batch {
        for oy in 0..<oh {
            for ox in 0..<ow {
                for ky in 0..<k {
                    let iy = stride * oy - padding + ky
                    guard iy >= 0, iy < height else { continue }
                    for kx in 0..<k {
                        let ix = stride * ox - padding + kx
                        guard ix >= 0, ix < width else { continue }
                        for ci in 0..<cin {
                            var s = 0.0
                            let xv = Double(x.data[((n * height + iy) * width + ix) * cin + ci])
                            for o in 0..<cout {
                                let g = Double(dy.data[((n * oh + oy) * ow + ox) * cout + o])
                                s += g * Double(w[((ky * k + kx) * cin + ci) * cout + o])
                                expectedW[((ky * k + kx) * cin + ci) * cout + o] += xv * g
                            }
                            expected[((n * height + iy) * width + ix) * cin + ci] += s
                        }
                    }
                }
            }
        }
    }
    return (Tensor(shape: x.shape, data: expected.map { Float($0) }), Tensor(shape: weight.shape, data: expectedW.map { Float($0) }))
}
