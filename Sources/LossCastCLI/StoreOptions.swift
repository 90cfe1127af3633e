// The option every store-reading command shares.
import ArgumentParser
import Foundation
import RunStore

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
            throw ValidationError("--store \(path): no run store there; give the path `losscast ingest` wrote, or ingest first (losscast ingest FILES --store \(path))")
        }
        return try RunStore(path: path)
    }
}
