// The service's sessions: one simulator (one budget, one seed, its runs) per session id.
// A session is made by PUT with its own budget and seed, or on first use with the
// service's defaults.
import Foundation
import Runs
import Simulator

public final class SessionRegistry: @unchecked Sendable {
    public let defaults: SimulatorConfiguration
    public let backend: any SimulationBackend
    private let lock = NSLock()
    private var sessions: [String: Simulator] = [:]
    /// At most this many sessions live at once, so a client cannot exhaust memory.
    public let capacity: Int

    public init(defaults: SimulatorConfiguration, backend: (any SimulationBackend)? = nil, capacity: Int = 10_000) throws {
        try defaults.validate()
        self.defaults = defaults
        self.backend = try backend ?? ReferenceBackend(configuration: defaults)
        self.capacity = capacity
    }

    public static func validate(session id: String) throws {
        let allowed = id.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 }
        guard !id.isEmpty, id.utf8.count <= 64, allowed else {
            throw SimulatorError.invalidField(field: "session", value: id, hint: "1 to 64 letters, digits, '-' or '_'")
        }
    }

    /// The session, or nil when there is none.
    public func existing(_ id: String) throws -> Simulator? {
        try Self.validate(session: id)
        return lock.withLock { sessions[id] }
    }

    /// The session, made with the defaults if it does not exist yet.
    public func session(_ id: String) throws -> Simulator {
        try Self.validate(session: id)
        if let found = lock.withLock({ sessions[id] }) { return found }
        let made = try Simulator(configuration: defaults, backend: backend)
        return try lock.withLock {
            if let found = sessions[id] { return found }
            guard sessions.count < capacity else {
                throw SimulatorError.invalidField(field: "session", value: id, hint: "an existing session: the service holds its maximum of \(capacity)")
            }
            sessions[id] = made
            return made
        }
    }

    /// Makes (or replaces) a session with its own settings.
    @discardableResult
    public func create(_ id: String, configuration: SimulatorConfiguration) throws -> Simulator {
        try Self.validate(session: id)
        let made = try Simulator(configuration: configuration, backend: backend)
        try lock.withLock {
            guard sessions[id] != nil || sessions.count < capacity else {
                throw SimulatorError.invalidField(field: "session", value: id, hint: "an existing session: the service holds its maximum of \(capacity)")
            }
            sessions[id] = made
        }
        return made
    }

    /// Settings a PUT may override: budget, seed, milliseconds_per_day, interpolation,
    /// failure_probability. Anything else is an error naming the field.
    public func configuration(overrides data: Data) throws -> SimulatorConfiguration {
        if data.isEmpty { return defaults }
        guard let object = try? JSONSerialization.jsonObject(with: data), let fields = object as? [String: Any] else {
            throw SimulatorError.invalidField(field: "body", value: "not a JSON object", hint: "an object such as {\"budget\": 500, \"seed\": 7}")
        }
        let known = ["budget", "seed", "milliseconds_per_day", "interpolation", "failure_probability"]
        for key in fields.keys.sorted() where !known.contains(key) {
            throw SimulatorError.invalidField(field: key, value: "unknown field", hint: "one of " + known.joined(separator: ", "))
        }
        func number(_ key: String) throws -> Double? {
            guard let raw = fields[key] else { return nil }
            guard let value = raw as? NSNumber, !isJSONBoolean(raw), value.doubleValue.isFinite else {
                throw SimulatorError.invalidField(field: key, value: "\(raw)", hint: "a finite number")
            }
            return value.doubleValue
        }
        var budget: Double?? = nil
        if fields["budget"] is NSNull { budget = .some(nil) } else if let value = try number("budget") { budget = .some(value) }
        var seed: UInt64? = nil
        if let value = try number("seed") {
            guard value >= 0, value == value.rounded(), value < 9.0e15 else {
                throw SimulatorError.invalidField(field: "seed", value: "\(value)", hint: "a non-negative integer below 9e15")
            }
            seed = UInt64(value)
        }
        var interpolation: InterpolationMethod? = nil
        if let raw = fields["interpolation"] {
            guard let name = raw as? String, let method = InterpolationMethod(rawValue: name) else {
                throw SimulatorError.invalidField(field: "interpolation", value: "\(raw)",
                                                  hint: "one of " + InterpolationMethod.allCases.map(\.rawValue).joined(separator: ", "))
            }
            interpolation = method
        }
        let configuration = defaults.with(budget: budget, seed: seed, millisecondsPerDay: try number("milliseconds_per_day"),
                                          interpolation: interpolation, failureProbability: try number("failure_probability"))
        try configuration.validate()
        return configuration
    }
}
