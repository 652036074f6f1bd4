import Foundation
import Shards
import TestSupport
import Testing

/// `t2i export --webdataset` through the real executable, read back by the real `webdataset` package.
@Suite struct ExportCommandTests {
    let synthetic = SyntheticShards(layout: SyntheticShards.small)

    @Test func webdatasetReadsEverySampleBack() throws {
        let shards = try TemporaryDirectory("export-in")
        let output = try TemporaryDirectory("export-out")
        let ids: [UInt64] = [4, 9, 16, 25, 36]
        try synthetic.write(ids, to: shards.path, recordsPerShard: 3)
        let result = try runT2I(["export", "--webdataset", output.path, shards.path])
        #expect(result.status == 0, "\(result.stderr)")
        let tars = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        #expect(tars == ["shard-000000.tar", "shard-000001.tar"])

        let read = try runPythonScript("read-webdataset.py", tars.map { output.file($0) })
        let samples = try read.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(samples.count == ids.count)
        let dataset = try ShardDataset(directory: shards.path)
        for (index, sample) in samples.enumerated() {
            let expected = synthetic.record(ids[index])
            let record = try dataset.record(index)
            let captions = (0..<expected.captions.count).map { dataset.words(record, caption: $0).joined(separator: " ") }
            #expect(sample["key"] as? String == WebDatasetExporter.key(ids[index]))
            #expect(sample["shape"] as? [Int] == [synthetic.layout.imageHeight, synthetic.layout.imageWidth, 3])
            #expect(sample["pixels"] as? [Int] == expected.pixels.map(Int.init))
            #expect(sample["txt"] as? String == captions.joined(separator: "\n"))
            let json = try #require(sample["json"] as? [String: Any])
            #expect(json["id"] as? Int == Int(ids[index]))
            #expect(json["url"] as? String == expected.metadata["url"])
            #expect(json["captions"] as? [String] == captions)
            #expect(captions.allSatisfy { !$0.isEmpty && $0.split(separator: " ").allSatisfy { $0.hasPrefix("word") || $0 == "<UNK>" } })
        }
    }

    @Test func damagedShardStopsTheExport() throws {
        let shards = try TemporaryDirectory("export-in")
        let output = try TemporaryDirectory("export-out")
        try synthetic.write([1, 2, 3], to: shards.path, recordsPerShard: 3)
        try flipByte(in: shards.file("shard-00000.t2is"), at: ShardHeader.size + synthetic.layout.recordSize + 20)
        let result = try runT2I(["export", "--webdataset", output.path, shards.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("shard-00000.t2is record 1: checksum mismatch"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output.path).isEmpty)
    }
}
