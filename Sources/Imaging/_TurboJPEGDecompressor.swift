import CTurboJPEG

/// One TurboJPEG decompression handle, destroyed with the object.
///
/// Not Sendable: a handle keeps per-decode state, so each `ImageProcessor.process` call owns one.
final class _TurboJPEGDecompressor {
    struct Header {
        let width: Int
        let height: Int
        let subsampling: Int32
        let colorspace: Int32
    }

    /// A failed TurboJPEG call: its message, and whether libjpeg-turbo called it a warning.
    struct Failure: Error {
        let message: String
        let isWarning: Bool

        /// libjpeg-turbo warnings that leave every pixel intact (stray bytes between segments are
        /// common in camera and web files). Every other warning, "Premature end of JPEG file" first
        /// among them, means libjpeg-turbo filled missing data with gray: the file is corrupt.
        static let harmlessWarnings = ["extraneous bytes before marker"]

        var isHarmless: Bool { isWarning && Self.harmlessWarnings.contains { message.contains($0) } }
    }

    private let handle: tjhandle

    /// The DCT scaling factors libjpeg-turbo supports that do not enlarge, smallest first.
    static let reducingScaleFactors: [ScaleFactor] = {
        var count: Int32 = 0
        guard let factors = tjGetScalingFactors(&count), count > 0 else { return [.one] }
        var result: [ScaleFactor] = []
        for index in 0..<Int(count) where factors[index].num > 0 && factors[index].num <= factors[index].denom {
            result.append(ScaleFactor(numerator: Int(factors[index].num), denominator: Int(factors[index].denom)))
        }
        return result.isEmpty ? [.one] : result.sorted { $0.value < $1.value }
    }()

    /// - Throws: `Failure` when TurboJPEG cannot allocate a handle.
    init() throws(Failure) {
        guard let handle = tjInitDecompress() else {
            throw Failure(message: "tjInitDecompress failed: \(String(cString: tjGetErrorStr2(nil)))", isWarning: false)
        }
        self.handle = handle
    }

    deinit { tjDestroy(handle) }

    /// Reads the frame header: size, subsampling and colour space. Allocates nothing per pixel.
    /// - Throws: `Failure` for a stream TurboJPEG cannot parse or warns about (harmless warnings
    ///   excepted: 2.1.5 fills in the header before reporting them), or one declaring an empty
    ///   frame (2.1.5 can report success with 0x0 on some truncated streams).
    func header(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Header {
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        let status = tjDecompressHeader3(handle, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                         UInt(bytes.count), &width, &height, &subsampling, &colorspace)
        if status != 0, case let failure = failure(), !failure.isHarmless { throw failure }
        guard width > 0, height > 0 else {
            throw Failure(message: "header declares an empty \(width)x\(height) frame", isWarning: false)
        }
        return Header(width: Int(width), height: Int(height), subsampling: subsampling, colorspace: colorspace)
    }

    /// Decodes at `scale` into `output`, which must hold `scaled(width) * scaled(height) * channels`.
    /// - Parameters:
    ///   - pixelFormat: `TJPF_RGB` or `TJPF_CMYK`.
    /// - Returns: `nil` on success or after a harmless warning (the pixels are complete), else the
    ///   error or warning.
    func decode(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                width: Int, height: Int, pixelFormat: TJPF) -> Failure? {
        let status = tjDecompress2(handle, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt(bytes.count),
                                   output.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                   Int32(width), 0, Int32(height), Int32(pixelFormat.rawValue), 0)
        guard status != 0, case let failure = failure(), !failure.isHarmless else { return nil }
        return failure
    }

    private func failure() -> Failure {
        Failure(message: String(cString: tjGetErrorStr2(handle)), isWarning: tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue))
    }
}
