// What the service writes: JSON bodies for tickets, statuses, results, budgets and errors.
// Errors always have the shape {"error": {"code", "message", "field"?, ...}}.
import Foundation
import Simulator

enum JSONBodies {
    static func ticket(_ ticket: RunTicket, session: String) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("budget_remaining", .optional(ticket.budgetRemaining)), ("cost", .number(ticket.cost)),
            ("id", .integer(ticket.id)), ("ready_in_seconds", .number(ticket.readyIn))
        ]
        if case .failed(let reason) = ticket.status { fields.append(("reason", .string(reason))) }
        fields += [("session", .string(session)), ("status", .string(ticket.status.name))]
        return .object(fields)
    }

    static func status(_ status: RunStatus, id: Int, result: RunResult?) -> JSONValue {
        var fields: [(String, JSONValue)] = [("id", .integer(id))]
        switch status {
        case .training(let readyIn): fields.append(("ready_in_seconds", .number(readyIn)))
        case .failed(let reason): fields.append(("reason", .string(reason)))
        case .succeeded: break
        }
        if let result {
            fields.append(
                (
                    "result",
                    .object([
                        ("budget_remaining", .optional(result.budgetRemaining)), ("cost", .number(result.cost)),
                        ("days", .number(result.days)),
                        ("gpus", .integer(result.gpus)), ("metric", .string(result.metric)), ("parameters", .number(result.parameters)),
                        ("qps", .number(result.queriesPerSecond)), ("sufficiency", .optional(result.sufficiency)),
                        ("value", .number(result.value))
                    ])
                ))
        }
        fields.append(("status", .string(status.name)))
        return .object(fields)
    }

    static func curve(_ result: RunResult) -> JSONValue {
        .object([
            ("curve", .array(result.curve.map { .object([("day", .number($0.day)), ("value", .number($0.value))]) })),
            ("id", .integer(result.id)), ("metric", .string(result.metric))
        ])
    }

    static func budget(_ report: BudgetReport) -> JSONValue {
        .object([
            ("remaining", .optional(report.remaining)), ("reserved", .number(report.reserved)),
            (
                "runs",
                .array(
                    report.runs.map {
                        .object([("cost", .number($0.cost)), ("id", .integer($0.run)), ("state", .string($0.state.rawValue))])
                    })
            ),
            ("spent", .number(report.spent)), ("total", .optional(report.total))
        ])
    }

    static func summary(_ run: RunSummary) -> JSONValue {
        .object([("cost", .number(run.cost)), ("id", .integer(run.id)), ("status", .string(run.status.name))])
    }

    static func failure(_ code: String, _ message: String, field: String? = nil, extra: [(String, JSONValue)] = []) -> JSONValue {
        var fields: [(String, JSONValue)] = [("code", .string(code))]
        if let field { fields.append(("field", .string(field))) }
        fields.append(("message", .string(message)))
        return .object([("error", .object(fields + extra))])
    }

    /// The HTTP status and body for an error thrown while serving a request.
    static func error(_ error: Error) -> (status: Int, body: JSONValue) {
        if let unknown = error as? UnknownSession {
            return (
                404,
                failure(
                    "unknown_session", "session \(unknown.id): no such session; PUT /v1/sessions/\(unknown.id) or POST a run to make it",
                    field: "session")
            )
        }
        guard let error = error as? SimulatorError else { return (500, failure("internal", "\(error)")) }
        let message = error.errorDescription ?? "\(error)"
        switch error {
        case .invalidField(let field, _, _): return (400, failure("invalid_field", message, field: field))
        case .budgetExceeded(let requested, let remaining):
            return (409, failure("budget_exceeded", message, extra: [("remaining", .number(remaining)), ("requested", .number(requested))]))
        case .unknownRun: return (404, failure("unknown_run", message, field: "run"))
        case .notReady(_, let seconds): return (409, failure("not_ready", message, extra: [("ready_in_seconds", .number(seconds))]))
        case .runFailed(_, let reason): return (409, failure("run_failed", message, extra: [("reason", .string(reason))]))
        }
    }
}
