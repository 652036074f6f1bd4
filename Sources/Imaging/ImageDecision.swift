/// Why an image was not accepted; each reason is distinct so a user can act on it.
public enum RejectReason: String, Sendable, CaseIterable {
    /// Undecodable: empty, not an image, truncated, damaged entropy data.
    case corrupt
    /// One channel, or three channels whose pixels all sit within the gray tolerance.
    case grayscale
    /// Shorter side below `ImageOptions.minSide`.
    case tooSmall = "too_small"
    /// Header declares more than `ImageOptions.maxPixels` pixels.
    case tooLarge = "too_large"
    /// A known "photo unavailable" image from `ImageOptions.placeholders`.
    case placeholder
    /// A recognised image format this module does not decode (GIF, WebP, BMP, ...).
    case unsupported
}

/// A DCT-domain scaling factor `numerator / denominator` applied while decoding a JPEG.
public struct ScaleFactor: Sendable, Equatable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int
    public static let one = ScaleFactor(numerator: 1, denominator: 1)

    public init(numerator: Int, denominator: Int) {
        precondition(numerator > 0 && denominator > 0, "scale factor \(numerator)/\(denominator) must be positive")
        self.numerator = numerator
        self.denominator = denominator
    }

    public var value: Double { Double(numerator) / Double(denominator) }
    public var description: String { "\(numerator)/\(denominator)" }

    /// `ceil(side * numerator / denominator)`, the size libjpeg-turbo decodes to (TJSCALED).
    public func scaled(_ side: Int) -> Int { (side * numerator + denominator - 1) / denominator }
}

/// What was learnt about an image on the way to a decision.
public struct ImageInfo: Sendable, Equatable {
    public var format: ImageFormat
    /// Size as displayed (after EXIF orientation); 0 when the header could not be read.
    public var width: Int = 0
    public var height: Int = 0
    /// EXIF orientation 1...8 (1 when absent or not a JPEG).
    public var orientation: Int = 1
    /// DCT scaling used for the decode (1/1 for PNG and when nothing was decoded).
    public var scale: ScaleFactor = .one
    /// Bytes of pixel memory this decode allocated (0 when nothing was decoded).
    public var decodedBytes: Int = 0
    /// A one-line explanation: the library's message for corrupt files, the measured figure otherwise.
    public var detail: String = ""

    public init(format: ImageFormat) { self.format = format }
}

/// The outcome of processing one image.
public enum ImageDecision: Sendable, Equatable {
    case accepted(RGBImage, ImageInfo)
    case rejected(RejectReason, ImageInfo)

    public var info: ImageInfo {
        switch self {
        case .accepted(_, let info), .rejected(_, let info): info
        }
    }

    /// The output image when accepted.
    public var image: RGBImage? {
        if case .accepted(let image, _) = self { image } else { nil }
    }

    /// The reason when rejected.
    public var reason: RejectReason? {
        if case .rejected(let reason, _) = self { reason } else { nil }
    }
}
