/// An 8-bit interleaved RGB raster, row-major.
struct _RGBImage {
    let width: Int
    let height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int) {
        precondition(width > 0 && height > 0, "empty image \(width)x\(height)")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
    }

    /// The image with every pixel replaced by its luma in all three channels.
    func grayPixels() -> _RGBImage {
        var copy = self
        copy.pixels.withUnsafeMutableBufferPointer { p in
            var i = 0
            while i < p.count {
                let y = (77 * Int(p[i]) + 150 * Int(p[i + 1]) + 29 * Int(p[i + 2]) + 128) >> 8
                p[i] = UInt8(y); p[i + 1] = UInt8(y); p[i + 2] = UInt8(y)
                i += 3
            }
        }
        return copy
    }

    /// Nearest-neighbour downscale (only for the deliberately tiny fault image).
    func resized(width newWidth: Int, height newHeight: Int) -> _RGBImage {
        var out = _RGBImage(width: newWidth, height: newHeight)
        for y in 0..<newHeight {
            let sy = min(height - 1, (y * height + height / 2) / newHeight)
            for x in 0..<newWidth {
                let sx = min(width - 1, (x * width + width / 2) / newWidth)
                for c in 0..<3 { out.pixels[(y * newWidth + x) * 3 + c] = pixels[(sy * width + sx) * 3 + c] }
            }
        }
        return out
    }
}

/// Smooth 2-D value noise on a random lattice, bilinear with a smoothstep fade; values in [0, 1].
struct _ValueNoise {
    private let lattice: [Float]
    private let columns: Int
    private let rows: Int
    private let scaleX: Float
    private let scaleY: Float

    /// Noise over a `width` x `height` image with features about `cellX` x `cellY` pixels.
    init(width: Int, height: Int, cellX: Float, cellY: Float, rng: inout _SplitMix64) {
        columns = Int(Float(width) / cellX) + 3
        rows = Int(Float(height) / cellY) + 3
        scaleX = 1 / cellX
        scaleY = 1 / cellY
        var values = [Float](repeating: 0, count: columns * rows)
        for index in values.indices { values[index] = Float(rng.unit()) }
        lattice = values
    }

    @inline(__always)
    func sample(_ x: Float, _ y: Float) -> Float {
        let fx = x * scaleX, fy = y * scaleY
        let ix = Int(fx), iy = Int(fy)
        var tx = fx - Float(ix), ty = fy - Float(iy)
        tx = tx * tx * (3 - 2 * tx)
        ty = ty * ty * (3 - 2 * ty)
        return lattice.withUnsafeBufferPointer { l in
            let base = iy * columns + ix
            let a = l[base], b = l[base + 1], c = l[base + columns], d = l[base + columns + 1]
            let top = a + (b - a) * tx
            return top + (c + (d - c) * tx - top) * ty
        }
    }
}

@inline(__always) func _clamp01(_ x: Float) -> Float { min(1, max(0, x)) }
@inline(__always) func _smoothstep(_ a: Float, _ b: Float, _ x: Float) -> Float {
    let t = _clamp01((x - a) / (b - a))
    return t * t * (3 - 2 * t)
}
@inline(__always) func _byte(_ x: Float) -> UInt8 { UInt8(min(255, max(0, x + 0.5))) }
