// The HTTP routes. Every response is JSON; see openapi.yaml beside this file.
//   GET  /v1/health
//   PUT  /v1/sessions/{session}                 make or replace a session (budget, seed, ...)
//   GET  /v1/sessions/{session}                 its settings, budget and run count
//   POST /v1/sessions/{session}/runs            submit a run -> 202 with a ticket
//   GET  /v1/sessions/{session}/runs            every run and its status
//   GET  /v1/sessions/{session}/runs/{run}      status, and the result once finished
//   GET  /v1/sessions/{session}/runs/{run}/curve   the learning curve of a finished run
//   GET  /v1/sessions/{session}/budget          spent, reserved, remaining, per run
//   POST /v1/sessions/{session}/reset           full budget again, no runs
import Foundation
import Hummingbird
import Logging
import NIOCore
import Simulator

public enum SimulatorRoutes {
    /// Largest request body read; larger ones get 413.
    static let maximumBody = 1 << 20

    public static func router(registry: SessionRegistry) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/v1/health") { _, _ in
            respond(200, .object([("backend", .string(registry.backend.name)), ("status", .string("ok"))]))
        }
        router.put("/v1/sessions/:session") { request, context in
            await handle {
                let id = try context.parameters.require("session")
                let configuration = try registry.configuration(overrides: try await body(request))
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
        router.get("/v1/sessions/:session/configuration") { _, context in
            await handle {
                let session = try existing(registry, try context.parameters.require("session"))
                return respond(200, text: session.configuration.prettyJSON())
            }
        }
        router.post("/v1/sessions/:session/runs") { request, context in
            await handle {
                let id = try context.parameters.require("session")
                let training = try TrainingRequest.parse(json: try await body(request))
                let ticket = try registry.session(id).submit(training)
                return respond(202, JSONBodies.ticket(ticket, session: id))
            }
        }
        router.get("/v1/sessions/:session/runs") { _, context in
            await handle {
                let id = try context.parameters.require("session")
                return respond(200, .object([("runs", .array(try existing(registry, id).runs().map(JSONBodies.summary))), ("session", .string(id))]))
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
        } catch {
            let (status, object) = JSONBodies.error(error)
            return respond(status, object)
        }
    }

    static func body(_ request: Request) async throws -> Data {
        var request = request
        let buffer = try await request.collectBody(upTo: maximumBody)
        return Data(buffer.readableBytesView)
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
            ("budget", .object([("remaining", .optional(budget.remaining)), ("reserved", .number(budget.reserved)),
                                ("spent", .number(budget.spent)), ("total", .optional(budget.total))])),
            ("configuration", .object([("failure_probability", .number(c.failureProbability)), ("interpolation", .string(c.interpolation.rawValue)),
                                       ("maximum_training_days", .number(c.maximumTrainingDays)), ("milliseconds_per_day", .number(c.millisecondsPerDay)),
                                       ("seed", .integer(Int(clamping: c.seed)))])),
            ("runs", .integer(session.runCount)), ("session", .string(id)),
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

/// Runs the service until cancelled.
public enum SimulatorServer {
    public static func run(registry: SessionRegistry, host: String = "127.0.0.1", port: Int = 8080, logLevel: Logger.Level = .info,
                           onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "losscast-simulator")
        logger.logLevel = logLevel
        let application = Application(
            router: SimulatorRoutes.router(registry: registry),
            configuration: .init(address: .hostname(host, port: port), serverName: "losscast-simulator"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
        try await application.runService()
    }
}
