// The HTTP service over real loopback TCP, driven by LoopbackHTTPClient (which shares no
// code with the server): concurrent clients, malformed requests, and the OpenAPI file.
import Foundation
import XCTest
import Yams
@testable import Simulator
@testable import SimulatorService
import TestSupport

/// What the concurrent clients add up, behind a lock.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var cost = 0.0, runs = 0, refused = 0, requests = 0, problems: [String] = []
    func add(cost: Double, runs: Int, refused: Int, requests: Int, problems: [String]) {
        lock.withLock {
            self.cost += cost; self.runs += runs; self.refused += refused; self.requests += requests; self.problems += problems
        }
    }
    var totals: (Double, Int, Int, Int, [String]) { lock.withLock { (cost, runs, refused, requests, problems) } }
}

extension XCTestCase {
    /// Starts a server on a free port, runs `body` with that port on ordinary threads (so
    /// blocking clients never starve the server's tasks), then stops the server.
    func withServer(
        _ defaults: SimulatorConfiguration = SimulatorConfiguration(), registry given: SessionRegistry? = nil,
        _ body: @escaping @Sendable (Int, SessionRegistry) throws -> Void
    ) async throws {
        let registry = try given ?? SessionRegistry(defaults: defaults)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let server = Task { try await SimulatorServer.run(registry: registry, port: 0, logLevel: .critical) { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { return XCTFail("the server did not start") }
        let outcome: Result<Void, Error> = await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: Result { try body(port, registry) }) }
        }
        server.cancel()
        _ = await server.result
        try outcome.get()
    }
}

final class ServiceTests: XCTestCase {
    func testEightClientsTenThousandRequestsKeepTheBudgetExact() async throws {
        try await withServer { port, registry in
            let setup = try LoopbackHTTPClient(port: port)
            XCTAssertEqual(try setup.request("PUT", "/v1/sessions/load", body: #"{"budget": 6000, "seed": 5}"#).status, 201)
            let tally = Tally()
            DispatchQueue.concurrentPerform(iterations: 8) { client in
                var cost = 0.0, runs = 0, refusedHere = 0, count = 0, problems: [String] = []
                do {
                    let http = try LoopbackHTTPClient(port: port)
                    var lastRun: Int?
                    for index in 0..<1250 {
                        count += 1
                        let response: LoopbackHTTPClient.Response
                        switch index % 5 {
                        case 0:
                            let days = Double(1 + (client * 5 + index) % 24) * 0.25, gpus = 1 + index % 3
                            response = try http.request(
                                "POST", "/v1/sessions/load/runs",
                                body: #"{"layers": [\#(100 + client), 256], "days": \#(days), "gpus": \#(gpus)}"#)
                            if response.status == 202 {
                                cost += days * Double(gpus)
                                runs += 1
                                lastRun = response.json["id"] as? Int
                            } else if response.status == 409,
                                (response.json["error"] as? [String: Any])?["code"] as? String == "budget_exceeded"
                            {
                                refusedHere += 1
                                continue
                            }
                        case 1: response = try http.request("GET", "/v1/sessions/load/runs/\(lastRun ?? 1)")
                        case 2: response = try http.request("GET", "/v1/sessions/load/budget")
                        case 3: response = try http.request("GET", "/v1/sessions/load/runs/\(lastRun ?? 1)/curve")
                        default: response = try http.request("GET", "/v1/sessions/load")
                        }
                        if !(200..<300).contains(response.status) {
                            problems.append("\(index % 5): \(response.status) \(String(decoding: response.body, as: UTF8.self))")
                        }
                    }
                } catch { problems.append("transport: \(error)") }
                tally.add(cost: cost, runs: runs, refused: refusedHere, requests: count, problems: problems)
            }
            let (acceptedCost, acceptedRuns, refused, requests, unexpected) = tally.totals
            XCTAssertEqual(requests, 10_000)
            XCTAssertEqual(unexpected, [], "every request answered with success (or a budget refusal)")
            XCTAssertGreaterThan(refused, 0, "the budget ran out during the test")
            let budget = try setup.request("GET", "/v1/sessions/load/budget").json
            XCTAssertEqual(budget["spent"] as? Double, acceptedCost)
            XCTAssertEqual(budget["remaining"] as? Double, 6000 - acceptedCost)
            XCTAssertEqual(budget["reserved"] as? Double, 0)
            let list = try setup.request("GET", "/v1/sessions/load/runs").json
            XCTAssertEqual((list["runs"] as? [Any])?.count, acceptedRuns)
            XCTAssertEqual(try registry.existing("load")?.budgetReport().spent, acceptedCost)
        }
    }

    func testMalformedRequestsGet400sNamingTheFieldAndChangeNothing() async throws {
        try await withServer { port, _ in
            let http = try LoopbackHTTPClient(port: port)
            XCTAssertEqual(try http.request("PUT", "/v1/sessions/agent-1", body: #"{"budget": 100}"#).status, 201)
            XCTAssertEqual(
                try http.request("POST", "/v1/sessions/agent-1/runs", body: #"{"layers": [128], "days": 10, "gpus": 2}"#).status, 202)
            let budgetBefore = try http.request("GET", "/v1/sessions/agent-1/budget").body
            let runsBefore = try http.request("GET", "/v1/sessions/agent-1/runs").body
            let bad: [(String, String, String?, Int, String)] = [
                ("POST", "/v1/sessions/agent-1/runs", #"{"layers": [128], "days": 5"#, 400, "body"),
                ("POST", "/v1/sessions/agent-1/runs", #"not json"#, 400, "body"),
                ("POST", "/v1/sessions/agent-1/runs", "", 400, "body"),
                ("POST", "/v1/sessions/agent-1/runs", #"{"layers": [128], "days": 5, "learning_rate": 3}"#, 400, "learning_rate"),
                ("POST", "/v1/sessions/agent-1/runs", #"{"layers": [], "days": 5}"#, 400, "layers"),
                ("POST", "/v1/sessions/agent-1/runs", #"{"layers": [128, 0], "days": 5}"#, 400, "layers[1]"),
                ("POST", "/v1/sessions/agent-1/runs", #"{"layers": [128], "days": -2}"#, 400, "days"),
                ("POST", "/v1/sessions/agent-1/runs", #"{"layers": [128], "days": 0}"#, 400, "days"),
                ("PUT", "/v1/sessions/agent-1", #"{"budget": 9.3e12}"#, 400, "budget"),
                ("GET", "/v1/sessions/agent-1/runs?limit=0", nil, 400, "limit"),
                ("GET", "/v1/sessions/agent-1/runs?limit=abc", nil, 400, "limit"),
                ("GET", "/v1/sessions/agent-1/runs?after=-1", nil, 400, "after"),
                ("GET", "/v1/no/such/route", nil, 404, "unknown_route"),
                ("DELETE", "/v1/sessions/nobody", nil, 404, "session"),
                ("POST", "/v1/sessions/agent-1/runs", #"{"layers": [128], "days": 5, "gpus": 0}"#, 400, "gpus"),
                ("POST", "/v1/sessions/agent-1/runs", #"{"layers": [128], "days": 5, "tokens": 1e9}"#, 400, "tokens"),
                // The configuration goes through the one reader (Runs.Configuration): typos and wrong types by path.
                ("POST", "/v1/sessions/agent-1/runs", #"{"configuration": {"params": 1e9, "lrr": 0.002}}"#, 400, "configuration.lrr"),
                (
                    "POST", "/v1/sessions/agent-1/runs", #"{"configuration": {"optimizer": {"lr": "0.002"}}}"#, 400,
                    "configuration.optimizer.lr"
                ),
                ("POST", "/v1/sessions/agent-1/runs", #"{"layers": [128], "days": 90, "gpus": 2}"#, 409, "budget_exceeded"),
                ("POST", "/v1/sessions/bad.id/runs", #"{"layers": [128], "days": 5}"#, 400, "session"),
                ("GET", "/v1/sessions/agent-1/runs/abc", nil, 400, "run"),
                ("GET", "/v1/sessions/agent-1/runs/77", nil, 404, "run"),
                ("GET", "/v1/sessions/nobody/budget", nil, 404, "session"),
                ("PUT", "/v1/sessions/agent-1", #"{"budget": -5}"#, 400, "budget"),
                ("PUT", "/v1/sessions/agent-1", #"{"budjet": 5}"#, 400, "budjet"),
                ("PUT", "/v1/sessions/agent-1", #"{"interpolation": "quadratic"}"#, 400, "interpolation")
            ]
            for (method, path, body, status, field) in bad {
                let response = try http.request(method, path, body: body)
                XCTAssertEqual(response.status, status, "\(method) \(path) \(body ?? "")")
                XCTAssertEqual(response.headers["content-type"], "application/json")
                let error = response.json["error"] as? [String: Any]
                XCTAssertNotNil(error?["message"] as? String)
                let named = status == 409 || error?["field"] == nil ? error?["code"] as? String : error?["field"] as? String
                XCTAssertEqual(named, field, "\(method) \(path) \(body ?? "")")
            }
            let large = try http.request("POST", "/v1/sessions/agent-1/runs", bytes: Data(repeating: 32, count: 2 << 20))
            XCTAssertEqual(large.status, 413)
            XCTAssertEqual(try http.request("GET", "/v1/sessions/agent-1/budget").body, budgetBefore)
            XCTAssertEqual(try http.request("GET", "/v1/sessions/agent-1/runs").body, runsBefore)
        }
    }

    func testSubmitPollCollectAndReset() async throws {
        try await withServer(SimulatorConfiguration(millisecondsPerDay: 10)) { port, _ in
            let http = try LoopbackHTTPClient(port: port)
            let ticket = try http.request("POST", "/v1/sessions/s/runs", body: #"{"layers": [1024, 1024], "days": 20}"#)
            XCTAssertEqual(ticket.status, 202)
            XCTAssertEqual(ticket.json["status"] as? String, "training")
            let id = ticket.json["id"] as! Int
            let early = try http.request("GET", "/v1/sessions/s/runs/\(id)/curve")
            XCTAssertEqual(early.status, 409)
            XCTAssertEqual((early.json["error"] as? [String: Any])?["code"] as? String, "not_ready")
            XCTAssertEqual(try http.request("GET", "/v1/sessions/s/budget").json["reserved"] as? Double, 20)
            Thread.sleep(forTimeInterval: 0.25)  // 20 days x 10 ms
            let done = try http.request("GET", "/v1/sessions/s/runs/\(id)").json
            XCTAssertEqual(done["status"] as? String, "succeeded")
            let result = done["result"] as? [String: Any]
            XCTAssertEqual(result?["parameters"] as? Double, 1_585_162)
            XCTAssertEqual(result?["cost"] as? Double, 20)
            XCTAssertEqual(result?["sufficiency"] as? Double, 20.0 / 60)
            let curve = try http.request("GET", "/v1/sessions/s/runs/\(id)/curve").json["curve"] as? [[String: Double]]
            XCTAssertEqual(curve?.count, 21)
            XCTAssertEqual(try http.request("GET", "/v1/sessions/s/budget").json["spent"] as? Double, 20)
            let reset = try http.request("POST", "/v1/sessions/s/reset")
            XCTAssertEqual(reset.json["spent"] as? Double, 0)
            XCTAssertEqual(reset.json["remaining"] as? Double, 1000)
            XCTAssertEqual((try http.request("GET", "/v1/sessions/s/runs").json["runs"] as? [Any])?.count, 0)
        }
    }

    /// Every path and method in openapi.yaml answers, with a status code the file documents.
    func testEndpointsAnswerAsTheOpenAPIFileDocuments() async throws {
        let path = repositoryRoot + "/Sources/SimulatorService/openapi.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let document = try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any])
        let paths = try XCTUnwrap(document["paths"] as? [String: [String: Any]])
        try await withServer { port, _ in
            let http = try LoopbackHTTPClient(port: port)
            XCTAssertEqual(try http.request("POST", "/v1/sessions/doc/runs", body: #"{"layers": [128], "days": 1}"#).status, 202)
            var checked = 0
            // DELETE last: it removes the session the others read.
            for method in ["get", "put", "post", "delete"] {
                for (template, operations) in paths.sorted(by: { $0.key < $1.key }) {
                    let concrete = template.replacingOccurrences(of: "{session}", with: "doc").replacingOccurrences(of: "{run}", with: "1")
                    guard let operation = operations[method] as? [String: Any],
                        let responses = operation["responses"] as? [AnyHashable: Any]
                    else { continue }
                    let documented = Set(responses.keys.map { "\($0)" })
                    let body: String? =
                        method == "post" && template.hasSuffix("/runs") ? #"{"layers": [256], "days": 2}"# : (method == "put" ? "{}" : nil)
                    let response = try http.request(method.uppercased(), concrete, body: body)
                    XCTAssertTrue(
                        documented.contains(String(response.status)),
                        "\(method) \(template): \(response.status) not in \(documented.sorted())")
                    checked += 1
                }
            }
            XCTAssertEqual(checked, 11, "every route in Routes.swift is documented")
        }
    }
}
