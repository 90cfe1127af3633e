// The run store: one SQLite file (through GRDB) holding every ingested run, its
// configuration (as JSON, and as one row per field for queries), its curve, the files it
// came from and what was refused. Opening migrates the schema to the current version.
import Foundation
import GRDB
import Runs

public final class RunStore {
    public let path: String
    let database: DatabaseQueue

    public init(path: String) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try RunStore.migrator.migrate(database)
        } catch let error as DatabaseError {
            throw StoreError(
                path: path, problem: "cannot open the run store: \(error.message ?? "\(error)")",
                hint: "Is it a LossCast store? Use --store PATH or LOSSCAST_STORE for another file.")
        }
    }

    /// Closes the file; later calls fail.
    public func close() throws { try database.close() }

    /// Every applied migration, oldest first.
    public func appliedMigrations() throws -> [String] {
        try database.read { try RunStore.migrator.appliedMigrations($0) }
    }

    /// SQLite's integrity check: "ok" for a sound file.
    public func integrityCheck() throws -> String {
        try database.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}

public struct StoreError: Error, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var hint: String
    public var description: String { "\(path): \(problem). \(hint)" }
}
