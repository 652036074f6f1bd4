import Foundation
import GAN
import Tensor
import Training

/// How well one attribute is recognised.
public struct AttributeScore: Codable, Sendable {
    public var name: String
    public var classes: Int
    /// 1 / classes (the combinations are drawn uniformly).
    public var chance: Double
    /// Classifier accuracy on held-out real images (its ceiling).
    public var real: Double
    /// Accuracy on images generated for every combination's caption.
    public var generated: Double
    /// The same, only for combinations never seen in training (nil if none were held out).
    public var generatedUnseen: Double?
    /// The class the classifier gives generated images most often, and the fraction it gets
    /// (1 / classes if G followed the caption perfectly; near 1 if G draws one class for all).
    public var mostPredicted: String?
    public var mostPredictedShare: Double?
    /// How often D scores a held-out real image higher with its own caption than with one naming
    /// another class of this attribute (chance 50%; `MatchingProbe`).
    public var discriminatorPrefersRightCaption: Double?
    /// How often D's caption head fits a held-out real image's own caption better than one naming
    /// another class of this attribute, and the same for the generated images and the captions
    /// they were generated for (chance 50%; nil without a caption head; `CaptionHeadProbe`).
    /// High on generated images where `generated` is low: G satisfies the head without drawing it.
    public var captionHeadPrefersRightCaption: Double?
    public var captionHeadPrefersRightCaptionGenerated: Double?
    /// Per class of this attribute (in `classNames` order): the accuracy on the images generated
    /// for captions naming that class. Shows which classes G draws and which it does not.
    public var classNames: [String]?
    public var generatedByClass: [Double]?
}

/// The answer to "does it follow the caption?".
public struct EvaluationReport: Codable, Sendable {
    public var attributes: [AttributeScore]
    /// Mean pairwise RMS pixel distance of samples for one caption over the same for real images
    /// of that combination (1 = as varied as the data, near 0 = mode collapse).
    public var diversityRatio: Double
    public var frechet: Double
    /// Fréchet distance between two disjoint sets of real images: the floor for `frechet`.
    public var frechetRealBaseline: Double
    public var generatedImages: Int
    public var realTestImages: Int
    public var step: Int

    public var text: String {
        var lines = ["evaluation at step \(step): \(generatedImages) generated images, \(realTestImages) held-out real images",
                     "attribute    classes  chance  real   generated  unseen-combos  D-matching  D-head real / gen  most predicted for generated"]
        for a in attributes {
            let unseen = a.generatedUnseen.map { String(format: "%5.1f%%", 100 * $0) } ?? "   -"
            lines.append(a.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                         + String(format: " %7d  %5.1f%%  %5.1f%%  %7.1f%%  ", a.classes, 100 * a.chance, 100 * a.real, 100 * a.generated)
                         + unseen
                         + (a.discriminatorPrefersRightCaption.map { String(format: "      %5.1f%%", 100 * $0) } ?? "           -")
                         + (a.captionHeadPrefersRightCaption.map { real in
                             String(format: "    %5.1f%% / ", 100 * real)
                                 + (a.captionHeadPrefersRightCaptionGenerated.map { String(format: "%5.1f%%", 100 * $0) } ?? "    -")
                         } ?? "                 -")
                         + (a.mostPredicted.map { name in
                             "     " + name + (a.mostPredictedShare.map { String(format: " (%.1f%%)", 100 * $0) } ?? "")
                         } ?? ""))
        }
        for a in attributes {
            guard let names = a.classNames, let byClass = a.generatedByClass, names.count == byClass.count else { continue }
            lines.append("generated \(a.name) by class: "
                         + zip(names, byClass).map { "\($0) " + String(format: "%.0f%%", 100 * $1) }.joined(separator: ", "))
        }
        lines.append(String(format: "intra-caption diversity (generated / real): %.3f", diversityRatio))
        lines.append(String(format: "Frechet distance (classifier features): %.3f   real-vs-real baseline: %.3f", frechet, frechetRealBaseline))
        return lines.joined(separator: "\n")
    }
}

/// Evaluation cannot run on the given data.
public struct EvaluationError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "evaluation: \(reason)" }
}

/// Trains the attribute classifier on real images and scores a generator with it.
public struct Evaluator {
    public var classifierSteps = 3000
    /// The classifier's first-layer channels (see `AttributeClassifier`).
    public var classifierWidth = 32
    public var batch = 64
    public var samplesPerCaption = 16
    public var realTestImages = 1024
    public var seed: UInt64 = 99
    /// Score the model's averaged G when it keeps one; false: G itself.
    public var averagedGenerator = true
    /// Reports classifier training progress.
    public var log: (String) -> Void = { _ in }
    /// A file to keep the trained classifier in: read when it holds one trained with these
    /// settings on the same data (`trainingDataKey`), else written after training. nil: always train.
    public var classifierFile: String?
    /// The identity of the training data (e.g. its JSON configuration), part of the classifier file's key.
    public var trainingDataKey = ""

    public init() {}

    /// - Parameters:
    ///   - train: the data the GAN trained on (the classifier trains on it too).
    ///   - test: held-out real records covering every combination.
    ///   - heldOut: combinations that never appeared in training.
    public func evaluate(model: GANModel, step: Int, train: any AttributeLabeledData, test: any AttributeLabeledData,
                         heldOut: [[Int]]) throws -> EvaluationReport {
        let classes = train.attributes.map(\.classes.count)
        // The classifier learns from, and is judged on, images whose labels the picture shows
        // unambiguously (one-object demo scenes), like the one-object captions G is given below.
        let trainRecords = (0..<train.count).filter(train.hasUnambiguousLabels)
        guard !trainRecords.isEmpty else { throw EvaluationError(reason: "no training record has unambiguous labels") }
        let testRecords = Array((0..<test.count).filter(test.hasUnambiguousLabels).prefix(realTestImages))
        guard !testRecords.isEmpty else { throw EvaluationError(reason: "no held-out record has unambiguous labels") }
        // Labels once per record: a demo record's labels are rendered from its scene on every call.
        let trainLabels = Dictionary(uniqueKeysWithValues: trainRecords.map { ($0, train.labels(of: $0)) })
        let testLabels = Dictionary(uniqueKeysWithValues: testRecords.map { ($0, test.labels(of: $0)) })
        let classifier = try trainedClassifier(train: train, records: trainRecords, labels: trainLabels, test: test,
                                               probe: Array(testRecords.prefix(256)), probeLabels: testLabels)
        // Held-out real images.
        let (realImages, realFeatures, realCorrect) = try classify(classifier, data: test, records: testRecords, labels: testLabels)
        // A second real set, from the training data, for the Fréchet baseline.
        var rng = SeededGenerator(seed: seed &+ 1)
        let baselineRecords = (0..<testRecords.count).map { _ in trainRecords[Int(rng.next() % UInt64(trainRecords.count))] }
        let baselineFeatures = try classify(classifier, data: train, records: baselineRecords, labels: trainLabels).features

        // Generated images: every combination's caption, `samplesPerCaption` noise vectors each.
        let combinations = allCombinations(classes)
        let testByCombination = Dictionary(grouping: testRecords) { testLabels[$0] ?? [] }
        var sampler = Sampler(model: model, encoder: train.captionEncoder)
        sampler.averaged = averagedGenerator
        var generatedFeatures: [Float] = [], correct = [Int](repeating: 0, count: classes.count)
        var unseenCorrect = [Int](repeating: 0, count: classes.count), unseen = 0
        var predictedCounts = classes.map { [Int](repeating: 0, count: $0) }
        var classHits = classes.map { [Int](repeating: 0, count: $0) }, classTotals = classHits
        var generatedSpread: [Double] = [], realSpread: [Double] = []
        let held = Set(heldOut)
        // D's caption head on the same images, its alternative captions from their own stream.
        let headProbe = model.configuration.captionReconstruction > 0
            ? CaptionHeadProbe(model: model, encoder: train.captionEncoder) : nil
        var headRNG = SeededGenerator(seed: seed &+ 2)
        var headWinsGenerated = [Int](repeating: 0, count: classes.count)
        for (i, combo) in combinations.enumerated() {
            let images = sampler.images(captions: [test.caption(for: combo)], perCaption: samplesPerCaption, seed: seed &+ UInt64(i)).images
            let (features, predicted) = classifier.predict(images)
            generatedFeatures += features.data
            for k in classes.indices {
                for p in predicted[k] where predictedCounts[k].indices.contains(p) { predictedCounts[k][p] += 1 }
                let hits = predicted[k].filter { $0 == combo[k] }.count
                correct[k] += hits
                if classHits[k].indices.contains(combo[k]) {
                    classHits[k][combo[k]] += hits
                    classTotals[k][combo[k]] += predicted[k].count
                }
                if held.contains(combo) { unseenCorrect[k] += hits }
            }
            if held.contains(combo) { unseen += samplesPerCaption }
            if let headProbe {
                let wins = headProbe.wins(images: images, labels: [[Int]](repeating: combo, count: images.shape[0]),
                                          data: test, using: &headRNG)
                for k in wins.indices { headWinsGenerated[k] += wins[k] }
            }
            generatedSpread.append(meanPairwiseDistance(images))
            let sameCombo = (testByCombination[combo] ?? []).prefix(samplesPerCaption)
            if sameCombo.count > 1 {
                realSpread.append(meanPairwiseDistance(realImages.gather(Array(sameCombo))))
            }
        }
        let generated = combinations.count * samplesPerCaption
        let matching = try MatchingProbe(model: model, encoder: train.captionEncoder)
            .preference(data: test, records: testRecords, labels: testLabels, batch: batch, seed: seed)
        var headWinsReal = [Int](repeating: 0, count: classes.count)
        if let headProbe {
            for start in stride(from: 0, to: testRecords.count, by: batch) {
                let chunk = Array(testRecords[start..<Swift.min(start + batch, testRecords.count)])
                let wins = headProbe.wins(images: realImages.gather(chunk), labels: chunk.map { testLabels[$0] ?? [] },
                                          data: test, using: &headRNG)
                for k in wins.indices { headWinsReal[k] += wins[k] }
            }
        }
        let generatedByClass: [[Double]] = classes.indices.map { k in
            zip(classHits[k], classTotals[k]).map { hits, total in Double(hits) / Double(Swift.max(total, 1)) }
        }
        let scores = classes.indices.map { (k: Int) -> AttributeScore in
            // Ties go to the lowest class index, so the report is the same run to run.
            let top = predictedCounts[k].indices.max { (predictedCounts[k][$0], $1) < (predictedCounts[k][$1], $0) }
            let names = train.attributes[k].classes
            return AttributeScore(name: train.attributes[k].name, classes: classes[k], chance: 1 / Double(classes[k]),
                                  real: Double(realCorrect[k]) / Double(testRecords.count),
                                  generated: Double(correct[k]) / Double(generated),
                                  generatedUnseen: unseen > 0 ? Double(unseenCorrect[k]) / Double(unseen) : nil,
                                  mostPredicted: top.map { names.indices.contains($0) ? names[$0] : "class \($0)" },
                                  mostPredictedShare: top.map { Double(predictedCounts[k][$0]) / Double(Swift.max(generated, 1)) },
                                  discriminatorPrefersRightCaption: matching[k],
                                  captionHeadPrefersRightCaption: headProbe.map { _ in Double(headWinsReal[k]) / Double(testRecords.count) },
                                  captionHeadPrefersRightCaptionGenerated: headProbe.map { _ in Double(headWinsGenerated[k]) / Double(generated) },
                                  classNames: names,
                                  generatedByClass: generatedByClass[k])
        }
        let d = AttributeClassifier.featureDimension
        return EvaluationReport(
            attributes: scores,
            diversityRatio: mean(generatedSpread) / Swift.max(mean(realSpread), 1e-12),
            frechet: FrechetDistance.between(generatedFeatures, realFeatures, dimension: d),
            frechetRealBaseline: FrechetDistance.between(baselineFeatures, realFeatures, dimension: d),
            generatedImages: generated, realTestImages: testRecords.count, step: step)
    }

    /// The attribute classifier trained on `records` of `train` (their `labels`), logging its
    /// accuracy on `probe` every 250 steps; read from `classifierFile` instead when that holds one
    /// trained with the same settings and data, and written there after training.
    private func trainedClassifier(train: any AttributeLabeledData, records: [Int], labels: [Int: [Int]],
                                   test: any AttributeLabeledData, probe: [Int], probeLabels: [Int: [Int]]) throws -> AttributeClassifier {
        let classes = train.attributes.map(\.classes.count)
        let classifier = AttributeClassifier(imageSize: train.imageSize, classCounts: classes, seed: seed, width: classifierWidth)
        let key = ClassifierFile.Key(steps: classifierSteps, width: classifierWidth, batch: batch, seed: seed, imageSize: train.imageSize,
                                     classCounts: classes, trainRecords: records.count, data: trainingDataKey)
        let file = classifierFile.map(ClassifierFile.init(path:))
        if let file {
            let (loaded, reason) = file.read(key: key, into: classifier)
            log(loaded ? reason : "training the classifier: \(reason)")
            if loaded { return classifier }
        }
        var rng = SeededGenerator(seed: seed)
        // Training images are mirrored at random and moved by up to 1/16 of the side.
        let maxShift = train.imageSize / 16
        for s in 0..<classifierSteps {
            let chosen = (0..<batch).map { _ in records[Int(rng.next() % UInt64(records.count))] }
            let b = try train.batch(records: chosen, captions: [Int](repeating: 0, count: batch))
            let mirror = (0..<batch).map { _ in rng.next() & 1 == 1 }
            let reach = UInt64(2 * maxShift + 1)
            let shift = (0..<batch).map { _ in (Int(rng.next() % reach) - maxShift, Int(rng.next() % reach) - maxShift) }
            let images = Self.augmented(b.images, mirror: mirror, shift: shift)
            classifier.anneal(progress: Double(s) / Double(classifierSteps))
            let losses = classifier.trainStep(images: images, labels: (0..<classes.count).map { k in chosen.map { labels[$0]?[k] ?? 0 } })
            if (s + 1) % 250 == 0 || s + 1 == classifierSteps {
                let hits = try classify(classifier, data: test, records: probe, labels: probeLabels).correct
                log("classifier step \(s + 1)/\(classifierSteps): loss \(losses.map { String(format: "%.3f", $0) }), "
                    + "accuracy on \(probe.count) held-out images \(hits.map { String(format: "%.1f%%", 100 * Double($0) / Double(probe.count)) })")
            }
        }
        try file?.write(classifier, key: key)
        return classifier
    }

    /// Images, features and per-attribute correct counts of `records` (whose `labels` are given), in batches.
    private func classify(_ classifier: AttributeClassifier, data: any AttributeLabeledData, records: [Int],
                          labels: [Int: [Int]]) throws
        -> (images: _ImageSet, features: [Float], correct: [Int]) {
        var images = _ImageSet(size: data.imageSize), features: [Float] = []
        var correct = [Int](repeating: 0, count: data.attributes.count)
        for start in stride(from: 0, to: records.count, by: batch) {
            let chunk = Array(records[start..<Swift.min(start + batch, records.count)])
            let b = try data.batch(records: chunk, captions: [Int](repeating: 0, count: chunk.count))
            let (f, predicted) = classifier.predict(b.images)
            images.append(b.images, records: chunk)
            features += f.data
            for k in correct.indices { correct[k] += zip(predicted[k], chunk).filter { $0 == labels[$1]?[k] }.count }
        }
        return (images, features, correct)
    }

    /// `images` `[N, H, W, C]` with image i mirrored left to right if `mirror[i]`, then moved by
    /// `shift[i]` = (dy, dx) pixels, edge pixels repeated into the uncovered border. Augmentation
    /// for the classifier: no label of the demo depends on left and right or on a few pixels' offset.
    static func augmented(_ images: Tensor, mirror: [Bool], shift: [(Int, Int)]) -> Tensor {
        let (n, h, w, c) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        var data = [Float](repeating: 0, count: images.count)
        for i in 0..<n {
            let (dy, dx) = shift[i]
            for y in 0..<h {
                let sy = Swift.min(Swift.max(y - dy, 0), h - 1)
                for x in 0..<w {
                    let moved = Swift.min(Swift.max(x - dx, 0), w - 1)
                    let sx = mirror[i] ? w - 1 - moved : moved
                    let to = ((i * h + y) * w + x) * c, from = ((i * h + sy) * w + sx) * c
                    for k in 0..<c { data[to + k] = images.data[from + k] }
                }
            }
        }
        return Tensor(shape: images.shape, data: data)
    }

    private func allCombinations(_ classes: [Int]) -> [[Int]] {
        classes.reduce([[]]) { partial, n in partial.flatMap { p in (0..<n).map { p + [$0] } } }
    }

    private func mean(_ x: [Double]) -> Double { x.isEmpty ? 0 : x.reduce(0, +) / Double(x.count) }

    /// Mean RMS pixel distance over all pairs of images in `[N, S, S, 3]`.
    func meanPairwiseDistance(_ images: Tensor) -> Double {
        let n = images.shape[0], per = images.count / Swift.max(n, 1)
        var total = 0.0, pairs = 0
        for i in 0..<n {
            for j in i + 1..<n {
                var s = 0.0
                for k in 0..<per { let d = Double(images.data[i * per + k] - images.data[j * per + k]); s += d * d }
                total += (s / Double(per)).squareRoot()
                pairs += 1
            }
        }
        return pairs == 0 ? 0 : total / Double(pairs)
    }
}

/// Real images kept by record, to pick those of one combination later.
struct _ImageSet {
    let size: Int
    var data: [Float] = []
    var index: [Int: Int] = [:]

    init(size: Int) { self.size = size }

    mutating func append(_ images: Tensor, records: [Int]) {
        for (i, r) in records.enumerated() { index[r] = data.count / (size * size * 3) + i }
        data += images.data
    }

    func gather(_ records: [Int]) -> Tensor {
        let per = size * size * 3
        var out: [Float] = []
        for r in records { if let i = index[r] { out += data[i * per..<(i + 1) * per] } }
        return Tensor(shape: [out.count / per, size, size, 3], data: out)
    }
}
