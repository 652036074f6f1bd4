import ArgumentParser
import DemoData
import DemoHost
import Foundation

/// `t2i serve-demo`: the loopback image host for a demo dataset folder.
struct ServeDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-demo",
        abstract: "Serve a demo dataset's images on 127.0.0.1 with the documented fault mix (docs/demo-host.md).",
        discussion: "The first line on standard output is the bound port. URLs written with the default host demo.t2i.invalid are reached by mapping that name to 127.0.0.1:PORT (libcurl CURLOPT_CONNECT_TO \"demo.t2i.invalid:80:127.0.0.1:PORT\").")

    @Option(help: "The folder written by `t2i demo-data --out`.") var data: String
    @Option(help: "Port on 127.0.0.1; 0 picks a free one.") var port: Int = 0

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a TCP port") }
    }

    func run() async throws {
        let host = try await DemoHost.start(data: data, port: port)
        // Written unbuffered so a script reading the first line sees it at once.
        FileHandle.standardOutput.write(Data("\(host.port)\n".utf8))
        FileHandle.standardError.write(Data("serve-demo: serving \(data) on http://127.0.0.1:\(host.port) (stats: /_stats)\n".utf8))
        try await host.wait()
    }
}
