/// Renders and encodes the file of one demo image: the scene as a photo-like JPEG, or, for a
/// body fault, the unusual or broken bytes the fault calls for.
struct _DemoImageFile {
    /// Pixel size of a demo image with `longSide` 640: Flickr `_z` shapes, a few larger.
    static func size(longSide: Int, _ rng: inout _SplitMix64) -> (width: Int, height: Int) {
        let roll = rng.unit()
        let long = roll < 0.05 ? longSide * 8 / 5 : longSide
        let (w, h): (Int, Int)
        switch rng.unit() {
        case ..<0.5: (w, h) = (long, long * 3 / 4)
        case ..<0.7: (w, h) = (long * 3 / 4, long)
        case ..<0.85: (w, h) = (long, long * 9 / 16)
        default: (w, h) = (long, long)
        }
        return (max(8, w), max(8, h))
    }

    /// The bytes to store for an image with `fault`.
    static func bytes(scene: DemoScene, fault: DemoFault, longSide: Int, jpeg: _JPEGWriter,
                      _ rng: inout _SplitMix64) throws -> [UInt8] {
        let quality = 75 + Int(rng.next() % 21)
        let subsampled = rng.unit() < 0.85
        let (width, height) = size(longSide: longSide, &rng)
        switch fault {
        case .zeroBytes:
            return []
        case .garbageBytes:
            return (0..<(4096 + Int(rng.next() % 20000))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        case .tinyImage:
            let image = _SceneRenderer(scene: scene, width: 24, height: 24).render(&rng)
            return try jpeg.encode(image, quality: quality, kind: .color(subsampled: subsampled))
        case .hugeDeclaredSize:
            let image = _SceneRenderer(scene: scene, width: 16, height: 16).render(&rng)
            let small = try jpeg.encode(image, quality: quality, kind: .color(subsampled: subsampled))
            return try _JPEGWriter.withDeclaredSize(small, width: 30000, height: 30000)
        default:
            break
        }
        let image = _SceneRenderer(scene: scene, width: width, height: height).render(&rng)
        switch fault {
        case .grayscaleJPEG: return try jpeg.encode(image, quality: quality, kind: .grayscale)
        case .grayPixelsJPEG: return try jpeg.encode(image.grayPixels(), quality: quality, kind: .color(subsampled: subsampled))
        case .cmykJPEG: return try jpeg.encode(image, quality: quality, kind: .cmyk)
        case .progressiveJPEG: return try jpeg.encode(image, quality: quality, kind: .color(subsampled: subsampled), progressive: true)
        case .pngRGB: return try _PNGWriter.encode(image, kind: .rgb)
        case .pngRGBA: return try _PNGWriter.encode(image, kind: .rgba)
        case .pngPalette: return try _PNGWriter.encode(image, kind: .palette)
        case .png16Bit: return try _PNGWriter.encode(image, kind: .rgb16)
        case .pngInterlaced: return try _PNGWriter.encode(image, kind: .rgb, interlaced: true)
        default: return try jpeg.encode(image, quality: quality, kind: .color(subsampled: subsampled))
        }
    }
}
