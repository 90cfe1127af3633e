// A training request from JSON, as the HTTP service and `losscast simulate --json-request`
// receive it. Strict: an unknown field, a wrong type or a non-finite number is an error
// that names the field, so an agent's typo is caught instead of silently ignored.
//   {"layers": [1024, 1024], "days": 30, "gpus": 8}
//   {"configuration": {"params": 1e9, "batch_size_tokens": 1048576, "lr": 0.002}, "tokens": 2e10}
import Foundation
import Runs

extension TrainingRequest {
    static let fields = ["layers", "days", "gpus", "configuration", "tokens", "reuse_cached_noise"]

    public static func parse(json data: Data) throws -> TrainingRequest {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw SimulatorError.invalidField(
                field: "body", value: "malformed JSON", hint: "a JSON object such as {\"layers\": [1024, 1024], \"days\": 30}")
        }
        guard let fields = object as? [String: Any] else {
            throw SimulatorError.invalidField(
                field: "body", value: "not an object", hint: "a JSON object such as {\"layers\": [1024, 1024], \"days\": 30}")
        }
        return try parse(fields: fields)
    }

    public static func parse(fields: [String: Any]) throws -> TrainingRequest {
        for key in fields.keys.sorted() where !Self.fields.contains(key) {
            throw SimulatorError.invalidField(field: key, value: "unknown field", hint: "one of " + Self.fields.joined(separator: ", "))
        }
        var request = TrainingRequest()
        if let raw = fields["layers"] {
            guard let list = raw as? [Any] else { throw invalid("layers", raw, "an array of integer widths, e.g. [1024, 1024]") }
            request.layers = try list.enumerated().map { index, element in
                guard let width = integer(element) else { throw invalid("layers[\(index)]", element, "an integer width") }
                return width
            }
        }
        if let raw = fields["days"] { request.days = try finite("days", raw, "a number of training days") }
        if let raw = fields["tokens"] { request.tokens = try finite("tokens", raw, "a token budget, e.g. 2e10") }
        if let raw = fields["gpus"] {
            guard let gpus = integer(raw) else { throw invalid("gpus", raw, "an integer GPU count") }
            request.gpus = gpus
        }
        if let raw = fields["reuse_cached_noise"] {
            guard let flag = raw as? Bool, isJSONBoolean(raw) else { throw invalid("reuse_cached_noise", raw, "true or false") }
            request.reuseCachedNoise = flag
        }
        if let raw = fields["configuration"] {
            guard raw is [String: Any] else { throw invalid("configuration", raw, "an object of configuration fields") }
            // The one configuration reader (Runs.Configuration): flat or in sections, strict.
            do { request.configuration = try Configuration.read(json: raw, origin: "request").values } catch let error as IngestError {
                throw SimulatorError.invalidField(
                    field: "configuration." + (error.field ?? ""), value: error.problem, hint: error.expected ?? "see the field list")
            }
        }
        return request
    }

    private static func invalid(_ field: String, _ value: Any, _ hint: String) -> SimulatorError {
        .invalidField(field: field, value: describe(value), hint: hint)
    }

    private static func describe(_ value: Any) -> String {
        if value is NSNull { return "null" }
        if let data = try? JSONSerialization.data(withJSONObject: [value], options: [.fragmentsAllowed]) {
            return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
        }
        return "\(value)"
    }

    private static func finite(_ field: String, _ value: Any, _ hint: String) throws -> Double {
        guard !isJSONBoolean(value), let number = value as? NSNumber, number.doubleValue.isFinite else { throw invalid(field, value, hint) }
        return number.doubleValue
    }

    private static func integer(_ value: Any) -> Int? {
        guard !isJSONBoolean(value), let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.isFinite, double == double.rounded(), abs(double) < 1e15 else { return nil }
        return Int(double)
    }
}
