// A session's budget, failures, waiting, cache and seeded noise, and its safety under
// concurrent agents.
import Foundation
import XCTest
@testable import Simulator

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 100.0
    var now: Double { lock.withLock { seconds } }
    func advance(_ delta: Double) { lock.withLock { seconds += delta } }
}

/// Counts how often the backend computes, to see the cache work.
final class CountingBackend: SimulationBackend, @unchecked Sendable {
    let name = "counting"
    let inner: ReferenceBackend
    private let lock = NSLock()
    private var count = 0
    var calls: Int { lock.withLock { count } }
    init(configuration: SimulatorConfiguration) throws { inner = try ReferenceBackend(configuration: configuration) }
    func plan(_ request: TrainingRequest, configuration: SimulatorConfiguration) throws -> RunPlan {
        try inner.plan(request, configuration: configuration)
    }
    func outcome(_ request: TrainingRequest, plan: RunPlan, configuration: SimulatorConfiguration) throws -> TrainingOutcome {
        lock.withLock { count += 1 }
        return try inner.outcome(request, plan: plan, configuration: configuration)
    }
}

final class SessionTests: XCTestCase {
    func field(of error: Error) -> String? {
        if case SimulatorError.invalidField(let field, _, _) = error { return field }
        return nil
    }

    func testResultCarriesEverythingTheSeedAsksFor() throws {
        let simulator = try Simulator(configuration: SimulatorConfiguration(noiseScale: 0))
        let result = try simulator.simulate(TrainingRequest(layers: [1024, 1024], days: 30, gpus: 4))
        XCTAssertEqual(result.metric, "normalized_entropy")
        XCTAssertEqual(result.value, 0.5168770584, accuracy: 1e-9)  // medium at s = 0.5, by hand above
        XCTAssertEqual(result.parameters, 1_585_162)
        XCTAssertEqual(result.sufficiency, 0.5)
        XCTAssertEqual(result.queriesPerSecond, 19_341.147672757, accuracy: 1e-6)
        XCTAssertEqual(result.cost, 120)
        XCTAssertEqual(result.budgetRemaining, 880)
        XCTAssertEqual(result.curve.count, 31)  // days 0 to 30
        XCTAssertEqual(result.curve[15].value, 0.5857900256, accuracy: 1e-9)  // day 15: s = 0.25, 0.65 - 0.16 / (1 + e^0.4)
        let fractional = try simulator.simulate(TrainingRequest(layers: [1024, 1024], days: 2.5))
        XCTAssertEqual(fractional.curve.map(\.day), [0, 1, 2, 2.5])
    }

    func testRefusedRunSpendsNothingAndSaysWhatIsLeft() throws {
        let simulator = try Simulator(configuration: SimulatorConfiguration(budget: 100))
        try simulator.submit(TrainingRequest(layers: [128], days: 30, gpus: 3))  // 90 GPU-days
        let before = simulator.budgetReport()
        XCTAssertThrowsError(try simulator.submit(TrainingRequest(layers: [128], days: 11))) { error in
            XCTAssertEqual(error as? SimulatorError, .budgetExceeded(requested: 11, remaining: 10))
            XCTAssertTrue((error as? SimulatorError)?.errorDescription?.contains("BudgetExceeded") == true)
        }
        XCTAssertEqual(simulator.budgetReport(), before)
        XCTAssertEqual(before.spent, 90)
        XCTAssertEqual(before.remaining, 10)
        try simulator.submit(TrainingRequest(layers: [128], days: 10))  // exactly what is left
        XCTAssertEqual(simulator.budgetReport().remaining, 0)
    }

    func testFailedRunsSpendNothing() throws {
        let simulator = try Simulator(configuration: SimulatorConfiguration(budget: 50, failureProbability: 1))
        let ticket = try simulator.submit(TrainingRequest(layers: [128], days: 20))
        XCTAssertEqual(ticket.status.name, "failed")
        XCTAssertThrowsError(try simulator.result(of: ticket.id)) { error in
            guard case SimulatorError.runFailed = error else { return XCTFail("\(error)") }
        }
        let report = simulator.budgetReport()
        XCTAssertEqual(report.spent, 0)
        XCTAssertEqual(report.remaining, 50)
        XCTAssertEqual(report.runs.map(\.state), [.released])
        // An invalid request fails before it is priced.
        XCTAssertThrowsError(try simulator.submit(TrainingRequest(layers: [], days: 5)))
        XCTAssertEqual(simulator.budgetReport().remaining, 50)
    }

    func testWaitingHoldsTheBudgetUntilTheResultArrives() throws {
        let clock = ManualClock()
        let simulator = try Simulator(configuration: SimulatorConfiguration(budget: 100, millisecondsPerDay: 1000), clock: { clock.now })
        let ticket = try simulator.submit(TrainingRequest(layers: [1024, 1024], days: 30, gpus: 2))
        XCTAssertEqual(ticket.readyIn, 30, accuracy: 1e-9)  // 30 days x 1 s per day
        XCTAssertEqual(try simulator.status(of: ticket.id).name, "training")
        XCTAssertThrowsError(try simulator.result(of: ticket.id)) { error in
            guard case SimulatorError.notReady(_, let seconds) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(seconds, 30, accuracy: 1e-9)
        }
        XCTAssertEqual(simulator.budgetReport().reserved, 60)
        XCTAssertEqual(simulator.budgetReport().remaining, 40)
        // A second run that only fits if the first were free is refused while it trains.
        XCTAssertThrowsError(try simulator.submit(TrainingRequest(layers: [128], days: 41)))
        clock.advance(29.9)
        XCTAssertEqual(try simulator.status(of: ticket.id).name, "training")
        clock.advance(0.2)
        XCTAssertEqual(try simulator.status(of: ticket.id), .succeeded)
        XCTAssertEqual(try simulator.result(of: ticket.id).cost, 60)
        let report = simulator.budgetReport()
        XCTAssertEqual(report.spent, 60)
        XCTAssertEqual(report.reserved, 0)
        XCTAssertThrowsError(try simulator.status(of: 99)) { XCTAssertEqual($0 as? SimulatorError, .unknownRun(id: 99)) }
    }

    func testAwaitResultWaitsInRealTime() async throws {
        let simulator = try Simulator(configuration: SimulatorConfiguration(millisecondsPerDay: 2))
        let started = Date()
        let ticket = try simulator.submit(TrainingRequest(layers: [128], days: 25))  // 50 ms
        let result = try await simulator.awaitResult(of: ticket.id)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.05)
        XCTAssertEqual(result.days, 25)
    }

    func testSeededSessionsReplayBitForBit() throws {
        let requests = (0..<60).map { index in
            TrainingRequest(
                layers: [[128, 128], [700], [1024, 1024], [2048, 2048, 64]][index % 4], days: Double(index % 7) * 5 + 1,
                gpus: 1 + index % 3)
        }
        func session(seed: UInt64) throws -> [RunResult] {
            let simulator = try Simulator(configuration: SimulatorConfiguration(seed: seed, budget: nil, failureProbability: 0.2))
            return requests.map { try? simulator.simulate($0) }.compactMap { $0 }
        }
        let first = try session(seed: 42), second = try session(seed: 42), other = try session(seed: 43)
        XCTAssertEqual(first, second)  // every value, curve point and id, bit for bit
        XCTAssertNotEqual(first.map(\.value), other.map(\.value))
        XCTAssertLessThan(first.count, requests.count)  // some crashed, the same ones each time
    }

    func testRepeatedRequestsDrawNewNoiseUnlessAskedForTheCachedValue() throws {
        let backend = try CountingBackend(configuration: SimulatorConfiguration())
        let simulator = try Simulator(backend: backend)
        let request = TrainingRequest(layers: [512, 512], days: 12)
        let first = try simulator.simulate(request)
        let second = try simulator.simulate(request)
        XCTAssertNotEqual(first.value, second.value)
        var cached = request
        cached.reuseCachedNoise = true
        let third = try simulator.simulate(cached)
        XCTAssertEqual(third.value, second.value)
        XCTAssertEqual(third.curve, second.curve)
        XCTAssertEqual(backend.calls, 1)  // one distinct configuration, computed once
        XCTAssertEqual(simulator.cacheStatistics.hits, 2)
        _ = try simulator.simulate(TrainingRequest(layers: [512, 512], days: 13))
        XCTAssertEqual(backend.calls, 2)
    }

    func testInvalidRequestsNameTheirField() throws {
        let simulator = try Simulator()
        let cases: [(TrainingRequest, String)] = [
            (TrainingRequest(layers: [], days: 5), "layers"),
            (TrainingRequest(layers: [128], days: -1), "days"),
            (TrainingRequest(layers: [128], days: .nan), "days"),
            (TrainingRequest(layers: [128], days: .infinity), "days"),
            (TrainingRequest(layers: [128], days: 5, gpus: 0), "gpus"),
            (TrainingRequest(days: 5), "layers"),
            (TrainingRequest(layers: [128]), "days"),
            (TrainingRequest(layers: [128, -4], days: 5), "layers[1]")
        ]
        for (request, expected) in cases {
            XCTAssertThrowsError(try simulator.submit(request), "\(request)") { XCTAssertEqual(self.field(of: $0), expected) }
        }
        let json: [(String, String)] = [
            (#"{"layers": [128], "days": 5, "epochs": 3}"#, "epochs"),
            (#"{"layers": "128", "days": 5}"#, "layers"),
            (#"{"layers": [128.5], "days": 5}"#, "layers[0]"),
            (#"{"layers": [128], "days": "five"}"#, "days"),
            (#"{"layers": [128], "days": true}"#, "days"),
            (#"{"layers": [128], "days": 5, "gpus": 1.5}"#, "gpus"),
            (#"[1, 2]"#, "body"),
            (#"{"layers": [128], "days": 5"#, "body")
        ]
        for (text, expected) in json {
            XCTAssertThrowsError(try TrainingRequest.parse(json: Data(text.utf8)), text) { XCTAssertEqual(self.field(of: $0), expected) }
        }
        XCTAssertEqual(simulator.budgetReport().spent, 0)
        XCTAssertEqual(simulator.runs().count, 0)
    }

    /// 16 agents x 1,000 runs on one session: the spent budget is exactly the sum of the
    /// costs of the runs that were accepted and succeeded, and nothing stays reserved.
    func testConcurrentAgentsNeitherLoseNorDoubleSpendBudget() throws {
        for millisecondsPerDay in [0.0, 0.02] {
            let budget = 40_000.0
            let simulator = try Simulator(
                configuration: SimulatorConfiguration(
                    seed: 3, budget: budget, failureProbability: 0.1,
                    millisecondsPerDay: millisecondsPerDay))
            let agents = 16, runsEach = 1000
            let lock = NSLock()
            var accepted: [(id: Int, cost: Double)] = []
            var refused = 0
            DispatchQueue.concurrentPerform(iterations: agents) { agent in
                var mine: [(Int, Double)] = []
                var refusedHere = 0
                for index in 0..<runsEach {
                    let days = Double(1 + (agent * 7 + index * 13) % 40) * 0.25  // quarter days: exact in binary
                    let gpus = 1 + (agent + index) % 4
                    do {
                        let ticket = try simulator.submit(TrainingRequest(layers: [64 + agent, 64], days: days, gpus: gpus))
                        mine.append((ticket.id, Double(gpus) * days))
                    } catch SimulatorError.budgetExceeded {
                        refusedHere += 1
                    } catch { XCTFail("\(error)") }
                }
                lock.withLock {
                    accepted += mine; refused += refusedHere
                }
            }
            Thread.sleep(forTimeInterval: 0.05)  // the longest run, 10 days, takes 0.2 ms
            var succeededCost = 0.0
            for (id, cost) in accepted where (try? simulator.status(of: id)) == .succeeded { succeededCost += cost }
            let report = simulator.budgetReport()
            XCTAssertEqual(accepted.count + refused, agents * runsEach)
            XCTAssertEqual(Set(accepted.map(\.id)).count, accepted.count, "ids are unique")
            XCTAssertGreaterThan(refused, 0, "the budget ran out")
            XCTAssertEqual(report.reserved, 0)
            XCTAssertEqual(report.spent, succeededCost)
            XCTAssertEqual(report.remaining, budget - succeededCost)
            XCTAssertEqual(report.runs.count, accepted.count)
            XCTAssertGreaterThan(report.runs.filter { $0.state == .released }.count, 0, "some runs crashed")
        }
    }
}
