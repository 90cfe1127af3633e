// Importers turn a file in one known shape into Runs (and resource rows) handed to a sink
// (Runs.RunSink).
// They validate as they go and throw an IngestError naming file, line and field on the
// first bad input; the store then rolls the whole file back. A record that a source is
// known to get wrong is `reject`ed instead: reported, not stored, the rest goes in.
import Foundation
import Runs

public protocol Importer {
    /// The `--format` name.
    var format: String { get }
    /// The source name runs from this importer carry, unless the user gives another.
    var defaultSource: String { get }
    func importFile(_ path: String, source: String, into sink: RunSink, progress: ((Int) -> Void)?) throws
    /// What besides the file's bytes decides what it reads as (a mapping's text), or nil: the
    /// same bytes read another way are another ingest.
    var readingKey: String? { get }
}

extension Importer {
    public var readingKey: String? { nil }
}

/// Reads every record of a CSV, handing each to `body` with its line.
func forEachRecord(
    _ path: String, required: [String], progress: ((Int) -> Void)? = nil,
    _ body: ([String: String], Int) throws -> Void
) throws {
    let reader = try CSVReader(path: path)
    for column in required where !reader.header.contains(column) {
        throw IngestError(
            file: path, line: 1, field: column, problem: "the column is missing",
            expected: "columns \(required.joined(separator: ", "))")
    }
    var count = 0
    while let record = try reader.nextRecord() {
        try body(record, reader.rowLine)
        count += 1
        if count % 4096 == 0 { progress?(reader.bytesRead) }
    }
    progress?(reader.bytesRead)
}

/// Builds, checks and hands over one run. A run that states no D takes its last logged
/// point's tokens (a log that ends is a run that ended there), recorded as assumed. One that
/// states no total steps is read as ending at its last logged step wherever steps are
/// needed (the encoder's progress); that is recorded too, but not written into the
/// configuration: as a field, total steps became a network input that is clamped beyond the
/// training range, which cost accuracy (docs/DESIGN.md, Ingest).
func emit(
    _ sink: RunSink, source: String, name: String, configuration: [String: ConfigValue],
    curve: [CurvePoint], targetLoss: String, convention: ParameterConvention, provenance: Provenance,
    pointLines: [Int]? = nil
) throws {
    var configuration = configuration, provenance = provenance
    var assumed = provenance.assumed ?? [:]
    if configuration[ConfigKey.tokens] == nil, let tokens = curve.last?.tokens, tokens > 0 {
        configuration[ConfigKey.tokens] = .number(tokens)
        assumed[ConfigKey.tokens] = "the last logged point's tokens (the log states no D)"
    }
    if configuration[ConfigKey.totalSteps] == nil, curve.count >= 2, let step = curve.last?.step, step >= 1 {
        assumed[ConfigKey.totalSteps] = String(format: "%.0f, the last logged step (the log states no total)", step)
    }
    provenance.assumed = assumed.isEmpty ? nil : assumed
    let run = Run(
        source: source, name: name, configuration: configuration, curve: curve, targetLoss: targetLoss,
        parameterConvention: convention, provenance: provenance)
    try Validation.check(run, pointLines: pointLines)
    try sink.add(run)
}

/// Every column not otherwise used, kept under its own name with a parsed type.
func remainingFields(_ record: [String: String], excluding used: Set<String>) -> [String: ConfigValue] {
    var fields: [String: ConfigValue] = [:]
    for (key, value) in record where !used.contains(key) && !value.trimmingCharacters(in: .whitespaces).isEmpty {
        fields[key] = ConfigValue.parse(value)
    }
    return fields
}
