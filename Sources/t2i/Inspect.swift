import ArgumentParser
import EEE443
import Foundation
import GloVe

/// `t2i inspect FILE...`: describes EEE443 HDF5 files and GloVe-format word-vector files.
struct Inspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe EEE443 HDF5 files and GloVe word-vector files.",
        discussion: "Files ending .txt or .vec are read as GloVe text; anything else as an EEE443 HDF5 file.")

    @Argument(help: "HDF5 or GloVe files.") var files: [String]
    @Option(help: "How many decoded captions to show.") var captions = 5
    @Option(help: "Show the captions of this image row (zero-based row of *_url).") var image: Int?
    @Flag(help: "Print JSON instead of text.") var json = false

    func run() async throws {
        var failed = false
        var reports: [String] = []
        for path in files {
            do {
                reports.append(try report(path))
            } catch {
                failed = true
                printError(error)
            }
        }
        if json {
            print("[" + reports.joined(separator: ",\n") + "]")
        } else if !reports.isEmpty {
            print(reports.joined(separator: "\n\n"))
        }
        if failed { throw ExitCode(1) }
    }

    private func report(_ path: String) throws -> String {
        let isText = [".txt", ".vec"].contains { path.lowercased().hasSuffix($0) }
        if isText {
            let summary = GloVeSummary(file: path, vectors: try WordVectors.load(path: path))
            return json ? try encode(summary) : summary.text
        }
        let summary = try EEE443File(path: path).summary(captionLimit: captions, imageRow: image)
        return json ? try encode(summary) : summary.text
    }

    private func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
