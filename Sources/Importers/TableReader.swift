// A table a mapping describes, record by record, whatever file holds it: a CSV (CSVReader),
// JSON lines (one object per line; nested objects flatten to dotted columns, so
// `{"optimizer": {"lr": 3e-4}}` has the column `optimizer.lr`) or Parquet (ParquetTable).
// All stream: memory stays bounded by one chunk (a Parquet row group) and one record.
import Foundation
import Parquet
import Runs

protocol TableReader: AnyObject {
    /// Every column the table has (a JSON-lines table: every key any line has, in order of
    /// first appearance).
    var header: [String] { get }
    /// The line the last record returned started on.
    var rowLine: Int { get }
    /// Bytes read so far, for progress.
    var bytesRead: Int { get }
    /// The next record's fields in the header's order, as text; a field the record lacks (a
    /// key its JSON line does not have, a Parquet null) is empty, as an empty CSV cell is.
    /// Positions, not a dictionary: a mapping finds its columns once per file.
    func nextFields() throws -> [String]?
}

extension CSVReader: TableReader {}

/// The table formats a mapping reads.
public enum TableFormat: String, CaseIterable, Sendable {
    case csv, jsonl, parquet

    /// By the file's extension: .jsonl and .ndjson are JSON lines, .parquet and .pq Parquet, the rest CSV.
    public static func of(_ path: String) -> TableFormat {
        let lowered = path.lowercased()
        if [".jsonl", ".ndjson"].contains(where: lowered.hasSuffix) { return .jsonl }
        return [".parquet", ".pq"].contains(where: lowered.hasSuffix) ? .parquet : .csv
    }

    func open(_ path: String) throws -> TableReader {
        switch self {
        case .csv:
            // The file's start: JSON lines or Parquet read as CSV would fail far from the cause.
            let leading = try TableFormat.leadingBytes(path)
            // The first byte that is not whitespace or a UTF-8 byte-order mark.
            if leading.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "{") {
                throw IngestError(
                    file: path, line: 1, problem: "reading it as CSV, but its first line is a JSON object",
                    expected: "--format jsonl for JSON lines (one object per line)")
            }
            if leading.prefix(4) == Data("PAR1".utf8) {
                throw IngestError(file: path, line: 1, problem: "reading it as CSV, but it is a Parquet file", expected: "--format parquet")
            }
            return try CSVReader(path: path)
        case .jsonl: return try JSONLinesTable(path: path)
        case .parquet: return try ParquetTable(path: path)
        }
    }

    /// The file's first 4 KiB.
    static func leadingBytes(_ path: String) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IngestError(file: path, problem: "cannot open the file", expected: "a readable file")
        }
        defer { try? handle.close() }
        return try handle.read(upToCount: 4096) ?? Data()
    }
}

/// JSON lines as a table. The header comes from a first pass over the file (keys can first
/// appear anywhere: a W&B export logs eval metrics every thousandth line), the records from
/// a second.
final class JSONLinesTable: TableReader {
    let path: String
    let header: [String]
    private let lines: LineReader
    private(set) var rowLine = 0
    var bytesRead: Int { lines.bytesRead }

    init(path: String) throws {
        self.path = path
        var seen = Set<String>(), order: [String] = []
        let scan = try LineReader(path: path)
        while let line = try scan.nextLine() {
            guard let record = try JSONLinesTable.record(line, path: path, line: scan.lineNumber) else { continue }
            for key in record.keys.sorted() where seen.insert(key).inserted { order.append(key) }
        }
        header = order
        lines = try LineReader(path: path)
    }

    private lazy var positions = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })

    func nextFields() throws -> [String]? {
        while let line = try lines.nextLine() {
            if let record = try JSONLinesTable.record(line, path: path, line: lines.lineNumber) {
                rowLine = lines.lineNumber
                var fields = [String](repeating: "", count: header.count)
                for (key, value) in record { fields[positions[key]!] = value }  // the first pass saw every key
                return fields
            }
        }
        return nil
    }

    /// One line's JSON object (nil for a blank line); an error names the line, and a NaN or
    /// Infinity (which JSON lacks, and a diverged run logs) is said as such.
    static func object(_ line: String, path: String, line number: Int) throws -> [String: Any]? {
        if line.allSatisfy(\.isWhitespace) { return nil }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(line.utf8)) } catch {
            for token in ["NaN", "Infinity"] where line.contains(token) {
                throw IngestError(
                    file: path, line: number, problem: "a logged value is \(token), which JSON does not have",
                    expected: "finite numbers (the run may have diverged: its log must end before the \(token))")
            }
            throw IngestError(file: path, line: number, problem: "not valid JSON", expected: "one JSON object per line")
        }
        guard let root = object as? [String: Any] else {
            throw IngestError(file: path, line: number, problem: "not a JSON object", expected: "one JSON object per line")
        }
        return root
    }

    /// One line's object flattened to dotted keys with text values (nil for a blank line);
    /// null values are left out, lists kept as their JSON text.
    static func record(_ line: String, path: String, line number: Int) throws -> [String: String]? {
        guard let root = try object(line, path: path, line: number) else { return nil }
        var record: [String: String] = [:]
        func visit(_ value: Any, _ key: String) {
            switch value {
            case let nested as [String: Any]:
                for (child, inner) in nested { visit(inner, key.isEmpty ? child : key + "." + child) }
            case is NSNull:
                break
            case let text as String:
                record[key] = text
            case let number as NSNumber:
                record[key] = text(number)
            default:
                let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
                record[key] = data.flatMap { String(data: $0, encoding: .utf8) } ?? "\(value)"
            }
        }
        visit(root, "")
        return record
    }

    /// A JSON number or boolean as the text a CSV would hold: integers without a fraction,
    /// other numbers in the shortest form that reads back exactly.
    static func text(_ number: NSNumber) -> String {
        if isJSONBoolean(number) { return number.boolValue ? "true" : "false" }
        let value = number.doubleValue
        if value == value.rounded(), abs(value) < 9e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

/// A Parquet file as a table (the Parquet module reads it): a row group is decoded at a
/// time and its rows handed out as text, so memory is one row group's columns. A record's
/// line is its row number, counted from 1 (the header row a CSV would have is not counted).
final class ParquetTable: TableReader {
    let header: [String]
    private let file: ParquetFile
    private var group = -1
    private var columns: [ColumnData] = []
    private var row = 0, rowsInGroup = 0, rowsBefore = 0
    private(set) var rowLine = 0
    private(set) var bytesRead = 0
    private let bytesPerGroup: Int

    init(path: String) throws {
        do { file = try ParquetFile(path: path) } catch let error as ParquetError { throw IngestError(error) }
        header = file.columns.map(\.name)
        bytesPerGroup = file.rowGroupCount == 0 ? 0 : Int(file.size) / file.rowGroupCount
    }

    func nextFields() throws -> [String]? {
        while row >= rowsInGroup {
            group += 1
            guard group < file.rowGroupCount else { return nil }
            rowsBefore += rowsInGroup
            do { columns = try file.rowGroup(group) } catch let error as ParquetError { throw IngestError(error, line: rowsBefore + 1) }
            rowsInGroup = columns.first?.values.count ?? 0
            row = 0
            bytesRead += bytesPerGroup
        }
        defer { row += 1 }
        rowLine = rowsBefore + row + 1
        return columns.map { $0.text(row) }
    }
}

extension IngestError {
    /// A Parquet reading error as an ingest error: the file, the column as the field, the row.
    init(_ error: ParquetError, line: Int? = nil) {
        self.init(file: error.path, line: line, field: error.column, problem: error.problem, expected: error.hint)
    }
}
