import Tensor

/// The mode-seeking term of G's loss (`modeSeeking`; Mao et al. 2019, "Mode seeking generative
/// adversarial networks for diverse image synthesis"): G's batch holds captions in pairs with
/// independent noise, and G loses λ / (r + 1e-5) where r is how far apart a pair's images are per
/// unit of noise distance, r = mean |x_i − x_j| / mean |z_i − z_j| over all pairs (i, j).
enum ModeSeeking {
    static let epsilon: Float = 1e-5

    /// For a batch of `n`, the row whose caption each of G's rows uses: row i + ⌊n/2⌋ repeats
    /// row i (i < ⌊n/2⌋); with an odd n the last row keeps its own and is in no pair.
    static func captionRows(count n: Int) -> [Int] {
        let half = n / 2
        return (0..<n).map { $0 >= half && $0 < 2 * half ? $0 - half : $0 }
    }

    /// The weighted term, the ratio r, and the term's gradient with respect to `images` (its first
    /// `noise.shape[0]` rows are the paired ones; further rows, e.g. interpolated captions', get 0).
    static func term(images: Tensor, noise: Tensor, weight: Float) -> (loss: Float, ratio: Float, imageGradient: Tensor) {
        let n = noise.shape[0], half = n / 2
        let perImage = images.count / images.shape[0], perNoise = noise.count / n
        var imageDistance = 0.0, noiseDistance = 0.0
        for i in 0..<half {
            for k in 0..<perImage { imageDistance += Double(abs(images.data[i * perImage + k] - images.data[(i + half) * perImage + k])) }
            for k in 0..<perNoise { noiseDistance += Double(abs(noise.data[i * perNoise + k] - noise.data[(i + half) * perNoise + k])) }
        }
        let a = imageDistance / Double(Swift.max(half * perImage, 1)), b = Swift.max(noiseDistance / Double(Swift.max(half * perNoise, 1)), 1e-12)
        let ratio = a / b
        let loss = Double(weight) / (ratio + Double(epsilon))
        // d loss / d x_i = −λ / (r + ε)² · sign(x_i − x_j) / (b · half · perImage), and the opposite for x_j.
        let scale = Float(-Double(weight) / ((ratio + Double(epsilon)) * (ratio + Double(epsilon))) / (b * Double(Swift.max(half * perImage, 1))))
        var gradient = Tensor(zeros: images.shape)
        for i in 0..<half {
            for k in 0..<perImage {
                let d = images.data[i * perImage + k] - images.data[(i + half) * perImage + k]
                let g: Float = d > 0 ? scale : (d < 0 ? -scale : 0)
                gradient.data[i * perImage + k] = g
                gradient.data[(i + half) * perImage + k] = -g
            }
        }
        return (Float(loss), Float(ratio), gradient)
    }
}
