// A table a mapping describes, record by record, whatever file holds it: a CSV (CSVReader)
// or JSON lines (one object per line; nested objects flatten to dotted columns, so
// `{"optimizer": {"lr": 3e-4}}` has the column `optimizer.lr`). Both stream: memory stays
// bounded by one chunk and one record.
import Foundation
import Runs

protocol TableReader: AnyObject {
    /// Every column the table has (a JSON-lines table: every key any line has, in order of
    /// first appearance).
    var header: [String] { get }
    /// The line the last record returned started on.
    var rowLine: Int { get }
    /// Bytes read so far, for progress.
    var bytesRead: Int { get }
    /// The next record, column to text (a JSON-lines record lacks the keys its line lacks).
    func nextRecord() throws -> [String: String]?
}

extension CSVReader: TableReader {}

/// The table formats a mapping reads.
public enum TableFormat: String, CaseIterable, Sendable {
    case csv, jsonl

    /// By the file's extension: .jsonl, .ndjson and .json lines are JSON lines, the rest CSV.
    public static func of(_ path: String) -> TableFormat {
        [".jsonl", ".ndjson"].contains(where: path.lowercased().hasSuffix) ? .jsonl : .csv
    }

    func open(_ path: String) throws -> TableReader {
        switch self {
        case .csv:
            if try TableFormat.firstByte(path) == UInt8(ascii: "{") {
                throw IngestError(
                    file: path, line: 1, problem: "reading it as CSV, but its first line is a JSON object",
                    expected: "--format jsonl for JSON lines (one object per line)")
            }
            return try CSVReader(path: path)
        case .jsonl: return try JSONLinesTable(path: path)
        }
    }

    /// The file's first byte that is not whitespace (or a UTF-8 byte-order mark).
    static func firstByte(_ path: String) throws -> UInt8? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IngestError(file: path, problem: "cannot open the file", expected: "a readable file")
        }
        defer { try? handle.close() }
        let bytes = try handle.read(upToCount: 4096) ?? Data()
        return bytes.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
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

    func nextRecord() throws -> [String: String]? {
        while let line = try lines.nextLine() {
            if let record = try JSONLinesTable.record(line, path: path, line: lines.lineNumber) {
                rowLine = lines.lineNumber
                return record
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
