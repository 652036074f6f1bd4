import Foundation

/// Everything `ShardVerifier.verify` found in a folder.
public struct ShardVerification: Sendable {
    /// One entry per problem, each naming the file and, where it applies, the record.
    public var problems: [ShardError] = []
    public var shardsChecked = 0
    public var recordsChecked = 0
    public var isClean: Bool { problems.isEmpty }
}

/// Checks a shard folder byte by byte: the manifest's own checksums, every shard's header,
/// body checksum, record checksums, side-table checksums and id order, the embedding table,
/// and that the manifest and the files agree.
public enum ShardVerifier {
    /// Verifies the folder at `directory` and reports every problem rather than stopping at the first.
    /// - Complexity: O(total bytes).
    public static func verify(directory: String) -> ShardVerification {
        var report = ShardVerification()
        let manifest: ShardManifest
        do { manifest = try ShardDataset.readManifest(directory) } catch let error as ShardError {
            report.problems.append(error)
            return report
        } catch {
            report.problems.append(ShardError(file: ShardManifest.fileName, "\(error)"))
            return report
        }
        checkManifest(manifest, &report)
        do { _ = try ShardDataset.readEmbeddings(directory, manifest) } catch let error as ShardError {
            report.problems.append(error)
        } catch {
            report.problems.append(ShardError(file: manifest.embeddings.file, "\(error)"))
        }
        for entry in manifest.shards { checkShard(entry, in: directory, manifest: manifest, &report) }
        let listed = Set(manifest.shards.map(\.file))
        let present = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in present.sorted() where ShardWriter.isShardFileName(name) && !listed.contains(name) {
            report.problems.append(ShardError(file: name, "is not listed in \(ShardManifest.fileName)"))
        }
        return report
    }

    static func checkManifest(_ manifest: ShardManifest, _ report: inout ShardVerification) {
        let file = ShardManifest.fileName
        func problem(_ message: String) { report.problems.append(ShardError(file: file, message)) }
        let vocabulary = ShardManifest.vocabularyChecksum(manifest.vocabulary)
        if vocabulary != manifest.vocabularyCRC32C {
            problem("vocabulary checksum mismatch (stored \(hex(manifest.vocabularyCRC32C)), computed \(hex(vocabulary))): the word list was changed")
        }
        let configuration = ShardManifest.configurationChecksum(manifest.configuration)
        if configuration != manifest.configurationCRC32C {
            problem("configuration checksum mismatch (stored \(hex(manifest.configurationCRC32C)), computed \(hex(configuration))): the configuration was changed")
        }
        let total = manifest.shards.reduce(0) { $0 + $1.records }
        if total != manifest.recordCount { problem("recordCount is \(manifest.recordCount) but the shards listed hold \(total)") }
        if manifest.recordSize != manifest.layout.recordSize {
            problem("recordSize is \(manifest.recordSize) but the layout gives \(manifest.layout.recordSize)")
        }
        for (index, entry) in manifest.shards.enumerated() where entry.file != ShardWriter.shardFileName(index) {
            problem("shard \(index) is named \(entry.file), expected \(ShardWriter.shardFileName(index))")
        }
    }

    static func checkShard(_ entry: ShardManifest.Shard, in directory: String, manifest: ShardManifest,
                           _ report: inout ShardVerification) {
        let path = directory + "/" + entry.file
        guard FileManager.default.fileExists(atPath: path) else {
            report.problems.append(ShardError(file: entry.file, "is listed in \(ShardManifest.fileName) but missing"))
            return
        }
        let shard: ShardFile
        do { shard = try ShardFile(path: path) } catch let error as ShardError {
            report.problems.append(error)
            return
        } catch {
            report.problems.append(ShardError(file: entry.file, "\(error)"))
            return
        }
        report.shardsChecked += 1
        if let problem = ShardDataset.mismatch(entry, shard, manifest.layout) {
            report.problems.append(ShardError(file: entry.file, problem))
        }
        let body = shard.computeBodyChecksum()
        if body != shard.header.bodyChecksum {
            report.problems.append(ShardError(file: entry.file, "body checksum mismatch (header \(hex(shard.header.bodyChecksum)), computed \(hex(body)))"))
        }
        var previous: UInt64?
        for index in 0..<shard.count {
            report.recordsChecked += 1
            let record = ShardRecordView(file: shard, bytes: shard.recordBytes(index))
            if let problem = record.checksumProblem {
                report.problems.append(ShardError(file: entry.file, record: index, "\(problem); stored image id \(record.imageID)"))
                continue
            }
            do { _ = try shard.metadataBytes(index) } catch let error as ShardError { report.problems.append(error) } catch {}
            if let previous, record.imageID <= previous {
                report.problems.append(ShardError(file: entry.file, record: index, "image id \(record.imageID) does not follow \(previous)"))
            }
            if index == 0, record.imageID != entry.firstImageID {
                report.problems.append(ShardError(file: entry.file, record: index, "image id \(record.imageID), the manifest says the first is \(entry.firstImageID.map(String.init) ?? "none")"))
            }
            if index == shard.count - 1, record.imageID != entry.lastImageID {
                report.problems.append(ShardError(file: entry.file, record: index, "image id \(record.imageID), the manifest says the last is \(entry.lastImageID.map(String.init) ?? "none")"))
            }
            previous = record.imageID
        }
    }
}
