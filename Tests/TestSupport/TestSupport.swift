import Foundation

/// The repository root, found from this file's location.
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh folder under the system temporary directory, removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ label: String = "t2i") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside this folder.
    public func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// What a finished child process printed and returned.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs `executable` with `arguments` and waits, collecting standard output and error.
@discardableResult
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                       currentDirectory: String? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("t2i-out-\(UUID().uuidString)")
    let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("t2i-err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outFile)
        try? FileManager.default.removeItem(at: errFile)
    }
    process.standardOutput = try FileHandle(forWritingTo: outFile)
    process.standardError = try FileHandle(forWritingTo: errFile)
    try process.run()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
}

/// The `t2i` executable built next to the test bundle (test targets depend on it, so it is built).
public var t2iExecutable: String {
    let directory = Bundle.main.bundleURL.deletingLastPathComponent()
    let candidates = [Bundle.main.bundleURL.appendingPathComponent("t2i"), directory.appendingPathComponent("t2i")]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path ?? candidates[1].path
}

/// Runs the real `t2i` command-line tool.
@discardableResult
public func runT2I(_ arguments: [String], environment: [String: String]? = nil) throws -> ProcessResult {
    try runProcess(t2iExecutable, arguments, environment: environment)
}

/// The project's Python: the Makefile's pinned virtualenv when it exists, else python3 on PATH.
public var pythonExecutable: String {
    let venv = repositoryRoot.appendingPathComponent(".venv/bin/python").path
    if FileManager.default.isExecutableFile(atPath: venv) { return venv }
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let candidate = "\(directory)/python3"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return "/usr/bin/python3"
}

/// Runs a script from `scripts/` with the project's Python; throws with its output when it fails.
@discardableResult
public func runPythonScript(_ script: String, _ arguments: [String]) throws -> ProcessResult {
    let path = repositoryRoot.appendingPathComponent("scripts").appendingPathComponent(script).path
    let result = try runProcess(pythonExecutable, [path] + arguments)
    guard result.status == 0 else { throw ScriptFailure(script: script, result: result) }
    return result
}

/// A fixture script that exited non-zero.
public struct ScriptFailure: Error, CustomStringConvertible {
    public let script: String
    public let result: ProcessResult
    public var description: String { "\(script) exited \(result.status): \(result.stderr)\(result.stdout)" }
}

/// Folders of generated fixtures, made once per test process and shared by every test in it.
public enum GeneratedFixtures {
    private static let eee443Result: Result<String, any Error> = Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("t2i-eee443-fixtures-\(getpid())").path
        try? FileManager.default.removeItem(atPath: directory)
        try runPythonScript("make_eee443_fixtures.py", [directory])
        return directory
    }

    /// The small EEE443 files written by h5py (`scripts/make_eee443_fixtures.py`), with `expected.json`.
    public static func eee443() throws -> String { try eee443Result.get() }
}
