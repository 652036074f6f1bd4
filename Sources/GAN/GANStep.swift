import Tensor

/// The losses of one training step (D's terms before its update, G's after).
public struct GANLosses: Sendable, Equatable {
    /// BCE of D on real images with their captions (target 1, or `realLabel`).
    public var real: Float
    /// BCE of D on real images with mismatched captions (target 0).
    public var wrong: Float
    /// BCE of D on generated images with their captions (target 0).
    public var fake: Float
    /// G's BCE on its images (target 1), with the updated D.
    public var generator: Float
    /// G's BCE on images for interpolated captions (target 1); 0 when interpolation is off.
    public var interpolated: Float
    /// G's caption-matching term softplus(D(x, wrong) − D(x, own)), unweighted; 0 when
    /// `generatorMatching` is 0.
    public var matching: Float = 0
    /// The loss of D's caption head on the real images' captions (`captionTarget`), unweighted;
    /// 0 when `captionReconstruction` is 0.
    public var caption: Float = 0
    /// With `captionTarget` `wordsOrFake`: the head's loss on G's images in D's step (their
    /// target the "fake" class), unweighted; 0 otherwise.
    public var captionFake: Float = 0
    /// The same loss on G's images against the captions G was given (all of them,
    /// interpolated ones included: their targets are interpolated too), unweighted; 0 when
    /// `captionReconstruction` is 0.
    public var generatorCaption: Float = 0
    /// With `modeSeeking`: r, G's images' mean distance within a caption pair over their noise's
    /// (the term is λ / (r + 1e-5)); 0 otherwise.
    public var modeRatio: Float = 0

    /// D's loss: real + (wrong + fake) / 2 (GAN-CLS).
    public var discriminator: Float { real + 0.5 * (wrong + fake) }
}

extension GANModel {
    /// One GAN-INT-CLS update of D (and the GRU), then of G, on `images` `[N, S, S, 3]` in [-1, 1]
    /// and their `captions`. Noise comes from `random`.
    ///
    /// With interpolation, G runs once over 2N samples: N for the batch's captions (these are
    /// also D's fakes) and N for 0.5 (t_i + t_{i+1}) with fresh noise; G's loss adds both terms.
    /// G's text input is a constant for the GRU: the encoder learns from D's loss only.
    ///
    /// `instanceNoise` > 0 adds N(0, instanceNoise²) to every image D sees, real and generated
    /// (Sønderby et al. 2016): the two distributions overlap, so D cannot separate them
    /// perfectly early on and G keeps a useful gradient. The trainer anneals it to 0.
    ///
    /// With `augmentTranslation` or `augmentCutout`, every batch D sees (the real images, the
    /// fakes in D's step, G's images in G's step) is augmented with its own draws from `random`,
    /// after the instance noise (`ImageAugmentation`).
    public func trainStep(images: Tensor, captions: CaptionBatch, random: inout SeededGenerator,
                          instanceNoise: Float = 0) -> GANLosses {
        let n = images.shape[0]
        let c = configuration
        precondition(n > 1 && images.shape == [n, c.imageSize, c.imageSize, 3] && captions.count == n,
                     "a batch of \(n) images \(images.shape) with \(captions.count) captions")
        let text = encode(captions)
        var noise = Tensor.normal([n, c.noiseDimension], std: 1, using: &random)
        // With mode seeking, G draws each of the first half's captions twice (D's fakes too).
        let pairedRows = c.modeSeeking > 0 ? ModeSeeking.captionRows(count: n) : nil
        func paired(_ t: Tensor) -> Tensor { pairedRows.map { t.batchGathered($0) } ?? t }
        var generatorText = paired(text)
        // What D's caption head should read from each image: the caption's mean word vector or words.
        let captionTargets: Tensor? = c.captionReconstruction == 0 ? nil
            : c.captionTarget == .vector ? captions.glove
            : captions.wordDistribution(vocabularySize: c.vocabularySize, columns: c.captionTargetDimension)
        var generatorTargets = captionTargets.map(paired)
        // The captions' words for D's projection term.
        let words: Tensor? = c.wordProjection ? captions.wordDistribution(vocabularySize: c.vocabularySize) : nil
        var generatorWords = words.map(paired)
        if c.interpolation {
            noise = noise.batchConcatenated(Tensor.normal([n, c.noiseDimension], std: 1, using: &random))
            generatorText = generatorText.appendingNeighbourMidpoints()
            generatorTargets = generatorTargets?.appendingNeighbourMidpoints()
            generatorWords = generatorWords?.appendingNeighbourMidpoints()
        }
        let generated = generator.forward(noise: noise, text: generatorText)
        func blurred(_ x: Tensor) -> Tensor {
            instanceNoise > 0 ? x.adding(Tensor.normal(x.shape, std: instanceNoise, using: &random)) : x
        }
        // With augmentation, each batch D sees gets its own draws (after the batch's instance noise).
        func augmentation(for x: Tensor) -> ImageAugmentation? {
            c.augments ? ImageAugmentation(count: x.shape[0], size: c.imageSize, translation: c.augmentTranslation,
                                           cutout: c.augmentCutout, random: &random) : nil
        }
        func augmented(_ x: Tensor) -> Tensor { augmentation(for: x).map { $0.apply(x) } ?? x }

        let mismatch = captions.mismatchIndices(c.mismatch)
        discriminatorOptimizer.zeroGrad()
        let d = accumulateDiscriminatorGradients(images: augmented(blurred(images)), text: text, mismatch: mismatch,
                                                 fakeImages: augmented(blurred(c.interpolation ? generated.batchSlice(0..<n) : generated)),
                                                 fakeCaptionRows: pairedRows, captionTargets: captionTargets, words: words)
        textEncoder?.backward(d.textGradient)
        discriminatorOptimizer.update()

        // G: its images (and the interpolated ones) judged by the updated D, target 1.
        generatorOptimizer.zeroGrad()
        let modeSeeking = pairedRows.map { _ in
            ModeSeeking.term(images: generated, noise: noise.batchSlice(0..<n), weight: c.modeSeeking)
        }
        // Additive noise leaves the gradient with respect to G's output unchanged.
        let seen = blurred(generated)
        let g = accumulateGeneratorGradients(generated: seen, text: generatorText, batch: n, mismatch: mismatch,
                                             captionTargets: generatorTargets, words: generatorWords,
                                             imageGradient: modeSeeking?.imageGradient, augmentation: augmentation(for: seen))
        generatorOptimizer.update()
        updateGeneratorAverage()

        return GANLosses(real: d.real, wrong: d.wrong, fake: d.fake, generator: g.loss, interpolated: g.interpolated,
                         matching: g.matching, caption: d.caption, captionFake: d.captionFake, generatorCaption: g.caption,
                         modeRatio: modeSeeking?.ratio ?? 0)
    }

    /// D's matching-aware loss on one batch, adding its gradients into D's parameters.
    ///
    /// D's trunk runs once on the real images; its text head runs once over the 2N pairs
    /// (real, own caption) and (real, caption of image `mismatch[i]`: by default the next image in
    /// the batch), so the head's batch norm sees both. Weights: real 1, mismatched 1/2, fake 1/2.
    /// - Parameters:
    ///   - images: real images `[N, S, S, 3]`.
    ///   - text: their caption vectors `[N, T]`.
    ///   - mismatch: for each image, the index of the caption used as its wrong one (nil: i + 1).
    ///   - fakeImages: generated images `[N, S, S, 3]` for `text` (constants here).
    ///   - fakeCaptionRows: for each fake image, the row of `text` (and `words`) of its caption;
    ///     nil: its own row.
    ///   - captionTargets: with `captionReconstruction` w > 0, the real images' caption targets
    ///     `[N, captionTargetDimension]`; D's loss then adds w times the caption head's loss on them
    ///     (and with `wordsOrFake` w times its loss on `fakeImages` against the "fake" class).
    ///   - words: with `wordProjection` (required then), the word distributions of `text`'s captions
    ///     `[N, vocabularySize]` (the mismatched pairs use `words[mismatch[i]]`).
    /// - Returns: the three BCE terms, the caption head's error on the real and on the fake images
    ///   (0 without it or, for the fakes, other than with `wordsOrFake`) and the loss's gradient
    ///   with respect to `text`.
    public func accumulateDiscriminatorGradients(images: Tensor, text: Tensor, mismatch: [Int]? = nil, fakeImages: Tensor,
                                                 fakeCaptionRows: [Int]? = nil, captionTargets: Tensor? = nil, words: Tensor? = nil)
        -> (real: Float, wrong: Float, fake: Float, caption: Float, captionFake: Float, textGradient: Tensor) {
        let n = images.shape[0]
        let mismatch = mismatch ?? _rolledIndices(count: n, by: 1)
        let wrongText = text.batchGathered(mismatch)
        let realFeatures = discriminator.trunkForward(images)
        let pairLogits = discriminator.headForward(features: realFeatures.batchConcatenated(realFeatures),
                                                   text: text.batchConcatenated(wrongText),
                                                   words: words.map { $0.batchConcatenated($0.batchGathered(mismatch)) })
        let real = BCEWithLogits.lossAndGradient(logits: pairLogits.batchSlice(0..<n),
                                                 targets: Tensor(zeros: [n], value: configuration.realLabel))
        let wrong = BCEWithLogits.lossAndGradient(logits: pairLogits.batchSlice(n..<2 * n), targets: Tensor(zeros: [n]))
        let pairGrad = discriminator.headBackward(real.gradient.batchConcatenated(wrong.gradient.scaled(by: 0.5)))
        var realFeatureGrad = pairGrad.features.batchSlice(0..<n).adding(pairGrad.features.batchSlice(n..<2 * n))
        var caption: Float = 0
        if let captionTargets {
            let (loss, grad) = captionLoss(features: realFeatures, targets: captionTargets)
            caption = loss
            realFeatureGrad = realFeatureGrad.adding(grad)
        }
        discriminator.trunkParameterBackward(realFeatureGrad)
        var textGrad = pairGrad.text.batchSlice(0..<n).adding(pairGrad.text.batchSlice(n..<2 * n).batchScatterAdded(mismatch))

        let fakeFeatures = discriminator.trunkForward(fakeImages)
        let fakeLogits = discriminator.headForward(features: fakeFeatures, text: fakeCaptionRows.map { text.batchGathered($0) } ?? text,
                                                   words: fakeCaptionRows.map { rows in words?.batchGathered(rows) } ?? words)
        let fake = BCEWithLogits.lossAndGradient(logits: fakeLogits, targets: Tensor(zeros: [n]))
        let fakeGrad = discriminator.headBackward(fake.gradient.scaled(by: 0.5))
        var fakeFeatureGrad = fakeGrad.features
        var captionFake: Float = 0
        if captionTargets != nil && configuration.captionTarget == .wordsOrFake {
            // The K + 1 head: every generated image's mass on the "fake" class.
            var targets = Tensor(zeros: [n, configuration.captionTargetDimension])
            for row in 0..<n { targets.data[row * configuration.captionTargetDimension + configuration.fakeCaptionClass] = 1 }
            let (loss, grad) = captionLoss(features: fakeFeatures, targets: targets)
            captionFake = loss
            fakeFeatureGrad = fakeFeatureGrad.adding(grad)
        }
        discriminator.trunkParameterBackward(fakeFeatureGrad)
        textGrad = textGrad.adding(fakeCaptionRows.map { fakeGrad.text.batchScatterAdded($0) } ?? fakeGrad.text)
        return (real.loss, wrong.loss, fake.loss, caption, captionFake, textGrad)
    }

    /// The loss of D's caption head on `features` against `targets` (mean squared error of the
    /// vectors, or softmax cross-entropy of the words) and the gradient of `captionReconstruction`
    /// times it with respect to the features (head gradients accumulated).
    func captionLoss(features: Tensor, targets: Tensor) -> (loss: Float, featureGradient: Tensor) {
        let predicted = discriminator.captionForward(features: features)
        let (loss, grad) = configuration.captionTarget == .vector
            ? MeanSquaredError.lossAndGradient(predictions: predicted, targets: targets)
            : SoftmaxCrossEntropy.lossAndGradient(logits: predicted, targets: targets)
        return (loss, discriminator.captionBackward(grad.scaled(by: configuration.captionReconstruction), featureShape: features.shape))
    }

    /// G's loss on images it already generated (its forward pass cached), adding its gradients
    /// into G's parameters. D only passes gradients through: its convolutions and Linear layers make
    /// no weight gradients here (`accumulatesParameterGradients`; D's next step zeroes D's anyway).
    ///
    /// With `generatorMatching` w > 0, G's loss adds w · softplus(D(x, wrong) − D(x, own)) on the
    /// first N images. That gap comes from a second head pass over (x, own) ++ (x, wrong), so the
    /// head's batch norms see both captions, as in D's pass over real pairs; the adversarial terms
    /// keep their own pass over (x, own) alone, so they are exactly those without the term.
    /// - Parameters:
    ///   - generated: G's last output, `[N, S, S, 3]`, or `[2N, ...]` with interpolation.
    ///   - text: the caption vectors G was given, same leading extent.
    ///   - batch: N; the first N samples score `loss`, the rest `interpolated`.
    ///   - mismatch: for each of the first N images, the index of its wrong caption (nil: i + 1).
    ///   - captionTargets: with `captionReconstruction` w > 0, the caption targets of all the
    ///     images (same leading extent); G's loss then adds w times D's caption-head loss on them.
    ///   - words: with `wordProjection` (required then), the word distributions of `text`'s captions.
    ///   - imageGradient: a gradient with respect to `generated` from terms outside D (mode
    ///     seeking), added to D's before G's backward pass.
    ///   - augmentation: D sees `augmentation.apply(generated)`, and D's gradient reaches G through
    ///     its adjoint (`augmentTranslation`, `augmentCutout`); nil: D sees `generated`.
    public func accumulateGeneratorGradients(generated: Tensor, text: Tensor, batch n: Int, mismatch: [Int]? = nil,
                                             captionTargets: Tensor? = nil, words: Tensor? = nil, imageGradient: Tensor? = nil,
                                             augmentation: ImageAugmentation? = nil)
        -> (loss: Float, interpolated: Float, matching: Float, caption: Float) {
        discriminator.accumulatesParameterGradients = false
        defer { discriminator.accumulatesParameterGradients = true }
        let m = generated.shape[0]
        let features = discriminator.trunkForward(augmentation?.apply(generated) ?? generated)
        let logits = discriminator.headForward(features: features, text: text, words: words)
        let ones = Tensor(zeros: [n], value: 1)
        let gLoss = BCEWithLogits.lossAndGradient(logits: logits.batchSlice(0..<n), targets: ones)
        var gradLogits = gLoss.gradient
        var interpolated: Float = 0
        if m > n {
            let iLoss = BCEWithLogits.lossAndGradient(logits: logits.batchSlice(n..<m), targets: ones)
            interpolated = iLoss.loss
            gradLogits = gradLogits.batchConcatenated(iLoss.gradient)
        }
        var gradFeatures = discriminator.headBackward(gradLogits).features
        var matching: Float = 0
        let weight = configuration.generatorMatching
        if weight > 0 {
            let own = features.batchSlice(0..<n)
            let wrong = mismatch ?? _rolledIndices(count: n, by: 1)
            let pairLogits = discriminator.headForward(
                features: own.batchConcatenated(own),
                text: text.batchSlice(0..<n).batchConcatenated(text.batchSlice(0..<n).batchGathered(wrong)),
                words: words.map { $0.batchSlice(0..<n).batchConcatenated($0.batchSlice(0..<n).batchGathered(wrong)) })
            // softplus(wrong − own) is the BCE of (own − wrong) with target 1.
            let gap = pairLogits.batchSlice(0..<n).adding(pairLogits.batchSlice(n..<2 * n).scaled(by: -1))
            let match = BCEWithLogits.lossAndGradient(logits: gap, targets: ones)
            matching = match.loss
            let pairGrad = discriminator.headBackward(match.gradient.scaled(by: weight).batchConcatenated(match.gradient.scaled(by: -weight)))
            // Both halves score the first N images: fold them into those rows.
            let folded = gradFeatures.batchSlice(0..<n).adding(pairGrad.features.batchSlice(0..<n)).adding(pairGrad.features.batchSlice(n..<2 * n))
            gradFeatures = m > n ? folded.batchConcatenated(gradFeatures.batchSlice(n..<m)) : folded
        }
        var caption: Float = 0
        if let captionTargets {
            let (loss, grad) = captionLoss(features: features, targets: captionTargets)
            caption = loss
            gradFeatures = gradFeatures.adding(grad)
        }
        let gradSeen = discriminator.trunkBackward(gradFeatures)
        let gradImages = augmentation?.adjoint(gradSeen) ?? gradSeen
        generator.backward(imageGradient.map { gradImages.adding($0) } ?? gradImages)
        return (gLoss.loss, interpolated, matching, caption)
    }
}
