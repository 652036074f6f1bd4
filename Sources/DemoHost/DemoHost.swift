import DemoData
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// The loopback image host: serves every URL of a demo dataset folder with the documented fault
/// mix (`DemoFaults`, docs/demo-host.md), counts requests per path, and answers `GET /_stats`.
///
/// Binds 127.0.0.1 only. Every response is read from the pre-rendered files under
/// `DIR/images`; nothing is rendered per request.
public final class DemoHost: Sendable {
    /// The bound port (the one picked when started with port 0).
    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let state: _DemoHostState

    /// How long a `stall` response holds its connection before closing it (unless stopped first).
    public static let stallSeconds: Int64 = 120
    /// How long a `slowTrickle` body takes to arrive, in total.
    public static let trickleMilliseconds: Int64 = 2_000

    private init(port: Int, group: MultiThreadedEventLoopGroup, channel: any Channel, state: _DemoHostState) {
        self.port = port
        self.group = group
        self.channel = channel
        self.state = state
    }

    /// Starts serving the demo folder `data` (the `--out` of `t2i demo-data`) on 127.0.0.1.
    /// - Parameters:
    ///   - port: 0 picks a free port; read it back from `port`.
    ///   - threads: event loop threads (default: one per core).
    /// - Throws: `DemoHostError` when the folder has no images or the port cannot be bound.
    public static func start(data: String, port: Int = 0, threads: Int = System.coreCount) async throws -> DemoHost {
        let imagesRoot = URL(fileURLWithPath: data).appendingPathComponent(DemoDataset.imagesFolder).path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: imagesRoot, isDirectory: &isFolder), isFolder.boolValue else {
            throw DemoHostError("\(data): no '\(DemoDataset.imagesFolder)' folder; write one with `t2i demo-data --out \(data)`")
        }
        let state = _DemoHostState(imagesRoot: imagesRoot)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(_DemoHostHandler(state: state))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
            guard let bound = channel.localAddress?.port else {
                throw DemoHostError("127.0.0.1:\(port): bound, but the socket has no port")
            }
            return DemoHost(port: bound, group: group, channel: channel, state: state)
        } catch {
            try? await group.shutdownGracefully()
            if let error = error as? DemoHostError { throw error }
            throw DemoHostError("cannot listen on 127.0.0.1:\(port): \(error)")
        }
    }

    /// Counters so far (the same as `GET /_stats`).
    public func stats() -> DemoHostStats { state.stats() }

    /// Stops listening and closes every connection, stalled ones included.
    public func stop() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }

    /// Serves until the listening channel closes (for `t2i serve-demo`).
    public func wait() async throws {
        try await channel.closeFuture.get()
    }
}
