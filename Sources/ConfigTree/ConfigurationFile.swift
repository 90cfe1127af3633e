// Reading a configuration file (YAML or JSON, which YAML includes) into a plain tree of
// values, with bounds: a file over 1 MiB, or one whose anchors and aliases expand
// to more than 100,000 values (a "billion laughs" file), is refused before it can make the
// process allocate much. Quoted scalars stay strings, so `"teams": "10"` is a type error
// naming the field, not a silent conversion.
import Foundation
import Runs
import Yams

/// A file that is not a configuration tree: too large, not YAML or JSON, or expanding too far.
public struct ConfigurationFileError: Error, LocalizedError, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var errorDescription: String? { message }
    public var description: String { message }
}

public enum ConfigurationFile {
    public static let maximumBytes = 1 << 20
    public static let maximumValues = 100_000

    /// The tree of the file at `path`.
    public static func load(path: String) throws -> ConfigNode {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw ConfigurationFileError("\(path): no such file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maximumBytes else {
            throw ConfigurationFileError("\(path): \(size) bytes; a configuration file may have at most \(maximumBytes)")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationFileError("\(path): not readable as UTF-8 text")
        }
        return try parse(text, origin: path)
    }

    /// The tree of `text`; `origin` names it in errors.
    public static func parse(_ text: String, origin: String) throws -> ConfigNode {
        guard text.utf8.count <= maximumBytes else {
            throw ConfigurationFileError("\(origin): \(text.utf8.count) bytes; a configuration file may have at most \(maximumBytes)")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw ConfigurationFileError("\(origin): not YAML or JSON: \(String(describing: error).prefix(300))")
        }
        guard let node else { return .object([]) }
        var budget = maximumValues
        return try value(node, origin: origin, budget: &budget)
    }

    private static func value(_ node: Node, origin: String, budget: inout Int) throws -> ConfigNode {
        budget -= 1
        guard budget >= 0 else {
            throw ConfigurationFileError(
                "\(origin): expands to more than \(maximumValues) values (anchors and aliases repeated?); refused")
        }
        switch node {
        case .scalar(let scalar):
            let text = scalar.string
            guard scalar.style == .plain else { return .string(text) }
            switch text {
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            case "null", "Null", "NULL", "~", "": return .null
            default: return Double(text).map(ConfigNode.number) ?? .string(text)
            }
        case .sequence(let sequence):
            return .list(try sequence.map { try value($0, origin: origin, budget: &budget) })
        case .mapping(let mapping):
            var entries: [ConfigNode.Entry] = []
            for (key, item) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw ConfigurationFileError("\(origin): a key that is not a plain name")
                }
                entries.append(.init(keyScalar.string, try value(item, origin: origin, budget: &budget)))
            }
            return .object(entries)
        }
    }
}
