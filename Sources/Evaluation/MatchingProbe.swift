import GAN
import Tensor
import Training

/// Does D itself tell a real image's caption from one that names another class of one attribute?
/// G can only learn an attribute from D's matching-aware loss if D tells it apart, so this says
/// whether a shortfall in caption-following lies with D or with G.
///
/// For each held-out real image (labels known) and each attribute, D scores the image with the
/// caption of its own labels and with the caption of the same labels but another class of that
/// attribute (drawn uniformly); the result is the fraction of images where the right caption
/// scores higher. Chance is 50%. D runs with its running batch-norm statistics.
struct MatchingProbe {
    let model: GANModel
    let encoder: CaptionEncoder

    /// - Returns: per attribute, the fraction of `records` for which D prefers the right caption.
    func preference(data: any AttributeLabeledData, records: [Int], labels: [Int: [Int]], batch: Int,
                    seed: UInt64) throws -> [Double] {
        let classes = data.attributes.map(\.classes.count)
        var rng = SeededGenerator(seed: seed)
        var wins = [Int](repeating: 0, count: classes.count)
        let d = model.discriminator
        let wasTraining = d.training
        d.training = false
        defer { d.training = wasTraining }
        for start in stride(from: 0, to: records.count, by: batch) {
            let chunk = Array(records[start..<Swift.min(start + batch, records.count)])
            let own = chunk.map { labels[$0] ?? [] }
            let features = d.trunkForward(try data.batch(records: chunk, captions: [Int](repeating: 0, count: chunk.count)).images)
            let right = score(features, own, data)
            for k in classes.indices where classes[k] > 1 {
                let wrong = score(features, otherClass(own, attribute: k, classes: classes[k], using: &rng), data)
                wins[k] += zip(right, wrong).filter { $0 > $1 }.count
            }
        }
        return wins.map { Double($0) / Double(Swift.max(records.count, 1)) }
    }

    private func score(_ features: Tensor, _ labels: [[Int]], _ data: any AttributeLabeledData) -> [Float] {
        let captions = encoder.encode(labels.map(data.caption(for:))).captions
        let c = model.configuration
        return model.discriminator.headForward(features: features, text: model.encode(captions),
                                               words: c.wordProjection ? captions.wordDistribution(vocabularySize: c.vocabularySize) : nil).data
    }
}

/// `labels` with attribute `k` of each row changed to another of its `classes`, drawn uniformly.
func otherClass(_ labels: [[Int]], attribute k: Int, classes: Int, using rng: inout SeededGenerator) -> [[Int]] {
    labels.map { l in
        var m = l
        m[k] = (l[k] + 1 + Int(rng.next() % UInt64(classes - 1))) % classes
        return m
    }
}
