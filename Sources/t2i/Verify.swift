import ArgumentParser
import Foundation
import Shards

/// `t2i verify DIR`: checks every checksum in a shard folder and names what is damaged.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a shard folder: manifest, headers, every record and side-table checksum.",
        discussion: "Prints one line per problem naming the shard and record, and exits 1 if there is any.")

    @Argument(help: "A shard folder (the one holding manifest.json).") var directory: String

    func run() async throws {
        let report = ShardVerifier.verify(directory: directory)
        for problem in report.problems { printError("damaged: \(problem)") }
        guard report.isClean else {
            printError("\(directory): \(report.problems.count) problem(s) in \(report.shardsChecked) readable shard(s)")
            throw ExitCode(1)
        }
        print("\(directory): ok, \(report.recordsChecked) records in \(report.shardsChecked) shards")
    }
}

/// One line to standard error.
private func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
