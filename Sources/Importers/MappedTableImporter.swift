// Users' own logs, a table described by a mapping file (see Mapping.swift), in CSV or JSON
// lines (TableReader). Rows stream through; a run is handed to the sink as soon as the next
// run starts, so memory is bounded by the largest run, not the file. A run's rows must
// therefore be contiguous: a run that reappears after another has started is an error
// naming its line, and a step that goes back within one run is an error at that line that
// asks for the column (or columns) telling the runs apart.
import Foundation
import Runs

public struct MappedTableImporter: Importer {
    public var format: String { table.rawValue }
    public var defaultSource: String { mapping.source ?? "user-\(table.rawValue)" }
    public let mapping: Mapping
    public let table: TableFormat
    public var readingKey: String? { mapping.text }
    public init(mapping: Mapping, table: TableFormat = .csv) {
        self.mapping = mapping
        self.table = table
    }

    final class OpenRun {
        let key: String
        /// The run's name: its key, or for a row that is a run, the run columns' values.
        var name: String
        let line: Int
        var configuration: [String: ConfigValue]
        var points: [CurvePoint] = []
        /// The line each point was read from (its first, for a long layout's several metrics).
        var lines: [Int] = []
        init(key: String, line: Int, configuration: [String: ConfigValue]) {
            self.key = key
            self.name = key
            self.line = line
            self.configuration = configuration
        }
    }

    public func importFile(_ path: String, source: String, into sink: RunSink, progress: ((Int) -> Void)?) throws {
        let reader = try table.open(path)
        let mapping = try self.mapping.resolved(header: reader.header, file: path)
        for (field, column) in mapping.namedColumns where !reader.header.contains(column) {
            throw IngestError(
                file: mapping.path, field: field, problem: "names column '\(column)', which \(path) does not have",
                expected: "one of \(reader.header.prefix(12).joined(separator: ", "))")
        }
        let lossColumns = mapping.losses ?? reader.header.filter { $0.lowercased().contains("loss") }
        if mapping.layout == .wide && lossColumns.isEmpty {
            throw IngestError(
                file: mapping.path, field: "losses", problem: "no loss columns named, and none in \(path) has 'loss' in its name",
                expected: "losses: [COLUMN, ...]")
        }
        let defaultTarget = mapping.layout == .wide ? lossColumns[0] : nil
        var finished = Set<String>()
        var current: OpenRun? = nil
        var targetLoss = mapping.target ?? defaultTarget

        func flush() throws {
            guard let open = current else { return }
            var configuration = open.configuration
            for (key, value) in mapping.constants where configuration[key] == nil { configuration[key] = value }
            let target = targetLoss ?? open.points.first?.losses.keys.sorted().first ?? "loss"
            try emit(
                sink, source: source, name: open.name, configuration: configuration, curve: open.points,
                targetLoss: target, convention: mapping.parameterConvention,
                provenance: Provenance(file: path, line: open.line, importer: format), pointLines: open.lines)
            finished.insert(open.key)
            current = nil
        }

        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let runField = mapping.run.isEmpty ? nil : mapping.run.joined(separator: "+")
        var count = 0
        while let record = try reader.nextRecord() {
            let line = reader.rowLine
            let named = mapping.run.map { record[$0] ?? "" }.joined(separator: "/")
            let key = mapping.eachRowIsARun ? "\(mapping.run.isEmpty ? stem : named)#\(line)" : mapping.run.isEmpty ? stem : named
            if current?.key != key {
                try flush()
                if finished.contains(key) {
                    throw IngestError(
                        file: path, line: line, field: runField, problem: "run '\(key)' appears again after other runs",
                        expected: "each run's rows together (sort the file by run, then step)")
                }
                current = OpenRun(key: key, line: line, configuration: try configuration(record, mapping: mapping, path: path, line: line))
                if mapping.eachRowIsARun && !mapping.run.isEmpty { current?.name = named }
            }
            let step = try mapping.step.flatMap { try scaled(record, $0, path, line, "step") }
            let tokens = try mapping.tokens.flatMap { try scaled(record, $0, path, line, "tokens") }
            let rate = try mapping.learningRate.flatMap { try scaled(record, $0, path, line, "lr") }
            var losses: [String: Double] = [:]
            switch mapping.layout {
            case .wide:
                for column in lossColumns {
                    guard let raw = record[column], !raw.isEmpty else { continue }
                    losses[column] = try Validation.loss(
                        try Validation.number(raw, file: path, line: line, field: column),
                        file: path, line: line, field: column)
                }
            case .long:
                let name = record[mapping.metric!] ?? ""
                let value = try Validation.number(record[mapping.value!], file: path, line: line, field: mapping.value!)
                losses[name] = try Validation.loss(value, file: path, line: line, field: mapping.value!)
                if targetLoss == nil { targetLoss = name }
            }
            guard let open = current else { continue }
            if let step, let last = open.points.last?.step, step < last {
                // Steps fall back: another run has begun that the key does not tell apart.
                let named = runField.map { "run '\(open.key)' (key \($0))" } ?? "the file, read as one run,"
                throw IngestError(
                    file: path, line: line, field: mapping.step?.column,
                    problem:
                        "step \(String(format: "%g", step)) follows step \(String(format: "%g", last)) (line \(open.lines.last ?? open.line)): \(named) holds several runs",
                    expected: mapping.run.isEmpty
                        ? "the column naming each run (`run: COLUMN`, or `run: [COLUMN, ...]` for several), or `each_row_is_a_run: true`"
                        : "more columns in the run key (`run: [\(mapping.run.joined(separator: ", ")), ...]`), or the file sorted by run, then step"
                )
            }
            if mapping.layout == .long, let last = open.points.last, last.step == step, last.tokens == tokens {
                open.points[open.points.count - 1].losses.merge(losses) { $1 }  // another metric of the same step
            } else if !losses.isEmpty {
                open.points.append(CurvePoint(step: step, tokens: tokens, learningRate: rate, losses: losses))
                open.lines.append(line)
            }
            count += 1
            if count % 8192 == 0 { progress?(reader.bytesRead) }
        }
        try flush()
        progress?(reader.bytesRead)
    }

    func scaled(_ record: [String: String], _ mapping: ColumnMapping, _ path: String, _ line: Int, _ field: String) throws -> Double? {
        try Validation.optionalNumber(record[mapping.column], file: path, line: line, field: mapping.column).map { $0 * mapping.multiplier }
    }

    func configuration(_ record: [String: String], mapping: Mapping, path: String, line: Int) throws -> [String: ConfigValue] {
        var configuration: [String: ConfigValue] = [:]
        for (key, column) in mapping.configuration {
            guard let raw = record[column.column], !raw.isEmpty else { continue }
            if column.multiplier != 1 || ConfigKey.positive.contains(key) {
                configuration[key] = .number(try Validation.number(raw, file: path, line: line, field: column.column) * column.multiplier)
            } else {
                configuration[key] = ConfigValue.parse(raw)
            }
        }
        return configuration
    }
}
