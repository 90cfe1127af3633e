// The option every store-reading command shares.
import ArgumentParser
import Foundation
import RunStore
import Runs

struct StoreOptions: ParsableArguments {
    @Option(help: "The run store (default: $LOSSCAST_STORE, else Logs/losscast.sqlite).")
    var store: String?

    /// The store, created when missing: for `ingest`, which fills it.
    func open() throws -> RunStore {
        try RunStore(path: store ?? Paths.defaultStore)
    }

    /// An existing store, for the commands that only read it: a mistyped path is an error,
    /// not a new empty store reporting 0 runs.
    func openExisting() throws -> RunStore {
        let path = store ?? Paths.defaultStore
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError(
                "--store \(path): no run store there; give the path `losscast ingest` wrote, or ingest first (losscast ingest FILES --store \(path))"
            )
        }
        return try RunStore(path: path)
    }
}

/// Which stored runs `train` and `eval` learn from: by source and by conditions on fields.
struct TrainingSelection: ParsableArguments {
    @Option(help: "Only runs from this source (repeatable; default: every source).") var source: [String] = []
    @Option(
        name: .customLong("where"),
        help: "A condition on a configuration field, e.g. optimizer=adamw or params>=1e8 (repeatable, all must hold).")
    var conditions: [String] = []

    /// The selected runs that have a final loss; an error when none do, or when a `--where`
    /// field is one no stored run has.
    func runs(_ storeOptions: StoreOptions) throws -> [Run] {
        var query = RunQuery()
        query.sources = source
        query.conditions = try conditions.map(FieldCondition.parse)
        let store = try storeOptions.openExisting()
        try store.checkFields(query.conditions)
        let runs = try store.runs(query).filter { $0.finalLoss != nil }
        guard !runs.isEmpty else {
            let sources = source.isEmpty ? "any source" : source.joined(separator: ", ")
            throw ValidationError(
                "no runs in the store for \(sources)"
                    + (conditions.isEmpty
                        ? "; run `losscast ingest` first"
                        : " where \(conditions.joined(separator: " and ")); `losscast runs list --where ...` shows what matches"))
        }
        return runs
    }

    var description: String {
        (source.isEmpty ? "all sources" : source.joined(separator: ", "))
            + (conditions.isEmpty ? "" : " where " + conditions.joined(separator: " and "))
    }
}
