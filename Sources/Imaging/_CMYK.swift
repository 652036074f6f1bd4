/// CMYK to RGB the way Pillow and most browsers do it (no colour management):
/// `R = (255 - C) * (255 - K) / 255`. Adobe applications write inverted ink values, which
/// libjpeg-turbo passes through untouched; an Adobe APP14 marker says so.
enum _CMYK {
    /// - Parameter cmyk: 4 bytes per pixel as TurboJPEG's `TJPF_CMYK` returns them.
    /// - Complexity: O(pixels).
    static func rgb(from cmyk: [UInt8], inverted: Bool) -> [UInt8] {
        let pixelCount = cmyk.count / 4
        return [UInt8](unsafeUninitializedCapacity: pixelCount * 3) { output, count in
            for pixel in 0..<pixelCount {
                var ink = (Int(cmyk[pixel * 4]), Int(cmyk[pixel * 4 + 1]), Int(cmyk[pixel * 4 + 2]), Int(cmyk[pixel * 4 + 3]))
                if !inverted { ink = (255 - ink.0, 255 - ink.1, 255 - ink.2, 255 - ink.3) }
                // Now each value is 255 - ink: the fraction of light that passes.
                output[pixel * 3] = UInt8((ink.0 * ink.3 + 127) / 255)
                output[pixel * 3 + 1] = UInt8((ink.1 * ink.3 + 127) / 255)
                output[pixel * 3 + 2] = UInt8((ink.2 * ink.3 + 127) / 255)
            }
            count = pixelCount * 3
        }
    }
}
