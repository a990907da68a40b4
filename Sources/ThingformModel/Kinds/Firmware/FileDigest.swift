import Crypto

/// A file's size in bytes and lowercase hex MD5: what a firmware's canonical form holds instead of
/// its path, so new bytes under the same name plan a change (spec/02 §5.1 "firmware signature").
public struct FileDigest: Sendable, Equatable {
    public var size: Int
    public var md5: String

    public init(size: Int, md5: String) {
        self.size = size
        self.md5 = md5
    }

    /// Incremental MD5, fed in chunks so a large firmware is never held in memory.
    public struct Hasher {
        var md5 = Insecure.MD5()
        var size = 0

        public init() {}

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            md5.update(bufferPointer: bytes)
            size += bytes.count
        }

        public func finalize() -> FileDigest {
            FileDigest(size: size, md5: Hex.lowercase(md5.finalize()))
        }
    }

    public static func of(_ bytes: [UInt8]) -> FileDigest {
        var h = Hasher()
        bytes.withUnsafeBytes { h.update($0) }
        return h.finalize()
    }
}
