// Decoding a page's levels and values: the RLE / bit-packing hybrid (definition levels,
// dictionary indices, booleans), PLAIN values of every physical type, and DELTA_BINARY_PACKED
// integers (parquet-format's Encodings.md). A cursor checks every read against the page.

/// A column's values, one per row, nulls holding a placeholder (see `ColumnData.isNull`).
public enum ColumnValues: Sendable {
    case booleans([Bool])
    case integers([Int64])
    case floats([Float])
    case doubles([Double])
    case texts([String])

    public var count: Int {
        switch self {
        case .booleans(let values): values.count
        case .integers(let values): values.count
        case .floats(let values): values.count
        case .doubles(let values): values.count
        case .texts(let values): values.count
        }
    }

    /// The values at `indices` (a dictionary's entries looked up).
    func gathered(_ indices: [Int]) -> ColumnValues {
        switch self {
        case .booleans(let values): .booleans(indices.map { values[$0] })
        case .integers(let values): .integers(indices.map { values[$0] })
        case .floats(let values): .floats(indices.map { values[$0] })
        case .doubles(let values): .doubles(indices.map { values[$0] })
        case .texts(let values): .texts(indices.map { values[$0] })
        }
    }
}

/// Corrupt or unsupported bytes, said in a phrase; ParquetFile adds the file, column and row group.
struct Malformed: Error { let problem: String }

/// Bytes read one at a time, and the variable-length integers of Thrift and Parquet's encodings.
protocol ByteSource {
    mutating func byte() throws -> UInt8
}

extension ByteSource {
    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            let next = try byte()
            result |= UInt64(next & 0x7f) << UInt64(shift)
            if next & 0x80 == 0 { return result }
        }
        throw Malformed(problem: "a variable-length integer runs past 64 bits")
    }

    /// A zigzag-encoded signed integer (0, -1, 1, -2, ... as 0, 1, 2, 3, ...).
    mutating func zigzag() throws -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }
}

/// A page's bytes, read from the front; every read is checked against the end.
struct ByteCursor: ByteSource {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    var remaining: Int { bytes.count - position }

    mutating func take(_ count: Int) throws -> UnsafeBufferPointer<UInt8> {
        guard count >= 0, count <= remaining else { throw Malformed(problem: "a value of \(count) bytes runs past the page") }
        defer { position += count }
        return UnsafeBufferPointer(rebasing: bytes[position..<position + count])
    }

    mutating func byte() throws -> UInt8 { try take(1)[0] }

    /// An unsigned little-endian integer of `count` bytes (1 to 4; Snappy's lengths and offsets).
    mutating func littleEndian(_ count: Int) throws -> Int {
        var value = 0
        for (index, byte) in try take(count).enumerated() { value |= Int(byte) << (8 * index) }
        return value
    }

    mutating func littleEndian<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let raw = try take(MemoryLayout<T>.size)
        var value: T = 0
        for (index, byte) in raw.enumerated() { value |= T(truncatingIfNeeded: byte) << (8 * index) }
        return value
    }
}

enum Encodings {
    /// The bits needed for values up to `maximum`.
    static func bitWidth(_ maximum: Int) -> Int { maximum == 0 ? 0 : Int.bitWidth - maximum.leadingZeroBitCount }

    /// `count` values of the RLE / bit-packing hybrid at `bitWidth` bits each.
    static func hybrid(_ cursor: inout ByteCursor, bitWidth: Int, count: Int) throws -> [Int] {
        guard (0...32).contains(bitWidth) else { throw Malformed(problem: "a bit width of \(bitWidth)") }
        var values: [Int] = []
        values.reserveCapacity(min(count, 1 << 20))
        let byteWidth = (bitWidth + 7) / 8
        while values.count < count {
            let header = try cursor.varint()
            if header & 1 == 0 {  // a run of one value repeated
                let run = Int(clamping: header >> 1)
                var value = 0
                for (index, byte) in try cursor.take(byteWidth).enumerated() { value |= Int(byte) << (8 * index) }
                values.append(contentsOf: repeatElement(value, count: min(run, count - values.count)))
            } else {  // groups of 8 values packed, least significant bit first
                let groups = Int(clamping: header >> 1)
                guard groups <= cursor.remaining else { throw Malformed(problem: "bit-packed groups run past the page") }
                let packed = try cursor.take(min(groups * bitWidth, cursor.remaining))
                let total = groups * 8
                for index in 0..<total where values.count < count {
                    values.append(Int(unpacked(packed, index: index, width: bitWidth)))
                }
            }
        }
        return values
    }

    /// Value `index` of values packed `width` bits each, least significant bit first; bits
    /// past the end of `packed` read as 0.
    static func unpacked(_ packed: UnsafeBufferPointer<UInt8>, index: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for offset in 0..<width {
            let at = index * width + offset
            guard at / 8 < packed.count else { break }
            value |= UInt64((packed[at / 8] >> UInt8(at % 8)) & 1) << UInt64(offset)
        }
        return value
    }

    /// `count` PLAIN values of `type`.
    static func plain(_ cursor: inout ByteCursor, type: PhysicalType, count: Int, column: ColumnDescription) throws -> ColumnValues {
        switch type {
        case .boolean:
            let packed = try cursor.take((count + 7) / 8)
            return .booleans((0..<count).map { packed[$0 / 8] >> UInt8($0 % 8) & 1 == 1 })
        case .int32: return .integers(try (0..<count).map { _ in Int64(try cursor.littleEndian(Int32.self)) })
        case .int64: return .integers(try (0..<count).map { _ in try cursor.littleEndian(Int64.self) })
        case .float: return .floats(try (0..<count).map { _ in Float(bitPattern: try cursor.littleEndian(UInt32.self)) })
        case .double: return .doubles(try (0..<count).map { _ in Double(bitPattern: try cursor.littleEndian(UInt64.self)) })
        case .byteArray:
            return .texts(
                try (0..<count).map { _ in
                    let length = Int(try cursor.littleEndian(UInt32.self))
                    return try text(try cursor.take(length), column: column)
                })
        case .int96, .fixedLengthByteArray:
            throw Malformed(
                problem: "values of physical type \(type) (a legacy timestamp or fixed-size binary), which have no text form here")
        }
    }

    /// Bytes as a cell's text: UTF-8 for a text column; other binary is refused.
    static func text(_ bytes: UnsafeBufferPointer<UInt8>, column: ColumnDescription) throws -> String {
        guard column.isText, let text = String(validating: bytes, as: UTF8.self) else {
            throw Malformed(problem: "a byte array that is not UTF-8 text")
        }
        return text
    }

    /// `count` DELTA_BINARY_PACKED integers: a header (block size, miniblocks per block, value
    /// count, first value), then blocks of a minimum delta and bit-packed miniblocks.
    static func deltaBinaryPacked(_ cursor: inout ByteCursor, count: Int) throws -> [Int64] {
        let blockSize = Int(clamping: try cursor.varint()), miniblocks = Int(clamping: try cursor.varint())
        let total = Int(clamping: try cursor.varint())
        guard blockSize > 0, blockSize % 128 == 0, miniblocks > 0, blockSize % miniblocks == 0, (blockSize / miniblocks) % 32 == 0 else {
            throw Malformed(problem: "a delta block of \(blockSize) values in \(miniblocks) miniblocks")
        }
        var values: [Int64] = [try cursor.zigzag()]
        values.reserveCapacity(min(max(count, 1), 1 << 20))
        let perMiniblock = blockSize / miniblocks
        while values.count < min(total, count) {
            let minimum = try cursor.zigzag()
            let widths = try cursor.take(miniblocks).map(Int.init)
            for width in widths where values.count < min(total, count) {
                guard width <= 64 else { throw Malformed(problem: "a miniblock of \(width)-bit deltas") }
                let packed = try cursor.take(perMiniblock * width / 8)
                for index in 0..<perMiniblock where values.count < min(total, count) {
                    let delta = Int64(bitPattern: unpacked(packed, index: index, width: width))
                    values.append(values[values.count - 1] &+ minimum &+ delta)
                }
            }
        }
        return Array(values.prefix(count))
    }
}
