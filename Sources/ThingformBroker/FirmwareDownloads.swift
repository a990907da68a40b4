import Foundation
import Hummingbird
import ThingformRuntime
import ThingformState

/// `GET /{file}` on `run`'s HTTP edge: the firmware bytes an `update_firmware` URL names, served
/// the way both device SDKs read them: plain HTTP, an exact `Content-Length`, `Range: bytes=a-b`
/// answered `206` with `Content-Range` (`b` may be the file size and is clamped), no compression
/// whatever `Accept-Encoding` says, no chunking, no redirects; `404` for an unknown file (the
/// devices report `-2`). Before a file is served its artefact is checked against the plan's size
/// and MD5 (E-OTA-RT-03 and a 404 when it differs: a device must never burn other bytes).
final class FirmwareDownloads: @unchecked Sendable {
    private let artefacts: FirmwareArtefacts
    private let log: @Sendable (String) -> Void
    private let lock = NSLock()
    private var catalog = OTAFirmwareCatalog()

    init(artefacts: FirmwareArtefacts, log: @escaping @Sendable (String) -> Void) {
        self.artefacts = artefacts
        self.log = log
    }

    /// The state's firmware moved (an apply while running).
    func update(_ catalog: OTAFirmwareCatalog) {
        lock.lock()
        self.catalog = catalog
        lock.unlock()
    }

    /// Problems of the state's artefacts, one line each (checked at start).
    func check() -> [String] {
        lock.lock()
        let all = catalog.byName.values.sorted { $0.name < $1.name }
        lock.unlock()
        return all.compactMap { fw in
            if case let .failure(p) = artefacts.verify(md5: fw.md5, size: fw.size) { return "\(OTACodes.artefactMismatch) Firmware/\(fw.name): \(p)" }
            return nil
        }
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/:file") { [self] request, context -> Response in
            let name = try context.parameters.require("file")
            lock.lock()
            let firmware = catalog.byFile[name]
            lock.unlock()
            guard let firmware else { return Self.plain(.notFound, "no firmware \(name)\n") }
            let path: URL
            switch artefacts.verify(md5: firmware.md5, size: firmware.size) {
            case let .success(url): path = url
            case let .failure(problem):
                log("thingform run: \(OTACodes.artefactMismatch) Firmware/\(firmware.name): \(problem); GET /\(name) answered 404")
                return Self.plain(.notFound, "firmware \(name) is not available\n")
            }
            let rangeHeader = request.headers[.range]
            switch ByteRange.parse(rangeHeader, size: firmware.size) {
            case .unsatisfiable:
                return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(firmware.size)", .contentLength: "0"])
            case let .range(lower, upper):
                let length = upper - lower + 1
                var headers: HTTPFields = [.contentType: "application/octet-stream", .acceptRanges: "bytes"]
                let partial = rangeHeader != nil
                if partial { headers[.contentRange] = "bytes \(lower)-\(upper)/\(firmware.size)" }
                return Response(status: partial ? .partialContent : .ok, headers: headers,
                                body: Self.body(path, offset: lower, length: length))
            }
        }
    }

    private static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain", .contentLength: "\(text.utf8.count)"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The bytes `offset..<offset+length` of the file, in 64 KiB writes, with that exact length.
    private static func body(_ path: URL, offset: Int, length: Int) -> ResponseBody {
        ResponseBody(contentLength: length) { writer in
            let handle = try FileHandle(forReadingFrom: path)
            defer { try? handle.close() }
            try handle.seek(toOffset: UInt64(offset))
            var left = length
            while left > 0 {
                guard let chunk = try handle.read(upToCount: min(left, 1 << 16)), !chunk.isEmpty else { break }
                left -= chunk.count
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
    }
}

/// A `Range` header against a file of `size` bytes. Both SDKs send `bytes={offset}-{file_size}`:
/// the end one past the last byte, clamped to `size - 1`. No header: the whole file.
enum ByteRange: Equatable {
    case range(Int, Int)
    case unsatisfiable

    static func parse(_ header: String?, size: Int) -> ByteRange {
        guard let header else { return size > 0 ? .range(0, size - 1) : .unsatisfiable }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("bytes="), !text.contains(",") else { return size > 0 ? .range(0, size - 1) : .unsatisfiable }
        let spec = text.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2 else { return .unsatisfiable }
        let first = spec[0].trimmingCharacters(in: .whitespaces)
        let last = spec[1].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            // A suffix: the last n bytes.
            guard let n = Int(last), n > 0, size > 0 else { return .unsatisfiable }
            return .range(max(0, size - n), size - 1)
        }
        guard let lower = Int(first), lower >= 0, lower < size else { return .unsatisfiable }
        let upper = last.isEmpty ? size - 1 : min(Int(last) ?? -1, size - 1)
        guard upper >= lower else { return .unsatisfiable }
        return .range(lower, upper)
    }
}
