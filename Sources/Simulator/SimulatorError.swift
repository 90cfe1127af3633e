// The simulator's errors. Each names the field or run it is about and what would be
// accepted, so an agent (or the HTTP service's 400 body) can correct the request.
import Foundation

public enum SimulatorError: Error, Equatable, LocalizedError {
    /// A request or setting field is missing, malformed or out of range.
    case invalidField(field: String, value: String, hint: String)
    /// The run would cost more than the session has left; nothing was spent.
    case budgetExceeded(requested: Double, remaining: Double)
    case unknownRun(id: Int)
    /// The run is still training; its result arrives in `seconds`.
    case notReady(id: Int, seconds: Double)
    /// The run was accepted and then failed (a simulated crash or a divergence); it spent nothing.
    case runFailed(id: Int, reason: String)

    public var errorDescription: String? {
        switch self {
        case .invalidField(let field, let value, let hint): "\(field): \(value) is not valid; expected \(hint)"
        case .budgetExceeded(let requested, let remaining):
            String(format: "BudgetExceeded: the run costs %.6g GPU-days and %.6g remain; nothing was spent", requested, remaining)
        case .unknownRun(let id): "run \(id): no such run in this session"
        case .notReady(let id, let seconds): String(format: "run %d: still training, ready in %.3f s", id, seconds)
        case .runFailed(let id, let reason): "run \(id) failed: \(reason); it spent no budget"
        }
    }
}
