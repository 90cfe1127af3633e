// The service's sessions: one simulator (one budget, one seed, its runs) per session id.
// A session is made by PUT with its own budget and seed, or on first use with the
// service's defaults; it is removed by DELETE, or when no request has used it for
// `ServiceLimits.sessionIdleSeconds`. A full service answers 503 with the seconds until
// its stalest session expires.
import Foundation
import Runs
import Simulator

/// What one service may hold at once, and how long it waits. Every field is a `serve` option.
public struct ServiceLimits: Sendable {
    /// Sessions alive at once.
    public var sessions = 10_000
    /// A session no request has used for this long is removed (its runs and budget with it).
    public var sessionIdleSeconds = 3_600.0
    /// Open connections at once; more wait in the listen backlog until one closes.
    public var connections = 512
    /// A connection that sends nothing for this long (no request, a header or body stalled)
    /// is closed.
    public var idleConnectionSeconds = 30.0
    /// A request body must arrive in full within this (408 otherwise).
    public var bodySeconds = 30.0
    /// Runs in one page of GET .../runs when the client gives no `limit`, and the most it may ask.
    public var runsPerPage = 1_000
    public var maximumRunsPerPage = 10_000

    public init() {}

    public func validate() throws {
        for (name, value) in [
            ("sessions", Double(sessions)), ("connections", Double(connections)), ("runs per page", Double(runsPerPage)),
            ("session idle seconds", sessionIdleSeconds), ("idle connection seconds", idleConnectionSeconds),
            ("body seconds", bodySeconds)
        ] where !(value.isFinite && value > 0) {
            throw SimulatorError.invalidField(field: name, value: "\(value)", hint: "a positive number")
        }
        guard runsPerPage <= maximumRunsPerPage else {
            throw SimulatorError.invalidField(field: "runs per page", value: "\(runsPerPage)", hint: "at most \(maximumRunsPerPage)")
        }
    }
}

/// The service holds its maximum of sessions and none has expired: 503, try again later.
public struct ServiceFull: Error {
    public var capacity: Int
    /// Seconds until the stalest session expires and frees a place.
    public var retryAfter: Int
}

public final class SessionRegistry: @unchecked Sendable {
    public let defaults: SimulatorConfiguration
    /// The backend of a session with the defaults (and its name in /v1/health).
    public let backend: any SimulationBackend
    public let limits: ServiceLimits
    /// A backend given to the service (a checkpoint's), shared by every session; nil when
    /// each session interpolates its own reference curves with its own settings.
    private let sharedBackend: (any SimulationBackend)?
    /// Seconds on a monotonic clock (tests pass their own).
    private let clock: @Sendable () -> Double
    private let lock = NSLock()
    private var sessions: [String: (simulator: Simulator, lastUsed: Double)] = [:]

    public init(
        defaults: SimulatorConfiguration, backend: (any SimulationBackend)? = nil, limits: ServiceLimits = ServiceLimits(),
        clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }
    ) throws {
        try defaults.validate()
        try limits.validate()
        self.defaults = defaults
        self.backend = try backend ?? ReferenceBackend(configuration: defaults)
        sharedBackend = backend
        self.limits = limits
        self.clock = clock
    }

    public var count: Int { lock.withLock { sessions.count } }

    public static func validate(session id: String) throws {
        let allowed = id.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95
        }
        guard !id.isEmpty, id.utf8.count <= 64, allowed else {
            throw SimulatorError.invalidField(field: "session", value: id, hint: "1 to 64 letters, digits, '-' or '_'")
        }
    }

    /// The session, or nil when there is none (or it expired).
    public func existing(_ id: String) throws -> Simulator? {
        try Self.validate(session: id)
        return lock.withLock { touch(id) }
    }

    /// The session, made with the defaults if it does not exist yet.
    public func session(_ id: String) throws -> Simulator {
        try Self.validate(session: id)
        if let found = lock.withLock({ touch(id) }) { return found }
        let made = try Simulator(configuration: defaults, backend: backend)
        return try lock.withLock {
            if let found = touch(id) { return found }
            try makeRoom(for: id)
            sessions[id] = (made, clock())
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
            try makeRoom(for: id)
            sessions[id] = (made, clock())
        }
        return made
    }

    /// Removes a session with its runs and budget; false when there was none.
    public func remove(_ id: String) throws -> Bool {
        try Self.validate(session: id)
        return lock.withLock { sessions.removeValue(forKey: id) != nil }
    }

    /// A PUT's body: any of the configuration's fields (snake_case, as GET
    /// /v1/sessions/{id}/configuration shows them) over the service's defaults. Anything else
    /// is an error naming the field.
    public func configuration(overrides data: Data) throws -> SimulatorConfiguration {
        if data.isEmpty { return defaults }
        guard let object = try? JSONSerialization.jsonObject(with: data), let fields = object as? [String: Any] else {
            throw SimulatorError.invalidField(
                field: "body", value: "not a JSON object", hint: "an object such as {\"budget\": 500, \"seed\": 7}")
        }
        return try defaults.overriding(fields)
    }

    // MARK: Under the lock

    /// The live session, its idle clock restarted; an expired one is removed and nil.
    private func touch(_ id: String) -> Simulator? {
        guard let entry = sessions[id] else { return nil }
        let now = clock()
        if now - entry.lastUsed >= limits.sessionIdleSeconds {
            sessions[id] = nil
            return nil
        }
        sessions[id]!.lastUsed = now
        return entry.simulator
    }

    /// Frees a place for a new session `id`: expired sessions go; if none has, ServiceFull.
    private func makeRoom(for id: String) throws {
        guard sessions[id] == nil, sessions.count >= limits.sessions else { return }
        let now = clock()
        sessions = sessions.filter { now - $0.value.lastUsed < limits.sessionIdleSeconds }
        guard sessions.count >= limits.sessions else { return }
        let stalest = sessions.values.map(\.lastUsed).min() ?? now
        throw ServiceFull(capacity: limits.sessions, retryAfter: max(1, Int((stalest + limits.sessionIdleSeconds - now).rounded(.up))))
    }
}
