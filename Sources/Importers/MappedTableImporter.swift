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
        // Every column the mapping names is in the header (checked above): found once, by position.
        let positions = Dictionary(uniqueKeysWithValues: reader.header.enumerated().map { ($1, $0) })
        let runColumns = mapping.run.map { positions[$0]! }
        func located(_ column: ColumnMapping?) -> LocatedColumn? {
            column.map { LocatedColumn(name: $0.column, position: positions[$0.column]!, multiplier: $0.multiplier) }
        }
        let step = located(mapping.step), tokens = located(mapping.tokens), rate = located(mapping.learningRate)
        let lossPositions = lossColumns.map { (name: $0, position: positions[$0]!) }
        let configurationColumns = mapping.configuration.sorted { $0.key < $1.key }.map { ($0.key, located($0.value)!) }
        let metricPosition = mapping.metric.map { positions[$0]! }, valuePosition = mapping.value.map { positions[$0]! }
        var count = 0
        while let fields = try reader.nextFields() {
            let line = reader.rowLine
            let named = runColumns.map { fields[$0] }.joined(separator: "/")
            let key = mapping.eachRowIsARun ? "\(mapping.run.isEmpty ? stem : named)#\(line)" : mapping.run.isEmpty ? stem : named
            if current?.key != key {
                try flush()
                if finished.contains(key) {
                    throw IngestError(
                        file: path, line: line, field: runField, problem: "run '\(key)' appears again after other runs",
                        expected: "each run's rows together (sort the file by run, then step)")
                }
                current = OpenRun(
                    key: key, line: line, configuration: try configuration(fields, configurationColumns, path: path, line: line))
                if mapping.eachRowIsARun && !mapping.run.isEmpty { current?.name = named }
            }
            let stepValue = try step?.value(fields, path, line)
            let tokensValue = try tokens?.value(fields, path, line)
            let rateValue = try rate?.value(fields, path, line)
            var losses = [String: Double](minimumCapacity: lossPositions.count)
            switch mapping.layout {
            case .wide:
                for (column, position) in lossPositions where !fields[position].isEmpty {
                    losses[column] = try Validation.loss(
                        try Validation.number(fields[position], file: path, line: line, field: column),
                        file: path, line: line, field: column)
                }
            case .long:
                let name = fields[metricPosition!]
                let value = try Validation.number(
                    fields[valuePosition!].isEmpty ? nil : fields[valuePosition!], file: path, line: line, field: mapping.value!)
                losses[name] = try Validation.loss(value, file: path, line: line, field: mapping.value!)
                if targetLoss == nil { targetLoss = name }
            }
            guard let open = current else { continue }
            if let stepValue, let last = open.points.last?.step, stepValue < last {
                // Steps fall back: another run has begun that the key does not tell apart.
                let named = runField.map { "run '\(open.key)' (key \($0))" } ?? "the file, read as one run,"
                throw IngestError(
                    file: path, line: line, field: mapping.step?.column,
                    problem:
                        "step \(String(format: "%g", stepValue)) follows step \(String(format: "%g", last)) (line \(open.lines.last ?? open.line)): \(named) holds several runs",
                    expected: mapping.run.isEmpty
                        ? "the column naming each run (`run: COLUMN`, or `run: [COLUMN, ...]` for several), or `each_row_is_a_run: true`"
                        : "more columns in the run key (`run: [\(mapping.run.joined(separator: ", ")), ...]`), or the file sorted by run, then step"
                )
            }
            if mapping.layout == .long, let last = open.points.last, last.step == stepValue, last.tokens == tokensValue {
                open.points[open.points.count - 1].losses.merge(losses) { $1 }  // another metric of the same step
            } else if !losses.isEmpty {
                open.points.append(CurvePoint(step: stepValue, tokens: tokensValue, learningRate: rateValue, losses: losses))
                open.lines.append(line)
            }
            count += 1
            if count % 8192 == 0 { progress?(reader.bytesRead) }
        }
        try flush()
        progress?(reader.bytesRead)
    }

    /// A mapped column found in a file's header: its name, position and unit.
    struct LocatedColumn {
        let name: String
        let position: Int
        let multiplier: Double

        /// The row's value in this column, scaled by its unit; nil when the cell is empty.
        func value(_ fields: [String], _ path: String, _ line: Int) throws -> Double? {
            try Validation.optionalNumber(fields[position], file: path, line: line, field: name).map { $0 * multiplier }
        }
    }

    func configuration(
        _ fields: [String], _ columns: [(key: String, column: LocatedColumn)], path: String, line: Int
    ) throws -> [String: ConfigValue] {
        var configuration: [String: ConfigValue] = [:]
        for (key, column) in columns {
            let raw = fields[column.position]
            guard !raw.isEmpty else { continue }
            if column.multiplier != 1 || ConfigKey.positive.contains(key) {
                configuration[key] = .number(try Validation.number(raw, file: path, line: line, field: column.name) * column.multiplier)
            } else {
                configuration[key] = ConfigValue.parse(raw)
            }
        }
        return configuration
    }
}
