// Deleting runs: by id or id prefix, by source, by the file they were ingested from. One
// transaction. A file none of whose runs or resources remain is forgotten, so ingesting it
// again (with a corrected mapping, say) adds its runs again.
import Foundation
import GRDB
import Runs

/// Which runs to delete. Each given criterion narrows the selection (ids and prefixes among
/// themselves widen it); at least one must be given.
public struct RunSelection: Sendable {
    /// Whole ids or prefixes of ids.
    public var ids: [String] = []
    public var sources: [String] = []
    /// Files as `ingest` was given them, or the same files by absolute path.
    public var files: [String] = []
    public init(ids: [String] = [], sources: [String] = [], files: [String] = []) {
        self.ids = ids
        self.sources = sources
        self.files = files
    }
    public var isEmpty: Bool { ids.isEmpty && sources.isEmpty && files.isEmpty }
}

public struct DeletionReport: Sendable, Equatable {
    public var runs = 0
    /// Ingested files forgotten: nothing of theirs is left.
    public var files = 0
    public var resources = 0
}

extension RunStore {
    /// The runs `selection` picks, for a preview. Throws naming the id, source or file that
    /// matches nothing, so a typo is not an empty deletion.
    public func summaries(_ selection: RunSelection) throws -> [RunSummary] {
        try database.read { db in
            try Self.check(selection, db)
            let (clause, arguments) = Self.clause(selection)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT id, source, name, status, status_reason, params, tokens, final_loss, target_loss, point_count
                    FROM run WHERE \(clause) ORDER BY source, params, tokens, name
                    """, arguments: StatementArguments(arguments)!
            ).map(RunStore.summary)
        }
    }

    /// Deletes the selected runs (their configuration rows and points with them), and
    /// forgets the files left with nothing; with `files` given, those files' resource rows and
    /// refusals go too. All or nothing.
    public func delete(_ selection: RunSelection) throws -> DeletionReport {
        try database.write { db in
            try Self.check(selection, db)
            var report = DeletionReport()
            let (clause, arguments) = Self.clause(selection)
            try db.execute(sql: "DELETE FROM run WHERE \(clause)", arguments: StatementArguments(arguments)!)
            report.runs = db.changesCount
            if selection.ids.isEmpty && selection.sources.isEmpty {
                let (files, fileArguments) = Self.fileKeys(selection.files)
                try db.execute(sql: "DELETE FROM resource WHERE file_key IN (\(files))", arguments: StatementArguments(fileArguments)!)
                report.resources = db.changesCount
            }
            try db.execute(
                sql: """
                    DELETE FROM ingested_file WHERE NOT EXISTS (SELECT 1 FROM run WHERE run.file_key = ingested_file.key)
                      AND NOT EXISTS (SELECT 1 FROM resource WHERE resource.file_key = ingested_file.key)
                    """)
            report.files = db.changesCount
            return report
        }
    }

    // MARK: SQL

    static func clause(_ selection: RunSelection) -> (String, [DatabaseValueConvertible?]) {
        var clauses: [String] = []
        var arguments: [DatabaseValueConvertible?] = []
        if !selection.ids.isEmpty {
            clauses.append("(" + selection.ids.map { _ in "id LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + ")")
            arguments += selection.ids.map { likePrefix($0) }
        }
        if !selection.sources.isEmpty {
            clauses.append("source IN (\(selection.sources.map { _ in "?" }.joined(separator: ",")))")
            arguments += selection.sources
        }
        if !selection.files.isEmpty {
            let (files, fileArguments) = fileKeys(selection.files)
            clauses.append("file_key IN (\(files))")
            arguments += fileArguments
        }
        return (clauses.isEmpty ? "0" : clauses.joined(separator: " AND "), arguments)
    }

    /// A subquery for the keys of the ingested files named (as given, or by absolute path).
    static func fileKeys(_ files: [String]) -> (String, [DatabaseValueConvertible?]) {
        let paths = files.flatMap { [$0, absolute($0)] }
        return ("SELECT key FROM ingested_file WHERE path IN (\(paths.map { _ in "?" }.joined(separator: ",")))", paths)
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func likePrefix(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(
            of: "_", with: "\\_") + "%"
    }

    /// Each id, source and file must match something.
    static func check(_ selection: RunSelection, _ db: Database) throws {
        guard !selection.isEmpty else {
            throw StoreError(path: "runs delete", problem: "no runs selected", hint: "Give run ids (or prefixes), --source or --file.")
        }
        for id in selection.ids
        where try Bool.fetchOne(db, sql: "SELECT 1 FROM run WHERE id LIKE ? ESCAPE '\\' LIMIT 1", arguments: [likePrefix(id)]) != true {
            throw StoreError(path: "run id \(id)", problem: "no run has an id starting with '\(id)'", hint: "See `losscast runs list`.")
        }
        for source in selection.sources
        where try Bool.fetchOne(db, sql: "SELECT 1 FROM run WHERE source = ? LIMIT 1", arguments: [source]) != true {
            let known = try String.fetchAll(db, sql: "SELECT DISTINCT source FROM run ORDER BY source")
            throw StoreError(
                path: "--source \(source)", problem: "no stored run has this source",
                hint: "Sources in the store: " + (known.isEmpty ? "none" : known.joined(separator: ", ")) + ".")
        }
        for file in selection.files {
            let (files, arguments) = fileKeys([file])
            guard
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM ingested_file WHERE key IN (\(files)) LIMIT 1", arguments: StatementArguments(arguments)!)
                    == true
            else {
                throw StoreError(
                    path: "--file \(file)", problem: "no ingested file has this path",
                    hint: "Give the path as `ingest` was given it, or its absolute path.")
            }
        }
    }

    static func summary(_ row: Row) -> RunSummary {
        RunSummary(
            id: row["id"], source: row["source"], name: row["name"], status: RunStatus(rawValue: row["status"]) ?? .ok,
            statusReason: row["status_reason"], params: row["params"], tokens: row["tokens"], finalLoss: row["final_loss"],
            targetLoss: row["target_loss"], pointCount: row["point_count"])
    }
}
