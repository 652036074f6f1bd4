extension RGBImage {
    /// This image placed at (`x`, `y`) on a white `side` x `side` canvas.
    func padded(toSquare side: Int, x: Int, y: Int) -> RGBImage {
        precondition(x >= 0 && y >= 0 && x + width <= side && y + height <= side, "content does not fit the canvas")
        var canvas = [UInt8](repeating: 255, count: side * side * 3)
        for row in 0..<height {
            let target = ((y + row) * side + x) * 3
            canvas[target..<(target + width * 3)] = pixels[(row * width * 3)..<((row + 1) * width * 3)]
        }
        return RGBImage(width: side, height: side, pixels: canvas)
    }
}
