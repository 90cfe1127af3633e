// Thrift's compact protocol, the encoding of a Parquet file's footer and page headers,
// read into a tree of values (`ThriftValue`); Metadata.swift reads the fields Parquet
// defines out of it. The specification: thrift/doc/specs/thrift-compact-protocol.md.
// Every read is bounds-checked: a truncated or corrupt footer is an error, never a crash.

/// One decoded value: a struct is its fields by id.
indirect enum ThriftValue {
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case binary([UInt8])
    case list([ThriftValue])
    case map([(ThriftValue, ThriftValue)])
    case structure([Int16: ThriftValue])

    var integer: Int64? { if case .integer(let value) = self { value } else { nil } }
    var binary: [UInt8]? { if case .binary(let value) = self { value } else { nil } }
    var list: [ThriftValue]? { if case .list(let value) = self { value } else { nil } }
    var fields: [Int16: ThriftValue]? { if case .structure(let value) = self { value } else { nil } }
    var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    var text: String? { binary.flatMap { String(validating: $0, as: UTF8.self) } }
}

/// A reader over bytes in memory, from `offset`.
struct ThriftReader: ByteSource {
    let bytes: [UInt8]
    private(set) var offset: Int
    /// Nesting deeper than this is refused: Parquet's metadata nests four or five levels.
    static let maximumDepth = 64

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw Malformed(problem: "the metadata ends inside a value") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func take(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= bytes.count - offset else { throw Malformed(problem: "a value of \(count) bytes runs past the end") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// A struct, from its first field header to its stop byte.
    mutating func structure(depth: Int = 0) throws -> ThriftValue {
        guard depth < ThriftReader.maximumDepth else { throw Malformed(problem: "values nest deeper than \(ThriftReader.maximumDepth)") }
        var fields: [Int16: ThriftValue] = [:]
        var lastID: Int16 = 0
        while true {
            let header = try byte()
            if header == 0 { return .structure(fields) }
            let delta = Int16(header >> 4), type = header & 0x0f
            if delta == 0 {
                let id = try zigzag()
                guard let narrow = Int16(exactly: id) else { throw Malformed(problem: "field id \(id) out of range") }
                lastID = narrow
            } else {
                lastID &+= delta
            }
            fields[lastID] = try value(type: type, depth: depth)
        }
    }

    /// A value of compact type `type` (1 and 2 are a struct field's true and false).
    mutating func value(type: UInt8, depth: Int, inCollection: Bool = false) throws -> ThriftValue {
        switch type {
        case 1, 2:
            if inCollection { return .bool(try byte() == 1) }
            return .bool(type == 1)
        case 3: return .integer(Int64(Int8(bitPattern: try byte())))
        case 4, 5, 6: return .integer(try zigzag())
        case 7:
            let raw = try take(8)
            return .double(Double(bitPattern: raw.reversed().reduce(0) { $0 << 8 | UInt64($1) }))
        case 8:
            let length = try varint()
            guard length <= UInt64(bytes.count) else { throw Malformed(problem: "a string of \(length) bytes runs past the end") }
            return .binary(try take(Int(length)))
        case 9, 10:
            let header = try byte()
            var count = UInt64(header >> 4)
            if count == 15 { count = try varint() }
            guard count <= UInt64(bytes.count - offset) else { throw Malformed(problem: "a list of \(count) values runs past the end") }
            var values: [ThriftValue] = []
            values.reserveCapacity(Int(count))
            for _ in 0..<count { values.append(try value(type: header & 0x0f, depth: depth + 1, inCollection: true)) }
            return .list(values)
        case 11:
            let count = try varint()
            guard count <= UInt64(bytes.count - offset) else { throw Malformed(problem: "a map of \(count) entries runs past the end") }
            if count == 0 { return .map([]) }
            let types = try byte()
            var entries: [(ThriftValue, ThriftValue)] = []
            for _ in 0..<count {
                let key = try value(type: types >> 4, depth: depth + 1, inCollection: true)
                entries.append((key, try value(type: types & 0x0f, depth: depth + 1, inCollection: true)))
            }
            return .map(entries)
        case 12: return try structure(depth: depth + 1)
        default: throw Malformed(problem: "unknown compact type \(type)")
        }
    }
}
