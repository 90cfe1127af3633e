// The mapping file that tells the generic CSV importer what each column is. JSON or YAML:
//
//   layout: wide            # wide: a row per (run, step), a column per loss (default)
//                           # long: a row per (run, step, metric), with `metric` and `value` columns
//   run: run_id             # the column naming the run; without it the file is one run
//                           # several columns make one key: run: [model, lr, seed]
//   each_row_is_a_run: true # one-point runs: every row its own run (named by `run` if given)
//   step: step
//   tokens: {column: tokens_seen, unit: B}   # units: tokens, K, M, B (or G), T
//   lr: lr                  # the learning rate at that step
//                           # any column may list alternatives, the first the file has wins:
//                           #   lr: [learning_rate, optimizer.learning_rate]
//   losses: [train_loss, val_loss]           # wide layout (default: every column with "loss" in its name)
//   metric: metric          # long layout
//   value: value            # long layout
//   target: val_loss        # the loss a run is judged by (default: the first loss)
//   config:                 # per-run configuration columns, under canonical or own names
//     params: {column: n_params, unit: M}
//     lr: peak_lr
//   constants: {optimizer: adamw, dataset: fineweb}
//   parameter_convention: total     # total, nonEmbedding, active or unknown
//   source: my-lab
//
// Unknown keys, unknown units and columns the file lacks are errors that name the mapping.
import Foundation
import Runs
import ConfigTree

public struct ColumnMapping: Equatable, Sendable {
    public var column: String
    public var multiplier: Double
    /// Further names for the column, tried in order when a file lacks `column` (files of one
    /// family whose column names differ).
    public var alternatives: [String] = []

    /// This mapping with the first of its names that `header` has; nil when it has none.
    func resolved(in header: [String]) -> ColumnMapping? {
        guard let found = ([column] + alternatives).first(where: header.contains) else { return nil }
        return ColumnMapping(column: found, multiplier: multiplier)
    }
}

public struct Mapping: Equatable, Sendable {
    public enum Layout: String, Sendable { case wide, long }
    public var path: String
    public var layout: Layout = .wide
    /// The columns whose values together name a run (empty: the file is one run).
    public var run: [String] = []
    /// Every row its own run (a table of final losses).
    public var eachRowIsARun = false
    public var step: ColumnMapping?
    public var tokens: ColumnMapping?
    public var learningRate: ColumnMapping?
    public var losses: [String]?
    public var metric: String?
    public var value: String?
    public var target: String?
    public var configuration: [String: ColumnMapping] = [:]
    public var constants: [String: ConfigValue] = [:]
    public var parameterConvention: ParameterConvention = .unknown
    public var source: String?
    /// The mapping file's text: a file ingested under another mapping is another ingest.
    public var text = ""

    static let knownKeys: Set<String> = [
        "layout", "run", "each_row_is_a_run", "step", "tokens", "lr", "losses", "metric", "value", "target",
        "config", "constants", "parameter_convention", "source"
    ]

    public init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw IngestError(file: path, problem: "cannot read the mapping file", expected: "a JSON or YAML file")
        }
        self.text = text
        let loaded: Any?
        // ConfigTree's bounded parse: a file whose anchors expand past its bound is refused, not loaded.
        do { loaded = try ConfigurationFile.parse(text, origin: path).nativeObject } catch {
            throw IngestError(file: path, problem: "not valid JSON or YAML (\(error))", expected: "a mapping as in the importer's README")
        }
        guard let root = loaded as? [String: Any] else {
            throw IngestError(file: path, problem: "the top level is not a mapping", expected: "keys such as step, losses, config")
        }
        for key in root.keys where !Mapping.knownKeys.contains(key) {
            throw IngestError(
                file: path, field: key, problem: "unknown key", expected: "one of \(Mapping.knownKeys.sorted().joined(separator: ", "))")
        }
        if let layout = root["layout"] {
            guard let name = layout as? String, let parsed = Layout(rawValue: name) else {
                throw IngestError(file: path, field: "layout", problem: "'\(layout)' is not a layout", expected: "wide or long")
            }
            self.layout = parsed
        }
        if let raw = root["run"] {
            if let name = raw as? String {
                run = [name]
            } else if let list = raw as? [Any], !list.isEmpty, list.allSatisfy({ $0 is String }) {
                run = list.map { $0 as! String }
            } else {
                throw IngestError(
                    file: path, field: "run", problem: "'\(raw)' is not a column or a list of columns",
                    expected: "run: COLUMN, or run: [COLUMN, COLUMN, ...] for a key of several columns")
            }
        }
        if let raw = root["each_row_is_a_run"] {
            guard let flag = raw as? Bool else {
                throw IngestError(
                    file: path, field: "each_row_is_a_run", problem: "'\(raw)' is not true or false", expected: "each_row_is_a_run: true")
            }
            eachRowIsARun = flag
        }
        step = try Mapping.column(root["step"], path, "step")
        tokens = try Mapping.column(root["tokens"], path, "tokens")
        learningRate = try Mapping.column(root["lr"], path, "lr")
        metric = try Mapping.string(root["metric"], path, "metric")
        value = try Mapping.string(root["value"], path, "value")
        target = try Mapping.string(root["target"], path, "target")
        source = try Mapping.string(root["source"], path, "source")
        if let losses = root["losses"] {
            guard let list = losses as? [Any], list.allSatisfy({ $0 is String }) else {
                throw IngestError(file: path, field: "losses", problem: "not a list of column names", expected: "[loss_a, loss_b]")
            }
            self.losses = list.map { $0 as! String }
        }
        if let config = root["config"] {
            guard let entries = config as? [String: Any] else {
                throw IngestError(file: path, field: "config", problem: "not a mapping", expected: "key: column or key: {column, unit}")
            }
            for (key, entry) in entries {
                configuration[ConfigKey.canonical(key)] = try Mapping.column(entry, path, "config.\(key)")
            }
        }
        if let constants = root["constants"] {
            guard let entries = constants as? [String: Any] else {
                throw IngestError(file: path, field: "constants", problem: "not a mapping", expected: "key: value")
            }
            for (key, entry) in entries {
                self.constants[ConfigKey.canonical(key)] = Mapping.configValue(entry)
            }
        }
        if let convention = root["parameter_convention"] {
            guard let name = convention as? String, let parsed = ParameterConvention(rawValue: name) else {
                throw IngestError(
                    file: path, field: "parameter_convention", problem: "'\(convention)' is not a convention",
                    expected: "total, nonEmbedding, active or unknown")
            }
            parameterConvention = parsed
        }
        if layout == .long && (metric == nil || value == nil) {
            throw IngestError(
                file: path, field: "metric", problem: "the long layout needs `metric` and `value` columns",
                expected: "metric: COLUMN and value: COLUMN")
        }
    }

    static func string(_ raw: Any?, _ path: String, _ field: String) throws -> String? {
        guard let raw else { return nil }
        guard let text = raw as? String else {
            throw IngestError(file: path, field: field, problem: "'\(raw)' is not a column name", expected: "a string")
        }
        return text
    }

    static func column(_ raw: Any?, _ path: String, _ field: String) throws -> ColumnMapping? {
        guard let raw else { return nil }
        if let name = raw as? String { return ColumnMapping(column: name, multiplier: 1) }
        /// A column name, or a non-empty list of them (alternatives, first present wins).
        func names(_ value: Any?) -> [String]? {
            if let name = value as? String { return [name] }
            guard let list = value as? [Any], !list.isEmpty, list.allSatisfy({ $0 is String }) else { return nil }
            return list.map { $0 as! String }
        }
        if raw is [Any] {
            guard let list = names(raw) else {
                throw IngestError(
                    file: path, field: field, problem: "'\(raw)' is not a list of column names", expected: "[COLUMN, OTHER_NAME, ...]")
            }
            return ColumnMapping(column: list[0], multiplier: 1, alternatives: Array(list.dropFirst()))
        }
        guard let entry = raw as? [String: Any], let list = names(entry["column"]) else {
            throw IngestError(
                file: path, field: field, problem: "'\(raw)' is not a column",
                expected: "COLUMN, [COLUMN, OTHER_NAME], or {column: COLUMN, unit: UNIT}")
        }
        let name = list[0]
        for key in entry.keys where key != "column" && key != "unit" {
            throw IngestError(file: path, field: "\(field).\(key)", problem: "unknown key", expected: "column or unit")
        }
        let unit = entry["unit"].map { "\($0)" } ?? ""
        guard let multiplier = CountUnit.multiplier(unit) else {
            throw IngestError(
                file: path, field: "\(field).unit", problem: "unknown unit '\(unit)'",
                expected: "one of tokens, K, M, B, G, T (or none)")
        }
        return ColumnMapping(column: name, multiplier: multiplier, alternatives: Array(list.dropFirst()))
    }

    /// This mapping with each column's alternatives settled against a file's header: the first
    /// name the file has. A column none of whose names it has is an error listing them all.
    func resolved(header: [String], file: String) throws -> Mapping {
        var resolved = self
        func settle(_ mapping: ColumnMapping?, _ field: String) throws -> ColumnMapping? {
            guard let mapping, !mapping.alternatives.isEmpty else { return mapping }
            guard let found = mapping.resolved(in: header) else {
                let names = ([mapping.column] + mapping.alternatives).map { "'\($0)'" }.joined(separator: ", ")
                throw IngestError(
                    file: path, field: field, problem: "names columns \(names), none of which \(file) has",
                    expected: "one of \(header.prefix(12).joined(separator: ", "))")
            }
            return found
        }
        resolved.step = try settle(step, "step")
        resolved.tokens = try settle(tokens, "tokens")
        resolved.learningRate = try settle(learningRate, "lr")
        for (key, mapping) in configuration { resolved.configuration[key] = try settle(mapping, "config.\(key)") }
        return resolved
    }

    static func configValue(_ raw: Any) -> ConfigValue {
        if let flag = raw as? Bool { return .flag(flag) }
        if let number = raw as? Double { return .number(number) }
        if let number = raw as? Int { return .number(Double(number)) }
        return .text("\(raw)")
    }

    /// Every column the mapping names.
    var namedColumns: [(field: String, column: String)] {
        var columns: [(String, String)] = []
        columns += run.map { ("run", $0) }
        if let step { columns.append(("step", step.column)) }
        if let tokens { columns.append(("tokens", tokens.column)) }
        if let learningRate { columns.append(("lr", learningRate.column)) }
        if let metric { columns.append(("metric", metric)) }
        if let value { columns.append(("value", value)) }
        for loss in losses ?? [] { columns.append(("losses", loss)) }
        for (key, mapping) in configuration.sorted(by: { $0.key < $1.key }) { columns.append(("config.\(key)", mapping.column)) }
        return columns
    }
}
