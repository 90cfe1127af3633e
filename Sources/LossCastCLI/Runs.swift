// `losscast runs list|show|export`: what the store holds.
import ArgumentParser
import Foundation
import Importers
import RunStore
import Runs

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List, show and export the runs in the store.",
        subcommands: [List.self, Show.self, Export.self, Delete.self])

    struct Filter: ParsableArguments {
        @Option(help: "Only runs from this source (repeatable).") var source: [String] = []
        @Option(help: "Only runs with this status: ok, diverged, truncated.") var status: [String] = []
        @Option(name: .customLong("where"), help: "A condition on a configuration field, e.g. lr<=0.001 (repeatable).")
        var conditions: [String] = []
        @Option(help: "Only runs with N in MIN:MAX.") var params: String?
        @Option(help: "Only runs with D in MIN:MAX.") var tokens: String?

        func query() throws -> RunQuery {
            var query = RunQuery()
            query.sources = source
            query.statuses = try status.map {
                guard let status = RunStatus(rawValue: $0) else {
                    throw ValidationError("--status \($0): expected ok, diverged or truncated")
                }
                return status
            }
            query.conditions = try conditions.map(FieldCondition.parse)
            query.params = try params.map { try Filter.range($0, "--params") }
            query.tokens = try tokens.map { try Filter.range($0, "--tokens") }
            return query
        }

        static func range(_ text: String, _ option: String) throws -> ClosedRange<Double> {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let low = parts.first.flatMap { $0.isEmpty ? 0 : Double($0) }
            let high = parts.count == 2 ? (parts[1].isEmpty ? Double.infinity : Double(parts[1])) : nil
            guard parts.count == 2, let low, let high, low <= high else {
                throw ValidationError("\(option) \(text): expected MIN:MAX, e.g. 1e8:1e9")
            }
            return low...high
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs with their status.")
        @OptionGroup var filter: Filter
        @OptionGroup var storeOptions: StoreOptions
        // Unconditional, so that `--limit -1` reaches validate() instead of reading as an option.
        @Option(parsing: .unconditional, help: "At most this many runs.") var limit: Int?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit \(limit): expected a positive number of runs") }
        }

        func run() throws {
            let store = try storeOptions.openExisting()
            var query = try filter.query()
            try store.checkFields(query.conditions)
            query.limit = limit
            let runs = try store.summaries(query)
            if json {
                try printJSON(runs)
                return
            }
            print("id            source               status     N          D          final loss  points  name")
            for run in runs {
                print(
                    String(
                        format: "%@  %@ %@ %@ %@ %10@  %6d  %@", String(run.id.prefix(12)),
                        run.source.padding(toLength: 20, withPad: " ", startingAt: 0),
                        run.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0),
                        RunsCommand.short(run.params).padding(toLength: 10, withPad: " ", startingAt: 0),
                        RunsCommand.short(run.tokens).padding(toLength: 10, withPad: " ", startingAt: 0),
                        run.finalLoss.map { String(format: "%.4f", $0) } ?? "-", run.pointCount, run.name))
            }
            print("\(runs.count) runs")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one run: configuration, status, provenance and curve.")
        @Argument(help: "The run's id (a unique prefix is enough) or its name.") var id: String
        @OptionGroup var storeOptions: StoreOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            guard let run = try storeOptions.openExisting().run(idOrName: id) else {
                throw ValidationError("no run has an id starting with '\(id)' or the name '\(id)'; see `losscast runs list`")
            }
            if json {
                try printJSON(run)
                return
            }
            print(
                "run \(run.id)\n  source \(run.source)\n  name \(run.name)\n  status \(run.status.rawValue)\(run.statusReason.map { " (\($0))" } ?? "")"
            )
            print("  target loss \(run.targetLoss); parameter count convention \(run.parameterConvention.rawValue)")
            print(
                "  from \(run.provenance.file)\(run.provenance.line.map { ":\($0)" } ?? "") by \(run.provenance.importer)\(run.provenance.note.map { "; \($0)" } ?? "")"
            )
            print("  configuration:")
            for key in run.configuration.keys.sorted() {
                print("    \(key) = \(run.configuration[key]!)" + (run.provenance.assumed?[key].map { "   (assumed: \($0))" } ?? ""))
            }
            for (key, assumption) in (run.provenance.assumed ?? [:]).sorted(by: { $0.key < $1.key }) where run.configuration[key] == nil {
                print("    \(key): not stated; read as \(assumption)")
            }
            print("  curve (\(run.curve.count) points):\n    step        tokens      lr          \(run.targetLoss)")
            let shown = run.curve.count <= 12 ? Array(run.curve) : Array(run.curve.prefix(6)) + Array(run.curve.suffix(6))
            for point in shown {
                print(
                    String(
                        format: "    %-11@ %-11@ %-11@ %.4f", RunsCommand.short(point.step), RunsCommand.short(point.tokens),
                        point.learningRate.map { String(format: "%.3g", $0) } ?? "-", point.losses[run.targetLoss] ?? .nan))
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Export runs as CSV (a row per point), JSON lines (a run per line), or run folders (LossCast-Bench's config.json + losses.json)."
        )
        @Option(help: "csv, jsonl or run-folders.") var format: String = "jsonl"
        @Argument(help: "run-folders: the folder to write them in.") var directory: String?
        @OptionGroup var filter: Filter
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            guard ["csv", "jsonl", "run-folders"].contains(format) else {
                throw ValidationError("--format \(format): expected csv, jsonl or run-folders")
            }
            let store = try storeOptions.openExisting()
            let query = try filter.query()
            try store.checkFields(query.conditions)
            if format == "run-folders" {
                guard let directory else {
                    throw ValidationError(
                        "--format run-folders needs the folder to write, e.g. `losscast runs export --format run-folders out/`")
                }
                let written = try RunFolderWriter.write(try store.runs(query), to: directory)
                print("wrote \(written.count) run folders in \(directory)")
                return
            }
            // CSV and JSON lines stream a run at a time: memory stays flat for any store.
            if format == "jsonl" {
                let encoder = JSONOutput.encoder(pretty: false)
                try store.forEachRun(query) { run in print(String(decoding: try encoder.encode(run), as: UTF8.self)) }
                return
            }
            print("run_id,source,name,status,params,tokens_budget,step,tokens,lr,target_loss,loss")
            try store.forEachRun(query) { run in
                for point in run.curve {
                    let text = { (value: Double?) -> String in value.map { "\($0)" } ?? "" }
                    var fields: [String] = [run.id, run.source, run.name, run.status.rawValue]
                    fields += [text(run.params), text(run.tokens), text(point.step), text(point.tokens)]
                    fields += [text(point.learningRate), run.targetLoss, text(point.losses[run.targetLoss])]
                    print(fields.map(RunsCommand.csvField).joined(separator: ","))
                }
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete runs (by id or id prefix, --source, --file), in one transaction.",
            discussion: """
                Prints what it will delete and asks, unless --yes. Each criterion given narrows the selection. A file none of whose \
                runs remain is forgotten, so it can be ingested again (with a corrected mapping, say).
                """)
        @Argument(help: "Run ids or id prefixes.") var ids: [String] = []
        @Option(help: "Only runs from this source (repeatable).") var source: [String] = []
        @Option(help: "Only runs ingested from this file, as ingest was given it or by absolute path (repeatable).") var file: [String] = []
        @Flag(help: "Delete without asking.") var yes = false
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            let selection = RunSelection(ids: ids, sources: source, files: file)
            guard !selection.isEmpty else { throw ValidationError("give run ids (or prefixes), --source or --file: which runs to delete") }
            let store = try storeOptions.openExisting()
            let chosen = try store.summaries(selection)
            print("will delete \(chosen.count) run(s) from \(store.path):")
            for run in chosen.prefix(10) { print("  \(run.id.prefix(12))  \(run.source)  \(run.name)") }
            if chosen.count > 10 { print("  ... and \(chosen.count - 10) more") }
            if !yes {
                guard isatty(STDIN_FILENO) == 1 else { throw ValidationError("not deleting without a terminal to ask: add --yes") }
                print("Delete \(chosen.count) run(s)? [y/N] ", terminator: "")
                fflush(stdout)
                guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                    print("nothing deleted")
                    return
                }
            }
            let report = try store.delete(selection)
            print(
                "deleted \(report.runs) run(s)\(report.resources > 0 ? " and \(report.resources) resource row(s)" : ""); "
                    + "\(report.files) ingested file(s) forgotten (ingest them again to add their runs back)")
        }
    }

    static func csvField(_ text: String) -> String {
        text.contains(",") || text.contains("\"") || text.contains("\n")
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    static func short(_ value: Double?) -> String {
        guard let value else { return "-" }
        if value >= 1e4 { return String(format: "%.3g", value) }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.4g", value)
    }
}
