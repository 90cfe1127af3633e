// The parts of Parquet's metadata (parquet-format's parquet.thrift) a table reader needs:
// the schema's leaf columns, the row groups and their column chunks, and page headers.
// Field numbers are the specification's; anything else in the footer is skipped.

/// A column's physical type (parquet.thrift `Type`).
public enum PhysicalType: Int64, Sendable {
    case boolean = 0, int32, int64, int96, float, double, byteArray, fixedLengthByteArray
}

/// How a page's bytes are compressed (`CompressionCodec`).
public enum Codec: Int64, Sendable {
    case uncompressed = 0, snappy, gzip, lzo, brotli, lz4, zstd, lz4Raw

    var name: String { ["none", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"][Int(rawValue)] }
}

/// How a page's values are written (`Encoding`).
enum Encoding: Int64 {
    case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5, deltaLengthByteArray = 6
    case deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9

    static func name(_ raw: Int64) -> String {
        switch Encoding(rawValue: raw) {
        case .plain: "PLAIN"
        case .plainDictionary: "PLAIN_DICTIONARY"
        case .rle: "RLE"
        case .bitPacked: "BIT_PACKED"
        case .deltaBinaryPacked: "DELTA_BINARY_PACKED"
        case .deltaLengthByteArray: "DELTA_LENGTH_BYTE_ARRAY"
        case .deltaByteArray: "DELTA_BYTE_ARRAY"
        case .rleDictionary: "RLE_DICTIONARY"
        case .byteStreamSplit: "BYTE_STREAM_SPLIT"
        case nil: "encoding \(raw)"
        }
    }
}

/// A leaf of the schema: a column of values.
public struct ColumnDescription: Sendable {
    /// The path from the root, dotted (`optimizer.lr` for a field of a group).
    public let name: String
    public let type: PhysicalType
    /// The highest definition level: a value is present when its level reaches it.
    let maximumDefinition: Int
    /// Whether the column sits inside a repeated field (a list), which a table has no cell for.
    let repeated: Bool
    /// Whether BYTE_ARRAY values are text (a STRING / UTF8 annotation, or none at all).
    let isText: Bool
}

struct ColumnChunkInfo {
    let codec: Int64
    let valueCount: Int64
    let dataPageOffset: Int64
    let dictionaryPageOffset: Int64?
    let compressedSize: Int64
}

struct RowGroupInfo {
    let rowCount: Int64
    let columns: [ColumnChunkInfo]
}

struct FileMetadata {
    let rowCount: Int64
    let columns: [ColumnDescription]
    let rowGroups: [RowGroupInfo]

    init(_ root: ThriftValue) throws {
        guard let fields = root.fields else { throw Malformed(problem: "the footer is not a struct") }
        rowCount = fields[3]?.integer ?? 0
        guard let schema = fields[2]?.list?.compactMap(\.fields), !schema.isEmpty else {
            throw Malformed(problem: "the footer has no schema")
        }
        // The schema is a tree written depth first; each group says how many children follow.
        var columns: [ColumnDescription] = []
        var index = 1
        func walk(path: [String], definition: Int, repeated: Bool) throws {
            guard index < schema.count else { throw Malformed(problem: "the schema ends inside a group") }
            let element = schema[index]
            index += 1
            let name = element[4]?.text ?? "column\(index)"
            let repetition = element[3]?.integer ?? 0  // 0 required, 1 optional, 2 repeated
            let level = definition + (repetition == 0 ? 0 : 1)
            let isRepeated = repeated || repetition == 2
            if let children = element[5]?.integer, children > 0 {
                for _ in 0..<children { try walk(path: path + [name], definition: level, repeated: isRepeated) }
                return
            }
            guard let raw = element[1]?.integer, let type = PhysicalType(rawValue: raw) else {
                throw Malformed(problem: "column '\(name)' has no physical type")
            }
            // A STRING, ENUM or JSON annotation (converted type 0, 4 or 19; logical type 1, 4 or 12) is
            // text; so is a byte array without one (pandas' object columns); other annotations are binary.
            let converted = element[6]?.integer
            let logical = element[10]?.fields?.keys.first
            let isText = converted.map { [0, 4, 19].contains($0) } ?? logical.map { [1, 4, 12].contains($0) } ?? true
            columns.append(
                ColumnDescription(
                    name: (path + [name]).joined(separator: "."), type: type, maximumDefinition: level, repeated: isRepeated,
                    isText: isText))
        }
        let rootChildren = schema[0][5]?.integer ?? 0
        for _ in 0..<rootChildren { try walk(path: [], definition: 0, repeated: false) }
        self.columns = columns
        rowGroups = try (fields[4]?.list ?? []).map { group in
            guard let groupFields = group.fields, let chunks = groupFields[1]?.list else {
                throw Malformed(problem: "a row group has no columns")
            }
            let infos = try chunks.map { chunk -> ColumnChunkInfo in
                guard let meta = chunk.fields?[3]?.fields, let codec = meta[4]?.integer, let count = meta[5]?.integer,
                    let offset = meta[9]?.integer, let size = meta[7]?.integer
                else {
                    throw Malformed(problem: "a column chunk lacks its metadata (it may live in another file)")
                }
                return ColumnChunkInfo(
                    codec: codec, valueCount: count, dataPageOffset: offset, dictionaryPageOffset: meta[11]?.integer,
                    compressedSize: size)
            }
            guard infos.count == columns.count else {
                throw Malformed(problem: "a row group has \(infos.count) columns, the schema \(columns.count)")
            }
            return RowGroupInfo(rowCount: groupFields[3]?.integer ?? 0, columns: infos)
        }
    }
}

/// One page's header.
struct PageHeader {
    enum Kind { case data, dataV2, dictionary, other }
    let kind: Kind
    let uncompressedSize: Int
    let compressedSize: Int
    let valueCount: Int
    let encoding: Int64
    /// Data pages v2: the level sections' lengths (stored uncompressed) and whether the values are compressed.
    let repetitionLength: Int, definitionLength: Int
    let valuesCompressed: Bool

    static let largestPage: Int64 = 512 << 20

    init(_ value: ThriftValue) throws {
        guard let fields = value.fields, let type = fields[1]?.integer, let uncompressed = fields[2]?.integer,
            let compressed = fields[3]?.integer, uncompressed >= 0, compressed >= 0, uncompressed < 1 << 31, compressed < 1 << 31
        else { throw Malformed(problem: "a page header lacks its type or sizes") }
        // Pages are about a megabyte; a header claiming more than this is corrupt (and would be
        // an allocation of that size before anything could check it).
        guard uncompressed <= PageHeader.largestPage else {
            throw Malformed(problem: "a page claims \(uncompressed) bytes, more than \(PageHeader.largestPage >> 20) MiB")
        }
        uncompressedSize = Int(uncompressed)
        compressedSize = Int(compressed)
        var count: Int64 = 0, encoding: Int64 = 0, repetition: Int64 = 0, definition: Int64 = 0, compressedValues = true
        switch type {
        case 0:
            kind = .data
            guard let header = fields[5]?.fields else { throw Malformed(problem: "a data page without its header") }
            count = header[1]?.integer ?? 0
            encoding = header[2]?.integer ?? 0
        case 2:
            kind = .dictionary
            guard let header = fields[7]?.fields else { throw Malformed(problem: "a dictionary page without its header") }
            count = header[1]?.integer ?? 0
            encoding = header[2]?.integer ?? 0
        case 3:
            kind = .dataV2
            guard let header = fields[8]?.fields else { throw Malformed(problem: "a data page (v2) without its header") }
            count = header[1]?.integer ?? 0
            encoding = header[4]?.integer ?? 0
            definition = header[5]?.integer ?? 0
            repetition = header[6]?.integer ?? 0
            compressedValues = header[7]?.bool ?? true
        default:
            kind = .other
        }
        guard count >= 0, count < 1 << 31, definition >= 0, repetition >= 0, definition + repetition <= compressed else {
            throw Malformed(problem: "a page header's counts are impossible")
        }
        valueCount = Int(count)
        self.encoding = encoding
        repetitionLength = Int(repetition)
        definitionLength = Int(definition)
        valuesCompressed = compressedValues
    }
}
