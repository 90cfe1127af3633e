// The service's limits over real loopback TCP: sessions deleted and expired, a full service
// answering 503 with Retry-After (and serving again once a place frees), run lists in pages,
// silent connections closed and slow bodies refused while /v1/health keeps answering.
import Foundation
import XCTest
@testable import Simulator
@testable import SimulatorService

final class ServiceLimitsTests: XCTestCase {
    func testDeleteExpiryAndAFullServiceAnswering503() async throws {
        var limits = ServiceLimits()
        limits.sessions = 3
        limits.sessionIdleSeconds = 60
        let clock = ManualClock()
        let registry = try SessionRegistry(defaults: SimulatorConfiguration(), limits: limits, clock: { clock.now })
        try await withServer(registry: registry) { port, registry in
            let http = try LoopbackHTTPClient(port: port)
            for (id, wait) in [("a", 10.0), ("b", 10), ("c", 30)] {
                XCTAssertEqual(try http.request("PUT", "/v1/sessions/\(id)", body: "{}").status, 201)
                clock.advance(wait)  // a made at t, b at t + 10, c at t + 20; now t + 50
            }
            // Full: a fourth session (by PUT or by a first run) is 503, with the seconds until
            // the stalest expires. Using a restarts its idle clock, so the stalest is b.
            XCTAssertEqual(try http.request("GET", "/v1/sessions/a").status, 200)
            let full = try http.request("PUT", "/v1/sessions/d", body: "{}")
            XCTAssertEqual(full.status, 503)
            XCTAssertEqual(full.headers["retry-after"], "20", "b was last used at t + 10 and expires at t + 70")
            XCTAssertEqual((full.json["error"] as? [String: Any])?["code"] as? String, "service_full")
            XCTAssertEqual(try http.request("POST", "/v1/sessions/d/runs", body: #"{"layers": [128], "days": 1}"#).status, 503)
            XCTAssertEqual(registry.count, 3, "a refused session is not half made")
            // DELETE frees a place at once.
            let deleted = try http.request("DELETE", "/v1/sessions/c")
            XCTAssertEqual(deleted.status, 200)
            XCTAssertEqual(deleted.json["deleted"] as? Bool, true)
            XCTAssertEqual(try http.request("GET", "/v1/sessions/c").status, 404)
            XCTAssertEqual(try http.request("PUT", "/v1/sessions/d", body: "{}").status, 201)
            // Expiry: 60 s unused and b is gone (a and d were used at t + 50).
            clock.advance(25)
            XCTAssertEqual(try http.request("GET", "/v1/sessions/b").status, 404, "b unused since t + 10")
            XCTAssertEqual(try http.request("PUT", "/v1/sessions/e", body: "{}").status, 201)
            XCTAssertEqual(Set(["a", "d", "e"].map { (try? http.request("GET", "/v1/sessions/\($0)").status) ?? 0 }), [200])
            XCTAssertEqual(try http.request("GET", "/v1/health").status, 200)
        }
    }

    func testRunListsComeInPagesThatCoverEveryRunOnce() async throws {
        try await withServer(SimulatorConfiguration(millisecondsPerDay: 0)) { port, _ in
            let http = try LoopbackHTTPClient(port: port)
            XCTAssertEqual(try http.request("PUT", "/v1/sessions/p", body: #"{"budget": null, "milliseconds_per_day": 0}"#).status, 201)
            for index in 0..<25 {
                XCTAssertEqual(
                    try http.request("POST", "/v1/sessions/p/runs", body: #"{"layers": [\#(64 + index)], "days": 1}"#).status, 202)
            }
            var seen: [Int] = [], after = 0, pages = 0
            while true {
                let page = try http.request("GET", "/v1/sessions/p/runs?limit=10&after=\(after)").json
                let ids = (page["runs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                seen += ids
                pages += 1
                guard let next = page["next_after"] as? Int else { break }
                XCTAssertEqual(next, ids.last)
                after = next
            }
            XCTAssertEqual(seen, Array(1...25), "every run once, in id order")
            XCTAssertEqual(pages, 3)
            let whole = try http.request("GET", "/v1/sessions/p/runs").json
            XCTAssertEqual((whole["runs"] as? [Any])?.count, 25, "the default page (1,000) holds them all")
            XCTAssertTrue(whole["next_after"] is NSNull)
        }
    }

    func testSilentConnectionsAreClosedAndSlowBodiesRefused() async throws {
        var limits = ServiceLimits()
        limits.idleConnectionSeconds = 0.5
        limits.bodySeconds = 0.4
        let registry = try SessionRegistry(defaults: SimulatorConfiguration(), limits: limits)
        try await withServer(registry: registry) { port, _ in
            // A connection that never sends a byte, and one that stops halfway through its header.
            let silent = try LoopbackHTTPClient(port: port)
            let halfHeader = try LoopbackHTTPClient(port: port)
            try halfHeader.send(raw: Data("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".utf8))
            XCTAssertTrue(silent.isClosedByServer(within: 5), "closed after 0.5 s of silence")
            XCTAssertTrue(halfHeader.isClosedByServer(within: 5), "a header that stalls is closed too")
            // A body that promises 100 bytes and sends 10, then keeps sending a byte at a time
            // (each within the idle timeout): 408 once the body deadline passes.
            let slow = try LoopbackHTTPClient(port: port)
            try slow.send(raw: Data("POST /v1/sessions/s/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"layers\":".utf8))
            for _ in 0..<3 {
                Thread.sleep(forTimeInterval: 0.2)
                try? slow.send(raw: Data(" ".utf8))
            }
            let response = try slow.readResponse()
            XCTAssertEqual(response.status, 408)
            XCTAssertEqual((response.json["error"] as? [String: Any])?["code"] as? String, "body_timeout")
            XCTAssertEqual(try LoopbackHTTPClient(port: port).request("GET", "/v1/health").status, 200)
            XCTAssertNil(try registry.existing("s"), "the refused request made no session")
        }
    }
}
