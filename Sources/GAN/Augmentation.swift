import Tensor

/// Differentiable augmentation of every image D sees (`augmentTranslation`, `augmentCutout`;
/// DiffAugment, Zhao et al. 2020, "Differentiable augmentation for data-efficient GAN
/// training"): real and generated images alike, in D's step and in G's, each image with its own
/// random draw, and G's gradient goes back through the augmentation (its adjoint).
///
/// - Translation: the image moves by (dy, dx), each uniform in [−t, t] pixels; what moves in from
///   outside is 0 (mid-gray in [−1, 1]).
/// - Cutout: a square of side c, its top-left corner uniform in [−c/2, S − c/2] per axis (so it
///   may hang over the edge), is set to 0 after the translation.
///
/// Both are linear in the image, so `adjoint` is exact: it moves each gradient pixel back to the
/// pixel it came from, and pixels that came from outside or were cut out get none.
/// Colour is not augmented: the colour is an attribute the captions name.
public struct ImageAugmentation: Sendable {
    /// One image's translation (dy, dx) and the top-left corner of its cutout square.
    public struct Draw: Equatable, Sendable {
        public var dy = 0, dx = 0, cutY = 0, cutX = 0
        public init(dy: Int = 0, dx: Int = 0, cutY: Int = 0, cutX: Int = 0) { (self.dy, self.dx, self.cutY, self.cutX) = (dy, dx, cutY, cutX) }
    }

    public let draws: [Draw]
    /// The cutout square's side (0: none).
    public let cutout: Int

    /// One draw per image of a batch of `count` images of side `size`, from `random` (two values
    /// per image for the translation if `translation` > 0, two for the cutout if `cutout` > 0).
    public init(count: Int, size: Int, translation: Int, cutout: Int, random: inout SeededGenerator) {
        func uniform(_ low: Int, _ high: Int) -> Int { low + Int(random.next() % UInt64(high - low + 1)) }
        var draws = [Draw](repeating: Draw(), count: count)
        for i in 0..<count {
            if translation > 0 { draws[i].dy = uniform(-translation, translation); draws[i].dx = uniform(-translation, translation) }
            if cutout > 0 { draws[i].cutY = uniform(-cutout / 2, size - cutout / 2); draws[i].cutX = uniform(-cutout / 2, size - cutout / 2) }
        }
        self.init(draws: draws, cutout: cutout)
    }

    public init(draws: [Draw], cutout: Int) {
        self.draws = draws
        self.cutout = cutout
    }

    /// `images` `[N, S, S, C]` augmented: out[y, x] = in[y − dy, x − dx] where that is inside the
    /// image and (y, x) is outside the cutout square, else 0.
    public func apply(_ images: Tensor) -> Tensor { move(images, forward: true) }

    /// The adjoint of `apply` for a gradient `[N, S, S, C]` with respect to its output.
    public func adjoint(_ gradient: Tensor) -> Tensor { move(gradient, forward: false) }

    private func move(_ source: Tensor, forward: Bool) -> Tensor {
        let (n, h, w, c) = (source.shape[0], source.shape[1], source.shape[2], source.shape[3])
        precondition(n == draws.count, "\(draws.count) augmentation draws for a batch of \(n)")
        var result = Tensor(zeros: source.shape)
        source.data.withUnsafeBufferPointer { from in
            result.data.withUnsafeMutableBufferPointer { to in
                for i in 0..<n {
                    let d = draws[i], base = i * h * w * c
                    // Forward: out[y, x] = in[y − dy, x − dx], the cutout in out's coordinates.
                    // Adjoint: grad_in[y − dy, x − dx] = grad_out[y, x] outside the cutout.
                    let (x0, x1) = (Swift.max(0, d.dx), Swift.min(w, w + d.dx))
                    let (y0, y1) = (Swift.max(0, d.dy), Swift.min(h, h + d.dy))
                    guard x0 < x1, y0 < y1 else { continue }
                    for y in y0..<y1 {
                        let outRow = base + y * w * c, inRow = base + (y - d.dy) * w * c
                        let cutRow = cutout > 0 && y >= d.cutY && y < d.cutY + cutout
                        for x in x0..<x1 where !(cutRow && x >= d.cutX && x < d.cutX + cutout) {
                            let o = outRow + x * c, s = inRow + (x - d.dx) * c
                            let (target, origin) = forward ? (o, s) : (s, o)
                            for k in 0..<c { to[target + k] = from[origin + k] }
                        }
                    }
                }
            }
        }
        return result
    }
}
