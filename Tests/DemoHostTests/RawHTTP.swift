#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A deliberately plain HTTP/1.1 client on a POSIX socket, for the faults a library client hides:
/// it reports how the exchange ended (complete, closed early, reset, or timed out).
struct RawResponse {
    enum Ending: Equatable { case complete, closedEarly, reset, timedOut }
    var status = 0
    var headers: [String: String] = [:]
    var body: [UInt8] = []
    var ending = Ending.timedOut
    var contentLength: Int? { headers["content-length"].flatMap { Int($0) } }
}

struct RawHTTPFailure: Error, CustomStringConvertible {
    let description: String
}

/// Sends `GET path` (with `Connection: close`) and reads until the body is complete, the peer
/// closes or resets, or nothing arrives for `timeout` seconds.
func rawGet(port: Int, path: String, timeout: Double) throws -> RawResponse {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw RawHTTPFailure(description: "socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw RawHTTPFailure(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)") }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: .init((timeout - Double(Int(timeout))) * 1_000_000))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    let request = Array("GET \(path) HTTP/1.1\r\nHost: demo.t2i.invalid\r\nConnection: close\r\n\r\n".utf8)
    guard send(fd, request, request.count, 0) == request.count else { throw RawHTTPFailure(description: "send failed: errno \(errno)") }
    var response = RawResponse()
    var received: [UInt8] = []
    var headerEnd: Int?
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = recv(fd, &chunk, chunk.count, 0)
        if count > 0 {
            received += chunk[0..<count]
        } else if count == 0 {
            response.ending = .closedEarly
        } else if errno == ECONNRESET {
            response.ending = .reset
        } else {
            response.ending = .timedOut
        }
        if headerEnd == nil, let end = find([13, 10, 13, 10], in: received) {
            headerEnd = end + 4
            let lines = String(decoding: received[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
            response.status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                response.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        if let headerEnd {
            response.body = Array(received[headerEnd...])
            if let length = response.contentLength, response.body.count >= length {
                response.ending = .complete
                return response
            }
        }
        if count <= 0 { return response }
    }
}

private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
        return start
    }
    return nil
}

/// The frame header of a JPEG: (SOF marker, width, height, components).
func jpegFrame(_ bytes: [UInt8]) -> (marker: UInt8, width: Int, height: Int, components: Int)? {
    var index = 2
    while index + 9 < bytes.count, bytes[index] == 0xFF {
        let marker = bytes[index + 1]
        let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
        if (0xC0...0xC3).contains(marker) {
            return (marker, Int(bytes[index + 7]) << 8 | Int(bytes[index + 8]), Int(bytes[index + 5]) << 8 | Int(bytes[index + 6]), Int(bytes[index + 9]))
        }
        index += 2 + length
    }
    return nil
}

/// The IHDR of a PNG: (width, height, bit depth, colour type, interlace).
func pngHeader(_ bytes: [UInt8]) -> (width: Int, height: Int, depth: Int, colorType: Int, interlace: Int)? {
    guard bytes.count > 29, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { return nil }
    func be32(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
    return (be32(16), be32(20), Int(bytes[24]), Int(bytes[25]), Int(bytes[28]))
}
