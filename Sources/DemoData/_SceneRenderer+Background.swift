extension _SceneRenderer {
    /// Fills the raster with the scene's background: a vertical gradient plus texture.
    func drawBackground(_ image: inout _RGBImage, _ rng: inout _SplitMix64) {
        let w = width, h = height
        let hue = Float(rng.uniform(-12...12))
        let coarse = _ValueNoise(width: w, height: h, cellX: Float(w) / 5, cellY: Float(h) / 4, rng: &rng)
        let fine: _ValueNoise
        switch scene.background {
        case .grass: fine = _ValueNoise(width: w, height: h, cellX: 2.5, cellY: 14, rng: &rng)
        case .water: fine = _ValueNoise(width: w, height: h, cellX: 40, cellY: 6, rng: &rng)
        case .sky: fine = _ValueNoise(width: w, height: h, cellX: 70, cellY: 28, rng: &rng)
        default: fine = _ValueNoise(width: w, height: h, cellX: 3, cellY: 3, rng: &rng)
        }
        let horizon = Float(rng.uniform(0.3...0.42))
        let brickHeight = Float(h) / Float(rng.uniform(11...16))
        let brickWidth = brickHeight * 2.3
        let brickSeed = rng.next()
        image.pixels.withUnsafeMutableBufferPointer { p in
            for y in 0..<h {
                let v = Float(y) / Float(h)
                for x in 0..<w {
                    let fx = Float(x), fy = Float(y)
                    let c = coarse.sample(fx, fy)
                    var r: Float, g: Float, b: Float
                    switch scene.background {
                    case .sky:
                        (r, g, b) = Self.sky(v, hue)
                        let cloud = _smoothstep(0.55, 0.8, fine.sample(fx, fy) * 0.7 + c * 0.3)
                        r += (246 - r) * cloud; g += (247 - g) * cloud; b += (250 - b) * cloud
                    case .grass:
                        let blade = fine.sample(fx, fy) - 0.5
                        let light = 0.8 + 0.35 * c + 0.45 * blade
                        r = (55 + 20 * v + hue) * light; g = (140 - 25 * v) * light; b = 40 * light
                    case .water:
                        let wave = fine.sample(fx, fy)
                        let glint = _smoothstep(0.72, 0.9, wave)
                        r = 25 + 30 * wave + 200 * glint; g = 95 - 30 * v + 40 * wave + 150 * glint
                        b = 160 - 40 * v + 40 * c + 80 * glint
                    case .snow:
                        let n = fine.sample(fx, fy) - 0.5
                        r = 228 - 18 * c + 8 * n; g = 234 - 14 * c + 8 * n; b = 246 - 4 * c + 6 * n
                    case .beach:
                        if v < horizon * 0.5 {
                            (r, g, b) = Self.sky(v / horizon, hue)
                        } else if v < horizon {
                            let wave = 0.5 + 0.5 * _sine(fx * 0.05 + fy * 0.9)
                            r = 30 + 20 * wave; g = 110 + 25 * wave; b = 170 + 25 * c
                        } else {
                            let grain = fine.sample(fx, fy) - 0.5
                            let light = 0.92 + 0.12 * c + 0.14 * grain
                            r = 222 * light; g = 197 * light; b = 150 * light
                        }
                    case .street:
                        let grain = fine.sample(fx, fy) - 0.5
                        let base = 78 + 14 * c + 30 * grain
                        r = base; g = base; b = base + 5
                        let lane = abs(v - 0.82) < 0.012 && Int(fx / (Float(w) / 7)) % 2 == 0
                        if lane { r = 230; g = 220; b = 170 }
                    case .wall:
                        let row = Int(fy / brickHeight)
                        let shift = row % 2 == 0 ? 0 : brickWidth / 2
                        let column = Int((fx + shift) / brickWidth)
                        let mx = (fx + shift) - Float(column) * brickWidth, my = fy - Float(row) * brickHeight
                        let mortar = mx < 2.5 || my < 2.5
                        if mortar {
                            r = 196; g = 190; b = 178
                        } else {
                            let tone = Float(_hash(brickSeed, UInt64(row), UInt64(column)) & 0xFF) / 255 - 0.5
                            let grain = fine.sample(fx, fy) - 0.5
                            let light = 0.85 + 0.3 * tone + 0.15 * grain
                            r = 150 * light; g = 62 * light; b = 44 * light
                        }
                    case .field:
                        if v < horizon {
                            (r, g, b) = Self.sky(v / horizon, hue)
                        } else {
                            let depth = (v - horizon) / (1 - horizon)
                            let rows = 0.5 + 0.5 * _sine(1 / (depth + 0.05) * 9)
                            let grain = fine.sample(fx, fy) - 0.5
                            let light = 0.8 + 0.25 * c + 0.1 * rows + 0.2 * grain
                            r = (120 + hue) * light; g = 150 * light; b = 55 * light
                        }
                    }
                    let base = (y * w + x) * 3
                    p[base] = _byte(r); p[base + 1] = _byte(g); p[base + 2] = _byte(b)
                }
            }
        }
    }

    @inline(__always)
    static func sky(_ v: Float, _ hue: Float) -> (Float, Float, Float) {
        (70 + 100 * v + hue, 130 + 75 * v, 215 + 25 * v)
    }
}
