// Writing a run's points, the bulk of a large ingest (docs/DESIGN.md, Ingest;
// `bash Tools/bench/ingest.sh`). Values are bound straight to prepared statements (GRDB's
// argument path cost a third of the time), `pointBatch` rows at a time (one statement
// execution per batch instead of per point), and each point's losses are JSON text written
// by hand into one buffer per run, which the reading thread fills while this one writes
// the run before.
import GRDB
import GRDBSQLite
import Runs

/// The JSON text of each point's losses (`{"train_loss":2.61,"val_loss":2.66}`, keys
/// sorted), one buffer for a whole run: point i's text is `bytes[ends[i-1]..<ends[i]]`.
struct LossTexts {
    private(set) var bytes: [UInt8] = []
    private(set) var ends: [Int] = []

    init(_ curve: [CurvePoint]) {
        bytes.reserveCapacity(curve.count * 40)
        ends.reserveCapacity(curve.count)
        // A run's points name the same losses, so each key's quoted prefix is made once a run.
        var order = LossOrder()
        var prefixes: [[UInt8]] = []
        for point in curve {
            let losses = order.sorted(point.losses)
            if order.changed {
                prefixes = order.keys.enumerated().map { index, key in
                    Array(((index == 0 ? "{" : ",") + LossTexts.quoted(key) + ":").utf8)
                }
            }
            if losses.isEmpty { bytes += Array("{}".utf8) }
            for (prefix, loss) in zip(prefixes, losses) {
                bytes += prefix
                bytes += loss.value.description.utf8
            }
            if !losses.isEmpty { bytes.append(UInt8(ascii: "}")) }
            ends.append(bytes.count)
        }
    }

    /// A key as a JSON string (the encoder escapes what needs it; plain names are quoted as they are).
    static func quoted(_ key: String) -> String {
        let needsEscape = key.utf8.contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 }
        return needsEscape ? (try? JSONText.encode(key)) ?? "\"?\"" : "\"" + key + "\""
    }
}

extension StoreSink {
    /// Points written by one execution of the batch statement.
    static let pointBatch = 32

    static func insertPointsSQL(rows: Int) -> String {
        "INSERT INTO point (run_key, position, step, tokens, lr, loss, losses) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    func insertPoints(_ run: Run, runKey: Int64, losses: LossTexts) throws {
        let curve = run.curve
        try losses.bytes.withUnsafeBufferPointer { text in
            var start = 0
            while start < curve.count {
                let rows = curve.count - start >= StoreSink.pointBatch ? StoreSink.pointBatch : 1
                let prepared = rows == 1 ? insertPoint : insertPointBatch
                let statement = prepared.sqliteStatement
                sqlite3_reset(statement)
                for row in 0..<rows {
                    let position = start + row, point = curve[position]
                    let first = Int32(row * 7)
                    func bind(_ value: Double?, _ index: Int32) {
                        if let value {
                            sqlite3_bind_double(statement, first + index, value)
                        } else {
                            sqlite3_bind_null(statement, first + index)
                        }
                    }
                    sqlite3_bind_int64(statement, first + 1, runKey)
                    sqlite3_bind_int64(statement, first + 2, Int64(position))
                    bind(point.step, 3)
                    bind(point.tokens, 4)
                    bind(point.learningRate, 5)
                    bind(point.losses[run.targetLoss], 6)
                    let from = position == 0 ? 0 : losses.ends[position - 1]
                    // The buffer outlives the execution below, so SQLite need not copy it (SQLITE_STATIC).
                    sqlite3_bind_text(
                        statement, first + 7, text.baseAddress.map { UnsafeRawPointer($0 + from).assumingMemoryBound(to: CChar.self) },
                        Int32(losses.ends[position] - from), nil)
                }
                let code = sqlite3_step(statement)
                guard code == SQLITE_DONE else {
                    defer { sqlite3_reset(statement) }
                    throw DatabaseError(
                        resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                        sql: prepared.sql)
                }
                sqlite3_reset(statement)
                start += rows
            }
        }
    }
}
