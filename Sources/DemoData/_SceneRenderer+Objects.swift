#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension _SceneRenderer {
    /// Composites one object over the raster, antialiased by signed distance (coverage 0.5 - d).
    func drawObject(_ placed: Placed, _ image: inout _RGBImage, _ rng: inout _SplitMix64) {
        let r = placed.r
        let x0 = max(0, Int(placed.cx - 1.3 * r)), x1 = min(width - 1, Int(placed.cx + 1.3 * r))
        let y0 = max(0, Int(placed.cy - 1.3 * r)), y1 = min(height - 1, Int(placed.cy + 2.6 * r))
        guard x0 <= x1, y0 <= y1 else { return }
        let base = placed.object.colour.rgb
        let cosTilt = _cosine(placed.tilt), sinTilt = _sine(placed.tilt)
        let w = width
        image.pixels.withUnsafeMutableBufferPointer { p in
            for y in y0...y1 {
                for x in x0...x1 {
                    let dx = Float(x) + 0.5 - placed.cx, dy = Float(y) + 0.5 - placed.cy
                    let s = Self.shade(placed.object.kind, dx, dy, r, base, cosTilt, sinTilt)
                    guard s.a > 0 else { continue }
                    let index = (y * w + x) * 3
                    p[index] = _byte(Float(p[index]) * (1 - s.a) + s.r * s.a)
                    p[index + 1] = _byte(Float(p[index + 1]) * (1 - s.a) + s.g * s.a)
                    p[index + 2] = _byte(Float(p[index + 2]) * (1 - s.a) + s.b * s.a)
                }
            }
        }
    }

    typealias RGB = (Float, Float, Float)
    typealias Shade = (a: Float, r: Float, g: Float, b: Float)

    @inline(__always) static func cover(_ d: Float) -> Float { _clamp01(0.5 - d) }
    @inline(__always) static func scaled(_ c: RGB, _ k: Float) -> RGB { (c.0 * k, c.1 * k, c.2 * k) }
    @inline(__always) static func mixed(_ c: RGB, _ o: RGB, _ t: Float) -> RGB {
        (c.0 + (o.0 - c.0) * t, c.1 + (o.1 - c.1) * t, c.2 + (o.2 - c.2) * t)
    }
    /// Lighting that keeps dark colours visible: scales toward white as well as black.
    @inline(__always) static func lit(_ c: RGB, _ light: Float) -> RGB {
        light >= 1 ? mixed(c, (255, 255, 255), min(1, (light - 1) * 0.8)) : scaled(c, max(0.15, light))
    }
    /// Distance from (x, y) to the segment (ax, ay)-(bx, by).
    @inline(__always) static func segment(_ x: Float, _ y: Float, _ ax: Float, _ ay: Float, _ bx: Float, _ by: Float) -> Float {
        let px = x - ax, py = y - ay, qx = bx - ax, qy = by - ay
        let t = _clamp01((px * qx + py * qy) / (qx * qx + qy * qy))
        let ex = px - qx * t, ey = py - qy * t
        return (ex * ex + ey * ey).squareRoot()
    }
    @inline(__always) static func over(_ top: Shade, _ bottom: Shade) -> Shade {
        guard top.a < 1 else { return top }
        let a = top.a + bottom.a * (1 - top.a)
        guard a > 0 else { return (0, 0, 0, 0) }
        func blend(_ t: Float, _ b: Float) -> Float { (t * top.a + b * bottom.a * (1 - top.a)) / a }
        return (a, blend(top.r, bottom.r), blend(top.g, bottom.g), blend(top.b, bottom.b))
    }
    @inline(__always) static func shade(_ a: Float, _ c: RGB) -> Shade { (a, c.0, c.1, c.2) }

    static func shade(_ kind: DemoObjectKind, _ dx: Float, _ dy: Float, _ r: Float, _ base: RGB,
                      _ cosTilt: Float, _ sinTilt: Float) -> Shade {
        let len = (dx * dx + dy * dy).squareRoot()
        switch kind {
        case .ball:
            let a = cover(len - r)
            guard a > 0 else { return (0, 0, 0, 0) }
            let nx = dx / r, ny = dy / r
            let nz = max(0, 1 - nx * nx - ny * ny).squareRoot()
            let lambert = max(0, -0.45 * nx - 0.55 * ny + 0.7 * nz)
            var spec = lambert * lambert; spec *= spec; spec *= spec; spec *= spec
            let c = mixed(lit(base, 0.35 + 0.8 * lambert), (255, 255, 255), 0.55 * spec)
            return shade(a, c)
        case .kite:
            let x = dx * cosTilt + dy * sinTilt, y = -dx * sinTilt + dy * cosTilt
            let d = (abs(x) / (0.72 * r) + abs(y) / r - 1) * 0.58 * r
            let tail = segment(x, y, 0, r, 0.25 * r, 1.7 * r) - max(1, 0.025 * r)
            let tail2 = segment(x, y, 0.25 * r, 1.7 * r, -0.1 * r, 2.5 * r) - max(1, 0.025 * r)
            let string: Shade = shade(cover(min(tail, tail2)), (60, 55, 50))
            let a = cover(d)
            guard a > 0 else { return string }
            let spar = min(abs(x), abs(y)) < max(0.8, 0.02 * r)
            let c = spar ? scaled(base, 0.55) : lit(base, x * y > 0 ? 1.12 : 0.82)
            return over(shade(a, c), string)
        case .sign:
            let octagon = max(max(abs(dx), abs(dy)), (abs(dx) + abs(dy)) * 0.7071) - 0.82 * r
            let pole: Shade = shade(cover(max(abs(dx) - 0.06 * r, max(0.7 * r - dy, dy - 2.5 * r))),
                                    (150 - 40 * dx / (0.06 * r), 150 - 40 * dx / (0.06 * r), 155))
            let a = cover(octagon)
            guard a > 0 else { return pole }
            let border = octagon > -0.09 * r
            let bar = abs(dy) < 0.13 * r && abs(dx) < 0.5 * r
            let c: RGB = border || bar ? (242, 242, 238) : lit(base, 1.05 - 0.25 * dy / r)
            return over(shade(a, c), pole)
        case .plate:
            let ex = dx / r, ey = dy / (0.72 * r)
            let e = (ex * ex + ey * ey).squareRoot()
            let a = cover((e - 1) * 0.72 * r)
            guard a > 0 else { return (0, 0, 0, 0) }
            let c = e > 0.72 ? lit(base, 0.95 - 0.25 * ey) : lit(base, 1.12 + 0.08 * ey)
            let groove = abs(e - 0.72) < 0.03
            return shade(a, groove ? scaled(base, 0.7) : c)
        case .clock:
            let a = cover(len - r)
            guard a > 0 else { return (0, 0, 0, 0) }
            if len > 0.8 * r { return shade(a, lit(base, 1.0 - 0.3 * dy / r)) }
            let hand = min(segment(dx, dy, 0, 0, 0, -0.6 * r), segment(dx, dy, 0, 0, 0.45 * r, 0.12 * r))
            let handCover = cover(hand - max(1, 0.04 * r))
            let face: RGB = (244, 242, 235)
            return shade(a, mixed(face, (25, 25, 25), handCover))
        case .frisbee:
            let ex = dx / r, ey = dy / (0.36 * r)
            let e = (ex * ex + ey * ey).squareRoot()
            let a = cover((e - 1) * 0.36 * r)
            guard a > 0 else { return (0, 0, 0, 0) }
            let rim = e > 0.82
            return shade(a, lit(base, rim ? 0.75 : 1.1 - 0.3 * ey))
        case .pizza:
            let a = cover(len - r)
            guard a > 0 else { return (0, 0, 0, 0) }
            if len > 0.84 * r { return shade(a, mixed(base, (205, 150, 80), 0.55)) }
            var spot: Float = 0
            for k in 0..<6 {
                let angle = Float(k) * 1.047 + 0.3
                let sx = 0.5 * r * _cosine(angle), sy = 0.5 * r * _sine(angle)
                let dd = ((dx - sx) * (dx - sx) + (dy - sy) * (dy - sy)).squareRoot()
                spot = max(spot, cover(dd - 0.12 * r))
            }
            let slice = min(abs(dx), abs(dy)) < max(0.6, 0.015 * r)
            let c = mixed(lit(base, 1.0 - 0.15 * dy / r), (90, 30, 25), spot)
            return shade(a, slice ? scaled(c, 0.7) : c)
        case .donut:
            let t = (len - 0.6 * r) / (0.4 * r)
            let a = cover(abs(len - 0.6 * r) - 0.4 * r)
            guard a > 0 else { return (0, 0, 0, 0) }
            let tube = max(0, 1 - t * t).squareRoot()
            return shade(a, lit(base, 0.55 + 0.55 * tube - 0.25 * dy / r))
        case .box:
            let x = dx * cosTilt * 0.3 + dx * 0.7 + dy * sinTilt * 0.3
            let y = dy - dx * sinTilt * 0.3
            let a = cover(max(abs(x) - 0.85 * r, abs(y) - 0.72 * r))
            guard a > 0 else { return (0, 0, 0, 0) }
            let top = y < -0.45 * r, side = x > 0.55 * r
            let tape = abs(x) < 0.07 * r
            let c = lit(base, top ? 1.2 : (side ? 0.7 : 0.95))
            return shade(a, tape ? scaled(c, 0.8) : c)
        case .umbrella:
            let handle: Shade = shade(cover(min(segment(dx, dy, 0, 0, 0, 1.05 * r),
                                                abs(((dx + 0.12 * r) * (dx + 0.12 * r) + (dy - 1.05 * r) * (dy - 1.05 * r)).squareRoot() - 0.12 * r) + (dy < 1.05 * r ? r : 0))
                                            - max(1, 0.035 * r)), (55, 45, 40))
            let scallop = 0.06 * r * abs(_sine(atan2(dy, dx) * 4))
            let a = cover(max(len - r, dy + scallop - 0.02 * r))
            guard a > 0 else { return handle }
            let panel = Int((atan2(dy, dx) + Float.pi) / (Float.pi / 4)) % 2 == 0
            return over(shade(a, lit(base, (panel ? 1.1 : 0.85) - 0.15 * dy / r)), handle)
        }
    }
}
