// The service's sessions: one simulator (one budget, one seed, its runs) per session id.
// A session is made by PUT with its own budget and seed, or on first use with the
// service's defaults.
import Foundation
import Runs
import Simulator

public final class SessionRegistry: @unchecked Sendable {
    public let defaults: SimulatorConfiguration
    /// The backend of a session with the defaults (and its name in /v1/health).
    public let backend: any SimulationBackend
    /// A backend given to the service (a checkpoint's), shared by every session; nil when
    /// each session interpolates its own reference curves with its own settings.
    private let sharedBackend: (any SimulationBackend)?
    private let lock = NSLock()
    private var sessions: [String: Simulator] = [:]
    /// At most this many sessions live at once, so a client cannot exhaust memory.
    public let capacity: Int

    public init(defaults: SimulatorConfiguration, backend: (any SimulationBackend)? = nil, capacity: Int = 10_000) throws {
        try defaults.validate()
        self.defaults = defaults
        self.backend = try backend ?? ReferenceBackend(configuration: defaults)
        sharedBackend = backend
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
        // A reference session reads its own curves, interpolation, grid and dimensions.
        let made = try Simulator(configuration: configuration, backend: sharedBackend ?? ReferenceBackend(configuration: configuration))
        try lock.withLock {
            guard sessions[id] != nil || sessions.count < capacity else {
                throw SimulatorError.invalidField(field: "session", value: id, hint: "an existing session: the service holds its maximum of \(capacity)")
            }
            sessions[id] = made
        }
        return made
    }

    /// A PUT's body: any of the configuration's fields (snake_case, as GET
    /// /v1/sessions/{id}/configuration shows them) over the service's defaults. Anything else
    /// is an error naming the field.
    public func configuration(overrides data: Data) throws -> SimulatorConfiguration {
        if data.isEmpty { return defaults }
        guard let object = try? JSONSerialization.jsonObject(with: data), let fields = object as? [String: Any] else {
            throw SimulatorError.invalidField(field: "body", value: "not a JSON object", hint: "an object such as {\"budget\": 500, \"seed\": 7}")
        }
        return try defaults.overriding(fields)
    }
}
