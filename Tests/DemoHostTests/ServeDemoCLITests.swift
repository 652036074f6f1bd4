import DemoData
import EEE443
import Foundation
import Testing
import TestSupport

/// End to end through the real CLI: demo-data, then serve-demo as a child process.
@Suite struct ServeDemoCLITests {
    @Test func demoDataThenServeDemoServesTheURLsOfTheFiles() async throws {
        let folder = try TemporaryDirectory("demo-cli")
        let made = try runT2I(["demo-data", "--out", folder.path, "--images", "30", "--test-images", "6", "--seed", "21", "--long-side", "48"])
        #expect(made.status == 0, "\(made.stderr)")
        let train = try EEE443File(path: folder.file(EEE443Split.train.fileName)).loadAll()
        #expect(train.urls.count == 30)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: t2iExecutable)
        process.arguments = ["serve-demo", "--data", folder.path, "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let firstLine = try readLine(output.fileHandleForReading)
        let port = try #require(Int(firstLine), "first line '\(firstLine)' is not a port")

        let expected = DemoDataset(options: DemoDatasetOptions(trainImages: 30, testImages: 6, seed: 21, longSide: 48))
        #expect(expected.train.map(\.url) == Array(train.urls))
        let healthy = expected.images.filter { $0.fault == .none }.prefix(5)
        #expect(healthy.count == 5)
        for image in healthy {
            // The URL's host is demo.t2i.invalid; a client maps it to 127.0.0.1:port, as here.
            let path = String(image.url.dropFirst("http://\(DemoURL.placeholderHost)".count))
            let got = try await fetch(port: port, path: path)
            #expect(got.status == 200)
            #expect(got.body == Array(try Data(contentsOf: URL(fileURLWithPath: folder.path + "/images" + path))))
        }
        let stats = try JSONSerialization.jsonObject(with: Data(try await fetch(port: port, path: "/_stats").body)) as? [String: Any]
        let requests = try #require(stats?["requests"] as? [String: Int])
        #expect(healthy.allSatisfy { requests[$0.path] == 1 })
        #expect(stats?["totalRequests"] as? Int == 5)
    }

    private func readLine(_ handle: FileHandle) throws -> String {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let data = handle.readData(ofLength: 1)
            guard let byte = data.first else { break }
            if byte == 10 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        throw RawHTTPFailure(description: "serve-demo printed no port line")
    }
}
