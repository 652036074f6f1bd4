/// Where the output's pixels come from: a source rectangle of the displayed image and the
/// destination rectangle it fills in the square canvas.
struct _ResizePlan: Equatable {
    /// Source rectangle in displayed (EXIF-oriented) original pixel coordinates; may be fractional.
    var sourceX: Double, sourceY: Double, sourceWidth: Double, sourceHeight: Double
    /// Destination rectangle inside the `size` x `size` canvas.
    var contentX: Int, contentY: Int, contentWidth: Int, contentHeight: Int

    /// The plan for a displayed image of `width` x `height`.
    init(width: Int, height: Int, size: Int, mode: ResizeMode) {
        precondition(width > 0 && height > 0 && size > 0, "resize plan needs positive sides")
        let (w, h) = (Double(width), Double(height))
        switch mode {
        case .centerCrop:
            let side = Double(min(width, height))
            (sourceX, sourceY, sourceWidth, sourceHeight) = ((w - side) / 2, (h - side) / 2, side, side)
            (contentX, contentY, contentWidth, contentHeight) = (0, 0, size, size)
        case .stretch:
            (sourceX, sourceY, sourceWidth, sourceHeight) = (0, 0, w, h)
            (contentX, contentY, contentWidth, contentHeight) = (0, 0, size, size)
        case .border:
            (sourceX, sourceY, sourceWidth, sourceHeight) = (0, 0, w, h)
            let longest = Double(max(width, height))
            contentWidth = max(1, Int((w * Double(size) / longest).rounded()))
            contentHeight = max(1, Int((h * Double(size) / longest).rounded()))
            contentX = (size - contentWidth) / 2
            contentY = (size - contentHeight) / 2
        }
    }

    /// The smallest factor that still leaves the source rectangle at least as large as the
    /// destination in both directions; 1/1 when even the full size is smaller (upscaling).
    /// - Parameter factors: candidate factors, smallest first, ending with 1/1 or below.
    func smallestSufficientScale(among factors: [ScaleFactor]) -> ScaleFactor {
        for factor in factors where factor.numerator <= factor.denominator {
            if sourceWidth * factor.value >= Double(contentWidth) && sourceHeight * factor.value >= Double(contentHeight) {
                return factor
            }
        }
        return .one
    }

    /// The source rectangle in stored (pre-orientation) coordinates of a `storedWidth` x
    /// `storedHeight` image, for EXIF orientation `orientation`.
    func storedSource(orientation: Int, storedWidth: Int, storedHeight: Int) -> (x: Double, y: Double, width: Double, height: Double) {
        let (w, h) = (Double(storedWidth), Double(storedHeight))
        // Maps a displayed point to the stored point it shows.
        func stored(_ x: Double, _ y: Double) -> (Double, Double) {
            switch orientation {
            case 2: (w - x, y)
            case 3: (w - x, h - y)
            case 4: (x, h - y)
            case 5: (y, x)
            case 6: (y, h - x)
            case 7: (w - y, h - x)
            case 8: (w - y, x)
            default: (x, y)
            }
        }
        let a = stored(sourceX, sourceY)
        let b = stored(sourceX + sourceWidth, sourceY + sourceHeight)
        return (min(a.0, b.0), min(a.1, b.1), abs(b.0 - a.0), abs(b.1 - a.1))
    }
}

/// Whether EXIF orientation `orientation` swaps width and height (5...8).
func _orientationTransposes(_ orientation: Int) -> Bool { (5...8).contains(orientation) }
