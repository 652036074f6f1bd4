// t2i-bench-shards: writes synthetic 64x64 shards and measures the reader the trainer uses.
// Usage: t2i-bench-shards FOLDER [IMAGES] [BATCH]
import Foundation
import Shards

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: t2i-bench-shards FOLDER [IMAGES] [BATCH]\n".utf8))
    exit(2)
}
let folder = arguments[1]
let imageCount = arguments.count > 2 ? Int(arguments[2]) ?? 20_000 : 20_000
let batchSize = arguments.count > 3 ? Int(arguments[3]) ?? 64 : 64
let layout = ShardLayout()

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func rate(_ count: Int, _ time: Double) -> String { String(format: "%9.0f images/s", Double(count) / time) }

// Synthetic data shaped like EEE443: 1004-word vocabulary, 50-d vectors, 1-5 captions, COCO URLs.
let vocabulary = ["<NULL>", "<START>", "<END>", "<UNK>"] + (4..<1004).map { "w\($0)" }
var random = SplitMix64(seed: 1)
let embeddings = (0..<vocabulary.count * layout.embeddingDimension).map { _ in Float(Int(random.next() % 2001) - 1000) / 1000 }
let records = (0..<min(imageCount, 512)).map { i -> ShardRecord in
    let pixels = (0..<layout.pixelCount).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    let captions = (0..<(1 + i % 5)).map { _ -> ShardRecord.Caption in
        var tokens = [UInt16](repeating: 0, count: layout.captionLength)
        let words = 5 + Int(random.next() % 11)
        tokens[0] = 1
        for w in 1...words { tokens[w] = UInt16(3 + random.next() % 1001) }
        tokens[words + 1] = 2
        return .init(tokens: tokens, meanEncoding: (0..<layout.embeddingDimension).map { Float($0) / 100 })
    }
    return ShardRecord(imageID: 0, pixels: pixels, captions: captions, metadata: [:])
}

var writeTime = 0.0
try writeTime = seconds {
    let writer = try ShardWriter(directory: folder, layout: layout, vocabulary: vocabulary, embeddings: embeddings,
                                 configuration: ["bench": "shards"])
    for i in 0..<imageCount {
        var record = records[i % records.count]
        record.imageID = UInt64(i * 5)
        record.metadata = ["url": String(format: "http://images.cocodataset.org/train2014/COCO_train2014_%012d.jpg", i * 5)]
        try writer.add(record)
    }
    try writer.finish(split: "train", encoders: [.init(name: "synthetic")])
}
let files = try FileManager.default.contentsOfDirectory(atPath: folder)
let totalBytes = try files.reduce(0) { $0 + ((try FileManager.default.attributesOfItem(atPath: folder + "/" + $1)[.size] as? Int) ?? 0) }
print("images            \(imageCount) (64x64x3), \(files.count) files, record \(layout.recordSize) bytes")
print(String(format: "bytes per image   %.1f on disk (pixels 12288, everything else %.1f)",
             Double(totalBytes) / Double(imageCount), Double(totalBytes) / Double(imageCount) - 12288))
print("write             \(rate(imageCount, writeTime))  (fsync included)")

let dataset = try ShardDataset(directory: folder)
let unchecked = try ShardDataset(directory: folder, checkRecords: false)
var buffer = [Float](repeating: 0, count: batchSize * layout.pixelCount)
var checksum: Float = 0

@MainActor func pass(_ data: ShardDataset, order: [Int], layout pixelLayout: PixelLayout = .nhwc) throws -> Double {
    try seconds {
        var start = 0
        while start < order.count {
            let end = min(start + batchSize, order.count)
            try buffer.withUnsafeMutableBufferPointer { try data.fillImages(order[start..<end], into: $0, layout: pixelLayout) }
            checksum += buffer[0]
            start = end
        }
    }
}

let sequential = Array(0..<dataset.count)
_ = try pass(unchecked, order: sequential)  // warm the page cache
func best(_ body: () throws -> Double) rethrows -> Double { try (0..<3).map { _ in try body() }.min() ?? 0 }
let checked = try best { try pass(dataset, order: sequential) }
let fast = try best { try pass(unchecked, order: sequential) }
let shuffled = try best { try pass(dataset, order: dataset.epochOrder(seed: 1, epoch: 0)) }
let planar = try best { try pass(dataset, order: sequential, layout: .nchw) }
let full = try best {
    try seconds {
        var stream = dataset.batches(size: batchSize)
        while let batch = try stream.next() { checksum += batch.images[0] + batch.meanEncodings[0] }
    }
}
let verifyTime = seconds { precondition(ShardVerifier.verify(directory: folder).isClean) }
print("read sequential   \(rate(dataset.count, checked))  NHWC floats, record CRC checked (the default)")
print("read sequential   \(rate(dataset.count, fast))  NHWC floats, CRC not checked")
print("read shuffled     \(rate(dataset.count, shuffled))  NHWC floats, CRC checked")
print("read sequential   \(rate(dataset.count, planar))  NCHW floats, CRC checked")
print("batches()         \(rate(dataset.count, full))  images + ids + tokens + means, fresh arrays")
print("verify            \(rate(dataset.count, verifyTime))  every checksum")
print("crc32c hardware   \(CRC32C.usesHardware)   (checksum of results \(checksum))")
