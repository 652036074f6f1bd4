/// What the processor produces and what it refuses.
public struct ImageOptions: Sendable {
    /// Side of the square output in pixels.
    public var size: Int
    public var mode: ResizeMode
    /// Images whose shorter side (as stored) is below this are rejected as too small.
    public var minSide: Int
    /// Images declaring more pixels than this are rejected from the header, before any decoding.
    public var maxPixels: Int
    /// A 3-channel image is grayscale when every decoded pixel has
    /// `max(R,G,B) - min(R,G,B) <= grayTolerance`.
    public var grayTolerance: Int
    /// Known "photo unavailable" images.
    public var placeholders: PlaceholderList

    /// - Precondition: `size > 0`, `minSide >= 1`, `maxPixels >= 1`, `grayTolerance >= 0`.
    public init(size: Int = 64, mode: ResizeMode = .centerCrop, minSide: Int = 64,
                maxPixels: Int = 40_000_000, grayTolerance: Int = 8,
                placeholders: PlaceholderList = PlaceholderList()) {
        precondition(size > 0 && size <= 4096, "output size must be in 1...4096, got \(size)")
        precondition(minSide >= 1, "minSide must be at least 1, got \(minSide)")
        precondition(maxPixels >= 1, "maxPixels must be at least 1, got \(maxPixels)")
        precondition(grayTolerance >= 0, "grayTolerance must not be negative, got \(grayTolerance)")
        self.size = size
        self.mode = mode
        self.minSide = minSide
        self.maxPixels = maxPixels
        self.grayTolerance = grayTolerance
        self.placeholders = placeholders
    }
}
