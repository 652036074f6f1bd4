/// How an image of any shape becomes a square `size` x `size` output.
public enum ResizeMode: String, Sendable, CaseIterable {
    /// Take the largest centred square and resize it (the seed's behaviour; the default).
    case centerCrop = "center_crop"
    /// Keep the aspect ratio, fit the whole image, pad the rest with white (as alpha is composited,
    /// and as img2dataset pads).
    case border
    /// Resize both sides to `size`, distorting the aspect ratio.
    case stretch
}
