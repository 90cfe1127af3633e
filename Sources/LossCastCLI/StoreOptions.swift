// The option every store-reading command shares.
import ArgumentParser
import RunStore

struct StoreOptions: ParsableArguments {
    @Option(help: "The run store (default: $LOSSCAST_STORE, else Logs/losscast.sqlite).")
    var store: String?

    func open() throws -> RunStore {
        try RunStore(path: store ?? Paths.defaultStore)
    }
}
