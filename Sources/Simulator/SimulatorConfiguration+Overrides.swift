// A configuration from what a user wrote: a JSON body of a session PUT, or a YAML or JSON
// file given to `simulate` or `serve`, each field named as `CodingKeys` spells it and
// applied over a base (the defaults, or the service's). An unknown field, a value of the
// wrong type and a value out of range are errors naming the field.
import ConfigTree
import Foundation
import Runs

extension SimulatorConfiguration {
    /// Every field's name, in declaration order.
    public static var fieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    /// Fields that hold whole numbers (checked before decoding, so the error names them).
    static let wholeNumberFields = ["input_dimension", "output_dimension", "grid_sufficiency_points", "seed"]

    /// Every field and its value as a JSON object (`budget` is null for no limit).
    public var jsonObject: [String: Any] {
        let encoder = JSONEncoder()
        var object = (try? JSONSerialization.jsonObject(with: encoder.encode(self))) as? [String: Any] ?? [:]
        if budget == nil { object["budget"] = NSNull() }
        return object
    }

    /// The configuration as pretty JSON with the fields in declaration order.
    public func prettyJSON() -> String {
        let object = jsonObject
        let lines = Self.fieldNames.compactMap { name -> String? in
            guard let value = object[name],
                let data = try? JSONSerialization.data(
                    withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
            else { return nil }
            return "  \"\(name)\": \(String(decoding: data, as: UTF8.self))"
        }
        return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }

    /// This configuration with `fields` (a JSON object) applied over it, checked.
    public func overriding(_ fields: [String: Any]) throws -> SimulatorConfiguration {
        let names = Self.fieldNames
        for key in fields.keys.sorted() where !names.contains(key) {
            throw SimulatorError.invalidField(
                field: key, value: "unknown field",
                hint: "one of the configuration's fields\(NearMatch.hint(for: key, in: names)); "
                    + "GET /v1/sessions/{id}/configuration or `losscast simulate --print-config` lists them")
        }
        for (key, value) in fields where isJSONBoolean(value) {
            throw SimulatorError.invalidField(field: key, value: "\(value)", hint: "a number or a name, not a boolean")
        }
        for key in Self.wholeNumberFields {
            guard let value = fields[key] else { continue }
            guard let number = (value as? NSNumber)?.doubleValue, number == number.rounded(), number >= 0, number < 9.0e15 else {
                throw SimulatorError.invalidField(field: key, value: "\(value)", hint: "a whole number from 0 to 9e15")
            }
        }
        var merged = jsonObject
        for (key, value) in fields { merged[key] = value }
        let data = try JSONSerialization.data(withJSONObject: merged)
        let configuration: SimulatorConfiguration
        do {
            configuration = try JSONDecoder().decode(SimulatorConfiguration.self, from: data)
        } catch let error as DecodingError {
            throw Self.fieldError(error, fields: fields)
        }
        try configuration.validate()
        return configuration
    }

    /// The defaults with a YAML or JSON file's fields applied.
    public static func load(path: String, over base: SimulatorConfiguration = SimulatorConfiguration()) throws -> SimulatorConfiguration {
        let tree: ConfigNode
        do { tree = try ConfigurationFile.load(path: path) } catch let error as ConfigurationFileError {
            throw SimulatorError.invalidField(field: "file", value: path, hint: error.message)
        }
        guard case .object = tree, let fields = tree.jsonObject as? [String: Any] else {
            throw SimulatorError.invalidField(field: "file", value: path, hint: "an object of fields such as {\"noise_scale\": 0}")
        }
        return try base.overriding(fields)
    }

    /// The field a decoding error is about, with what was expected there.
    static func fieldError(_ error: DecodingError, fields: [String: Any]) -> SimulatorError {
        func name(_ path: [CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(
                in: CharacterSet(charactersIn: ".")
            )
            .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let field = name(context.codingPath)
            return .invalidField(field: field, value: context.debugDescription, hint: "a value of type \(type)")
        case .keyNotFound(let key, let context):
            return .invalidField(
                field: name(context.codingPath + [key]), value: "missing", hint: "every curve has name, layers, start, drop, rate, midpoint"
            )
        case .dataCorrupted(let context):
            let field = name(context.codingPath)
            let hint =
                field == "interpolation"
                ? "one of " + InterpolationMethod.allCases.map(\.rawValue).joined(separator: ", ")
                : field == "first_layer" ? "input or squared" : "a valid value"
            return .invalidField(field: field.isEmpty ? "body" : field, value: context.debugDescription, hint: hint)
        @unknown default:
            return .invalidField(field: "body", value: "\(error)", hint: "the configuration's fields")
        }
    }
}
