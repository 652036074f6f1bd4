import CTurboJPEG

/// Encodes RGB images as baseline JPEG with TurboJPEG.
public struct JPEGEncoder: Sendable {
    /// Chroma subsampling of the written file.
    public enum Subsampling: Sendable {
        case s444, s422, s420

        var turboJPEG: TJSAMP {
            switch self {
            case .s444: TJSAMP_444
            case .s422: TJSAMP_422
            case .s420: TJSAMP_420
            }
        }
    }

    public var quality: Int
    public var subsampling: Subsampling

    /// - Precondition: `quality` in 1...100.
    public init(quality: Int = 90, subsampling: Subsampling = .s420) {
        precondition((1...100).contains(quality), "JPEG quality must be in 1...100, got \(quality)")
        self.quality = quality
        self.subsampling = subsampling
    }

    /// - Returns: the JPEG file's bytes.
    /// - Throws: `ImageEncodeError` with TurboJPEG's message.
    public func encode(_ image: RGBImage) throws(ImageEncodeError) -> [UInt8] {
        guard let handle = tjInitCompress() else {
            throw ImageEncodeError(format: .jpeg, message: "tjInitCompress: \(String(cString: tjGetErrorStr2(nil)))")
        }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(handle, pixels.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_RGB.rawValue),
                        &output, &size, Int32(subsampling.turboJPEG.rawValue), Int32(quality), 0)
        }
        defer { tjFree(output) }
        guard status == 0, let output, size > 0 else {
            throw ImageEncodeError(format: .jpeg, message: String(cString: tjGetErrorStr2(handle)))
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
