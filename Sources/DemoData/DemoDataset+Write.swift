import EEE443
import Foundation
import HDF5

/// What `DemoDataset.write(to:)` produced.
public struct DemoDatasetSummary: Sendable {
    public let trainFile: String
    public let testFile: String
    public let vectorsFile: String
    public let imagesFolder: String
    public let imageBytes: Int
    public let captionCount: Int
}

extension DemoDataset {
    /// Writes the two EEE443 files, the image files the host serves, the placeholder, the demo
    /// vectors and two TSV listings (images with their fault, held-out triples) into `directory`.
    /// - Parameter progress: called now and then with (images done, images total), from any thread.
    /// - Throws: `DemoDataError` or `HDF5Error` naming the file.
    @discardableResult
    public func write(to directory: String, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> DemoDatasetSummary {
        let root = URL(fileURLWithPath: directory)
        let imagesRoot = root.appendingPathComponent(Self.imagesFolder)
        do {
            try FileManager.default.createDirectory(at: imagesRoot, withIntermediateDirectories: true)
        } catch {
            throw DemoDataError(subject: imagesRoot.path, message: "cannot create the folder: \(error.localizedDescription)")
        }
        let imageBytes = try writeImages(to: imagesRoot, progress: progress)
        try Self.writeFile(imagesRoot.appendingPathComponent(String(DemoPlaceholder.path.dropFirst())), try DemoPlaceholder.pngBytes())
        let trainFile = root.appendingPathComponent(EEE443Split.train.fileName).path
        let testFile = root.appendingPathComponent(EEE443Split.test.fileName).path
        let trainCaptions = try writeHDF5(trainFile, split: .train, images: train)
        let testCaptions = try writeHDF5(testFile, split: .test, images: test)
        let vectorsFile = root.appendingPathComponent(DemoVectors.fileName).path
        try DemoVectors.write(to: vectorsFile, seed: options.seed)
        try writeListings(root)
        return DemoDatasetSummary(trainFile: trainFile, testFile: testFile, vectorsFile: vectorsFile,
                                  imagesFolder: imagesRoot.path, imageBytes: imageBytes,
                                  captionCount: trainCaptions + testCaptions)
    }

    /// Renders every image in parallel, one TurboJPEG handle per worker.
    private func writeImages(to imagesRoot: URL, progress: (@Sendable (Int, Int) -> Void)?) throws -> Int {
        let all = images
        var folders = Set<String>()
        for image in all { folders.insert(String(image.path.split(separator: "/")[0])) }
        for folder in folders {
            try? FileManager.default.createDirectory(at: imagesRoot.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let chunk = 16
        let chunks = (all.count + chunk - 1) / chunk
        let state = _Locked((done: 0, bytes: 0, error: DemoDataError?.none))
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            let range = (index * chunk)..<min(all.count, (index + 1) * chunk)
            do {
                let jpeg = try _JPEGWriter()
                var bytes = 0
                for image in all[range] {
                    if state.withValue({ $0.error != nil }) { return }
                    var rng = pixelRNG(image)
                    let data = try _DemoImageFile.bytes(scene: image.scene, fault: image.fault,
                                                        longSide: options.longSide, jpeg: jpeg, &rng)
                    try Self.writeFile(imagesRoot.appendingPathComponent(String(image.path.dropFirst())), data)
                    bytes += data.count
                }
                let done = state.withValue { value -> Int in
                    value.done += range.count
                    value.bytes += bytes
                    return value.done
                }
                progress?(done, all.count)
            } catch let error as DemoDataError {
                state.withValue { if $0.error == nil { $0.error = error } }
            } catch {
                state.withValue { if $0.error == nil { $0.error = DemoDataError(subject: "image chunk \(index)", message: "\(error)") } }
            }
        }
        let result = state.withValue { $0 }
        if let error = result.error { throw error }
        return result.bytes
    }

    static func writeFile(_ url: URL, _ bytes: [UInt8]) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: Data(bytes)) else {
            throw DemoDataError(subject: url.path, message: "cannot write the file (\(bytes.count) bytes)")
        }
    }

    /// One EEE443 file in the real layout. Returns the number of caption rows.
    private func writeHDF5(_ path: String, split: EEE443Split, images: [DemoImage]) throws -> Int {
        let vocabulary = Vocabulary.eee443
        var rows: [(image: Int, tokens: [Int32])] = []
        for image in images {
            for caption in image.captions {
                let encoded = vocabulary.encode(caption, width: EEE443File.captionWidth)
                guard encoded.unknown.isEmpty, !encoded.truncated else {
                    throw DemoDataError(subject: path, message: "caption '\(caption)' of image \(image.id) has words outside the vocabulary \(encoded.unknown) or more than 15 words")
                }
                rows.append((image.row, encoded.row))
            }
        }
        // The real rows are not grouped by image; shuffle them the same way for a seed.
        var rng = _SplitMix64(seed: options.seed, 0x524F_5753, split == .train ? 1 : 2)
        rows.shuffle(using: &rng)
        let base = split == .train ? 1 : 0
        let file = try HDF5File(creating: path)
        try file.write(split.captionsDataset, shape: [rows.count, EEE443File.captionWidth], values: rows.flatMap(\.tokens))
        try file.write(split.imageIDsDataset, shape: [rows.count], values: rows.map { Int32($0.image + base) })
        let urls = images.map(\.url)
        try file.writeStrings(split.urlsDataset, values: urls, fixedLength: urls.map(\.utf8.count).max() ?? 1)
        try file.write(split.featuresDataset, shape: [images.count, 512], values: images.flatMap(features))
        var members = vocabulary.memberNames.enumerated().map { (name: $0.element, value: Double($0.offset)) }
        members.shuffle(using: &rng)
        try file.writeCompoundRecord(EEE443Split.vocabularyDataset, members: members)
        try file.flush()
        return rows.count
    }

    /// Stand-ins for the PCA-512 VGG features: noise plus the scene's categories, so the values
    /// are not meaningless, though the pipeline never reads them.
    private func features(_ image: DemoImage) -> [Float] {
        var rng = _SplitMix64(seed: options.seed, 0x4645_4154, UInt64(image.id))
        var values = (0..<512).map { _ in Float(rng.normal() * 0.3) }
        for object in [image.scene.first, image.scene.second].compactMap({ $0 }) {
            values[DemoObjectKind.allCases.firstIndex(of: object.kind) ?? 0] += 2
            values[16 + (DemoColour.allCases.firstIndex(of: object.colour) ?? 0)] += 2
        }
        values[32 + (DemoBackground.allCases.firstIndex(of: image.scene.background) ?? 0)] += 2
        return values
    }

    /// `demo_images.tsv` (every image with its fault) and `held_out_combinations.tsv`.
    private func writeListings(_ root: URL) throws {
        var index = "id\tsplit\trow\tfault\tdead\theld_out\tpath\n"
        for image in images {
            index += "\(image.id)\t\(image.split.rawValue)\t\(image.row)\t\(image.fault.rawValue)\t\(image.fault.isDead ? 1 : 0)\t\(image.isHeldOut ? 1 : 0)\t\(image.path)\n"
        }
        var heldOut = "object\tcolour\tbackground\n"
        for combination in DemoCombination.heldOut {
            heldOut += "\(combination.kind.rawValue)\t\(combination.colour.rawValue)\t\(combination.background.rawValue)\n"
        }
        try Self.writeFile(root.appendingPathComponent(Self.indexFileName), Array(index.utf8))
        try Self.writeFile(root.appendingPathComponent(Self.heldOutFileName), Array(heldOut.utf8))
    }
}
