// The one reader of configurations, for every way one arrives: the flat object `--config`
// takes ({"params": 1e9, "lr": 0.002}), the nested recipe of a run folder's `config.json`
// (model / optimizer / data / schedule sections and top-level fields), either as YAML
// (ConfigTree parses the text into the same ConfigNode tree: `Configuration.read(_ text:)`
// is in ConfigTree), or an HTTP body's `configuration`. Names map onto canonical keys (ConfigKey.aliases, and a
// section's own names: `optimizer.name` is `optimizer`, `schedule.name` is `lr_schedule`).
//
// A field the table knows (ConfigurationField) must hold its kind of value: a string where a
// number goes, a zero or negative size, a fraction outside 0-1, a non-finite number are
// refused, naming the field's path. Strictness says what happens to a field it does not know:
//   .proposal  (what a user typed: predict, rank, the simulator, the HTTP service) it is
//              refused with the nearest known name (`lrr` -> `lr`), except under the
//              `optimizer` section (optimizer-specific extras) and `extra`;
//   .log       (a recipe someone logged: the run-folder importer) it is kept under its name.
// `alsoKnown` names fields a proposal may state beyond the table: those a checkpoint reads
// (`predict` and `rank` pass the inputs of the checkpoint they load, so a recipe in the
// format the checkpoint trained on, `model.window_pattern` and all, is read; a typo still is not).
// Nulls are fields not given. A field given twice with two values is refused in both.
import Foundation

extension Configuration {
    public enum Strictness: Sendable {
        case proposal, log
    }

    /// The recipe's sections, each a JSON object of fields.
    public static let sectionNames: Set<String> = ["model", "optimizer", "data", "schedule"]
    /// Top-level fields that name a run, not its recipe.
    static let identityNames: Set<String> = ["run_id", "name", "id"]
    /// Words of an `extra` field that is an outcome logged beside the recipe (never an input).
    static let outcomeWords = ["loss", "bpb", "ppl", "perplexity", "acc", "score"]

    /// A configuration from a parsed tree (ConfigTree) whose top level is an object.
    public static func read(
        _ node: ConfigNode, origin: String, strictness: Strictness = .proposal, alsoKnown: Set<String> = []
    ) throws -> Configuration {
        guard case .object(let entries) = node else {
            throw IngestError(
                file: origin, problem: "the configuration is \(node.kind)",
                expected: "an object of fields such as {\"params\": 1e9, \"tokens\": 2e10}")
        }
        var reader = Reader(origin: origin, strictness: strictness, alsoKnown: alsoKnown)
        for entry in entries {
            if sectionNames.contains(entry.key), case .object(let inner) = entry.value {
                for field in inner {
                    let path = entry.key + "." + field.key
                    let key = ConfigurationField.namesInSections[path] ?? ConfigKey.canonical(field.key)
                    try reader.take(field.value, key: key, path: path, section: ConfigurationField.Section(rawValue: entry.key))
                }
            } else if entry.key == "extra", case .object(let inner) = entry.value {
                for field in inner where !outcomeWords.contains(where: { field.key.lowercased().contains($0) }) {
                    try reader.take(field.value, key: ConfigKey.canonical(field.key), path: "extra." + field.key, section: nil, free: true)
                }
            } else if !identityNames.contains(entry.key) {
                try reader.take(entry.value, key: ConfigKey.canonical(entry.key), path: entry.key, section: nil)
            }
        }
        var configuration = Configuration(reader.values)
        configuration.extraSections = reader.extraSections
        if strictness == .proposal, let name = configuration[ConfigKey.lrSchedule]?.text {
            _ = try RateSchedule.shape(named: name, field: reader.paths[ConfigKey.lrSchedule] ?? ConfigKey.lrSchedule)
        }
        return configuration
    }

    /// A configuration from a JSONSerialization object (an HTTP body's field).
    public static func read(
        json object: Any, origin: String, strictness: Strictness = .proposal, alsoKnown: Set<String> = []
    ) throws -> Configuration {
        try read(ConfigNode(json: object), origin: origin, strictness: strictness, alsoKnown: alsoKnown)
    }
}

/// The walk over a tree's fields, with what it has taken so far.
private struct Reader {
    let origin: String
    let strictness: Configuration.Strictness
    /// Names accepted in a proposal beyond the table's (Configuration.read).
    let alsoKnown: Set<String>
    var values: [String: ConfigValue] = [:]
    var paths: [String: String] = [:]
    var extraSections: [String: ConfigurationField.Section] = [:]

    init(origin: String, strictness: Configuration.Strictness, alsoKnown: Set<String>) {
        self.origin = origin
        self.strictness = strictness
        self.alsoKnown = alsoKnown
    }

    /// One field: an object's fields flatten into the same namespace (`optimizer.extra.matrix_lr`
    /// is `matrix_lr`), a list's items into `key.0`, `key.1`. `free` fields (under `extra`, or
    /// an object within a section) are never refused as unknown.
    mutating func take(_ node: ConfigNode, key: String, path: String, section: ConfigurationField.Section?, free: Bool = false) throws {
        switch node {
        case .null:
            return
        case .object(let entries):
            for entry in entries {
                try take(entry.value, key: ConfigKey.canonical(entry.key), path: path + "." + entry.key, section: section, free: true)
            }
            return
        case .list(let items):
            for (index, item) in items.enumerated() {
                try take(item, key: "\(key).\(index)", path: "\(path).\(index)", section: section, free: true)
            }
            return
        default:
            break
        }
        let value: ConfigValue
        if let field = ConfigurationField.named(key) {
            value = try checked(node, field: field, path: path)
        } else {
            if strictness == .proposal && !free && !alsoKnown.contains(key) {
                let names = ConfigurationField.typeableNames + alsoKnown.sorted()
                let near = NearMatch.nearest(to: key, in: names)
                // An optimizer may have extras of its own (`ns_steps`); a name one edit from a
                // known field (`weight_decya`) is still a typo.
                let typo = NearMatch.nearest(to: key, in: names, limit: 1)
                if section != .optimizer || typo != nil {
                    throw IngestError(
                        file: origin, field: path, problem: "unknown field '\(path)'",
                        expected: near.map { "a known field; the nearest is '\($0)'" }
                            ?? "one of the known fields: \(Self.knownList)"
                            + (alsoKnown.isEmpty ? "" : ", or one the checkpoint reads (\(alsoKnown.count) more)"))
                }
            }
            value = try plain(node, path: path)
            if let section { extraSections[key] = section }
        }
        if let previous = paths[key], values[key] != value {
            throw IngestError(
                file: origin, field: path, problem: "gives '\(key)' a second value (\(value)) after '\(previous)' (\(values[key]!))",
                expected: "each field once")
        }
        values[key] = value
        paths[key] = path
    }

    /// A known field's value, of its kind.
    func checked(_ node: ConfigNode, field: ConfigurationField, path: String) throws -> ConfigValue {
        func refuse(_ problem: String) -> IngestError {
            IngestError(file: origin, field: path, problem: problem, expected: field.expected)
        }
        switch (field.kind, node) {
        case (.text, .string(let text)):
            return .text(text)
        case (.text, .number(let number)) where strictness == .log:
            return .text(ConfigValue.number(number).description)
        case (.flag, .bool(let flag)):
            return .flag(flag)
        case (.positive, .number(let number)), (.nonNegative, .number(let number)), (.fraction, .number(let number)):
            guard number.isFinite else { throw refuse("\(number) is not a finite number") }
            switch field.kind {
            case .positive where number <= 0: throw refuse("\(ConfigValue.number(number)) is not above 0")
            case .nonNegative where number < 0: throw refuse("\(ConfigValue.number(number)) is negative")
            case .fraction where number < 0 || number > 1: throw refuse("\(ConfigValue.number(number)) is outside 0-1")
            default: return .number(number)
            }
        default:
            throw refuse("\(node.kind) where \(field.expected) goes")
        }
    }

    /// A field the table does not know, as it is.
    func plain(_ node: ConfigNode, path: String) throws -> ConfigValue {
        switch node {
        case .number(let number):
            guard number.isFinite else {
                throw IngestError(file: origin, field: path, problem: "the value is \(number)", expected: "a finite number")
            }
            return .number(number)
        case .string(let text): return .text(text)
        case .bool(let flag): return .flag(flag)
        default: throw IngestError(file: origin, field: path, problem: "\(node.kind)", expected: "a number, text or true/false")
        }
    }

    static let knownList = ConfigurationField.all.map(\.key).joined(separator: ", ")
}
