import ArgumentParser
import DemoData
import Foundation

/// `t2i demo-data`: writes the demo dataset in the real EEE443 layout.
struct DemoDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Write a demo dataset in the real EEE443 layout: the two HDF5 files, the images the demo host serves, demo word vectors.")

    @Option(help: "Output folder (created if missing).") var out: String
    @Option(help: "Train images (about 5 captions each).") var images: Int = 10_000
    @Option(help: "Test images; every 5th shows a held-out object/colour/background triple.") var testImages: Int = 1_000
    @Option(help: "Random seed; the same seed writes the same files.") var seed: UInt64 = 443
    @Option(help: "Host written into the URLs: demo.t2i.invalid (map it to the demo host) or HOST:PORT.")
    var host: String = DemoURL.placeholderHost
    @Option(help: ArgumentHelp("Long side of the images in pixels (Flickr _z: 640).", visibility: .hidden))
    var longSide: Int = 640

    func validate() throws {
        guard images > 0, testImages > 0 else { throw ValidationError("--images and --test-images must be at least 1") }
        guard DemoURL.isValidHost(host) else { throw ValidationError("--host '\(host)' is not a host name or HOST:PORT") }
        guard longSide >= 16 else { throw ValidationError("--long-side must be at least 16") }
    }

    func run() async throws {
        let options = DemoDatasetOptions(trainImages: images, testImages: testImages, seed: seed, host: host, longSide: longSide)
        let start = Date()
        let dataset = DemoDataset(options: options)
        let step = max(1, (images + testImages) / 10)
        let summary = try dataset.write(to: out) { done, total in
            if done % step < 16 || done == total {
                FileHandle.standardError.write(Data("demo-data: \(done)/\(total) images\n".utf8))
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("wrote \(summary.trainFile)")
        print("wrote \(summary.testFile)")
        print("wrote \(summary.vectorsFile)")
        print("wrote \(images + testImages) images (\(summary.imageBytes / 1_000_000) MB) to \(summary.imagesFolder) in \(String(format: "%.1f", seconds)) s; \(summary.captionCount) captions")
    }
}
