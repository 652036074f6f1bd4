import Tensor

/// Which text vector conditions the GAN.
public enum TextEncoderKind: String, Codable, Sendable, CaseIterable {
    /// The caption's mean GloVe vector (50-d), a fixed input.
    case glove
    /// A GRU over the caption's token ids (embedding 256, hidden 128), trained through D's loss.
    case gru
}

/// How D's "real image, wrong caption" term (GAN-CLS) picks the wrong caption of each image.
public enum MismatchKind: String, Codable, Sendable, CaseIterable {
    /// The caption of the next image in the batch, as in Reed et al. It usually differs in every
    /// attribute, background included, so D can tell it apart by the easiest one alone.
    case next
    /// The batch's caption whose vector is closest (cosine) to the image's own caption, among those
    /// with different words: a hard negative that usually differs in one attribute, so D has to
    /// check the object and its colour too. A caption with the same meaning in other words can be
    /// picked (a false negative); with many attribute combinations that is rare.
    case nearest
}

/// What D's caption head (`captionReconstruction`) predicts from an image.
public enum CaptionTargetKind: String, Codable, Sendable, CaseIterable {
    /// The caption's mean word vector (the GloVe input), by mean squared error.
    case vector
    /// The caption's words (ids 4 and up): one logit per vocabulary word, softmax cross-entropy
    /// against the caption's words as a distribution (each of its k distinct words 1/k), as a
    /// classifier whose classes are the words.
    case words
    /// The caption's words as for `words`, plus one more class, "fake": D's head also learns on
    /// G's images, with all of their mass on that class (the K + 1 classifier of Salimans et al.
    /// 2016, with words as the K classes). Trained on real images only, the words head can be
    /// satisfied by images that do not show the words (G's head loss falls nearly to D's on real
    /// images while its objects stay blobs); with the fake class, a word's probability on G's
    /// image rises only as far as the image also stops looking generated.
    case wordsOrFake
}

/// The shape of the GAN-INT-CLS model and its loss switches.
public struct GANConfiguration: Codable, Sendable, Equatable {
    /// Image side in pixels: 4 * 2^k with k >= 1 (64 for the real model; tests use 16).
    public var imageSize: Int
    /// Base channel count `w`: D goes w, 2w, 4w, 8w down to 4x4 (at 64x64); G mirrors it.
    public var width: Int
    public var textEncoder: TextEncoderKind
    /// Dimension of the mean GloVe vectors when `textEncoder == .glove`.
    public var gloveDimension: Int
    /// Whether G also trains on interpolated caption vectors 0.5 (t1 + t2) (GAN-INT).
    public var interpolation: Bool
    /// D's target for real images with their own caption: 1, or e.g. 0.9 for one-sided label
    /// smoothing (Salimans et al. 2016), which keeps D from growing overconfident on real images.
    public var realLabel: Float
    /// How the mismatched caption of each real image is chosen.
    public var mismatch: MismatchKind
    public var noiseDimension: Int
    /// Size of the text projection in G and D (128 in the paper).
    public var projectionDimension: Int
    /// Vocabulary size, GRU embedding and hidden sizes.
    public var vocabularySize: Int
    public var embeddingDimension: Int
    public var gruHidden: Int
    /// Decay of an exponential moving average of G's weights, kept beside G and used for every
    /// sample and evaluation (e.g. 0.999); nil = off, samples come from G itself. Training is
    /// unchanged either way: the average never feeds back into D or G.
    public var generatorAverage: Float?
    /// Weight of a caption-matching term in G's loss (not in Reed et al.; 0 = off, the paper):
    /// softplus(D(x, wrong caption) − D(x, own caption)) on G's images x, with each image's wrong
    /// caption chosen as for D's mismatched term. D learns which caption fits a real image, but G
    /// otherwise feels that only through D's real-or-fake verdict on its own caption; this term asks
    /// D directly which of two captions fits G's image, and is independent of how fake it looks.
    public var generatorMatching: Float = 0
    /// Weight of an auxiliary caption-reconstruction loss (not in Reed et al.; 0 = off, the paper):
    /// D gains a linear head that predicts the caption's mean word vector from its 4x4 features,
    /// trained with mean squared error on real images only; G's loss adds the same error of that
    /// head on its own images against the caption vectors it was given (the AC-GAN idea of Odena
    /// et al. 2017 with a caption vector in place of a class). It tells G what D recognises in a
    /// real image whatever D thinks of G's image's realism.
    public var captionReconstruction: Float = 0
    /// What the caption head predicts.
    public var captionTarget: CaptionTargetKind = .vector
    /// The caption head reads D's 4x4 features averaged over the 16 positions (Linear(8w → …))
    /// instead of all of them flattened (Linear(16 · 8w → …), false, the default). The flattened head
    /// has a weight for every word at every position: it must learn each object once per position,
    /// and G can satisfy it with what one position's weights look for. The averaged head has one
    /// direction per word wherever the object is, as the word projection (`wordProjection`) has.
    public var captionHeadPooled = false
    /// Conditional batch norm in G (not in Reed et al.; false = the paper, where the text enters
    /// only at G's input): after each of G's batch norms, a per-sample scale 1 + γ(t) and shift
    /// β(t) from G's projected text t (one Linear(128, 2C) per batch norm, N(0, 0.02) weights, so it
    /// starts as the plain batch norm), as in de Vries et al. 2017 and the generators of SNGAN and
    /// BigGAN. The caption then acts at every resolution where G draws shapes.
    public var conditionalBatchNorm = false
    /// A projection term in D's logit (not in Reed et al.; false = the paper, where the caption
    /// enters D only by concatenation before a 1x1 conv): D's logit gains ⟨E·words, mean features⟩,
    /// the caption's words (each of its k distinct words 1/k, as for the words head) embedded by a
    /// learned E (`d.words`, vocabularySize -> 8w, no bias) and dotted with D's 4x4 trunk features
    /// averaged over the 16 positions: the projection discriminator of Miyato & Koyama 2018, with the
    /// caption's words as the class. Each word then has its own direction in D's image features, in
    /// the same logit G is trained on, so G can only raise it by looking real and showing the words.
    public var wordProjection = false
    /// Where D gains a 3x3 stride-1 conv (padding 1, same channels) with batch norm and leaky ReLU
    /// 0.2 after a stride-2 conv (not in Reed et al.; empty = the paper's D): the side in pixels of
    /// the stage's output, e.g. [32, 16] at 64x64. The paper's D only ever looks at 4x4 windows two
    /// pixels apart, which is enough for colour and background but not for the shape of a 14-pixel
    /// object; the evaluation classifier needed such a conv at 32x32 to tell small objects apart
    /// (docs/training.md), and D has to tell them apart before G can learn to draw them.
    public var discriminatorRefine: [Int] = []
    /// Where G gains a 3x3 stride-1 conv (padding 1, same channels) with batch norm (conditional
    /// with `conditionalBatchNorm`) and ReLU after a stride-2 transposed conv (not in Reed et al.;
    /// empty = the paper's G): the side in pixels of the stage's output, short of the image itself,
    /// e.g. [32] at 64x64. The paper's G draws every pixel from 4x4 transposed-conv windows alone.
    public var generatorRefine: [Int] = []
    /// Where G upsamples by nearest neighbour and a 3x3 conv instead of a stride-2 transposed conv
    /// (`UpsampleConv2d`, not in Reed et al.; empty = the paper's G): the side in pixels of the
    /// stage's output, e.g. [64] for the layer that paints the image. A 4x4 stride-2 transposed conv
    /// gives even and odd pixels different taps and draws a period-2 checkerboard until its weights
    /// learn to balance them (Odena et al. 2016); D can reject G's images on that pattern alone.
    /// Same cost: the layer runs as the transposed conv it equals.
    public var generatorResize: [Int] = []
    /// How the `generatorResize` stages upsample: `nearest` (default), or `bilinear`, which blurs
    /// each of those stages' outputs by [1, 2, 1] / 4 along both axes (`Blur2d`). Nearest-neighbour
    /// upsampling leaves steps along the upsampled pixels' edges that the 3x3 conv can sharpen into
    /// a lattice (lines 8 pixels apart at 64x64 from the 8x8 stage); the blur removes every
    /// period-2 pattern a stage draws. Costs two passes over the stage's output.
    public var generatorResizeInterpolation: UpsampleConv2d.Interpolation = .nearest
    /// The weight λ of the mode-seeking term in G's loss (Mao et al. 2019, MSGAN; 0 = off; not in
    /// Reed et al.). G's batch then holds each of the first ⌊N/2⌋ captions twice, with independent
    /// noise (rows i and i + ⌊N/2⌋; D's fake term scores those images with those captions), and its
    /// loss adds λ / (r + 1e-5), r = mean |x_i − x_{i+⌊N/2⌋}| / mean |z_i − z_{i+⌊N/2⌋}|: G loses
    /// when two noise vectors give one caption the same picture. Without it G ignores the noise
    /// (intra-caption diversity 0.2-0.4 in every run). Not with `generatorMatching`.
    public var modeSeeking: Float = 0
    /// Differentiable augmentation (DiffAugment, Zhao et al. 2020; not in Reed et al.; 0 = off):
    /// every image D sees, real and generated, in D's step and in G's, is first moved by up to this
    /// many pixels along each axis (uniform, what moves in is 0), with G's gradient going back
    /// through the move (`ImageAugmentation`). D can then only tell real from generated, and read
    /// an object, by what survives a shift: G cannot satisfy D with patterns tied to exact pixel
    /// positions, and D sees each training image in many places. Must be less than `imageSize`.
    public var augmentTranslation = 0
    /// The side of a square set to 0 at a random place (it may hang over the edge) in every image
    /// D sees, after the translation (DiffAugment's cutout; 0 = off). At most `imageSize`.
    public var augmentCutout = 0

    /// Whether D sees augmented images (`augmentTranslation` or `augmentCutout`).
    public var augments: Bool { augmentTranslation > 0 || augmentCutout > 0 }

    public init(imageSize: Int = 64, width: Int = 32, textEncoder: TextEncoderKind = .glove, gloveDimension: Int = 50,
                interpolation: Bool = true, realLabel: Float = 1, mismatch: MismatchKind = .next, noiseDimension: Int = 100, projectionDimension: Int = 128,
                vocabularySize: Int = 1004, embeddingDimension: Int = 256, gruHidden: Int = 128) {
        self.imageSize = imageSize
        self.width = width
        self.textEncoder = textEncoder
        self.gloveDimension = gloveDimension
        self.interpolation = interpolation
        self.realLabel = realLabel
        self.mismatch = mismatch
        self.noiseDimension = noiseDimension
        self.projectionDimension = projectionDimension
        self.vocabularySize = vocabularySize
        self.embeddingDimension = embeddingDimension
        self.gruHidden = gruHidden
    }

    /// Number of stride-2 stages between 4x4 and the image size, or nil if the size is not 4 * 2^k.
    public var stages: Int? {
        var s = imageSize, k = 0
        while s > 4 && s % 2 == 0 { s /= 2; k += 1 }
        return s == 4 && k >= 1 ? k : nil
    }

    /// Channels of the 4x4 feature map (8w at 64x64).
    public var deepChannels: Int { width << ((stages ?? 1) - 1) }

    /// The number of values D's caption head predicts per image.
    public var captionTargetDimension: Int {
        switch captionTarget {
        case .vector: gloveDimension
        case .words: vocabularySize
        case .wordsOrFake: vocabularySize + 1
        }
    }

    /// The index of the "fake" class of the `wordsOrFake` head (after the vocabulary's words).
    public var fakeCaptionClass: Int { vocabularySize }

    /// The dimension of the text vector the projections read.
    public var textDimension: Int { textEncoder == .glove ? gloveDimension : gruHidden }

    /// Checks the values a user can get wrong; nil if fine, else what is wrong.
    public var problem: String? {
        if stages == nil { return "image size \(imageSize) is not 4 * 2^k (e.g. 64)" }
        if width < 1 { return "width must be positive, got \(width)" }
        if !(realLabel > 0.5 && realLabel <= 1) { return "realLabel must be in (0.5, 1], got \(realLabel)" }
        if noiseDimension < 1 || projectionDimension < 1 || gloveDimension < 1 { return "dimensions must be positive" }
        if let d = generatorAverage, !(d >= 0 && d < 1) { return "generatorAverage must be in [0, 1), got \(d)" }
        if !(generatorMatching >= 0 && generatorMatching.isFinite) { return "generatorMatching must be 0 or more, got \(generatorMatching)" }
        if !(captionReconstruction >= 0 && captionReconstruction.isFinite) {
            return "captionReconstruction must be 0 or more, got \(captionReconstruction)"
        }
        if !(modeSeeking >= 0 && modeSeeking.isFinite) { return "modeSeeking must be 0 or more, got \(modeSeeking)" }
        if modeSeeking > 0 && generatorMatching > 0 { return "modeSeeking and generatorMatching cannot both be on" }
        if !(0..<imageSize).contains(augmentTranslation) {
            return "augmentTranslation must be 0 to \(imageSize - 1) pixels, got \(augmentTranslation)"
        }
        if !(0...imageSize).contains(augmentCutout) { return "augmentCutout must be 0 to \(imageSize) pixels, got \(augmentCutout)" }
        let sides = (1...(stages ?? 1)).map { imageSize >> $0 }
        return Self.refineProblem("discriminatorRefine", discriminatorRefine, allowed: sides, of: "D's stages")
            ?? Self.refineProblem("generatorRefine", generatorRefine, allowed: sides.map { $0 * 2 }.filter { $0 < imageSize },
                                  of: "G's inner stages")
            ?? Self.refineProblem("generatorResize", generatorResize, allowed: sides.map { $0 * 2 }, of: "G's stages")
    }

    /// What is wrong with a list of stage sides `key`: a side not in `allowed`, or a side named twice.
    private static func refineProblem(_ key: String, _ refine: [Int], allowed: [Int], of stages: String) -> String? {
        if let bad = refine.first(where: { !allowed.contains($0) }) {
            return "\(key): \(bad) is not the side of one of \(stages) (\(allowed.map(String.init).joined(separator: ", ")))"
        }
        return Set(refine).count != refine.count ? "\(key) names a side twice: \(refine)" : nil
    }
}

extension GANConfiguration {
    /// Decoding with defaults: absent keys keep the values of `init()`.
    public init(from decoder: any Decoder) throws {
        self.init()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        imageSize = try c.decodeIfPresent(Int.self, forKey: .imageSize) ?? imageSize
        width = try c.decodeIfPresent(Int.self, forKey: .width) ?? width
        textEncoder = try c.decodeIfPresent(TextEncoderKind.self, forKey: .textEncoder) ?? textEncoder
        gloveDimension = try c.decodeIfPresent(Int.self, forKey: .gloveDimension) ?? gloveDimension
        interpolation = try c.decodeIfPresent(Bool.self, forKey: .interpolation) ?? interpolation
        realLabel = try c.decodeIfPresent(Float.self, forKey: .realLabel) ?? realLabel
        mismatch = try c.decodeIfPresent(MismatchKind.self, forKey: .mismatch) ?? mismatch
        noiseDimension = try c.decodeIfPresent(Int.self, forKey: .noiseDimension) ?? noiseDimension
        projectionDimension = try c.decodeIfPresent(Int.self, forKey: .projectionDimension) ?? projectionDimension
        vocabularySize = try c.decodeIfPresent(Int.self, forKey: .vocabularySize) ?? vocabularySize
        embeddingDimension = try c.decodeIfPresent(Int.self, forKey: .embeddingDimension) ?? embeddingDimension
        gruHidden = try c.decodeIfPresent(Int.self, forKey: .gruHidden) ?? gruHidden
        generatorAverage = try c.decodeIfPresent(Float.self, forKey: .generatorAverage)
        generatorMatching = try c.decodeIfPresent(Float.self, forKey: .generatorMatching) ?? generatorMatching
        captionReconstruction = try c.decodeIfPresent(Float.self, forKey: .captionReconstruction) ?? captionReconstruction
        captionTarget = try c.decodeIfPresent(CaptionTargetKind.self, forKey: .captionTarget) ?? captionTarget
        captionHeadPooled = try c.decodeIfPresent(Bool.self, forKey: .captionHeadPooled) ?? captionHeadPooled
        conditionalBatchNorm = try c.decodeIfPresent(Bool.self, forKey: .conditionalBatchNorm) ?? conditionalBatchNorm
        wordProjection = try c.decodeIfPresent(Bool.self, forKey: .wordProjection) ?? wordProjection
        discriminatorRefine = try c.decodeIfPresent([Int].self, forKey: .discriminatorRefine) ?? discriminatorRefine
        generatorRefine = try c.decodeIfPresent([Int].self, forKey: .generatorRefine) ?? generatorRefine
        generatorResize = try c.decodeIfPresent([Int].self, forKey: .generatorResize) ?? generatorResize
        generatorResizeInterpolation = try c.decodeIfPresent(UpsampleConv2d.Interpolation.self, forKey: .generatorResizeInterpolation)
            ?? generatorResizeInterpolation
        modeSeeking = try c.decodeIfPresent(Float.self, forKey: .modeSeeking) ?? modeSeeking
        augmentTranslation = try c.decodeIfPresent(Int.self, forKey: .augmentTranslation) ?? augmentTranslation
        augmentCutout = try c.decodeIfPresent(Int.self, forKey: .augmentCutout) ?? augmentCutout
    }
}
