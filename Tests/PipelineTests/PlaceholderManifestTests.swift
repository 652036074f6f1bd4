import DemoData
import Foundation
import Imaging
import Testing
import TestSupport

@Suite struct PlaceholderManifestTests {
    /// The demo host's "photo unavailable" image is listed in Manifests/placeholders.txt, so the
    /// Imaging filter rejects it as a placeholder even outside the demo pipeline.
    @Test func demoPlaceholderIsListed() throws {
        let list = try PlaceholderList(contentsOf: repositoryRoot.appendingPathComponent("Manifests/placeholders.txt"))
        let bytes = try DemoPlaceholder.pngBytes()
        let entry = PlaceholderList.entry(for: bytes, name: "demo")
        #expect(list.entries.contains { $0.sha256 == entry.sha256 && $0.byteCount == entry.byteCount },
                "add this line to Manifests/placeholders.txt: \(entry.line)")
        let decision = ImageProcessor(options: ImageOptions(placeholders: list)).process(bytes)
        #expect(decision.reason == .placeholder)
    }
}
