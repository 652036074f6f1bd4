/// The largest `max(R,G,B) - min(R,G,B)` over an RGB buffer.
enum _ChromaSpread {
    /// - Parameter stopAbove: return as soon as the spread exceeds this (the image has colour).
    /// - Complexity: O(pixelCount), usually far less for colour images.
    static func maximum(_ rgb: UnsafeBufferPointer<UInt8>, pixelCount: Int, stopAbove limit: Int) -> Int {
        var largest = 0
        var index = 0
        for _ in 0..<pixelCount {
            let (r, g, b) = (Int(rgb[index]), Int(rgb[index + 1]), Int(rgb[index + 2]))
            let spread = max(r, g, b) - min(r, g, b)
            if spread > largest {
                largest = spread
                if largest > limit { return largest }
            }
            index += 3
        }
        return largest
    }
}
