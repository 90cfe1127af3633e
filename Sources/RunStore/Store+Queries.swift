// Reading runs back: by source, status, N and D ranges and configuration fields; one run
// with its whole curve; every run with curves for training and fitting; and exports.
import Foundation
import GRDB
import Runs

/// A condition on a configuration field: `lr<=0.001`, `optimizer=adamw`.
public struct FieldCondition: Equatable, Sendable {
    public enum Comparison: String, Sendable, CaseIterable {
        case lessOrEqual = "<=", greaterOrEqual = ">=", less = "<", greater = ">", equal = "="
    }
    public var field: String
    public var comparison: Comparison
    public var value: ConfigValue

    public init(field: String, comparison: Comparison, value: ConfigValue) {
        self.field = field
        self.comparison = comparison
        self.value = value
    }

    /// Parses "FIELD<=VALUE" (also >=, <, >, =).
    public static func parse(_ text: String) throws -> FieldCondition {
        for comparison in [Comparison.lessOrEqual, .greaterOrEqual, .less, .greater, .equal] {
            if let range = text.range(of: comparison.rawValue) {
                let field = ConfigKey.canonical(String(text[..<range.lowerBound]).trimmingCharacters(in: .whitespaces))
                let value = ConfigValue.parse(String(text[range.upperBound...]))
                guard !field.isEmpty else { break }
                if comparison != .equal && value.number == nil { break }
                return FieldCondition(field: field, comparison: comparison, value: value)
            }
        }
        throw StoreError(
            path: "--where \(text)", problem: "not a condition",
            hint: "Expected FIELD<=NUMBER, FIELD>=NUMBER, FIELD<N, FIELD>N or FIELD=VALUE.")
    }
}

public struct RunQuery: Sendable {
    public var sources: [String] = []
    public var statuses: [RunStatus] = []
    public var params: ClosedRange<Double>?
    public var tokens: ClosedRange<Double>?
    public var conditions: [FieldCondition] = []
    public var limit: Int?
    public init() {}
}

/// A run without its curve, for listings.
public struct RunSummary: Codable, Sendable, Equatable {
    public var id: String
    public var source: String
    public var name: String
    public var status: RunStatus
    public var statusReason: String?
    public var params: Double?
    public var tokens: Double?
    public var finalLoss: Double?
    public var targetLoss: String
    public var pointCount: Int
}

extension RunStore {
    func whereClause(_ query: RunQuery) -> (String, [DatabaseValueConvertible?]) {
        var clauses: [String] = []
        var arguments: [DatabaseValueConvertible?] = []
        if !query.sources.isEmpty {
            clauses.append("source IN (\(query.sources.map { _ in "?" }.joined(separator: ",")))")
            arguments += query.sources
        }
        if !query.statuses.isEmpty {
            clauses.append("status IN (\(query.statuses.map { _ in "?" }.joined(separator: ",")))")
            arguments += query.statuses.map(\.rawValue)
        }
        if let range = query.params {
            clauses.append("params BETWEEN ? AND ?")
            arguments += [range.lowerBound, range.upperBound]
        }
        if let range = query.tokens {
            clauses.append("tokens BETWEEN ? AND ?")
            arguments += [range.lowerBound, range.upperBound]
        }
        for condition in query.conditions {
            if let number = condition.value.number {
                clauses.append(
                    "EXISTS (SELECT 1 FROM config_value c WHERE c.run_key = run.key AND c.field = ? AND c.number \(condition.comparison.rawValue) ?)"
                )
                arguments += [condition.field, number]
            } else {
                clauses.append("EXISTS (SELECT 1 FROM config_value c WHERE c.run_key = run.key AND c.field = ? AND c.text = ?)")
                arguments += [condition.field, condition.value.description]
            }
        }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), arguments)
    }

    public func summaries(_ query: RunQuery = RunQuery()) throws -> [RunSummary] {
        let (clause, arguments) = whereClause(query)
        let limit = query.limit.map { " LIMIT \($0)" } ?? ""
        return try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, source, name, status, status_reason, params, tokens, final_loss, target_loss, point_count
                    FROM run \(clause) ORDER BY source, params, tokens, name\(limit)
                    """, arguments: StatementArguments(arguments)!
            ).map(RunStore.summary)
        }
    }

    public func count(_ query: RunQuery = RunQuery()) throws -> Int {
        let (clause, arguments) = whereClause(query)
        return try database.read {
            try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM run \(clause)", arguments: StatementArguments(arguments)!) ?? 0
        }
    }

    /// Runs with their curves. `id` may be a unique prefix of the id; nil when none matches, an
    /// error naming some of them when several do.
    public func run(id: String) throws -> Run? {
        try database.read { db in
            let matches = try Row.fetchAll(
                db, sql: "SELECT * FROM run WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 4",
                arguments: [RunStore.likePrefix(id)])
            guard matches.count <= 1 else {
                let count =
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run WHERE id LIKE ? ESCAPE '\\'", arguments: [RunStore.likePrefix(id)])
                    ?? 0
                let some = matches.prefix(3).map { (row: Row) -> String in row["id"] }
                throw StoreError(
                    path: "run id \(id)", problem: "\(count) runs have ids starting with '\(id)' (\(some.joined(separator: ", ")), ...)",
                    hint: "Give more of the id.")
            }
            return try matches.first.map { try RunStore.decode($0, db) }
        }
    }

    /// The run whose id starts with `reference`, else the one named `reference` (a name
    /// several sources share is an error listing their ids); nil when neither matches.
    public func run(idOrName reference: String) throws -> Run? {
        if let run = try run(id: reference) { return run }
        return try database.read { db in
            let matches = try Row.fetchAll(db, sql: "SELECT * FROM run WHERE name = ? ORDER BY id LIMIT 4", arguments: [reference])
            guard matches.count <= 1 else {
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run WHERE name = ?", arguments: [reference]) ?? 0
                let some = matches.prefix(3).map { (row: Row) -> String in "\(row["id"] as String) (\(row["source"] as String))" }
                throw StoreError(
                    path: "run \(reference)",
                    problem: "\(count) runs are named '\(reference)': \(some.joined(separator: ", "))\(count > 3 ? ", ..." : "")",
                    hint: "Give the id of one (or a unique prefix of it).")
            }
            return try matches.first.map { try RunStore.decode($0, db) }
        }
    }

    /// Throws for a `--where` field no stored run has, naming the nearest fields that exist.
    public func checkFields(_ conditions: [FieldCondition]) throws {
        try database.read { db in
            for condition in conditions
            where try Bool.fetchOne(db, sql: "SELECT 1 FROM config_value WHERE field = ? LIMIT 1", arguments: [condition.field]) != true {
                let fields = try String.fetchAll(db, sql: "SELECT DISTINCT field FROM config_value ORDER BY field")
                let near = NearMatch.nearest(to: condition.field, in: fields)
                throw StoreError(
                    path: "--where \(condition.field)", problem: "no stored run has the field '\(condition.field)'",
                    hint: near.map { "The nearest is '\($0)'." } ?? "`losscast runs show ID` lists a run's fields.")
            }
        }
    }

    public func runs(_ query: RunQuery = RunQuery()) throws -> [Run] {
        let (clause, arguments) = whereClause(query)
        let limit = query.limit.map { " LIMIT \($0)" } ?? ""
        return try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM run \(clause) ORDER BY source, params, tokens, name\(limit)",
                arguments: StatementArguments(arguments)!
            ).map { try RunStore.decode($0, db) }
        }
    }

    /// Each run with its curve, one at a time in the order of `runs(_:)`: an export of the
    /// whole store holds one run in memory, not all of them.
    public func forEachRun(_ query: RunQuery = RunQuery(), _ body: (Run) throws -> Void) throws {
        let (clause, arguments) = whereClause(query)
        let limit = query.limit.map { " LIMIT \($0)" } ?? ""
        try database.read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT * FROM run \(clause) ORDER BY source, params, tokens, name\(limit)",
                arguments: StatementArguments(arguments)!)
            while let row = try rows.next() { try body(try RunStore.decode(row, db)) }
        }
    }

    static func decode(_ row: Row, _ db: Database) throws -> Run {
        let key: Int64 = row["key"]
        let decoder = JSONDecoder()
        let configurationText: String = row["configuration"], provenanceText: String = row["provenance"]
        let curve = try Row.fetchAll(
            db, sql: "SELECT step, tokens, lr, losses FROM point WHERE run_key = ? ORDER BY position",
            arguments: [key]
        ).map { point in
            let lossesText: String = point["losses"]
            return CurvePoint(
                step: point["step"], tokens: point["tokens"], learningRate: point["lr"],
                losses: try decoder.decode([String: Double].self, from: Data(lossesText.utf8)))
        }
        return Run(
            id: row["id"], source: row["source"], name: row["name"],
            configuration: try decoder.decode([String: ConfigValue].self, from: Data(configurationText.utf8)),
            curve: curve, targetLoss: row["target_loss"], status: RunStatus(rawValue: row["status"]) ?? .ok,
            statusReason: row["status_reason"],
            parameterConvention: ParameterConvention(rawValue: row["parameter_convention"]) ?? .unknown,
            provenance: try decoder.decode(Provenance.self, from: Data(provenanceText.utf8)))
    }

    /// Runs per source and status.
    public func census() throws -> [(source: String, status: String, runs: Int)] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT source, status, COUNT(*) AS n FROM run GROUP BY source, status ORDER BY source, status")
                .map { ($0["source"], $0["status"], $0["n"]) }
        }
    }

    public func resourceCount() throws -> Int {
        try database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM resource") ?? 0 }
    }

    public func resources() throws -> [ResourceRecord] {
        try database.read { db in
            try String.fetchAll(db, sql: "SELECT record FROM resource ORDER BY key").map {
                try JSONDecoder().decode(ResourceRecord.self, from: Data($0.utf8))
            }
        }
    }

    /// A fingerprint of everything stored, to show that a refused ingest changed nothing.
    public func contentFingerprint() throws -> String {
        try database.read { db in
            var hash = ContentHash()
            for table in ["ingested_file", "run", "config_value", "point", "resource", "rejection"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2") {
                    hash.add(table)
                    hash.add("\(row)")
                }
            }
            return hash.hexDigest
        }
    }
}
