// A column chunk's pages decoded one after another into one array per column: the
// dictionary page (kept to look indices up in), then data pages, v1 (levels and values
// compressed together, the levels length-prefixed) or v2 (levels stored plain before the
// compressed values). Definition levels below the column's maximum are nulls.

struct PageDecoder {
    let column: ColumnDescription
    let codec: Int64
    let rows: Int
    private(set) var rowsRead = 0
    private var dictionary: ColumnValues?
    private var booleans: [Bool] = [], integers: [Int64] = [], floats: [Float] = [], doubles: [Double] = [], texts: [String] = []
    private var isNull: [Bool] = []
    private var sawNull = false

    init(column: ColumnDescription, codec: Int64, rows: Int) {
        self.column = column
        self.codec = codec
        self.rows = rows
        isNull.reserveCapacity(min(rows, 1 << 20))  // a corrupt footer may claim any count
    }

    mutating func add(_ header: PageHeader, _ bytes: UnsafeBufferPointer<UInt8>) throws {
        switch header.kind {
        case .other: return  // an index page: nothing a table needs
        case .dictionary:
            let page = try Codecs.decompress(bytes, codec: codec, size: header.uncompressedSize)
            dictionary = try page.withUnsafeBufferPointer { page in
                var cursor = ByteCursor(bytes: page)
                return try Encodings.plain(&cursor, type: column.type, count: header.valueCount, column: column)
            }
        case .data:
            let page = try Codecs.decompress(bytes, codec: codec, size: header.uncompressedSize)
            try page.withUnsafeBufferPointer { page in
                var cursor = ByteCursor(bytes: page)
                var levels: [Int]? = nil
                if column.maximumDefinition > 0 {
                    let length = Int(try cursor.littleEndian(UInt32.self))
                    var section = ByteCursor(bytes: try cursor.take(length))
                    levels = try Encodings.hybrid(
                        &section, bitWidth: Encodings.bitWidth(column.maximumDefinition), count: header.valueCount)
                }
                try values(&cursor, header, levels: levels)
            }
        case .dataV2:
            let levelBytes = header.repetitionLength + header.definitionLength
            var levels: [Int]? = nil
            if column.maximumDefinition > 0 {
                var section = ByteCursor(
                    bytes: UnsafeBufferPointer(rebasing: bytes[header.repetitionLength..<levelBytes]))
                levels = try Encodings.hybrid(&section, bitWidth: Encodings.bitWidth(column.maximumDefinition), count: header.valueCount)
            }
            let rest = UnsafeBufferPointer(rebasing: bytes[levelBytes...])
            let page =
                header.valuesCompressed
                ? try Codecs.decompress(rest, codec: codec, size: header.uncompressedSize - levelBytes) : Array(rest)
            try page.withUnsafeBufferPointer { page in
                var cursor = ByteCursor(bytes: page)
                try values(&cursor, header, levels: levels)
            }
        }
    }

    /// The page's values placed at its rows, nulls where the level falls short.
    private mutating func values(_ cursor: inout ByteCursor, _ header: PageHeader, levels: [Int]?) throws {
        let slots = header.valueCount
        guard rowsRead + slots <= rows else { throw Malformed(problem: "the pages hold more values than the row group's \(rows) rows") }
        let maximum = column.maximumDefinition
        let present = levels.map { $0.reduce(0) { $0 + ($1 == maximum ? 1 : 0) } } ?? slots
        let decoded = try decode(&cursor, header.encoding, count: present)
        guard decoded.count == present else { throw Malformed(problem: "a page gives \(decoded.count) of its \(present) values") }
        let nulls = levels.map { $0.map { $0 != maximum } } ?? [Bool](repeating: false, count: slots)
        isNull += nulls
        sawNull = sawNull || nulls.contains(true)
        switch decoded {
        case .booleans(let values): PageDecoder.place(values, nulls, into: &booleans, placeholder: false)
        case .integers(let values): PageDecoder.place(values, nulls, into: &integers, placeholder: 0)
        case .floats(let values): PageDecoder.place(values, nulls, into: &floats, placeholder: 0)
        case .doubles(let values): PageDecoder.place(values, nulls, into: &doubles, placeholder: 0)
        case .texts(let values): PageDecoder.place(values, nulls, into: &texts, placeholder: "")
        }
        rowsRead += slots
    }

    /// A page's present values appended at their rows, the placeholder at each null.
    private static func place<Value>(_ values: [Value], _ nulls: [Bool], into column: inout [Value], placeholder: Value) {
        var next = values.makeIterator()
        for null in nulls { column.append(null ? placeholder : next.next()!) }  // as many present as values (checked)
    }

    private func decode(_ cursor: inout ByteCursor, _ encoding: Int64, count: Int) throws -> ColumnValues {
        switch Encoding(rawValue: encoding) {
        case .plain:
            return try Encodings.plain(&cursor, type: column.type, count: count, column: column)
        case .plainDictionary, .rleDictionary:
            guard let dictionary else { throw Malformed(problem: "dictionary-encoded values without a dictionary page") }
            let width = Int(try cursor.byte())
            let indices = try Encodings.hybrid(&cursor, bitWidth: width, count: count)
            guard indices.allSatisfy({ $0 < dictionary.count }) else {
                throw Malformed(problem: "a dictionary index beyond the dictionary's \(dictionary.count) values")
            }
            return dictionary.gathered(indices)
        case .rle where column.type == .boolean:
            let length = Int(try cursor.littleEndian(UInt32.self))
            var section = ByteCursor(bytes: try cursor.take(length))
            return .booleans(try Encodings.hybrid(&section, bitWidth: 1, count: count).map { $0 == 1 })
        case .deltaBinaryPacked where column.type == .int32 || column.type == .int64:
            return .integers(try Encodings.deltaBinaryPacked(&cursor, count: count))
        default:
            throw Malformed(problem: "values encoded as \(Encoding.name(encoding)), which this reader does not decode")
        }
    }

    func finish() throws -> ColumnData {
        guard rowsRead == rows else { throw Malformed(problem: "the pages hold \(rowsRead) of the row group's \(rows) rows") }
        let values: ColumnValues
        switch column.type {
        case .boolean: values = .booleans(booleans)
        case .int32, .int64: values = .integers(integers)
        case .float: values = .floats(floats)
        case .double: values = .doubles(doubles)
        default: values = .texts(texts)
        }
        return ColumnData(column: column, values: values, isNull: sawNull ? isNull : [])
    }
}
