// Epoch's CSV exports as rows of named fields: a byte-order mark on the first column name
// removed, numbers read with their dollar signs and thousands separators dropped.
import Foundation
import Runs

struct EpochTable {
    let path: String
    let rows: [[String: String]]

    init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CostError(
                field: (path as NSString).lastPathComponent, problem: "no such file at \(path)",
                hint: "give --epoch-data the folder of Epoch's tables (../shared/datasets/epoch_training_costs)")
        }
        let reader = try CSVReader(path: path)
        let header = reader.header.map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }
        var rows: [[String: String]] = []
        while let row = try reader.nextRow() {
            guard row.count == header.count else {
                throw CostError(
                    field: (path as NSString).lastPathComponent,
                    problem: "line \(reader.rowLine) has \(row.count) fields where the header has \(header.count)")
            }
            rows.append(
                Dictionary(
                    zip(header, row.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }), uniquingKeysWith: { first, _ in first }))
        }
        self.path = path
        self.rows = rows
    }

    /// A column's number ("$1,234.5" reads 1234.5); nil when blank or not a number.
    static func number(_ text: String?) -> Double? {
        guard let text, !text.isEmpty else { return nil }
        let cleaned = text.replacingOccurrences(of: "$", with: "").replacingOccurrences(of: ",", with: "")
        guard let value = Double(cleaned), value.isFinite else { return nil }
        return value
    }
}
