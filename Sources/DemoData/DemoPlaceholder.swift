/// The single "photo unavailable" image every `redirectToPlaceholder` fault leads to, like the
/// picture Flickr serves for deleted photos. Its pixels are fixed (independent of the seed), so
/// the Imaging module's placeholder list can hold its hash.
public enum DemoPlaceholder {
    /// The path the host serves it at, and its file name under `DIR/images/`.
    public static let path = "/photo_unavailable.png"
    /// Flickr's placeholder is 500x374.
    public static let width = 500
    public static let height = 374

    /// The PNG bytes: a gray card with a darker picture-frame icon and a crossed-out mark.
    public static func pngBytes() throws -> [UInt8] {
        try _PNGWriter.encode(pixels(), kind: .rgb)
    }

    static func pixels() -> _RGBImage {
        var image = _RGBImage(width: width, height: height)
        let cx = Float(width) / 2, cy = Float(height) / 2 - 20
        for y in 0..<height {
            for x in 0..<width {
                let fx = Float(x) + 0.5, fy = Float(y) + 0.5
                var value: Float = 236
                // The frame icon: a rounded rectangle outline with a mountain inside.
                let ox = abs(fx - cx) - 70, oy = abs(fy - cy) - 52
                let outside = (max(ox, 0) * max(ox, 0) + max(oy, 0) * max(oy, 0)).squareRoot() + min(max(ox, oy), 0)
                let outline = _clamp01(0.5 - (abs(outside) - 4))
                let mountain = _clamp01(0.5 - ((fy - cy - 40) + abs(fx - cx + 15) * 0.9 - 60)) * (outside < 0 ? 1 : 0)
                let bar = _clamp01(0.5 - (abs(fy - (cy + 100)) - 6)) * (abs(fx - cx) < 110 ? 1 : 0)
                value -= 150 * max(outline, 0.55 * mountain, 0.5 * bar)
                let index = (y * width + x) * 3
                image.pixels[index] = _byte(value); image.pixels[index + 1] = _byte(value); image.pixels[index + 2] = _byte(value + 2)
            }
        }
        return image
    }
}
