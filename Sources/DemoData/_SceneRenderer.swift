/// Draws a `DemoScene` as a photo-like raster: textured gradient background, antialiased shaded
/// objects with soft shadows, a lens vignette and sensor noise (so JPEG sizes look like photos).
struct _SceneRenderer {
    let scene: DemoScene
    let width: Int
    let height: Int

    func render(_ rng: inout _SplitMix64) -> _RGBImage {
        var image = _RGBImage(width: width, height: height)
        drawBackground(&image, &rng)
        for placed in placements(&rng) {
            if scene.background != .sky && scene.background != .wall { drawShadow(placed, &image) }
            drawObject(placed, &image, &rng)
        }
        finish(&image, &rng)
        return image
    }

    /// An object with its centre and radius in pixels.
    struct Placed {
        let object: DemoObject
        let cx: Float
        let cy: Float
        let r: Float
        let tilt: Float
    }

    func placements(_ rng: inout _SplitMix64) -> [Placed] {
        let short = Float(min(width, height))
        func place(_ object: DemoObject, _ x: Float, _ y: Float, cap: Float) -> Placed {
            let jx = Float(rng.uniform(-0.035...0.035)), jy = Float(rng.uniform(-0.035...0.035))
            let r = short * min(cap, object.size.radiusFraction) * Float(rng.uniform(0.9...1.1))
            return Placed(object: object, cx: (x + jx) * Float(width), cy: (y + jy) * Float(height), r: r,
                          tilt: Float(rng.uniform(-0.35...0.35)))
        }
        guard let second = scene.second, let relation = scene.relation else {
            let anchor = scene.position.anchor
            return [place(scene.first, anchor.x, anchor.y, cap: 0.25)]
        }
        switch relation {
        case .nextTo:
            return [place(scene.first, 0.29, 0.55, cap: 0.19), place(second, 0.71, 0.55, cap: 0.19)]
        case .above:
            return [place(scene.first, 0.5, 0.27, cap: 0.19), place(second, 0.5, 0.73, cap: 0.19)]
        case .below:
            return [place(scene.first, 0.5, 0.73, cap: 0.19), place(second, 0.5, 0.27, cap: 0.19)]
        }
    }

    /// Vignette and noise, the last pass over every pixel, in 16.16 fixed point: it runs on
    /// every pixel of every image, so it avoids float conversions in the inner loop.
    private func finish(_ image: inout _RGBImage, _ rng: inout _SplitMix64) {
        let amplitude = Int(rng.uniform(5...11) * 256)
        var state = UInt32(truncatingIfNeeded: rng.next()) | 1
        let cx = Float(width) / 2, cy = Float(height) / 2
        let inverse = 1 / (cx * cx + cy * cy)
        let strength = Float(rng.uniform(0.15...0.3))
        let columnTerms = (0..<width).map { x -> Float in
            let dx = Float(x) - cx
            return strength * dx * dx * inverse
        }
        let w = width
        image.pixels.withUnsafeMutableBufferPointer { p in
            columnTerms.withUnsafeBufferPointer { columns in
                for y in 0..<height {
                    let dy = Float(y) - cy
                    let rowTerm = strength * dy * dy * inverse
                    var index = y * w * 3
                    for x in 0..<w {
                        let gain = Int((1 - rowTerm - columns[x]) * 65536)
                        state ^= state << 13; state ^= state >> 17; state ^= state << 5
                        let shared = ((Int(state & 0xFF) - 128) * amplitude) >> 16
                        for c in 0..<3 {
                            let own = ((Int((state >> (8 + 8 * UInt32(c))) & 0xFF) - 128) * amplitude) >> 17
                            let value = ((Int(p[index]) * gain) >> 16) + shared + own
                            p[index] = UInt8(min(255, max(0, value)))
                            index += 1
                        }
                    }
                }
            }
        }
    }

    private func drawShadow(_ placed: Placed, _ image: inout _RGBImage) {
        let sx = placed.cx + 0.12 * placed.r, sy = placed.cy + 0.95 * placed.r
        let rx = placed.r * 0.95, ry = placed.r * 0.28
        let x0 = max(0, Int(sx - 1.6 * rx)), x1 = min(width - 1, Int(sx + 1.6 * rx))
        let y0 = max(0, Int(sy - 1.6 * ry)), y1 = min(height - 1, Int(sy + 1.6 * ry))
        guard x0 <= x1, y0 <= y1 else { return }
        let w = width
        image.pixels.withUnsafeMutableBufferPointer { p in
            for y in y0...y1 {
                let ny = (Float(y) - sy) / ry
                for x in x0...x1 {
                    let nx = (Float(x) - sx) / rx
                    let shade = 1 - 0.4 * (1 - _smoothstep(-0.4, 0.6, (nx * nx + ny * ny).squareRoot() - 1))
                    let base = (y * w + x) * 3
                    for c in 0..<3 { p[base + c] = _byte(Float(p[base + c]) * shade) }
                }
            }
        }
    }
}
