// A Parquet file, read a row group at a time: the footer (the file's last 8 bytes give its
// length and the magic `PAR1`) is decoded once; `rowGroup(_:)` reads each column chunk's
// pages (a dictionary page, then data pages v1 or v2), decompresses them and decodes their
// definition levels and values into one array per column. Memory is one row group's
// columns (pandas and pyarrow write a row group per million rows), never the whole file.
// Flat tables, as pandas, polars and Spark write them; a column inside a list (a repeated
// field) has no cell in a table and is refused by name.
import Foundation

public struct ParquetError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let column: String?
    public let problem: String
    public let hint: String

    public var description: String {
        "\(path)\(column.map { " column '\($0)'" } ?? ""): \(problem). \(hint)"
    }
}

/// One column of a row group: a value per row, `isNull[row]` where the row has none.
public struct ColumnData: Sendable {
    public let column: ColumnDescription
    public let values: ColumnValues
    /// Empty when the column has no nulls in this row group.
    public let isNull: [Bool]

    /// The row's value as the text a CSV would hold: integers in full, floating-point values in
    /// the shortest form that reads back exactly, true or false; empty for a null.
    public func text(_ row: Int) -> String {
        if !isNull.isEmpty && isNull[row] { return "" }
        switch values {
        case .booleans(let values): return values[row] ? "true" : "false"
        case .integers(let values): return String(values[row])
        case .floats(let values): return values[row].description
        case .doubles(let values): return values[row].description
        case .texts(let values): return values[row]
        }
    }
}

public final class ParquetFile {
    public let path: String
    public let columns: [ColumnDescription]
    public let rowCount: Int
    public var rowGroupCount: Int { metadata.rowGroups.count }
    let metadata: FileMetadata
    private let handle: FileHandle
    /// The file's length in bytes.
    public let size: UInt64
    static let magic = Array("PAR1".utf8)
    /// What to do about a file this reader refuses: corrupt bytes or a writer's choice it does not read.
    static let rewriteHint =
        "A damaged file must be written again; a whole one can be written with pandas' defaults (`df.to_parquet(path)`) or as CSV (`df.to_csv(path, index=False)`)."

    public init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ParquetError(path: path, column: nil, problem: "cannot open the file", hint: "Check that it exists and is readable.")
        }
        self.handle = handle
        size = try handle.seekToEnd()
        func refuse(_ problem: String) -> ParquetError {
            ParquetError(path: path, column: nil, problem: problem, hint: "The file may be truncated or not Parquet; write it again.")
        }
        guard size >= 12 else { throw refuse("\(size) bytes is too short for a Parquet file") }
        try handle.seek(toOffset: 0)
        let head = try handle.read(upToCount: 4) ?? Data()
        try handle.seek(toOffset: size - 8)
        let tail = [UInt8](try handle.read(upToCount: 8) ?? Data())
        guard [UInt8](head) == ParquetFile.magic, tail.count == 8, Array(tail[4...]) == ParquetFile.magic else {
            throw refuse("it does not begin and end with the Parquet magic bytes 'PAR1'")
        }
        let footerLength = UInt64(tail[0]) | UInt64(tail[1]) << 8 | UInt64(tail[2]) << 16 | UInt64(tail[3]) << 24
        guard footerLength > 0, footerLength <= size - 12 else { throw refuse("its footer length (\(footerLength) bytes) is impossible") }
        try handle.seek(toOffset: size - 8 - footerLength)
        let footer = [UInt8](try handle.read(upToCount: Int(footerLength)) ?? Data())
        do {
            var reader = ThriftReader(footer)
            metadata = try FileMetadata(try reader.structure())
        } catch let error as Malformed {
            throw refuse("its footer is corrupt (\(error.problem))")
        }
        columns = metadata.columns
        rowCount = Int(clamping: metadata.rowCount)
        if let repeated = columns.first(where: \.repeated) {
            throw ParquetError(
                path: path, column: String(repeated.name.split(separator: ".")[0]),
                problem: "the column holds lists (a repeated field), which a table has no cell for",
                hint: "Write one value per cell (explode or drop the list column), then ingest.")
        }
    }

    deinit { try? handle.close() }

    /// Row group `index`'s columns, in the schema's order.
    public func rowGroup(_ index: Int) throws -> [ColumnData] {
        let group = metadata.rowGroups[index]
        return try zip(columns, group.columns).map { column, chunk in
            do {
                return try read(column, chunk, rows: Int(clamping: group.rowCount))
            } catch let error as Malformed {
                throw ParquetError(
                    path: path, column: column.name, problem: "row group \(index): \(error.problem)", hint: ParquetFile.rewriteHint)
            } catch let error as Codecs.Failure {
                throw ParquetError(
                    path: path, column: column.name, problem: "row group \(index): \(error.problem)", hint: ParquetFile.rewriteHint)
            }
        }
    }

    private func read(_ column: ColumnDescription, _ chunk: ColumnChunkInfo, rows: Int) throws -> ColumnData {
        var start = chunk.dataPageOffset
        if let dictionary = chunk.dictionaryPageOffset, dictionary > 0, dictionary < start { start = dictionary }
        guard start >= 4, chunk.compressedSize >= 0, UInt64(start) + UInt64(chunk.compressedSize) <= size - 8 else {
            throw Malformed(problem: "the column chunk lies outside the file (truncated?)")
        }
        try handle.seek(toOffset: UInt64(start))
        let bytes = [UInt8](try handle.read(upToCount: Int(chunk.compressedSize)) ?? Data())
        guard bytes.count == Int(chunk.compressedSize) else { throw Malformed(problem: "the column chunk is cut short") }
        var pages = PageDecoder(column: column, codec: chunk.codec, rows: rows)
        var offset = 0
        while pages.rowsRead < rows {
            guard offset < bytes.count else { throw Malformed(problem: "the pages hold \(pages.rowsRead) of the row group's \(rows) rows") }
            var reader = ThriftReader(bytes, offset: offset)
            let header = try PageHeader(try reader.structure())
            offset = reader.offset
            guard header.compressedSize <= bytes.count - offset else { throw Malformed(problem: "a page runs past its column chunk") }
            try bytes.withUnsafeBufferPointer { all in
                try pages.add(header, UnsafeBufferPointer(rebasing: all[offset..<offset + header.compressedSize]))
            }
            offset += header.compressedSize
        }
        return try pages.finish()
    }
}
