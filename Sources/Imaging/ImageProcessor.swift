/// Turns the bytes of one downloaded file into a `size` x `size` RGB image or a rejection.
///
/// The format is sniffed from the bytes. JPEG is decoded by TurboJPEG with DCT-domain scaling
/// (the smallest factor that keeps the crop at least `size` pixels), PNG by libpng; the result is
/// area-resampled. See docs/imaging.md for every decision rule.
///
/// A value type with no shared mutable state: `process` may run on many threads at once, each
/// call owning its own TurboJPEG handle.
public struct ImageProcessor: Sendable {
    public let options: ImageOptions

    public init(options: ImageOptions = ImageOptions()) {
        self.options = options
    }

    /// Decides on one file's bytes.
    /// - Complexity: O(bytes + scaled pixels) for JPEG, O(bytes + pixels) for PNG; pixel memory is
    ///   allocated only after the header passed the size limits.
    public func process(_ bytes: UnsafeRawBufferPointer) -> ImageDecision {
        let format = ImageFormat.sniff(bytes)
        var info = ImageInfo(format: format)
        if let entry = options.placeholders.match(bytes) {
            info.detail = "matches known placeholder \(entry.name.isEmpty ? entry.sha256 : entry.name)"
            return .rejected(.placeholder, info)
        }
        switch format {
        case .jpeg:
            return processJPEG(bytes, info: &info)
        case .png:
            return processPNG(bytes, info: &info)
        case .unknown:
            info.detail = bytes.isEmpty ? "empty file (0 bytes)" : "no JPEG or PNG signature (\(bytes.count) bytes, starts \(Self.hexPrefix(bytes)))"
            return .rejected(.corrupt, info)
        default:
            info.detail = "\(format.rawValue) is not decoded; only JPEG and PNG are"
            return .rejected(.unsupported, info)
        }
    }

    /// Decides on one file's bytes.
    public func process(_ bytes: [UInt8]) -> ImageDecision {
        bytes.withUnsafeBytes { process($0) }
    }

    /// Rejects a declared size outside the limits, before anything is allocated for pixels.
    func sizeRejection(width: Int, height: Int, info: inout ImageInfo) -> RejectReason? {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        if overflow || pixels > options.maxPixels {
            info.detail = "declares \(width)x\(height) = \(overflow ? "overflowing" : String(pixels)) pixels, limit \(options.maxPixels)"
            return .tooLarge
        }
        if min(width, height) < options.minSide {
            info.detail = "shorter side \(min(width, height)) < minimum \(options.minSide)"
            return .tooSmall
        }
        return nil
    }

    /// Checks colour, crops, resamples and orients a decoded RGB buffer in stored orientation.
    /// - Parameters:
    ///   - rgb: `decodedWidth * decodedHeight * 3` bytes decoded at `info.scale`.
    ///   - storedWidth, storedHeight: the image's full size before scaling and orientation.
    func finish(_ rgb: UnsafeBufferPointer<UInt8>, decodedWidth: Int, decodedHeight: Int,
                storedWidth: Int, storedHeight: Int, info: inout ImageInfo) -> ImageDecision {
        let spread = _ChromaSpread.maximum(rgb, pixelCount: decodedWidth * decodedHeight, stopAbove: options.grayTolerance)
        if spread <= options.grayTolerance {
            info.detail = "3 channels but every pixel within chroma tolerance \(options.grayTolerance) (max spread \(spread))"
            return .rejected(.grayscale, info)
        }
        let plan = _ResizePlan(width: info.width, height: info.height, size: options.size, mode: options.mode)
        let source = plan.storedSource(orientation: info.orientation, storedWidth: storedWidth, storedHeight: storedHeight)
        let factor = info.scale.value
        let transposes = _orientationTransposes(info.orientation)
        let (width, height) = transposes ? (plan.contentHeight, plan.contentWidth) : (plan.contentWidth, plan.contentHeight)
        let pixels = AreaResampler.resample(rgb, sourceWidth: decodedWidth, sourceHeight: decodedHeight,
                                            x: source.x * factor, y: source.y * factor,
                                            width: source.width * factor, height: source.height * factor,
                                            outputWidth: width, outputHeight: height)
        let content = RGBImage(width: width, height: height, pixels: pixels).oriented(info.orientation)
        guard options.mode == .border else { return .accepted(content, info) }
        return .accepted(content.padded(toSquare: options.size, x: plan.contentX, y: plan.contentY), info)
    }

    private static func hexPrefix(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits = Array("0123456789abcdef")
        return bytes.prefix(8).map { "\(digits[Int($0 >> 4)])\(digits[Int($0 & 15)])" }.joined()
    }
}
