// A run inside a session, and what agents read about it: a ticket on submission, a
// status while it trains, a result when it is done.
import Foundation

struct SimulatedRun: Sendable {
    var id: Int
    var request: TrainingRequest
    var plan: RunPlan
    var outcome: TrainingOutcome
    var noisyCurve: [CurveSample]
    var failure: String?
    var submittedAt: Double
    var readyAt: Double

    func status(at now: Double) -> RunStatus {
        if now < readyAt { return .training(readyIn: readyAt - now) }
        return failure.map { .failed(reason: $0) } ?? .succeeded
    }

    func result(budgetRemaining: Double?) -> RunResult {
        RunResult(
            id: id, metric: outcome.metric, value: noisyCurve.last!.value,
            curve: noisyCurve.map { RunResult.Point(day: $0.day, value: $0.value) },
            parameters: plan.parameters, days: plan.days, gpus: plan.gpus, sufficiency: outcome.sufficiency,
            queriesPerSecond: outcome.queriesPerSecond, cost: plan.cost, budgetRemaining: budgetRemaining)
    }
}

public enum RunStatus: Sendable, Equatable {
    case training(readyIn: Double)
    case succeeded
    case failed(reason: String)

    public var name: String {
        switch self {
        case .training: "training"
        case .succeeded: "succeeded"
        case .failed: "failed"
        }
    }
}

public struct RunTicket: Sendable, Equatable {
    public var id: Int
    public var status: RunStatus
    public var cost: Double
    /// Real seconds until the result arrives.
    public var readyIn: Double
    public var budgetRemaining: Double?
}

public struct RunSummary: Sendable, Equatable {
    public var id: Int
    public var status: RunStatus
    public var cost: Double
    public var request: TrainingRequest
}

public struct RunResult: Codable, Sendable, Equatable {
    public struct Point: Codable, Sendable, Equatable {
        public var day: Double
        public var value: Double
    }
    public var id: Int
    /// "normalized_entropy" (reference backend) or "loss" (checkpoint backend).
    public var metric: String
    /// The final value, with noise.
    public var value: Double
    /// The value at each day, with noise.
    public var curve: [Point]
    public var parameters: Double
    public var days: Double
    public var gpus: Int
    public var sufficiency: Double?
    public var queriesPerSecond: Double
    public var cost: Double
    public var budgetRemaining: Double?

    enum CodingKeys: String, CodingKey {
        case id, metric, value, curve, parameters, days, gpus, sufficiency, cost
        case queriesPerSecond = "qps"
        case budgetRemaining = "budget_remaining"
    }
}
