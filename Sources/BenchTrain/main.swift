// Times whole GAN-INT-CLS training steps (64x64, GloVe text, interpolation on) with our trainer's
// step function and prints one JSON object per line for scripts/bench/80-train.sh, which runs
// the PyTorch reference (scripts/gan_reference.py) on the same architecture and loss.
// Usage: t2i-bench-train [threads] [batch] [steps] [widths, comma-separated]
import COpenBLAS
import Foundation
import GAN
import Tensor
import Training

let arguments = CommandLine.arguments
let threads = arguments.count > 1 ? Int(arguments[1]) ?? 2 : 2
let batch = arguments.count > 2 ? Int(arguments[2]) ?? 64 : 64
let steps = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5
let widths = arguments.count > 4 ? arguments[4].split(separator: ",").compactMap { Int($0) } : [32, 64]
TensorThreads.set(threads)

func emit(_ fields: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
    FileHandle.standardOutput.write(data + Data("\n".utf8))

}

func seconds(_ body: () -> Void) -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
}

// The sgemm rate on this machine now (fastest of 5), to put the training rate in context.
let n = 1024
var gen = SeededGenerator(seed: 1)
let a = Tensor.normal([n, n], std: 1, using: &gen), b = Tensor.normal([n, n], std: 1, using: &gen)
var c = [Float](repeating: 0, count: n * n)
let gemm = (0..<5).map { _ in
    seconds {
        a.data.withUnsafeBufferPointer { ap in
            b.data.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(n), blasint(n), blasint(n), 1,
                                ap.baseAddress, blasint(n), bp.baseAddress, blasint(n), 0, cp.baseAddress, blasint(n))
                }
            }
        }
    }
}.min() ?? 1
emit(["impl": "swift", "name": "sgemm", "gflops": 2.0 * Double(n * n * n) / gemm / 1e9])

for width in widths {
    var config = TrainingConfiguration()
    config.model = GANConfiguration(imageSize: 64, width: width, textEncoder: .glove, interpolation: true)
    config.data = DataConfiguration(count: batch, seed: 1)
    let data = try config.makeData()
    let real = try data.batch(records: Array(0..<batch), captions: [Int](repeating: 0, count: batch))
    let model = GANModel(config.model, seed: 1)
    var random = SeededGenerator(seed: 2)
    _ = model.trainStep(images: real.images, captions: real.captions, random: &random)  // warm-up
    let times = (0..<steps).map { _ in
        seconds { _ = model.trainStep(images: real.images, captions: real.captions, random: &random) }
    }.sorted()
    emit(["impl": "swift", "name": "train step", "width": width, "batch": batch, "threads": threads,
          "best": times[0], "median": times[times.count / 2]])
}
