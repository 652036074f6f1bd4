import Foundation
import Shards
import TestSupport
import Testing

/// Runs the numpy reader printed in docs/shard-format.md against shards from the Swift writer.
@Suite struct NumpyReaderDocTests {
    /// The Python between the page's `numpy-reader` markers, without the code fence.
    static func snippet() throws -> String {
        let page = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/shard-format.md"), encoding: .utf8)
        let begin = try #require(page.range(of: "<!-- numpy-reader:begin -->\n```python\n"))
        let end = try #require(page.range(of: "```\n<!-- numpy-reader:end -->"))
        return String(page[begin.upperBound..<end.lowerBound])
    }

    static let driver = """

    import sys
    for shard in read_shards(sys.argv[1]):
        for i in range(len(shard["ids"])):
            print(json.dumps({
                "file": shard["file"], "id": int(shard["ids"][i]), "count": int(shard["caption_counts"][i]),
                "pixels": shard["images"][i].reshape(-1).tolist(), "shape": list(shard["images"].shape[1:]),
                "tokens": shard["tokens"][i].reshape(-1).tolist(),
                "means": shard["means"][i].astype(float).reshape(-1).tolist(),
                "concatenated": shard["concatenated"][i].astype(float).reshape(-1).tolist(),
                "metadata": shard["metadata"][i],
            }))
    """

    @Test(arguments: [SyntheticShards.small, ShardLayout(imageHeight: 16, imageWidth: 12)])
    func snippetReadsWhatSwiftWrote(layout: ShardLayout) throws {
        let synthetic = SyntheticShards(layout: layout)
        let folder = try TemporaryDirectory("numpy")
        let ids: [UInt64] = [0, 7, 8, 30, 31, 99, 100]
        try synthetic.write(ids, to: folder.path, recordsPerShard: 3)
        let script = folder.file("read_shards.py")
        try (Self.snippet() + Self.driver).write(toFile: script, atomically: true, encoding: .utf8)
        let result = try runProcess(pythonExecutable, [script, folder.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == ids.count)

        let dataset = try ShardDataset(directory: folder.path)
        for (index, line) in lines.enumerated() {
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let record = try dataset.record(index)
            let (shard, _) = dataset.location(of: index)
            #expect(row["file"] as? String == ShardWriter.shardFileName(shard))
            #expect(row["id"] as? Int == Int(ids[index]))
            #expect(row["count"] as? Int == record.captionCount)
            #expect(row["shape"] as? [Int] == [layout.imageHeight, layout.imageWidth, layout.channels])
            #expect(row["pixels"] as? [Int] == synthetic.record(ids[index]).pixels.map(Int.init))
            let tokens = (0..<layout.maxCaptions).flatMap { record.tokens(caption: $0) }.map(Int.init)
            #expect(row["tokens"] as? [Int] == tokens)
            let means = (0..<layout.maxCaptions).flatMap { record.meanEncoding(caption: $0) }.map(Double.init)
            #expect(row["means"] as? [Double] == means)
            let concatenated = (0..<layout.maxCaptions).flatMap { dataset.concatenatedEncoding(record, caption: $0) }.map(Double.init)
            #expect(row["concatenated"] as? [Double] == concatenated)
            #expect(row["metadata"] as? [String: String] == synthetic.record(ids[index]).metadata)
        }
    }
}
