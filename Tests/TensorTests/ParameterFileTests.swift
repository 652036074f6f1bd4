import Foundation
import Tensor
import Testing
import TestSupport

@Suite("Parameter files", .tensorExclusive)
struct ParameterFileTests {
    @Test func roundTripRestoresValuesByName() throws {
        let dir = try TemporaryDirectory("tensor")
        var gen = SeededGenerator(seed: 1)
        let a = Conv2d(3, 4, kernel: 4, stride: 2, padding: 1, bias: true, name: "d.conv1", generator: &gen)
        let bn = BatchNorm(4, name: "d.bn1")
        let path = dir.file("params.t2it")
        try ParameterFile.save(a.parameters + bn.parameters, to: path)
        var other = SeededGenerator(seed: 2)
        let b = Conv2d(3, 4, kernel: 4, stride: 2, padding: 1, bias: true, name: "d.conv1", generator: &other)
        #expect(b.weight.value != a.weight.value)
        try ParameterFile.load(into: b.parameters, from: path)
        #expect(b.weight.value == a.weight.value)
        #expect(b.bias?.value == a.bias?.value)
        let all = try ParameterFile.load(from: path)
        #expect(all.map(\.name) == ["d.conv1.weight", "d.conv1.bias", "d.bn1.weight", "d.bn1.bias"])
        // 16-byte header, then per tensor: name, rank, extents, data.
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let expected = 12 + all.reduce(0) { $0 + 8 + $1.name.utf8.count + 4 * $1.value.rank + 4 * $1.value.count }
        #expect(size == expected)
    }

    @Test func missingAndMisshapedParametersAreReported() throws {
        let dir = try TemporaryDirectory("tensor")
        let path = dir.file("p.t2it")
        try ParameterFile.save([("w", Tensor(zeros: [2, 3]))], to: path)
        #expect(throws: ParameterFileError.self) { try ParameterFile.load(into: [Parameter("v", Tensor(zeros: [2, 3]))], from: path) }
        #expect(throws: ParameterFileError.self) { try ParameterFile.load(into: [Parameter("w", Tensor(zeros: [3, 2]))], from: path) }
    }

    @Test func truncatedAndForeignFilesAreRejected() throws {
        let dir = try TemporaryDirectory("tensor")
        let path = dir.file("p.t2it")
        try ParameterFile.save([("w", Tensor(zeros: [4, 4], value: 1))], to: path)
        let bytes = try #require(FileManager.default.contents(atPath: path))
        try bytes.prefix(bytes.count - 3).write(to: URL(fileURLWithPath: path))
        #expect(throws: ParameterFileError.self) { try ParameterFile.load(from: path) }
        try Data("not a tensor file".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ParameterFileError.self) { try ParameterFile.load(from: path) }
        #expect(throws: ParameterFileError.self) { try ParameterFile.load(from: dir.file("absent")) }
    }

    @Test func seededInitialisationIsReproducibleWithStd002() {
        var g1 = SeededGenerator(seed: 42), g2 = SeededGenerator(seed: 42)
        let a = Tensor.normal([200_000], using: &g1), b = Tensor.normal([200_000], using: &g2)
        #expect(a == b)
        let mean = a.data.reduce(0.0) { $0 + Double($1) } / Double(a.count)
        let std = (a.data.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(a.count)).squareRoot()
        #expect(abs(mean) < 2e-4 && abs(std - 0.02) < 2e-4)
    }
}
