import Foundation
import GAN
import Tensor
import Training

/// Does D's caption head (`model.captionReconstruction`) recognise what an image's caption says?
/// G is scored by this head, so comparing the head with the evaluation classifier on G's images
/// says whether G has learned to draw an attribute or only to satisfy the head.
///
/// For each image and each attribute, the head's loss (`captionTarget`: cross-entropy against the
/// caption's words, or squared error against its vector) is taken against the caption of the
/// image's own labels and against the caption with that attribute changed to another class, drawn
/// uniformly. A win is an image whose own caption has the lower loss; chance is 50%. D runs with
/// its running batch-norm statistics.
struct CaptionHeadProbe {
    let model: GANModel
    let encoder: CaptionEncoder

    /// - Returns: per attribute, the number of `images` (`[N, S, S, 3]`, labelled `labels`) whose
    ///   own caption the head fits better. Requires `captionReconstruction` > 0.
    func wins(images: Tensor, labels own: [[Int]], data: any AttributeLabeledData,
              using rng: inout SeededGenerator) -> [Int] {
        let d = model.discriminator
        let wasTraining = d.training
        d.training = false
        defer { d.training = wasTraining }
        let predicted = d.captionForward(features: d.trunkForward(images))
        let right = losses(predicted, own, data)
        let classes = data.attributes.map(\.classes.count)
        return classes.indices.map { k in
            guard classes[k] > 1 else { return 0 }
            let wrong = losses(predicted, otherClass(own, attribute: k, classes: classes[k], using: &rng), data)
            return zip(right, wrong).filter { $0 < $1 }.count
        }
    }

    /// The head's loss on each row of `predicted` `[N, captionTargetDimension]` against the
    /// caption of each row's labels, in Double.
    private func losses(_ predicted: Tensor, _ labels: [[Int]], _ data: any AttributeLabeledData) -> [Double] {
        let c = model.configuration
        let captions = encoder.encode(labels.map(data.caption(for:))).captions
        let columns = predicted.shape[1]
        let targets = c.captionTarget == .vector ? captions.glove
            : captions.wordDistribution(vocabularySize: c.vocabularySize, columns: columns)
        return (0..<labels.count).map { r in
            let p = predicted.data[r * columns..<(r + 1) * columns].map(Double.init)
            let t = targets.data[r * columns..<(r + 1) * columns].map(Double.init)
            if c.captionTarget == .vector {
                return zip(p, t).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(columns)
            }
            // Softmax cross-entropy: Σ t · (log Σ exp p − p).
            let top = p.max() ?? 0
            let logSum = top + log(p.reduce(0) { $0 + exp($1 - top) })
            return zip(p, t).reduce(0) { $0 + $1.1 * (logSum - $1.0) }
        }
    }
}
