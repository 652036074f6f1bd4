import ArgumentParser
import Shards

/// `t2i export --webdataset OUT DIR`: writes a shard folder as WebDataset tar files.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a shard folder in another format.",
        discussion: "WebDataset: one tar per shard holding KEY.png, KEY.txt (captions) and KEY.json (id, url, captions).")

    @Option(name: .customLong("webdataset"), help: "Folder to write WebDataset tar shards into.") var output: String
    @Argument(help: "A shard folder (the one holding manifest.json).") var directory: String

    func run() async throws {
        let dataset = try ShardDataset(directory: directory)
        let files = try WebDatasetExporter.export(dataset, to: output)
        print("\(output): \(dataset.count) samples in \(files.count) tar files")
    }
}
