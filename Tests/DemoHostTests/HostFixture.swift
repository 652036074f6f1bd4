import DemoData
import DemoHost
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport

/// A demo folder holding the first image of every fault (ids < 200), served by one host that
/// lives as long as the test process.
enum HostFixture {
    static let dataset = DemoDataset(options: DemoDatasetOptions(trainImages: 200, testImages: 4, seed: 5, longSide: 32))
    private static let written: Result<TemporaryDirectory, any Error> = Result {
        let folder = try TemporaryDirectory("demo-host")
        try dataset.write(to: folder.path)
        return folder
    }
    private static let started = Task<DemoHost, any Error> { try await DemoHost.start(data: try written.get().path) }

    static func folder() throws -> TemporaryDirectory { try written.get() }
    static func host() async throws -> DemoHost { try await started.value }

    /// The first image with `fault`; `index` picks a later one.
    static func image(_ fault: DemoFault, index: Int = 0) -> DemoImage {
        dataset.images.filter { $0.fault == fault }[index]
    }

    static func fileBytes(_ image: DemoImage) throws -> [UInt8] {
        try Array(Data(contentsOf: URL(fileURLWithPath: folder().path + "/images" + image.path)))
    }
    static func fileBytes(path: String) throws -> [UInt8] {
        try Array(Data(contentsOf: URL(fileURLWithPath: folder().path + "/images" + path)))
    }
}

/// What URLSession saw: final URL, status, headers, body.
struct Fetched {
    let url: URL
    let status: Int
    let headers: [String: String]
    let body: [UInt8]
    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// GET with Foundation's URLSession (follows redirects like any plain client).
func fetch(port: Int, path: String, timeout: Double = 10) async throws -> Fetched {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    configuration.urlCache = nil
    let session = URLSession(configuration: configuration)
    defer { session.finishTasksAndInvalidate() }
    let url = try _url("http://127.0.0.1:\(port)\(path)")
    let (data, response) = try await session.data(from: url)
    guard let http = response as? HTTPURLResponse, let final = http.url else { throw RawHTTPFailure(description: "no HTTP response for \(path)") }
    var headers: [String: String] = [:]
    for (key, value) in http.allHeaderFields { headers["\(key)"] = "\(value)" }
    return Fetched(url: final, status: http.statusCode, headers: headers, body: Array(data))
}

func requireURLFailure(_ string: String) -> RawHTTPFailure { RawHTTPFailure(description: "bad URL \(string)") }

func _url(_ string: String) throws -> URL {
    guard let url = URL(string: string) else { throw requireURLFailure(string) }
    return url
}
