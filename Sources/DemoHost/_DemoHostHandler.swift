import DemoData
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One connection's HTTP handler: routes by path, applies the image's fault, counts.
final class _DemoHostHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: _DemoHostState
    private var request: HTTPRequestHead?

    init(state: _DemoHostState) { self.state = state }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = String(head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        let keepAlive = head.isKeepAlive
        if path == "/_stats" {
            let body = (try? JSONEncoder.sorted.encode(state.stats())) ?? Data("{}".utf8)
            send(context, .ok, ["Content-Type": "application/json"], body: ByteBuffer(bytes: body), path: nil, keepAlive: keepAlive)
            return
        }
        let before = state.recordRequest(path)
        guard head.method == .GET || head.method == .HEAD else {
            send(context, .methodNotAllowed, ["Allow": "GET, HEAD"], body: Self.page("405 Method Not Allowed"), path: nil, keepAlive: keepAlive)
            return
        }
        if path == DemoPlaceholder.path {
            serveFile(path, context, path: path, keepAlive: keepAlive)
        } else if path.hasPrefix(Self.redirectPrefix) {
            let target = String(path.dropFirst(Self.redirectPrefix.count))
            serveImage(target, fault: .none, before: 0, context, path: path, keepAlive: keepAlive)
        } else if path.hasPrefix(Self.loopPrefixA) {
            redirect(context, to: Self.loopPrefixB + path.dropFirst(Self.loopPrefixA.count), keepAlive: keepAlive)
        } else if path.hasPrefix(Self.loopPrefixB) {
            redirect(context, to: Self.loopPrefixA + path.dropFirst(Self.loopPrefixB.count), keepAlive: keepAlive)
        } else if let id = DemoURL.imageID(from: path) {
            serveImage(path, fault: DemoFaults.fault(forImage: id), before: before, context, path: path, keepAlive: keepAlive)
        } else {
            send(context, .notFound, ["Content-Type": "text/html"], body: Self.page("404 Not Found"), path: nil, keepAlive: keepAlive)
        }
    }

    static let redirectPrefix = "/_redirect"
    static let loopPrefixA = "/_loop/a"
    static let loopPrefixB = "/_loop/b"

    /// Answers for an image path according to its fault; `before` counts earlier requests for it.
    private func serveImage(_ imagePath: String, fault: DemoFault, before: Int, _ context: ChannelHandlerContext,
                            path: String, keepAlive: Bool) {
        let html = ["Content-Type": "text/html; charset=utf-8"]
        switch fault {
        case .notFound: return send(context, .notFound, html, body: Self.page("404 Not Found"), path: nil, keepAlive: keepAlive)
        case .gone: return send(context, .gone, html, body: Self.page("410 Gone"), path: nil, keepAlive: keepAlive)
        case .serverError:
            return send(context, .internalServerError, html, body: Self.page("500 Internal Server Error"), path: nil, keepAlive: keepAlive)
        case .serverErrorThenOK where before == 0:
            return send(context, .internalServerError, html, body: Self.page("500 Internal Server Error"), path: nil, keepAlive: keepAlive)
        case .serviceUnavailableRetry where before == 0:
            return send(context, .serviceUnavailable, html.merging(["Retry-After": "1"]) { $1 }, body: Self.page("503 Service Unavailable"), path: nil, keepAlive: keepAlive)
        case .tooManyRequestsRetry where before == 0:
            return send(context, .tooManyRequests, html.merging(["Retry-After": "1"]) { $1 }, body: Self.page("429 Too Many Requests"), path: nil, keepAlive: keepAlive)
        case .htmlPage:
            return send(context, .ok, html, body: Self.page("Flickr: this photo is private or has been removed"), path: path, keepAlive: keepAlive)
        case .redirectToImage: return redirect(context, to: Self.redirectPrefix + imagePath, keepAlive: keepAlive)
        case .redirectLoop: return redirect(context, to: Self.loopPrefixA + imagePath, keepAlive: keepAlive)
        case .redirectToPlaceholder: return redirect(context, to: DemoPlaceholder.path, keepAlive: keepAlive)
        default: break
        }
        guard let body = readFile(imagePath) else {
            return send(context, .notFound, html, body: Self.page("404 Not Found"), path: nil, keepAlive: keepAlive)
        }
        switch fault {
        case .truncatedBody: sendBroken(context, body, keep: body.readableBytes / 2, reset: false, stallSeconds: nil)
        case .connectionReset: sendBroken(context, body, keep: body.readableBytes / 3, reset: true, stallSeconds: nil)
        case .stall: sendBroken(context, body, keep: min(1024, body.readableBytes / 4), reset: false, stallSeconds: DemoHost.stallSeconds)
        case .slowTrickle: trickle(context, body, path: path, keepAlive: keepAlive)
        default: send(context, .ok, ["Content-Type": Self.contentType(body)], body: body, path: path, keepAlive: keepAlive)
        }
    }

    private func serveFile(_ imagePath: String, _ context: ChannelHandlerContext, path: String, keepAlive: Bool) {
        guard let body = readFile(imagePath) else {
            return send(context, .notFound, ["Content-Type": "text/html"], body: Self.page("404 Not Found"), path: nil, keepAlive: keepAlive)
        }
        send(context, .ok, ["Content-Type": Self.contentType(body)], body: body, path: path, keepAlive: keepAlive)
    }

    private func redirect(_ context: ChannelHandlerContext, to location: String, keepAlive: Bool) {
        send(context, .found, ["Location": location, "Content-Type": "text/html"], body: Self.page("302 Found"), path: nil, keepAlive: keepAlive)
    }

    /// A complete response; `path` non-nil counts it as a success once the body is out.
    private func send(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, _ headers: [String: String],
                      body: ByteBuffer, path: String?, keepAlive: Bool) {
        var fields = HTTPHeaders(headers.map { ($0.key, $0.value) })
        fields.add(name: "Content-Length", value: String(body.readableBytes))
        fields.add(name: "Server", value: "t2i-demo-host")
        if !keepAlive { fields.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        let state = self.state, channel = context.channel
        done.whenComplete { result in
            if case .success = result, let path { state.recordSuccess(path) }
            if !keepAlive { channel.close(promise: nil) }
        }
    }

    /// Headers promising the whole body, then only `keep` bytes of it, then a close, a reset
    /// (SO_LINGER 0), or a stall of `stallSeconds` before closing.
    private func sendBroken(_ context: ChannelHandlerContext, _ body: ByteBuffer, keep: Int, reset: Bool, stallSeconds: Int64?) {
        var fields = HTTPHeaders([("Content-Type", Self.contentType(body)), ("Server", "t2i-demo-host")])
        fields.add(name: "Content-Length", value: String(body.readableBytes))
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: fields))), promise: nil)
        let part = body.getSlice(at: body.readerIndex, length: keep) ?? ByteBuffer()
        let sent = context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(part))))
        let channel = context.channel
        if let stallSeconds {
            channel.eventLoop.scheduleTask(in: .seconds(stallSeconds)) { channel.close(promise: nil) }
            return
        }
        sent.whenComplete { _ in
            if reset {
                guard let provider = channel as? any SocketOptionProvider else { return channel.close(promise: nil) }
                provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
            } else {
                channel.close(promise: nil)
            }
        }
    }

    /// The whole body in small pieces spread over `DemoHost.trickleMilliseconds`.
    private func trickle(_ context: ChannelHandlerContext, _ body: ByteBuffer, path: String, keepAlive: Bool) {
        var fields = HTTPHeaders([("Content-Type", Self.contentType(body)), ("Server", "t2i-demo-host")])
        fields.add(name: "Content-Length", value: String(body.readableBytes))
        if !keepAlive { fields.add(name: "Connection", value: "close") }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: fields))), promise: nil)
        let pieces = 20
        let size = (body.readableBytes + pieces - 1) / pieces
        let channel = context.channel, state = self.state
        let step = DemoHost.trickleMilliseconds / Int64(pieces)
        for index in 0..<pieces {
            let start = body.readerIndex + index * size
            let length = max(0, min(size, body.readableBytes - index * size))
            let piece = body.getSlice(at: start, length: length) ?? ByteBuffer()
            let last = index == pieces - 1
            channel.eventLoop.scheduleTask(in: .milliseconds(step * Int64(index + 1))) {
                channel.write(HTTPServerResponsePart.body(.byteBuffer(piece)), promise: nil)
                guard last else { channel.flush(); return }
                channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { result in
                    if case .success = result { state.recordSuccess(path) }
                    if !keepAlive { channel.close(promise: nil) }
                }
            }
        }
    }

    /// Reads a file under the images folder (page-cache reads; no rendering per request).
    private func readFile(_ imagePath: String) -> ByteBuffer? {
        guard !imagePath.contains(".."), imagePath.hasPrefix("/") else { return nil }
        let fd = open(state.imagesRoot + imagePath, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        guard size > 0 else { return buffer }
        let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            var total = 0
            while total < size {
                let count = Foundation.read(fd, base + total, size - total)
                if count <= 0 { break }
                total += count
            }
            return total
        }
        return read == size ? buffer : nil
    }

    static func contentType(_ body: ByteBuffer) -> String {
        let magic = body.getBytes(at: body.readerIndex, length: min(4, body.readableBytes)) ?? []
        if magic.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        return "image/jpeg"
    }

    static func page(_ title: String) -> ByteBuffer {
        ByteBuffer(string: "<!DOCTYPE html>\n<html><head><title>\(title)</title></head><body><h1>\(title)</h1><p>t2i demo host</p></body></html>\n")
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
