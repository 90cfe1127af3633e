// A simulator session: one budget, one seed, the runs an agent has submitted. Agents
// submit a run (priced and checked against the budget before it starts), poll its status
// and collect its result once its simulated training time has passed. Every method is
// safe to call from many threads at once: the session's state sits behind one lock, and a
// run's noise depends on the seed and the request, not on which thread got there first.
import Foundation

public final class Simulator: @unchecked Sendable {
    public let configuration: SimulatorConfiguration
    public let backend: any SimulationBackend
    private let clock: @Sendable () -> Double
    private let lock = NSLock()
    private var state: State

    struct State {
        var ledger: BudgetLedger
        var runs: [Int: SimulatedRun] = [:]
        /// Runs whose budget is still reserved: the only ones `settle` must look at.
        var unsettled: Set<Int> = []
        var nextID = 1
        /// How many times each request (by cache key) has been accepted in this session.
        var occurrences: [String: UInt64] = [:]
        /// Noise-free outcomes: kept across resets, since they depend on the request alone.
        var outcomes: [String: TrainingOutcome] = [:]
        /// The last noisy result of each request, for `reuseCachedNoise`.
        var noisy: [String: [CurveSample]] = [:]
        var cacheHits = 0
        var cacheMisses = 0
    }

    /// - Parameter clock: seconds on a monotonic clock; tests may pass their own.
    public init(
        configuration: SimulatorConfiguration = SimulatorConfiguration(), backend: (any SimulationBackend)? = nil,
        clock: @escaping @Sendable () -> Double = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.backend = try backend ?? ReferenceBackend(configuration: configuration)
        self.clock = clock
        self.state = State(ledger: BudgetLedger(total: configuration.budget))
    }

    // MARK: Submit, poll, collect

    /// Accepts a run and starts its simulated training, or throws (invalid field,
    /// BudgetExceeded) having changed nothing.
    @discardableResult
    public func submit(_ request: TrainingRequest) throws -> RunTicket {
        let plan = try backend.plan(request, configuration: configuration)
        let key = request.cacheKey
        let outcome = try cachedOutcome(request, plan: plan, key: key)
        return try locked { state in
            settle(&state)
            let id = state.nextID
            try state.ledger.reserve(run: id, cost: plan.cost)
            state.nextID += 1
            let occurrence = state.occurrences[key, default: 0]
            state.occurrences[key] = occurrence + 1
            var stream = NoiseStream(seed: configuration.seed, key: key, occurrence: occurrence)
            let crashed = configuration.failureProbability > 0 && stream.uniform() < configuration.failureProbability
            let curve: [CurveSample]
            if request.reuseCachedNoise, let cached = state.noisy[key] {
                curve = cached
            } else {
                curve = outcome.curve.map { sample in
                    var noisy = sample
                    noisy.value +=
                        stream.normal()
                        * NoiseModel.deviation(
                            progress: sample.progress, parameters: plan.parameters,
                            configuration: configuration)
                    return noisy
                }
                state.noisy[key] = curve
            }
            let now = clock()
            let failure =
                outcome.failure ?? (crashed ? "the simulated job crashed (failure probability \(configuration.failureProbability))" : nil)
            let run = SimulatedRun(
                id: id, request: request, plan: plan, outcome: outcome, noisyCurve: curve, failure: failure,
                submittedAt: now, readyAt: now + plan.days * configuration.millisecondsPerDay / 1000)
            state.runs[id] = run
            state.unsettled.insert(id)
            settle(&state)
            return RunTicket(
                id: id, status: run.status(at: now), cost: plan.cost, readyIn: max(0, run.readyAt - now),
                budgetRemaining: state.ledger.remaining)
        }
    }

    /// Where a run stands now.
    public func status(of id: Int) throws -> RunStatus {
        try locked { state in
            settle(&state)
            guard let run = state.runs[id] else { throw SimulatorError.unknownRun(id: id) }
            return run.status(at: clock())
        }
    }

    /// A finished run's result; throws notReady while it trains and runFailed if it failed.
    public func result(of id: Int) throws -> RunResult {
        try locked { state in
            settle(&state)
            guard let run = state.runs[id] else { throw SimulatorError.unknownRun(id: id) }
            let now = clock()
            if now < run.readyAt { throw SimulatorError.notReady(id: id, seconds: run.readyAt - now) }
            if let failure = run.failure { throw SimulatorError.runFailed(id: id, reason: failure) }
            return run.result(budgetRemaining: state.ledger.remaining)
        }
    }

    /// Waits (without blocking a thread) until the run finishes, then returns its result.
    public func awaitResult(of id: Int) async throws -> RunResult {
        while true {
            do { return try result(of: id) } catch SimulatorError.notReady(_, let seconds) {
                try await Task.sleep(nanoseconds: UInt64(max(seconds, 0.0005) * 1e9))
            }
        }
    }

    /// Submit, wait and collect, blocking the calling thread: for one call from a shell.
    public func simulate(_ request: TrainingRequest) throws -> RunResult {
        let ticket = try submit(request)
        while true {
            do { return try result(of: ticket.id) } catch SimulatorError.notReady(_, let seconds) {
                Thread.sleep(forTimeInterval: max(seconds, 0.0005))
            }
        }
    }

    public func runs() -> [RunSummary] {
        locked { state in
            settle(&state)
            let now = clock()
            return state.runs.keys.sorted().map { id in
                let run = state.runs[id]!
                return RunSummary(id: id, status: run.status(at: now), cost: run.plan.cost, request: run.request)
            }
        }
    }

    /// One page of `runs()`: at most `limit` runs with ids above `after`, in id order. Ids are
    /// given out in sequence, so a page costs its own length, not the session's run count.
    public func runs(after: Int, limit: Int) -> [RunSummary] {
        locked { state in
            settle(&state)
            let now = clock()
            let first = max(after, 0) + 1
            guard first < state.nextID, limit > 0 else { return [] }
            return (first..<min(state.nextID, first + limit)).compactMap { id in
                state.runs[id].map { RunSummary(id: id, status: $0.status(at: now), cost: $0.plan.cost, request: $0.request) }
            }
        }
    }

    public var runCount: Int { locked { $0.runs.count } }

    /// The budget's totals without the per-run list: constant time, for frequent polling.
    public func budgetTotals() -> BudgetReport {
        locked { state in
            settle(&state)
            return state.ledger.totals
        }
    }

    public func budgetReport() -> BudgetReport {
        locked { state in
            settle(&state)
            return state.ledger.report
        }
    }

    public var cacheStatistics: (hits: Int, misses: Int) { locked { ($0.cacheHits, $0.cacheMisses) } }

    /// A fresh session with the same configuration: full budget, no runs, noise streams
    /// from the start. The noise-free outcome cache survives (it depends on requests only).
    public func reset() {
        locked { state in
            state = State(ledger: BudgetLedger(total: configuration.budget), outcomes: state.outcomes)
        }
    }

    // MARK: Internals

    private func locked<T>(_ body: (inout State) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }

    /// Spends or releases the budget of every run whose training time has passed.
    private func settle(_ state: inout State) {
        let now = clock()
        for id in state.unsettled {
            guard let run = state.runs[id], run.readyAt <= now else { continue }
            state.ledger.settle(run: id, succeeded: run.failure == nil)
            state.unsettled.remove(id)
        }
    }

    /// The backend's noise-free outcome, computed once per distinct request.
    private func cachedOutcome(_ request: TrainingRequest, plan: RunPlan, key: String) throws -> TrainingOutcome {
        if let hit = locked({ state -> TrainingOutcome? in
            let hit = state.outcomes[key]
            if hit != nil { state.cacheHits += 1 }
            return hit
        }) {
            return hit
        }
        let outcome = try backend.outcome(request, plan: plan, configuration: configuration)
        locked { state in
            state.cacheMisses += 1
            state.outcomes[key] = outcome
        }
        return outcome
    }
}
