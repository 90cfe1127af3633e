// The HTTP routes. Every response is JSON; see openapi.yaml beside this file.
//   GET  /v1/health
//   PUT  /v1/sessions/{session}                 make or replace a session (budget, seed, ...)
//   GET  /v1/sessions/{session}                 its settings, budget and run count
//   DELETE /v1/sessions/{session}               remove it, its runs and budget
//   POST /v1/sessions/{session}/runs            submit a run -> 202 with a ticket
//   GET  /v1/sessions/{session}/runs            its runs and their status, a page at a time (?limit=&after=)
//   GET  /v1/sessions/{session}/runs/{run}      status, and the result once finished
//   GET  /v1/sessions/{session}/runs/{run}/curve   the learning curve of a finished run
//   GET  /v1/sessions/{session}/budget          spent, reserved, remaining, per run
//   POST /v1/sessions/{session}/reset           full budget again, no runs
// Any other path or method: 404 unknown_route / 405 method_not_allowed, as JSON.
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Simulator

public enum SimulatorRoutes {
    /// Largest request body read; larger ones get 413.
    static let maximumBody = 1 << 20

    public static func router(registry: SessionRegistry) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        router.get("/v1/health") { _, _ in
            respond(200, .object([("backend", .string(registry.backend.name)), ("status", .string("ok"))]))
        }
        router.put("/v1/sessions/:session") { request, context in
            await handle {
                let id = try context.parameters.require("session")
                let configuration = try registry.configuration(overrides: try await body(request, registry))
                let session = try registry.create(id, configuration: configuration)
                return respond(201, describe(session, id: id))
            }
        }
        router.get("/v1/sessions/:session") { _, context in
            await handle {
                let id = try context.parameters.require("session")
                return respond(200, describe(try existing(registry, id), id: id))
            }
        }
        router.delete("/v1/sessions/:session") { _, context in
            await handle {
                let id = try context.parameters.require("session")
                guard try registry.remove(id) else { throw UnknownSession(id: id) }
                return respond(200, .object([("deleted", .bool(true)), ("session", .string(id))]))
            }
        }
        router.get("/v1/sessions/:session/configuration") { _, context in
            await handle {
                let session = try existing(registry, try context.parameters.require("session"))
                return respond(200, text: session.configuration.prettyJSON())
            }
        }
        router.post("/v1/sessions/:session/runs") { request, context in
            await handle {
                let id = try context.parameters.require("session")
                let training = try TrainingRequest.parse(json: try await body(request, registry))
                let ticket = try registry.session(id).submit(training)
                return respond(202, JSONBodies.ticket(ticket, session: id))
            }
        }
        router.get("/v1/sessions/:session/runs") { request, context in
            await handle {
                let id = try context.parameters.require("session")
                let session = try existing(registry, id)
                let limit = try queryInteger(request, "limit", range: 1...registry.limits.maximumRunsPerPage) ?? registry.limits.runsPerPage
                let after = try queryInteger(request, "after", range: 0...Int.max) ?? 0
                let page = session.runs(after: after, limit: limit)
                // A full page may have more behind it: the client asks again with after = next_after.
                let next: JSONValue = page.count == limit ? .integer(page.last!.id) : .null
                return respond(
                    200, .object([("next_after", next), ("runs", .array(page.map(JSONBodies.summary))), ("session", .string(id))]))
            }
        }
        router.get("/v1/sessions/:session/runs/:run") { _, context in
            await handle {
                let session = try existing(registry, try context.parameters.require("session"))
                let run = try runID(context)
                let status = try session.status(of: run)
                let result = status == .succeeded ? try session.result(of: run) : nil
                return respond(200, JSONBodies.status(status, id: run, result: result))
            }
        }
        router.get("/v1/sessions/:session/runs/:run/curve") { _, context in
            await handle {
                let session = try existing(registry, try context.parameters.require("session"))
                return respond(200, JSONBodies.curve(try session.result(of: try runID(context))))
            }
        }
        router.get("/v1/sessions/:session/budget") { _, context in
            await handle {
                respond(200, JSONBodies.budget(try existing(registry, try context.parameters.require("session")).budgetReport()))
            }
        }
        router.post("/v1/sessions/:session/reset") { _, context in
            await handle {
                let session = try existing(registry, try context.parameters.require("session"))
                session.reset()
                return respond(200, JSONBodies.budget(session.budgetReport()))
            }
        }
        return router
    }

    // MARK: Helpers

    /// Runs a handler, turning every error into its JSON response.
    static func handle(_ body: () async throws -> Response) async -> Response {
        do { return try await body() } catch is NIOTooManyBytesError {
            return respond(413, JSONBodies.failure("body_too_large", "the body exceeds \(maximumBody) bytes", field: "body"))
        } catch let full as ServiceFull {
            var response = respond(
                503,
                JSONBodies.failure(
                    "service_full",
                    "the service holds its maximum of \(full.capacity) sessions; DELETE one you no longer need, or retry after \(full.retryAfter) s",
                    extra: [("retry_after_seconds", .integer(full.retryAfter))]))
            response.headers[.retryAfter] = String(full.retryAfter)
            return response
        } catch is BodyTimeout {
            return respond(408, JSONBodies.failure("body_timeout", "the request body did not arrive in time", field: "body"))
        } catch {
            let (status, object) = JSONBodies.error(error)
            return respond(status, object)
        }
    }

    /// The request body, at most `maximumBody` bytes, within `limits.bodySeconds`.
    static func body(_ request: Request, _ registry: SessionRegistry) async throws -> Data {
        let seconds = registry.limits.bodySeconds
        return try await withThrowingTaskGroup(of: Data?.self) { group in
            group.addTask {
                var request = request
                let buffer = try await request.collectBody(upTo: maximumBody)
                return Data(buffer.readableBytesView)
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            guard let data = first else { throw BodyTimeout() }
            return data
        }
    }

    /// An optional integer query parameter within `range`, or a 400 naming it.
    static func queryInteger(_ request: Request, _ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return nil }
        guard let value = Int(raw), range.contains(value) else {
            throw SimulatorError.invalidField(
                field: name, value: String(raw.prefix(40)), hint: "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    static func existing(_ registry: SessionRegistry, _ id: String) throws -> Simulator {
        guard let session = try registry.existing(id) else { throw UnknownSession(id: id) }
        return session
    }

    static func runID(_ context: BasicRequestContext) throws -> Int {
        let raw = try context.parameters.require("run")
        guard let id = Int(raw), id >= 1 else {
            throw SimulatorError.invalidField(field: "run", value: raw, hint: "a run id, a positive integer from the submit response")
        }
        return id
    }

    static func describe(_ session: Simulator, id: String) -> JSONValue {
        let c = session.configuration
        let budget = session.budgetTotals()
        return .object([
            ("backend", .string(session.backend.name)),
            (
                "budget",
                .object([
                    ("remaining", .optional(budget.remaining)), ("reserved", .number(budget.reserved)),
                    ("spent", .number(budget.spent)), ("total", .optional(budget.total))
                ])
            ),
            (
                "configuration",
                .object([
                    ("failure_probability", .number(c.failureProbability)), ("interpolation", .string(c.interpolation.rawValue)),
                    ("maximum_training_days", .number(c.maximumTrainingDays)), ("milliseconds_per_day", .number(c.millisecondsPerDay)),
                    ("seed", .integer(Int(clamping: c.seed)))
                ])
            ),
            ("runs", .integer(session.runCount)), ("session", .string(id))
        ])
    }

    static func respond(_ status: Int, _ value: JSONValue) -> Response {
        respond(status, text: value.text)
    }

    static func respond(_ status: Int, text: String) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(text)
        return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}

/// A session id no one has made: 404.
struct UnknownSession: Error {
    var id: String
}

/// A request body slower than `ServiceLimits.bodySeconds`: 408.
struct BodyTimeout: Error {}

/// Answers what the router does not know (a path, a method) with the documented JSON error
/// instead of an empty body.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do { return try await next(request, context) } catch let error as HTTPError {
            let path = String(request.uri.path.prefix(200))
            switch error.status {
            case .notFound:
                return SimulatorRoutes.respond(
                    404, JSONBodies.failure("unknown_route", "\(request.method) \(path): no such route; see openapi.yaml"))
            case .methodNotAllowed:
                return SimulatorRoutes.respond(
                    405, JSONBodies.failure("method_not_allowed", "\(request.method) \(path): method not allowed here"))
            default:
                return SimulatorRoutes.respond(error.status.code, JSONBodies.failure("http_error", error.body ?? error.status.reasonPhrase))
            }
        }
    }
}

/// Runs the service until cancelled.
public enum SimulatorServer {
    public static func run(
        registry: SessionRegistry, host: String = "127.0.0.1", port: Int = 8080, logLevel: Logger.Level = .info,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        var logger = Logger(label: "losscast-simulator")
        logger.logLevel = logLevel
        let limits = registry.limits
        let application = Application(
            router: SimulatorRoutes.router(registry: registry),
            // A connection silent for idleConnectionSeconds (idle, or a header or body stalled
            // between reads) is closed; past `connections` open ones, new ones wait in the backlog.
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(limits.idleConnectionSeconds * 1e9)))),
            configuration: .init(
                address: .hostname(host, port: port), serverName: "losscast-simulator",
                availableConnectionsDelegate: MaximumAvailableConnections(limits.connections)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
        try await application.runService()
    }
}
