import Foundation

/// Reading or writing a parameter file failed; the message names the file and the problem.
public struct ParameterFileError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Named float32 tensors in one little-endian binary file (format in docs/tensor.md):
///
///     "T2IT" magic, UInt32 version = 1, UInt32 tensor count, then per tensor:
///     UInt32 name length, UTF-8 name, UInt32 rank, rank × UInt32 extents, float32 data.
public enum ParameterFile {
    static let magic: [UInt8] = Array("T2IT".utf8)
    static let version: UInt32 = 1

    /// Writes `tensors` (in order) to `path`, replacing it atomically.
    /// - Throws: `ParameterFileError` if the file cannot be written.
    public static func save(_ tensors: [(name: String, value: Tensor)], to path: String) throws {
        var out = magic
        func put(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(version)
        put(UInt32(tensors.count))
        for (name, t) in tensors {
            let utf8 = Array(name.utf8)
            put(UInt32(utf8.count))
            out.append(contentsOf: utf8)
            put(UInt32(t.rank))
            t.shape.forEach { put(UInt32($0)) }
            for x in t.data { withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
        do {
            try Data(out).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ParameterFileError(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// Reads every tensor of the file at `path`, in file order.
    /// - Throws: `ParameterFileError` if the file is missing, truncated or not this format.
    public static func load(from path: String) throws -> [(name: String, value: Tensor)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParameterFileError(path: path, reason: "cannot read the file")
        }
        let bytes = [UInt8](data)
        var at = 0
        func fail(_ why: String) -> ParameterFileError { ParameterFileError(path: path, reason: "\(why) at byte \(at)") }
        func u32() throws -> UInt32 {
            guard at + 4 <= bytes.count else { throw fail("truncated") }
            defer { at += 4 }
            return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        guard bytes.count >= 4, Array(bytes[0..<4]) == magic else { throw fail("not a T2IT parameter file") }
        at = 4
        let v = try u32()
        guard v == version else { throw fail("unsupported version \(v)") }
        let count = try u32()
        var result: [(name: String, value: Tensor)] = []
        for _ in 0..<count {
            let len = Int(try u32())
            guard at + len <= bytes.count, let name = String(bytes: bytes[at..<at + len], encoding: .utf8) else {
                throw fail("bad tensor name")
            }
            at += len
            let rank = Int(try u32())
            guard rank <= 8 else { throw fail("rank \(rank) of \(name) is implausible") }
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(Int(try u32())) }
            let n = shape.reduce(1, *)
            guard n >= 0, at + 4 * n <= bytes.count else { throw fail("truncated data of \(name)") }
            var values = [Float](repeating: 0, count: n)
            for i in 0..<n {
                values[i] = Float(bitPattern: UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8
                                  | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24)
                at += 4
            }
            result.append((name, Tensor(shape: shape, data: values)))
        }
        guard at == bytes.count else { throw fail("trailing bytes") }
        return result
    }

    /// Saves `parameters`' values by name.
    public static func save(_ parameters: [Parameter], to path: String) throws {
        try save(parameters.map { ($0.name, $0.value) }, to: path)
    }

    /// Loads values into `parameters` by name; every parameter must be present with its shape.
    /// - Throws: `ParameterFileError` naming a missing or mis-shaped parameter.
    public static func load(into parameters: [Parameter], from path: String) throws {
        let stored = Dictionary(try load(from: path).map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        for p in parameters {
            guard let t = stored[p.name] else { throw ParameterFileError(path: path, reason: "no tensor named \(p.name)") }
            guard t.shape == p.value.shape else {
                throw ParameterFileError(path: path, reason: "\(p.name) has shape \(t.shape), expected \(p.value.shape)")
            }
            p.value = t
        }
    }
}
