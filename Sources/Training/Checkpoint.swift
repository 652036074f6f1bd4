import Foundation
import GAN
import Tensor

/// Where a run stands: enough, with the model's tensors, to continue it bit for bit.
public struct TrainingPosition: Codable, Sendable, Equatable {
    /// Steps completed.
    public var step: Int
    /// Epoch of the next step and its batch index within that epoch's shuffled order.
    public var epoch: Int
    public var batchInEpoch: Int
    /// The configuration the run was started with.
    public var configuration: TrainingConfiguration
}

/// A checkpoint file: one `ParameterFile` holding every parameter, both Adam optimisers'
/// moments and step counts, every batch norm's running statistics, the averaged G's weights and
/// statistics (named `average.` + G's names) when the model keeps one, and the JSON-encoded
/// `TrainingPosition` (as a tensor of byte values named `checkpoint.json`).
///
/// Random streams need no saved state: the noise and caption choices of step k come from a
/// generator seeded by (noiseSeed, k), and epoch e's order from (shuffleSeed, e).
public enum Checkpoint {
    static let positionName = "checkpoint.json"

    /// All tensors of `model` by name.
    static func tensors(of model: GANModel) -> [(name: String, value: Tensor)] {
        var out = model.parameters.map { ($0.name, $0.value) }
        for (prefix, adam) in [("adam.g", model.generatorOptimizer), ("adam.d", model.discriminatorOptimizer)] {
            out.append(("\(prefix).step", Tensor(shape: [1], data: [Float(adam.step)])))
            for (i, p) in adam.parameters.enumerated() {
                out.append(("\(prefix).m.\(p.name)", Tensor(shape: p.value.shape, data: adam.m[i])))
                out.append(("\(prefix).v.\(p.name)", Tensor(shape: p.value.shape, data: adam.v[i])))
            }
        }
        out += statistics(of: model.batchNorms)
        if let g = model.averagedGenerator {
            out += g.parameters.map { (averagePrefix + $0.name, $0.value) }
            out += statistics(of: g.batchNorms, prefix: averagePrefix)
        }
        return out
    }

    /// The name stem of a batch norm's running statistics: its parameters' name without `.weight`.
    private static func statisticsName(_ bn: BatchNorm, prefix: String) -> String {
        prefix + String(bn.gamma.name.dropLast(".weight".count))
    }

    private static func statistics(of norms: [BatchNorm], prefix: String = "") -> [(name: String, value: Tensor)] {
        norms.flatMap { bn -> [(name: String, value: Tensor)] in
            let name = statisticsName(bn, prefix: prefix)
            return [("\(name).running_mean", bn.runningMean), ("\(name).running_var", bn.runningVar)]
        }
    }

    /// Names of the averaged G's tensors: G's names behind this prefix.
    static let averagePrefix = "average."

    /// Sorted keys: the same run writes the same bytes in every process (the encoder's key order
    /// otherwise follows a per-process hash seed).
    static var positionEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    /// Writes `model` and `position` to `path` atomically: a temporary file in the same folder,
    /// fsync, rename over `path`, fsync of the folder. A crash leaves the old or the new file.
    /// - Throws: `ParameterFileError` or `CheckpointError`.
    public static func save(model: GANModel, position: TrainingPosition, to path: String) throws {
        let json = try positionEncoder.encode(position)
        var tensors = tensors(of: model)
        tensors.append((positionName, Tensor(shape: [json.count], data: json.map { Float($0) })))
        let temporary = path + ".partial"
        try ParameterFile.save(tensors, to: temporary)
        try syncFile(temporary)
        guard rename(temporary, path) == 0 else { throw CheckpointError(path: path, reason: "rename failed: errno \(errno)") }
        try syncFile((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent)
    }

    private static func syncFile(_ path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CheckpointError(path: path, reason: "cannot open for fsync: errno \(errno)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw CheckpointError(path: path, reason: "fsync failed: errno \(errno)") }
    }

    /// Reads the position stored in the checkpoint at `path`, and the model it describes.
    /// - Throws: `ParameterFileError` / `CheckpointError` naming the file and the problem.
    public static func load(from path: String) throws -> (model: GANModel, position: TrainingPosition) {
        let stored = Dictionary(try ParameterFile.load(from: path).map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        guard let bytes = stored[positionName]?.data,
              let position = try? JSONDecoder().decode(TrainingPosition.self, from: Data(bytes.map { UInt8(clamping: Int($0)) }))
        else { throw CheckpointError(path: path, reason: "no readable \(positionName): not a t2i training checkpoint") }
        let c = position.configuration
        let model = GANModel(c.model, seed: c.seed, learningRate: c.learningRate, beta1: c.beta1,
                             discriminatorLearningRate: c.discriminatorLearningRate)
        func take(_ name: String, _ shape: [Int]) throws -> Tensor {
            guard let t = stored[name] else { throw CheckpointError(path: path, reason: "missing tensor \(name)") }
            guard t.shape == shape else { throw CheckpointError(path: path, reason: "\(name) has shape \(t.shape), expected \(shape)") }
            return t
        }
        for p in model.parameters { p.value = try take(p.name, p.value.shape) }
        for (prefix, adam) in [("adam.g", model.generatorOptimizer), ("adam.d", model.discriminatorOptimizer)] {
            adam.step = Int(try take("\(prefix).step", [1]).data[0])
            for (i, p) in adam.parameters.enumerated() {
                adam.m[i] = try take("\(prefix).m.\(p.name)", p.value.shape).data
                adam.v[i] = try take("\(prefix).v.\(p.name)", p.value.shape).data
            }
        }
        func restoreStatistics(_ norms: [BatchNorm], prefix: String = "") throws {
            for bn in norms {
                let name = statisticsName(bn, prefix: prefix)
                bn.runningMean = try take("\(name).running_mean", bn.runningMean.shape)
                bn.runningVar = try take("\(name).running_var", bn.runningVar.shape)
            }
        }
        try restoreStatistics(model.batchNorms)
        if let g = model.averagedGenerator {
            for p in g.parameters { p.value = try take(averagePrefix + p.name, p.value.shape) }
            try restoreStatistics(g.batchNorms, prefix: averagePrefix)
        }
        return (model, position)
    }
}

/// A checkpoint could not be written or read; names the file and the problem.
public struct CheckpointError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
