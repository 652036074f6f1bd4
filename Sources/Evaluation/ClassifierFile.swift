import Foundation
import Tensor

/// A trained `AttributeClassifier` kept in a `ParameterFile`, with the settings and data it was
/// trained on (a JSON key, stored as a tensor of byte values named `classifier.json`), so that
/// scoring several checkpoints of one run trains the classifier once.
///
/// The classifier depends only on real images, the evaluator's settings and the code that trains
/// it, never on the model being scored, so a file whose key matches holds exactly the classifier
/// training would make. The code is named by `codeVersion`.
struct ClassifierFile {
    /// The version of the classifier's code (`AttributeClassifier`, its augmentation and training
    /// loop in `Evaluator`). **Bump it with any change to them**: a file written by another version
    /// is trained again, so scores from one `work/evaluate-classifier.t2it` always come from one
    /// judge. (Files from before the version was kept have none, and are trained again too.)
    static let codeVersion = 1

    /// What the classifier's training depends on.
    struct Key: Codable, Equatable {
        /// `codeVersion` of the code that trained it; nil in files from before it was kept.
        var version: Int? = ClassifierFile.codeVersion
        var steps: Int
        var width: Int
        var batch: Int
        var seed: UInt64
        var imageSize: Int
        var classCounts: [Int]
        var trainRecords: Int
        /// The training data's identity (e.g. its JSON configuration), given by the caller.
        var data: String
    }

    static let keyName = "classifier.json"
    let path: String

    /// The classifier stored at `path` if the file exists and was trained with `key`.
    /// - Returns: nil, with the reason, when there is no usable classifier (no file, another key,
    ///   a damaged file); the caller then trains one and overwrites the file.
    func read(key: Key, into classifier: AttributeClassifier) -> (loaded: Bool, reason: String) {
        guard FileManager.default.fileExists(atPath: path) else { return (false, "\(path) does not exist yet") }
        let stored: [String: Tensor]
        do {
            stored = Dictionary(try ParameterFile.load(from: path).map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        } catch {
            return (false, "\(error)")
        }
        guard let bytes = stored[Self.keyName],
              let storedKey = try? JSONDecoder().decode(Key.self, from: Data(bytes.data.map { UInt8(clamping: Int($0)) }))
        else { return (false, "\(path): no \(Self.keyName) key, not a classifier file") }
        guard storedKey.version == key.version else {
            return (false, "\(path) holds a classifier trained by another version of its code "
                + "(\(storedKey.version.map(String.init) ?? "none"), this is \(key.version.map(String.init) ?? "none"))")
        }
        guard storedKey == key else { return (false, "\(path) holds a classifier trained with other settings or data") }
        if let bad = classifier.restore(stored) { return (false, "\(path): tensor \(bad) is missing or of another shape") }
        return (true, "read the classifier from \(path)")
    }

    /// Writes `classifier` and `key` to `path` atomically.
    /// - Throws: `ParameterFileError` naming the file.
    func write(_ classifier: AttributeClassifier, key: Key) throws {
        let json = try JSONEncoder().encode(key)
        try ParameterFile.save(classifier.tensors + [(Self.keyName, Tensor(shape: [json.count], data: json.map(Float.init)))], to: path)
    }
}
