// A stable 128-bit content hash (two FNV-1a 64-bit lanes with different offsets) for run
// ids. Not cryptographic: it names content, it does not defend against forgery.
public struct ContentHash {
    private(set) var first: UInt64 = 0xcbf2_9ce4_8422_2325
    private var second: UInt64 = 0x6c62_272e_07bb_0142
    private static let prime: UInt64 = 0x100_0000_01b3

    public init() {}

    public mutating func add(_ text: String) {
        for byte in text.utf8 { mix(byte) }
        mix(0x1f)  // field separator, so "ab"+"c" differs from "a"+"bc"
    }

    public mutating func add(_ value: Double) {
        var bits = value.bitPattern
        for _ in 0..<8 {
            mix(UInt8(truncatingIfNeeded: bits))
            bits >>= 8
        }
    }

    private mutating func mix(_ byte: UInt8) { mixByte(byte) }

    mutating func mixByte(_ byte: UInt8) {
        first = (first ^ UInt64(byte)) &* ContentHash.prime
        second = (second ^ UInt64(byte ^ 0xa5)) &* ContentHash.prime
    }

    public var hexDigest: String {
        func hex(_ value: UInt64) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }
        return hex(first) + hex(second)
    }
}

extension ContentHash {
    /// Adds raw bytes (a file's content) without a separator.
    public mutating func addBytes<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { mixByte(byte) }
    }

    /// Adds raw bytes from memory: the same hash as the generic form, not generic, so a caller
    /// in another module gets this loop rather than an unspecialised walk of an iterator.
    public mutating func addBytes(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes { mixByte(byte) }
    }

    /// 64-bit FNV-1a of a text's UTF-8 (the first lane alone): the same on every run and
    /// platform, unlike Swift's seeded Hasher; the simulator seeds its noise with it.
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash = ContentHash()
        hash.addBytes(text.utf8)
        return hash.first
    }
}
