// `losscast ingest PATH...`: bring logs into the run store, one transaction per file.
import ArgumentParser
import Foundation
import Importers
import RunStore
import Runs

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest pretraining logs (files or folders) into the run store.",
        discussion:
            "Formats: \(Detection.formats.joined(separator: ", ")). Known public datasets are recognised by their layout; a CSV, JSON-lines or Parquet table of your own is read with --mapping (--format csv, jsonl or parquet, default by extension); .jsonl without a mapping is read as a W&B history export."
    )

    @Argument(help: "Files or folders to ingest.") var paths: [String]
    @Option(help: "The format of every file given (default: detect).") var format: String?
    @Option(help: "A JSON or YAML file describing a table's columns (CSV or JSON lines).") var mapping: String?
    @Option(help: "The source name for the runs (default: the format's).") var source: String?
    @Option(help: "The target loss for W&B histories (default: train/loss, loss, ...).") var target: String?
    @Option(
        name: .customLong("set"),
        help: "A field the files do not state, KEY=VALUE, for every run they hold (repeatable; what a file says wins), e.g. params=1.9e8.")
    var assignments: [String] = []
    @Option(help: "A configuration (JSON or YAML, flat or in sections) stating fields the files do not; --set wins over it.") var config:
        String?
    @OptionGroup var storeOptions: StoreOptions
    @Flag(help: "Print the reports as JSON.") var json = false

    /// The fields `--config` and `--set` state, read by the one configuration reader (a typo
    /// is refused with the near name, a string where a number goes is refused).
    func statedFields() throws -> [String: ConfigValue] {
        var stated = try config.map { try ConfigurationInput.read($0).values } ?? [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex,
                assignment.index(after: equals) != assignment.endIndex
            else {
                throw ValidationError("--set \(assignment): expected KEY=VALUE, e.g. params=1.9e8")
            }
            let key = String(assignment[..<equals]), text = String(assignment[assignment.index(after: equals)...])
            stated.merge(try ConfigurationInput.field(key, text, option: "--set")) { $1 }
        }
        return stated
    }

    func run() throws {
        let parsedMapping = try mapping.map { try Mapping(path: $0) }
        let plans = try Detection.plan(
            paths: paths, format: format, mapping: parsedMapping,
            source: source ?? parsedMapping?.source, target: target, stated: try statedFields())
        guard !plans.isEmpty else { throw ValidationError("nothing to ingest under \(paths.joined(separator: " "))") }
        let store = try storeOptions.open()
        let totalBytes = plans.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1.path)[.size] as? Int) ?? 0) }
        let bar = ProgressBar(total: totalBytes, label: "ingest")
        var doneBytes = 0
        var reports: [IngestReport] = []
        var failures: [String] = []
        // A folder of run folders is thousands of files: a line each only for a few.
        let perFile = plans.count <= 20
        for plan in plans {
            do {
                let report = try store.ingest(plan) { bytes in bar.update(doneBytes + bytes, detail: plan.path) }
                reports.append(report)
                if !json && (perFile || !report.rejected.isEmpty) { bar.finish(); print(Ingest.describe(report)) }
            } catch {
                failures.append("\(error)")
                // A refusal is an error: standard error, so a script reading stdout sees only results.
                if !json { bar.finish(); FileHandle.standardError.write(Data("refused  \(plan.path): \(error)\n".utf8)) }
            }
            doneBytes += (try? FileManager.default.attributesOfItem(atPath: plan.path)[.size] as? Int) ?? 0
        }
        bar.finish()
        if json {
            struct Output: Encodable { var files: [IngestReport]; var refused: [String] }
            try printJSON(Output(files: reports, refused: failures))
        } else {
            let added = reports.reduce(0) { $0 + $1.added }, duplicates = reports.reduce(0) { $0 + $1.duplicates }
            if !perFile {
                for (source, group) in Dictionary(grouping: reports, by: \.source).sorted(by: { $0.key < $1.key }) {
                    print(
                        "  \(source): \(group.reduce(0) { $0 + $1.added }) added, \(group.reduce(0) { $0 + $1.diverged }) marked diverged, "
                            + "\(group.filter(\.alreadyIngested).count) file(s) already ingested")
                }
            }
            let (noParams, noTokens) = (
                reports.reduce(0) { $0 + $1.withoutParams.count }, reports.reduce(0) { $0 + $1.withoutTokens.count }
            )
            if !perFile && noParams + noTokens > 0 {
                print(
                    "warning: \(noParams) run(s) stored without N (parameters), \(noTokens) without D (training tokens); ingesting one file names them"
                )
            }
            print(
                "\(plans.count) file(s): \(added) runs added, \(duplicates) duplicates skipped, \(failures.count) file(s) refused; store \(store.path)"
            )
        }
        if !failures.isEmpty { throw ExitCode(1) }
    }

    static func describe(_ report: IngestReport) -> String {
        if report.alreadyIngested { return "skipped  \(report.file): already ingested (same content)" }
        var parts = ["\(report.added) added"]
        if report.duplicates > 0 { parts.append("\(report.duplicates) duplicate") }
        if report.diverged > 0 { parts.append("\(report.diverged) marked diverged") }
        if report.truncated > 0 { parts.append("\(report.truncated) truncated") }
        if report.resources > 0 { parts.append("\(report.resources) resource rows") }
        if !report.rejected.isEmpty { parts.append("\(report.rejected.count) refused") }
        var text = "ingested \(report.file) [\(report.format) -> \(report.source)]: " + parts.joined(separator: ", ")
        for rejection in report.rejected.prefix(3) { text += "\n    refused: \(rejection)" }
        if report.rejected.count > 3 { text += "\n    ... and \(report.rejected.count - 3) more like it" }
        for (names, what, key) in [
            (report.withoutParams, "N (parameters)", "params"), (report.withoutTokens, "D (training tokens)", "tokens")
        ] where !names.isEmpty {
            text +=
                "\n    warning: \(names.count) run(s) stored without \(what): " + names.prefix(5).joined(separator: ", ")
                + (names.count > 5 ? ", ..." : "")
                + "; laws and the predictor cannot place them. Map a column to `\(key)` or state a constant "
                + "in the mapping (`constants: {\(key): ...}`)"
        }
        return text
    }
}
