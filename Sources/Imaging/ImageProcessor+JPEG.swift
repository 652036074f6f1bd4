import CTurboJPEG

extension ImageProcessor {
    func processJPEG(_ bytes: UnsafeRawBufferPointer, info: inout ImageInfo) -> ImageDecision {
        let decompressor: _TurboJPEGDecompressor
        do throws(_TurboJPEGDecompressor.Failure) {
            decompressor = try _TurboJPEGDecompressor()
        } catch {
            fatalError("out of memory: \(error.message)")
        }
        let header: _TurboJPEGDecompressor.Header
        do throws(_TurboJPEGDecompressor.Failure) {
            header = try decompressor.header(bytes)
        } catch {
            info.detail = error.message
            return .rejected(.corrupt, info)
        }
        let markers = _JPEGMarkers(bytes)
        info.orientation = markers.orientation
        (info.width, info.height) = _orientationTransposes(markers.orientation)
            ? (header.height, header.width) : (header.width, header.height)
        if let reason = sizeRejection(width: header.width, height: header.height, info: &info) {
            return .rejected(reason, info)
        }
        if header.colorspace == Int32(TJCS_GRAY.rawValue) {
            info.detail = "one channel (grayscale JPEG)"
            return .rejected(.grayscale, info)
        }
        let isCMYK = header.colorspace == Int32(TJCS_CMYK.rawValue) || header.colorspace == Int32(TJCS_YCCK.rawValue)
        let plan = _ResizePlan(width: info.width, height: info.height, size: options.size, mode: options.mode)
        let scale = plan.smallestSufficientScale(among: _TurboJPEGDecompressor.reducingScaleFactors)
        info.scale = scale
        let width = scale.scaled(header.width), height = scale.scaled(header.height)
        let channels = isCMYK ? 4 : 3
        var decoded = [UInt8](unsafeUninitializedCapacity: width * height * channels) { _, count in
            count = width * height * channels
        }
        info.decodedBytes = decoded.count
        let failure = decoded.withUnsafeMutableBytes { output in
            decompressor.decode(bytes, into: output, width: width, height: height, pixelFormat: isCMYK ? TJPF_CMYK : TJPF_RGB)
        }
        if let failure {
            info.detail = failure.message
            return .rejected(.corrupt, info)
        }
        if isCMYK {
            decoded = _CMYK.rgb(from: decoded, inverted: markers.hasAdobeMarker)
            info.decodedBytes += decoded.count
        }
        return decoded.withUnsafeBufferPointer {
            finish($0, decodedWidth: width, decodedHeight: height,
                   storedWidth: header.width, storedHeight: header.height, info: &info)
        }
    }
}
