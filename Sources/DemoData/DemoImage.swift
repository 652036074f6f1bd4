import EEE443

/// One demo image with everything known about it before any pixel is drawn.
public struct DemoImage: Sendable, Hashable {
    /// The demo image id: the train row, or the train image count plus the test row.
    public let id: Int
    public let split: EEE443Split
    /// The row in its file's URL dataset.
    public let row: Int
    public let scene: DemoScene
    public let captions: [String]
    /// The URL written into the file.
    public let url: String
    /// The URL's path, also the file's path under `DIR/images`.
    public let path: String
    public let fault: DemoFault
    /// True when the scene shows a held-out (object, colour, background) triple.
    public let isHeldOut: Bool
}
