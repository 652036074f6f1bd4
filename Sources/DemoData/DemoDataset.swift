import EEE443
import Foundation

/// What to generate.
public struct DemoDatasetOptions: Sendable {
    public var trainImages: Int
    public var testImages: Int
    public var seed: UInt64
    /// Host (and optional `:port`) written into the URLs; see `DemoURL`.
    public var host: String
    /// Long side of a standard image (Flickr `_z`: 640). Tests shrink it to stay fast.
    public var longSide: Int

    /// Every `heldOutTestStride`-th test image (rows 0, 5, 10, ...: 20%) shows a held-out triple.
    public static let heldOutTestStride = 5

    public init(trainImages: Int = 10_000, testImages: Int = 1_000, seed: UInt64 = 443,
                host: String = DemoURL.placeholderHost, longSide: Int = 640) {
        self.trainImages = trainImages
        self.testImages = testImages
        self.seed = seed
        self.host = host
        self.longSide = longSide
    }
}

/// The demo dataset: scenes, captions and URLs of every image, generated (without pixels) on
/// init as a pure function of the options; `write(to:)` renders the files.
public struct DemoDataset: Sendable {
    public let options: DemoDatasetOptions
    public let train: [DemoImage]
    public let test: [DemoImage]

    /// File names written under the output folder.
    public static let imagesFolder = "images"
    public static let indexFileName = "demo_images.tsv"
    public static let heldOutFileName = "held_out_combinations.tsv"

    public init(options: DemoDatasetOptions) {
        precondition(options.trainImages > 0 && options.testImages > 0, "the demo needs at least one train and one test image")
        precondition(options.longSide >= 16, "long side \(options.longSide) is too small to draw a scene")
        self.options = options
        train = (0..<options.trainImages).map { row in
            Self.image(options: options, split: .train, row: row, id: row, heldOut: false)
        }
        test = (0..<options.testImages).map { row in
            Self.image(options: options, split: .test, row: row, id: options.trainImages + row,
                       heldOut: row % DemoDatasetOptions.heldOutTestStride == 0)
        }
    }

    /// Every image, train then test (ordered by id).
    public var images: [DemoImage] { train + test }

    private static func image(options: DemoDatasetOptions, split: EEE443Split, row: Int, id: Int, heldOut: Bool) -> DemoImage {
        let splitKey: UInt64 = split == .train ? 1 : 2
        let scene = DemoScene.generate(seed: options.seed, split: splitKey, row: row, heldOut: heldOut)
        var captionRNG = _SplitMix64(seed: options.seed, 0x4341_5054, splitKey, UInt64(row))
        let path = DemoURL.path(forImage: id, seed: options.seed)
        return DemoImage(id: id, split: split, row: row, scene: scene, captions: scene.captions(&captionRNG),
                         url: "http://\(options.host)\(path)", path: path,
                         fault: DemoFaults.fault(forImage: id), isHeldOut: heldOut)
    }

    /// The random source for an image's pixels and encoding choices.
    func pixelRNG(_ image: DemoImage) -> _SplitMix64 {
        _SplitMix64(seed: options.seed, 0x5049_5845, UInt64(image.id))
    }

    /// The stored bytes of one image (its scene rendered and encoded as its fault calls for).
    /// - Throws: `DemoDataError` from the encoders.
    public func fileBytes(of image: DemoImage) throws -> [UInt8] {
        var rng = pixelRNG(image)
        return try _DemoImageFile.bytes(scene: image.scene, fault: image.fault, longSide: options.longSide,
                                        jpeg: try _JPEGWriter(), &rng)
    }
}
