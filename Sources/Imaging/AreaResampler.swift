/// Exact area (box) resampling: each output pixel is the coverage-weighted mean of the source
/// pixels under its footprint, with fractional coverage at the edges.
///
/// It works for reduction and enlargement and for fractional source rectangles, so a crop can be
/// expressed in original-image coordinates even after a DCT-scaled decode.
public enum AreaResampler {
    /// Resamples the rectangle `(x, y, width, height)` of an RGB buffer to `outputWidth` x `outputHeight`.
    /// - Parameters:
    ///   - source: `sourceWidth * sourceHeight * 3` bytes, HWC.
    ///   - x, y, width, height: the source rectangle in pixel units; clamped to the image.
    /// - Returns: `outputWidth * outputHeight * 3` bytes, rounded to nearest.
    /// - Complexity: O((sourceRows + outputHeight) * outputWidth * taps), taps ~ scale + 2.
    public static func resample(_ source: UnsafeBufferPointer<UInt8>, sourceWidth: Int, sourceHeight: Int,
                                x: Double, y: Double, width: Double, height: Double,
                                outputWidth: Int, outputHeight: Int) -> [UInt8] {
        precondition(source.count >= sourceWidth * sourceHeight * 3, "source buffer smaller than its declared size")
        precondition(outputWidth > 0 && outputHeight > 0, "output must not be empty")
        let columns = _AxisWeights(origin: x, length: width, extent: sourceWidth, count: outputWidth)
        let rows = _AxisWeights(origin: y, length: height, extent: sourceHeight, count: outputHeight)
        let firstRow = rows.first[0]
        let lastRow = rows.first[outputHeight - 1] + rows.taps[outputHeight - 1]
        let rowStride = outputWidth * 3

        // Horizontal pass over only the rows the vertical pass will read.
        var horizontal = [Float](repeating: 0, count: (lastRow - firstRow) * rowStride)
        horizontal.withUnsafeMutableBufferPointer { buffer in
            for row in firstRow..<lastRow {
                let sourceRow = row * sourceWidth * 3
                let targetRow = (row - firstRow) * rowStride
                for column in 0..<outputWidth {
                    var (r, g, b): (Float, Float, Float) = (0, 0, 0)
                    let start = columns.first[column]
                    var weightIndex = columns.offset[column]
                    for sourceColumn in start..<(start + columns.taps[column]) {
                        let weight = columns.weights[weightIndex]
                        let pixel = sourceRow + sourceColumn * 3
                        r += weight * Float(source[pixel])
                        g += weight * Float(source[pixel + 1])
                        b += weight * Float(source[pixel + 2])
                        weightIndex += 1
                    }
                    buffer[targetRow + column * 3] = r
                    buffer[targetRow + column * 3 + 1] = g
                    buffer[targetRow + column * 3 + 2] = b
                }
            }
        }

        // Vertical pass: a weighted sum of whole rows, which the compiler vectorises.
        var output = [UInt8](repeating: 0, count: outputHeight * rowStride)
        var accumulator = [Float](repeating: 0, count: rowStride)
        horizontal.withUnsafeBufferPointer { buffer in
            output.withUnsafeMutableBufferPointer { target in
                accumulator.withUnsafeMutableBufferPointer { sum in
                    for outputRow in 0..<outputHeight {
                        for index in 0..<rowStride { sum[index] = 0 }
                        for tap in 0..<rows.taps[outputRow] {
                            let weight = rows.weights[rows.offset[outputRow] + tap]
                            let source = (rows.first[outputRow] + tap - firstRow) * rowStride
                            for index in 0..<rowStride { sum[index] += weight * buffer[source + index] }
                        }
                        let base = outputRow * rowStride
                        for index in 0..<rowStride { target[base + index] = UInt8(max(0, min(255, sum[index] + 0.5))) }
                    }
                }
            }
        }
        return output
    }

    /// Resamples a whole image to `outputWidth` x `outputHeight`.
    public static func resize(_ image: RGBImage, width outputWidth: Int, height outputHeight: Int) -> RGBImage {
        let pixels = image.pixels.withUnsafeBufferPointer {
            resample($0, sourceWidth: image.width, sourceHeight: image.height, x: 0, y: 0,
                     width: Double(image.width), height: Double(image.height),
                     outputWidth: outputWidth, outputHeight: outputHeight)
        }
        return RGBImage(width: outputWidth, height: outputHeight, pixels: pixels)
    }
}

/// Per-output-pixel source spans and normalised coverage weights along one axis.
struct _AxisWeights {
    var first: [Int] = []
    var taps: [Int] = []
    var offset: [Int] = []
    var weights: [Float] = []

    init(origin: Double, length: Double, extent: Int, count: Int) {
        let step = length / Double(count)
        let limit = Double(extent)
        for index in 0..<count {
            var low = min(max(origin + Double(index) * step, 0), limit)
            var high = min(max(origin + Double(index + 1) * step, 0), limit)
            if high - low < 1e-9 { // a footprint outside the image: use the nearest pixel
                low = min(max(low.rounded(.down), 0), limit - 1)
                high = low + 1
            }
            let start = Int(low.rounded(.down))
            let end = min(extent, Int(high.rounded(.up)))
            first.append(start)
            taps.append(end - start)
            offset.append(weights.count)
            let total = high - low
            for pixel in start..<end {
                let covered = min(high, Double(pixel + 1)) - max(low, Double(pixel))
                weights.append(Float(covered / total))
            }
        }
    }
}
