import DemoData
import Foundation
import Testing
import TestSupport

@Suite struct DemoFaultsTests {
    @Test func scheduleHasTheStatedRates() {
        for block in 0..<3 {
            var counts: [DemoFault: Int] = [:]
            for id in (block * 1000)..<((block + 1) * 1000) { counts[DemoFaults.fault(forImage: id), default: 0] += 1 }
            for fault in DemoFault.allCases where fault != .none {
                #expect(counts[fault] == fault.perMille, "\(fault)")
            }
        }
        #expect(abs(DemoFaults.deadShare - 0.13) < 0.001)
        let dead = (0..<1000).filter { DemoFaults.fault(forImage: $0).isDead }.count
        #expect(dead == 130)
    }

    @Test func everyFaultOccursEarlyAndSpreadOut() {
        for fault in DemoFault.allCases {
            #expect(DemoFaults.firstImage(with: fault) < 200, "\(fault)")
        }
        // Spread: in any 100 consecutive ids the share of dead images stays near 13%.
        for start in stride(from: 0, to: 1000, by: 100) {
            let dead = (start..<(start + 100)).filter { DemoFaults.fault(forImage: $0).isDead }.count
            #expect((7...20).contains(dead), "ids \(start)..<\(start + 100): \(dead) dead")
        }
    }

    /// The body-fault files are what they claim, as Pillow sees them.
    @Test func bodyFaultFilesAreRealFilesOfTheirKind() throws {
        let dataset = DemoDataset(options: DemoDatasetOptions(trainImages: 200, testImages: 5, seed: 11, longSide: 40))
        let folder = try TemporaryDirectory("demo-faults")
        try dataset.write(to: folder.path)
        let output = try runPythonScript("check_demo_images.py", [folder.path]).stdout
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: Any]])
        func first(_ fault: DemoFault) throws -> [String: Any] {
            try #require(report[String(DemoFaults.firstImage(with: fault))])
        }
        #expect(try first(.none)["format"] as? String == "JPEG")
        #expect(try first(.none)["mode"] as? String == "RGB")
        #expect(try first(.grayscaleJPEG)["mode"] as? String == "L")
        #expect(try first(.grayPixelsJPEG)["mode"] as? String == "RGB")
        #expect(try first(.grayPixelsJPEG)["gray_pixels"] as? Bool == true)
        #expect(try first(.none)["gray_pixels"] as? Bool == false)
        #expect(try first(.cmykJPEG)["mode"] as? String == "CMYK")
        #expect(try first(.progressiveJPEG)["progressive"] as? Bool == true)
        #expect(try first(.none)["progressive"] as? Bool == false)
        #expect(try first(.pngRGB)["mode"] as? String == "RGB")
        #expect(try first(.pngRGB)["format"] as? String == "PNG")
        #expect(try first(.pngRGBA)["mode"] as? String == "RGBA")
        #expect(try first(.pngPalette)["mode"] as? String == "P")
        #expect(["I;16", "RGB"].contains(try first(.png16Bit)["mode"] as? String ?? ""))
        #expect(try first(.pngInterlaced)["interlace"] as? Bool == true)
        #expect(try first(.zeroBytes)["error"] as? String == "UnidentifiedImageError")
        #expect(try first(.garbageBytes)["error"] as? String == "UnidentifiedImageError")
        #expect(try first(.tinyImage)["size"] as? [Int] == [24, 24])
        #expect(try first(.hugeDeclaredSize)["error"] as? String == "DecompressionBombError")
        #expect(report["placeholder"]?["size"] as? [Int] == [DemoPlaceholder.width, DemoPlaceholder.height])
        // 16-bit depth is in the PNG header itself (Pillow reads RGB 16-bit as 8-bit RGB).
        let png16 = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/images" + dataset.images[DemoFaults.firstImage(with: .png16Bit)].path))
        #expect(png16[24] == 16 && png16[25] == 2)
        // Healthy images are photo-like: Flickr _z shapes.
        let sizes = dataset.images.filter { $0.fault == .none }.compactMap { report[String($0.id)]?["size"] as? [Int] }
        #expect(sizes.allSatisfy { max($0[0], $0[1]) == 40 || max($0[0], $0[1]) == 64 })
    }

    @Test func placeholderIsFixedWhateverTheSeed() throws {
        let bytes = try DemoPlaceholder.pngBytes()
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try DemoPlaceholder.pngBytes() == bytes)
    }
}
