import Foundation
import XCTest

/// One raw HTTP/1.1 GET on 127.0.0.1, as the C SDK makes it (its headers, an optional Range):
/// the status line and headers as text, and the body. With `limit`, the connection is closed
/// after that many body bytes (a download cut short).
func rawHTTPGet(port: Int, path: String, range: String?, limit: Int? = nil) throws -> (head: String, body: [UInt8]) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    XCTAssertEqual(connected, 0, "cannot connect to 127.0.0.1:\(port)")
    var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        + "Accept-Encoding: gzip, deflate\r\nConnection: close\r\n"
    if let range { request += "Range: \(range)\r\n" }
    request += "\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var data: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    let separator: [UInt8] = [13, 10, 13, 10]
    func headEnd() -> Int? { data.count < 4 ? nil : (0...(data.count - 4)).first { Array(data[$0..<$0 + 4]) == separator } }
    while true {
        if let limit, let end = headEnd(), data.count - end - 4 >= limit { break }
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        data += buffer[0..<n]
    }
    let cut = headEnd() ?? data.count
    var body = Array(data[min(data.count, cut + 4)...])
    if let limit, body.count > limit { body = Array(body[0..<limit]) }
    return (String(decoding: data[0..<cut], as: UTF8.self), body)
}
