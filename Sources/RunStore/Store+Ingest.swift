// Ingesting a file: one transaction, all of it or none. A file whose bytes were ingested
// before (under the same mapping) adds nothing; a run whose id is already stored is counted as a duplicate. After
// the file, the cross-run divergence rule is applied to its source.
import Foundation
import GRDB
import GRDBSQLite
import Runs

public struct IngestReport: Codable, Sendable {
    public var file: String
    public var format: String
    public var source: String
    public var alreadyIngested = false
    public var added = 0
    public var duplicates = 0
    public var diverged = 0
    public var truncated = 0
    public var resources = 0
    public var rejected: [String] = []
    /// Runs stored without N, or without D: laws and the predictor cannot place them.
    public var withoutParams: [String] = []
    public var withoutTokens: [String] = []
}

/// Writes runs into the store inside the ingest transaction.
final class StoreSink: RunSink {
    let db: Database
    let fileKey: Int64
    var report: IngestReport
    let insertRun: Statement
    let insertValue: Statement
    let insertPoint: Statement
    let insertPointBatch: Statement

    init(db: Database, fileKey: Int64, report: IngestReport) throws {
        self.db = db
        self.fileKey = fileKey
        self.report = report
        insertRun = try db.makeStatement(
            sql: """
                INSERT INTO run (id, source, name, status, status_reason, target_loss, final_loss, params, tokens,
                                 parameter_convention, configuration, point_count, provenance, file_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        insertValue = try db.makeStatement(sql: "INSERT INTO config_value (run_key, field, number, text) VALUES (?, ?, ?, ?)")
        insertPoint = try db.makeStatement(sql: StoreSink.insertPointsSQL(rows: 1))
        insertPointBatch = try db.makeStatement(sql: StoreSink.insertPointsSQL(rows: StoreSink.pointBatch))
    }

    func add(_ run: Run) throws { try add(run, losses: LossTexts(run.curve)) }

    /// A run whose points' losses are already written as JSON (on the reading thread, see
    /// ConcurrentReading.swift).
    func add(_ run: Run, losses: LossTexts) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM run WHERE id = ?", arguments: [run.id]) == true {
            report.duplicates += 1
            return
        }
        try insertRun.execute(arguments: [
            run.id, run.source, run.name, run.status.rawValue, run.statusReason, run.targetLoss, run.finalLoss,
            run.params, run.tokens, run.parameterConvention.rawValue, JSONText.encode(run.configuration),
            run.curve.count, JSONText.encode(run.provenance), fileKey
        ])
        let runKey = db.lastInsertedRowID
        for (field, value) in run.configuration {
            try insertValue.execute(arguments: [runKey, field, value.number, value.number == nil ? value.description : nil])
        }
        try insertPoints(run, runKey: runKey, losses: losses)
        report.added += 1
        if run.params == nil { report.withoutParams.append(run.name) }
        if run.tokens == nil { report.withoutTokens.append(run.name) }
        if run.status == .diverged { report.diverged += 1 }
        if run.status == .truncated { report.truncated += 1 }
    }

    func add(_ resource: ResourceRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO resource (model, record, parameters, training_compute, dataset_size, file_key) VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                resource.model, JSONText.encode(resource), resource.parameters, resource.trainingCompute,
                resource.datasetSize, fileKey
            ])
        report.resources += 1
    }

    func reject(_ error: IngestError) {
        report.rejected.append(error.description)
        try? db.execute(
            sql: "INSERT INTO rejection (file_key, line, field, problem) VALUES (?, ?, ?, ?)",
            arguments: [fileKey, error.line, error.field, error.problem])
    }
}

extension RunStore {
    /// Ingests one file in one transaction. Throws (and stores nothing of the file) on the
    /// first bad input.
    public func ingest(_ plan: some RunFile, progress: ((Int) -> Void)? = nil) throws -> IngestReport {
        var report = IngestReport(file: plan.path, format: plan.format, source: plan.source)
        let (bytesHash, size) = try RunStore.fileHash(plan.path)
        // The same bytes under another mapping are another ingest (a corrected mapping adds the
        // runs it reads differently); without a mapping the key is the bytes' hash alone.
        let readingKey = plan.readingKey
        let hash =
            readingKey.isEmpty
            ? bytesHash
            : {
                var combined = ContentHash()
                combined.add(bytesHash)
                combined.add(plan.format)
                for key in readingKey { combined.add(key) }
                return combined.hexDigest
            }()
        try database.write { db in
            if let _ = try Int64.fetchOne(db, sql: "SELECT key FROM ingested_file WHERE content_hash = ?", arguments: [hash]) {
                report.alreadyIngested = true
                return
            }
            try db.execute(
                sql: """
                    INSERT INTO ingested_file (path, content_hash, size, format, source, ingested_at, runs_added, runs_duplicate, rejected)
                    VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0)
                    """, arguments: [plan.path, hash, size, plan.format, plan.source, ISO8601DateFormatter().string(from: Date())])
            let fileKey = db.lastInsertedRowID
            let sink = try StoreSink(db: db, fileKey: fileKey, report: report)
            try plan.readConcurrently(into: sink, progress: progress)
            report = sink.report
            report.diverged += try RunStore.markGroupDivergence(db, source: plan.source)
            try db.execute(
                sql: "UPDATE ingested_file SET runs_added = ?, runs_duplicate = ?, rejected = ? WHERE key = ?",
                arguments: [report.added, report.duplicates, report.rejected.count, fileKey])
        }
        return report
    }

    /// Marks as diverged the runs of `source` without a curve of their own (under 3 points)
    /// whose final loss is more than
    /// `Divergence.groupRatio` times the best final loss among comparable runs: the same N
    /// and D, and the same unique tokens, dataset and data mixture where a run has them (runs
    /// that repeat data or train on other data are not comparable). Needs at least
    /// `Divergence.groupMinimumSize` runs in the group; runs with a curve it only flags (their
    /// status reason says so). Returns how many it marked.
    static func markGroupDivergence(_ db: Database, source: String) throws -> Int {
        let groupKey = """
            params, tokens, COALESCE(json_extract(configuration, '$.unique_tokens'), ''),
            COALESCE(json_extract(configuration, '$.dataset'), ''), COALESCE(json_extract(configuration, '$.mixture'), '')
            """
        try db.execute(
            sql: """
                CREATE TEMPORARY TABLE IF NOT EXISTS divergence_group (key INTEGER PRIMARY KEY, final_loss REAL, best_loss REAL, size INTEGER);
                DELETE FROM divergence_group;
                INSERT INTO divergence_group (key, final_loss, best_loss, size)
                SELECT key, final_loss, MIN(final_loss) OVER w, COUNT(*) OVER w
                FROM run WHERE source = ? AND params IS NOT NULL AND tokens IS NOT NULL AND final_loss IS NOT NULL
                WINDOW w AS (PARTITION BY \(groupKey));
                """, arguments: [source])
        // A run with a curve of its own (3 points or more) diverged only if that curve says so
        // (Divergence.assess); the group rule flags it and keeps it: a short run far above its
        // group's best is often just sensitive to its hyperparameters.
        let reason =
            "printf('final loss %.3f is over %.2f times the best %.3f of the %d comparable runs (same N, D and data)', g.final_loss, ?, g.best_loss, g.size)"
        let outliers = "SELECT key FROM divergence_group WHERE size >= ? AND best_loss > 0 AND final_loss > ? * best_loss"
        try db.execute(
            sql: """
                UPDATE run SET status_reason = (SELECT 'flagged, kept: ' || \(reason) FROM divergence_group g WHERE g.key = run.key)
                WHERE status = 'ok' AND point_count >= 3 AND status_reason IS NULL AND key IN (\(outliers))
                """, arguments: [Divergence.groupRatio, Divergence.groupMinimumSize, Divergence.groupRatio])
        try db.execute(
            sql: """
                UPDATE run SET status = 'diverged', status_reason = (SELECT \(reason) FROM divergence_group g WHERE g.key = run.key)
                WHERE status = 'ok' AND point_count < 3 AND key IN (\(outliers))
                """, arguments: [Divergence.groupRatio, Divergence.groupMinimumSize, Divergence.groupRatio])
        return db.changesCount
    }

    /// A content hash of the file's bytes, read in chunks, and its size.
    static func fileHash(_ path: String) throws -> (String, Int) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError(path: path, problem: "cannot open the file", hint: "Check that it exists and is readable.")
        }
        defer { try? handle.close() }
        var hash = ContentHash()
        var size = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            size += chunk.count
            chunk.withUnsafeBytes { hash.addBytes($0) }
        }
        return (hash.hexDigest, size)
    }
}

/// Compact JSON for the store's text columns.
enum JSONText {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }()

    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
