// A small blocking HTTP/1.1 client over a loopback TCP socket, written for these tests so
// the service is exercised by a client that shares no code with it. One connection,
// kept alive across requests; bodies framed by Content-Length.
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

final class LoopbackHTTPClient {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    }

    enum Failure: Error { case connect(Int32), send, closed, malformed(String) }

    private let socket: Int32
    private var pending = Data()

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 { close(socket); throw Failure.connect(errno) }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(socket) }

    func request(_ method: String, _ path: String, body: String? = nil) throws -> Response {
        try request(method, path, bytes: body.map { Data($0.utf8) })
    }

    func request(_ method: String, _ path: String, bytes: Data?) throws -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if let bytes { head += "Content-Type: application/json\r\nContent-Length: \(bytes.count)\r\n" }
        var message = Data((head + "\r\n").utf8)
        if let bytes { message.append(bytes) }
        try send(raw: message)
        return try readResponse()
    }

    /// Sends bytes as they are (a partial request, a stalled body).
    func send(raw message: Data) throws {
        try message.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let count = Glibc.send(socket, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if count <= 0 { throw Failure.send }
                sent += count
            }
        }
    }

    /// True when the server has closed the connection (recv gives end of stream), waiting at
    /// most `seconds` for it.
    func isClosedByServer(within seconds: Double) -> Bool {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, 0) == 0
    }

    func readResponse() throws -> Response {
        let separator = Data("\r\n\r\n".utf8)
        while pending.range(of: separator) == nil { try fill() }
        let end = pending.range(of: separator)!
        let lines = String(decoding: pending[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        pending.removeSubrange(..<end.upperBound)
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure.malformed(lines[0]) }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let length = headers["content-length"].flatMap(Int.init) else { throw Failure.malformed("no Content-Length") }
        while pending.count < length { try fill() }
        let body = Data(pending.prefix(length))
        pending.removeSubrange(..<pending.index(pending.startIndex, offsetBy: length))
        pending = Data(pending)
        return Response(status: status, headers: headers, body: body)
    }

    private func fill() throws {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = recv(socket, &buffer, buffer.count, 0)
        if count <= 0 { throw Failure.closed }
        pending.append(contentsOf: buffer[..<count])
    }
}
