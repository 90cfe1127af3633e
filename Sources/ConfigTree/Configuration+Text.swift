// A configuration from text, for the commands: a JSON object or YAML, flat or in sections,
// or the path of a file holding one, parsed with ConfigurationFile's bounds and read by
// Runs.Configuration's one reader.
import Foundation
import Runs

extension Configuration {
    /// A configuration from text: a JSON object or YAML, or the path of a file holding one.
    public static func read(
        _ textOrPath: String, origin: String, strictness: Strictness = .proposal, alsoKnown: Set<String> = []
    ) throws -> Configuration {
        let node: ConfigNode
        do {
            if !textOrPath.contains("{"), !textOrPath.contains("\n"), FileManager.default.fileExists(atPath: textOrPath) {
                node = try ConfigurationFile.load(path: textOrPath)
            } else {
                node = try ConfigurationFile.parse(textOrPath, origin: origin)
            }
        } catch let error as ConfigurationFileError {
            // A text's error starts with its origin already; a file's with its path, which the
            // origin (the option it came through) precedes.
            let named = error.message.hasPrefix(origin + ":") ? error.message : "\(origin): \(error.message)"
            throw ConfigurationFileError(named + " (expected a JSON object such as {\"params\": 1e9, \"tokens\": 2e10}, or a YAML file)")
        }
        return try read(node, origin: origin, strictness: strictness, alsoKnown: alsoKnown)
    }
}
