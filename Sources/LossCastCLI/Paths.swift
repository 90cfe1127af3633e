// Where LossCast keeps its run store and checkpoints, and how a user moves them.
import ArgumentParser
import Costs
import Foundation

enum Paths {
    static let storeVariable = "LOSSCAST_STORE"
    static let checkpointVariable = "LOSSCAST_CHECKPOINT"

    /// The run store: $LOSSCAST_STORE, else Logs/losscast.sqlite under the current folder.
    static var defaultStore: String {
        ProcessInfo.processInfo.environment[storeVariable] ?? absolute("Logs/losscast.sqlite")
    }

    /// The default predictor: $LOSSCAST_CHECKPOINT, else the first that exists of
    /// `defaultCheckpointCandidates` (the working folder's, then the bundled one beside the
    /// binary), else the working folder's path (whose absence `checkpoint(_:)` explains).
    static var defaultCheckpoint: String {
        if let given = ProcessInfo.processInfo.environment[checkpointVariable] { return given }
        return defaultCheckpointCandidates.first(where: FileManager.default.fileExists) ?? defaultCheckpointCandidates[0]
    }

    /// Where a default checkpoint is looked for: Checkpoints/ under the working folder; the
    /// repository's Checkpoints/ above a binary built in it (.build/release/losscast); and
    /// share/losscast/ beside an installed binary's bin/.
    static var defaultCheckpointCandidates: [String] {
        var candidates = [absolute("Checkpoints/default.safetensors")]
        if let binFolder = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            candidates.append(binFolder.deletingLastPathComponent().appendingPathComponent("share/losscast/default.safetensors").path)
        }
        candidates += binaryAncestors.map { $0.appendingPathComponent("Checkpoints/default.safetensors").path }
        var seen = Set<String>()
        return candidates.filter { seen.insert($0).inserted }
    }

    /// The checkpoint to load: the one given, else the default; an error naming every place
    /// looked when there is none.
    static func checkpoint(_ given: String?) throws -> String {
        if let given { return given }
        let path = defaultCheckpoint
        guard FileManager.default.fileExists(atPath: path) else {
            let variable = ProcessInfo.processInfo.environment[checkpointVariable].map { "$\(checkpointVariable) (\($0))" }
            throw ValidationError(
                "no checkpoint: looked in " + (variable.map { [$0] } ?? defaultCheckpointCandidates).joined(separator: ", ")
                    + ". Give --checkpoint FILE, set \(checkpointVariable), or train one with `losscast train`.")
        }
        return path
    }

    static let epochDataVariable = "LOSSCAST_EPOCH_DATA"

    /// Epoch's cost tables: the folder given, else $LOSSCAST_EPOCH_DATA, else the first of
    /// ../shared/datasets/epoch_training_costs beside the working folder or above the binary.
    static func epochData(_ given: String?) throws -> String {
        if let given { return given }
        if let variable = ProcessInfo.processInfo.environment[epochDataVariable] { return variable }
        let candidates =
            [absolute("../shared/datasets/epoch_training_costs")]
            + binaryAncestors.map { $0.appendingPathComponent("../shared/datasets/epoch_training_costs").standardized.path }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/" + PriceTable.fileName) }) else {
            throw ValidationError(
                "no Epoch cost tables: looked in " + candidates.joined(separator: ", ")
                    + ". Give --epoch-data DIR (epoch-research/training-cost-trends' data/ folder) or set \(epochDataVariable).")
        }
        return found
    }

    /// The four folders above the binary's (a repository's root above .build/release/losscast).
    static var binaryAncestors: [URL] {
        guard var folder = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() else { return [] }
        return (0..<4).map { _ in
            folder = folder.deletingLastPathComponent()
            return folder
        }
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }
}
