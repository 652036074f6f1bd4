// Times the GAN's convolution shapes and a plain sgemm with the Tensor module; prints one JSON
// object per line for scripts/bench/tensor_compare.py, which runs PyTorch on the same shapes.
// Usage: t2i-bench-tensor [threads] [batch] [layer-name filter]
import COpenBLAS
import Foundation
import Tensor

let arguments = CommandLine.arguments
let threads = arguments.count > 1 ? Int(arguments[1]) ?? 2 : 2
let batch = arguments.count > 2 ? Int(arguments[2]) ?? 64 : 64
let filter = arguments.count > 3 ? arguments[3] : nil
TensorThreads.set(threads)

/// Fastest time in seconds of `body` over enough runs to fill about `budget` seconds (at least 5).
func time(budget: Double = 0.6, _ body: () -> Void) -> Double {
    body(); body()
    var samples: [Double] = []
    let start = Date()
    while samples.count < 5 || (Date().timeIntervalSince(start) < budget && samples.count < 200) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
    }
    // The minimum: this machine is shared, and the least-disturbed run is the best estimate of the code's speed.
    return samples.min() ?? 0
}

func emit(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

// sgemm, square.
let n = 1024
var gen = SeededGenerator(seed: 1)
let a = Tensor.normal([n, n], std: 1, using: &gen), b = Tensor.normal([n, n], std: 1, using: &gen)
var c = [Float](repeating: 0, count: n * n)
let gemmSeconds = time {
    a.data.withUnsafeBufferPointer { ap in
        b.data.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(n), blasint(n), blasint(n), 1,
                            ap.baseAddress, blasint(n), bp.baseAddress, blasint(n), 0, cp.baseAddress, blasint(n))
            }
        }
    }
}
emit(["name": "sgemm 1024^3", "pass": "fwd", "seconds": gemmSeconds, "flops": 2.0 * Double(n * n * n)])

/// How a shape's layer is built.
enum Kind { case conv, transposed, upsample, upsampleBilinear }

/// One GAN layer shape: a Conv2d, a ConvTranspose2d, or an UpsampleConv2d (nearest 2x then a 3x3 conv,
/// G's stages under `generatorResize`); spatial size is the input's.
struct Shape {
    let name: String, kind: Kind, cin: Int, cout: Int, size: Int, kernel: Int, stride: Int, padding: Int
    /// An UpsampleConv2d from `size` to 2·`size`.
    static func upsample(_ name: String, cin: Int, cout: Int, size: Int, bilinear: Bool = false) -> Shape {
        Shape(name: name, kind: bilinear ? .upsampleBilinear : .upsample, cin: cin, cout: cout, size: size, kernel: 3, stride: 1, padding: 1)
    }
}

func ganShapes(width w: Int) -> [Shape] {
    [
        Shape(name: "G convT 1->4 (228->\(8 * w))", kind: .transposed, cin: 228, cout: 8 * w, size: 1, kernel: 4, stride: 1, padding: 0),
        Shape(name: "G convT 4->8 (\(8 * w)->\(4 * w))", kind: .transposed, cin: 8 * w, cout: 4 * w, size: 4, kernel: 4, stride: 2, padding: 1),
        Shape(name: "G convT 8->16 (\(4 * w)->\(2 * w))", kind: .transposed, cin: 4 * w, cout: 2 * w, size: 8, kernel: 4, stride: 2, padding: 1),
        Shape(name: "G convT 16->32 (\(2 * w)->\(w))", kind: .transposed, cin: 2 * w, cout: w, size: 16, kernel: 4, stride: 2, padding: 1),
        Shape(name: "G convT 32->64 (\(w)->3)", kind: .transposed, cin: w, cout: 3, size: 32, kernel: 4, stride: 2, padding: 1),
        // `make train`'s G (generatorResize [8, 16, 32, 64]) and D (discriminatorRefine [32]).
        .upsample("G upconv 4->8 (\(8 * w)->\(4 * w))", cin: 8 * w, cout: 4 * w, size: 4),
        .upsample("G upconv 8->16 (\(4 * w)->\(2 * w))", cin: 4 * w, cout: 2 * w, size: 8),
        .upsample("G upconv 16->32 (\(2 * w)->\(w))", cin: 2 * w, cout: w, size: 16),
        .upsample("G upconv 32->64 (\(w)->3)", cin: w, cout: 3, size: 32),
        // The same under `generatorResizeInterpolation: bilinear` (the output blurred; PyTorch
        // runs bilinear upsampling then the 3x3 conv).
        .upsample("G upconv-bl 4->8 (\(8 * w)->\(4 * w))", cin: 8 * w, cout: 4 * w, size: 4, bilinear: true),
        .upsample("G upconv-bl 8->16 (\(4 * w)->\(2 * w))", cin: 4 * w, cout: 2 * w, size: 8, bilinear: true),
        .upsample("G upconv-bl 16->32 (\(2 * w)->\(w))", cin: 2 * w, cout: w, size: 16, bilinear: true),
        .upsample("G upconv-bl 32->64 (\(w)->3)", cin: w, cout: 3, size: 32, bilinear: true),
        Shape(name: "D conv 64->32 (3->\(w))", kind: .conv, cin: 3, cout: w, size: 64, kernel: 4, stride: 2, padding: 1),
        Shape(name: "D conv 32->16 (\(w)->\(2 * w))", kind: .conv, cin: w, cout: 2 * w, size: 32, kernel: 4, stride: 2, padding: 1),
        Shape(name: "D conv3x3 32x32 (\(w)->\(w))", kind: .conv, cin: w, cout: w, size: 32, kernel: 3, stride: 1, padding: 1),
        Shape(name: "D conv 16->8 (\(2 * w)->\(4 * w))", kind: .conv, cin: 2 * w, cout: 4 * w, size: 16, kernel: 4, stride: 2, padding: 1),
        Shape(name: "D conv 8->4 (\(4 * w)->\(8 * w))", kind: .conv, cin: 4 * w, cout: 8 * w, size: 8, kernel: 4, stride: 2, padding: 1),
        Shape(name: "D conv1x1 4x4 (\(8 * w + 128)->\(8 * w))", kind: .conv, cin: 8 * w + 128, cout: 8 * w, size: 4, kernel: 1, stride: 1, padding: 0),
        Shape(name: "D conv 4->1 (\(8 * w)->1)", kind: .conv, cin: 8 * w, cout: 1, size: 4, kernel: 4, stride: 1, padding: 0),
    ]
}

for width in [32, 64] {
    for s in ganShapes(width: width) where filter.map({ "\(s.name) w\(width)".contains($0) }) ?? true {
        let layer: any Layer = switch s.kind {
        case .transposed: ConvTranspose2d(s.cin, s.cout, kernel: s.kernel, stride: s.stride, padding: s.padding, generator: &gen)
        case .conv: Conv2d(s.cin, s.cout, kernel: s.kernel, stride: s.stride, padding: s.padding, generator: &gen)
        case .upsample: UpsampleConv2d(s.cin, s.cout, generator: &gen)
        case .upsampleBilinear: UpsampleConv2d(s.cin, s.cout, interpolation: .bilinear, generator: &gen)
        }
        let x = Tensor.normal([batch, s.size, s.size, s.cin], std: 1, using: &gen)
        let y = layer.forward(x)
        let gy = Tensor.normal(y.shape, std: 1, using: &gen)
        // FLOPs of the multiply-adds: per (input or output) position, kernel² · cin · cout. An
        // UpsampleConv2d is counted as what it runs, the 4x4 stride-2 transposed conv it equals
        // (16 taps per input position; upsampling then a 3x3 conv, as PyTorch runs it, is 36).
        let positions = Double(s.kind == .conv ? y.count / s.cout : batch * s.size * s.size)
        // (The blur of a bilinear stage is not counted: about 6 additions per output value.)
        let taps = s.kind == .upsample || s.kind == .upsampleBilinear ? 16 : s.kernel * s.kernel
        let flops = 2 * positions * Double(taps * s.cin * s.cout)
        let forward = time { _ = layer.forward(x) }
        emit(["name": s.name, "width": width, "pass": "fwd", "seconds": forward, "flops": flops])
        let both = time {
            _ = layer.forward(x)
            _ = layer.backward(gy)
        }
        emit(["name": s.name, "width": width, "pass": "fwd+bwd", "seconds": both, "flops": 3 * flops])
    }
}
