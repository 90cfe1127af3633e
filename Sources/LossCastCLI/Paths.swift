// Where LossCast keeps its run store and checkpoints, and how a user moves them.
import Foundation

enum Paths {
    static let storeVariable = "LOSSCAST_STORE"
    static let checkpointVariable = "LOSSCAST_CHECKPOINT"

    /// The run store: $LOSSCAST_STORE, else Logs/losscast.sqlite under the current folder.
    static var defaultStore: String {
        ProcessInfo.processInfo.environment[storeVariable] ?? absolute("Logs/losscast.sqlite")
    }

    /// The default predictor: $LOSSCAST_CHECKPOINT, else Checkpoints/default.safetensors.
    static var defaultCheckpoint: String {
        ProcessInfo.processInfo.environment[checkpointVariable] ?? absolute("Checkpoints/default.safetensors")
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }
}
