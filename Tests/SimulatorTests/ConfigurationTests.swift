// The simulator's whole configuration through the HTTP API: a session PUT with every field
// behaves as configured (checked field by field where the field has an observable effect,
// against formulas written out here), GET .../configuration returns it, the OpenAPI file
// describes exactly these fields, and bad fields are 400s that name them.
import Foundation
import XCTest
import Yams
@testable import Simulator
@testable import SimulatorService
import TestSupport

final class ConfigurationTests: XCTestCase {
    /// The founding document's curve, written out independently of ReferenceCurve.
    func logistic(_ s: Double, start: Double, drop: Double, rate: Double, midpoint: Double) -> Double {
        start - drop / (1 + exp(-rate * (s - midpoint)))
    }

    /// Submits a run with results at once and returns its result object.
    func result(_ http: LoopbackHTTPClient, _ session: String, _ body: String) throws -> [String: Any] {
        let ticket = try http.request("POST", "/v1/sessions/\(session)/runs", body: body)
        XCTAssertEqual(ticket.status, 202, String(decoding: ticket.body, as: UTF8.self))
        let id = try XCTUnwrap(ticket.json["id"] as? Int)
        let status = try http.request("GET", "/v1/sessions/\(session)/runs/\(id)").json
        return try XCTUnwrap(status["result"] as? [String: Any], "\(status)")
    }

    func testWithoutNoiseTheServiceReturnsTheFoundingDocumentsCurves() async throws {
        try await withServer { port, _ in
            let http = try LoopbackHTTPClient(port: port)
            XCTAssertEqual(try http.request("PUT", "/v1/sessions/exact", body: #"{"noise_scale": 0, "budget": null}"#).status, 201)
            let curves: [([Int], Double, Double, Double, Double)] = [
                ([128, 128], 0.62, 0.04, 10, 0.2), ([1024, 1024], 0.65, 0.16, 8, 0.3), ([2048, 2048], 0.68, 0.20, 8, 0.3)
            ]
            for (layers, start, drop, rate, midpoint) in curves {
                for days in [3.0, 12, 30, 45, 60, 90] {
                    let value = try XCTUnwrap(
                        try self.result(http, "exact", #"{"layers": \#(layers), "days": \#(days)}"#)["value"] as? Double)
                    let s: Double = min(1, days / 60)
                    XCTAssertEqual(
                        value, self.logistic(s, start: start, drop: drop, rate: rate, midpoint: midpoint), accuracy: 1e-12,
                        "\(layers) at \(days) days")
                }
            }
        }
    }

    func testASessionWithEveryFieldBehavesAsConfigured() async throws {
        let body = """
            {"input_dimension": 64, "output_dimension": 4, "first_layer": "squared", "maximum_training_days": 20,
             "interpolation": "linear", "grid_sufficiency_points": 11, "gaussian_width": 0.5,
             "base_flops_per_sample": 2e6, "flops_per_parameter": 10, "hardware_flops_per_second": 1e12, "minimum_qps": 7,
             "noise_scale": 0, "noise_training_floor": 0.05, "noise_training_ceiling": 0.5, "noise_parameter_exponent": 0.2,
             "noise_reference_parameters": 1e6, "seed": 42, "budget": 123.5, "failure_probability": 0, "milliseconds_per_day": 0,
             "flops_per_gpu": 3e14, "divergence_threshold": 0.25,
             "reference_curves": [{"name": "tiny", "layers": [16], "start": 0.9, "drop": 0.3, "rate": 6, "midpoint": 0.5},
                                  {"name": "big", "layers": [256, 256], "start": 0.8, "drop": 0.4, "rate": 5, "midpoint": 0.4}]}
            """
        try await withServer { port, _ in
            let http = try LoopbackHTTPClient(port: port)
            XCTAssertEqual(try http.request("PUT", "/v1/sessions/all", body: body).status, 201)
            // GET returns every field as given.
            let given = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? NSDictionary)
            let effective = try XCTUnwrap(
                try JSONSerialization.jsonObject(with: http.request("GET", "/v1/sessions/all/configuration").body) as? NSDictionary)
            XCTAssertEqual(effective, given)

            // Architecture: squared first layer, 4 outputs: 16 x 16 + 16 + 16 x 4 + 4.
            let tiny = try self.result(http, "all", #"{"layers": [16], "days": 10}"#)
            let tinyParameters: Double = 16 * 16 + 16 + 16 * 4 + 4
            XCTAssertEqual(tiny["parameters"] as? Double, tinyParameters)
            // Maximum training days 20 and the custom curve, without noise: s = 10 / 20.
            XCTAssertEqual(
                try XCTUnwrap(tiny["value"] as? Double), self.logistic(0.5, start: 0.9, drop: 0.3, rate: 6, midpoint: 0.5), accuracy: 1e-12)
            let big = try self.result(http, "all", #"{"layers": [256, 256], "days": 30}"#)
            XCTAssertEqual(
                try XCTUnwrap(big["value"] as? Double), self.logistic(1, start: 0.8, drop: 0.4, rate: 5, midpoint: 0.4), accuracy: 1e-12)
            // QPS: 1e12 / (2e6 + 10 P), floored at 7.
            let parameters = try XCTUnwrap(big["parameters"] as? Double)
            let first: Double = 256 * 256 + 256, second: Double = 256 * 256 + 256, output: Double = 256 * 4 + 4
            XCTAssertEqual(parameters, first + second + output)
            XCTAssertEqual(try XCTUnwrap(big["qps"] as? Double), max(7, 1e12 / (2e6 + 10 * parameters)), accuracy: 1e-9)
            // Budget 123.5 GPU-days: 10 + 30 spent.
            let budget = try http.request("GET", "/v1/sessions/all/budget").json
            XCTAssertEqual(budget["total"] as? Double, 123.5)
            XCTAssertEqual(budget["remaining"] as? Double, 83.5)
        }
    }

    func testEachFieldWithAnEffectChangesTheAnswer() async throws {
        try await withServer { port, _ in
            let http = try LoopbackHTTPClient(port: port)
            /// The value of one run in a fresh session configured by `fields`.
            var sessions = 0
            func value(_ fields: String, _ run: String = #"{"layers": [512, 512], "days": 20}"#) throws -> Double {
                sessions += 1
                let session = "s\(sessions)"
                XCTAssertEqual(try http.request("PUT", "/v1/sessions/\(session)", body: fields).status, 201, fields)
                return try XCTUnwrap(try self.result(http, session, run)["value"] as? Double)
            }
            let base = #""seed": 3, "budget": null"#
            let reference = try value("{\(base)}")
            XCTAssertEqual(try value("{\(base)}"), reference, "the same seed replays")
            for change in [
                #""seed": 4"#, #""noise_scale": 0.05"#, #""noise_training_floor": 0.6"#, #""noise_training_ceiling": 0.2"#,
                #""noise_parameter_exponent": 0.5"#, #""noise_reference_parameters": 1e9"#, #""interpolation": "cubic""#,
                #""maximum_training_days": 90"#, #""input_dimension": 4096"#, #""first_layer": "squared""#
            ] {
                XCTAssertNotEqual(try value("{\(base), \(change)}"), reference, change)
            }
            // The gaussian method's width and the grid's rows matter to their methods only.
            let gaussian = try value(#"{"noise_scale": 0, "interpolation": "gaussian"}"#)
            XCTAssertNotEqual(try value(#"{"noise_scale": 0, "interpolation": "gaussian", "gaussian_width": 0.2}"#), gaussian)
            let odd = #"{"layers": [512, 512], "days": 7}"#
            let fine = try value(#"{"noise_scale": 0, "interpolation": "grid-nearest"}"#, odd)
            XCTAssertNotEqual(try value(#"{"noise_scale": 0, "interpolation": "grid-nearest", "grid_sufficiency_points": 3}"#, odd), fine)
            // A failure probability of 1 fails every run; milliseconds per day delay it.
            XCTAssertEqual(try http.request("PUT", "/v1/sessions/crash", body: #"{"failure_probability": 1}"#).status, 201)
            let crash = try http.request("POST", "/v1/sessions/crash/runs", body: #"{"layers": [128], "days": 1}"#)
            XCTAssertEqual(
                try http.request("GET", "/v1/sessions/crash/runs/\(crash.json["id"] as! Int)").json["status"] as? String, "failed")
            XCTAssertEqual(try http.request("PUT", "/v1/sessions/slow", body: #"{"milliseconds_per_day": 1000}"#).status, 201)
            let slow = try http.request("POST", "/v1/sessions/slow/runs", body: #"{"layers": [128], "days": 3}"#)
            XCTAssertEqual(try XCTUnwrap(slow.json["ready_in_seconds"] as? Double), 3, accuracy: 0.05)
        }
    }

    func testDefaultsAreTheFoundingDocumentsAndBadFieldsAreNamed() async throws {
        try await withServer { port, _ in
            let http = try LoopbackHTTPClient(port: port)
            XCTAssertEqual(try http.request("PUT", "/v1/sessions/d", body: "{}").status, 201)
            let defaults = try http.request("GET", "/v1/sessions/d/configuration").json
            let expected: [String: Double] = [
                "input_dimension": 512, "output_dimension": 10, "maximum_training_days": 60, "base_flops_per_sample": 1e8,
                "flops_per_parameter": 100, "hardware_flops_per_second": 5e12, "minimum_qps": 500, "noise_scale": 0.02, "budget": 1000
            ]
            for (field, value) in expected { XCTAssertEqual(defaults[field] as? Double, value, field) }
            XCTAssertEqual((defaults["reference_curves"] as? [Any])?.count, 3)
            XCTAssertEqual(try http.request("GET", "/v1/sessions/nobody/configuration").status, 404)

            let cases: [(String, String)] = [
                (#"{"noise_scal": 0}"#, "noise_scal"), (#"{"noise_scale": "0"}"#, "noise_scale"), (#"{"noise_scale": -1}"#, "noise_scale"),
                (#"{"budget": 9.3e12}"#, "budget"), (#"{"seed": -1}"#, "seed"), (#"{"interpolation": "spline"}"#, "interpolation"),
                (#"{"minimum_qps": true}"#, "minimum_qps"), (#"{"reference_curves": []}"#, "reference_curves"),
                (
                    #"{"reference_curves": [{"name": "a", "layers": [8], "start": 1, "drop": 0.1, "rate": 1}, {"name": "b", "layers": [9], "start": 1, "drop": 0.1, "rate": 1, "midpoint": 0}]}"#,
                    "reference_curves[0].midpoint"
                ),
                (
                    #"{"reference_curves": [{"name": "a", "layers": [0], "start": 1, "drop": 0.1, "rate": 1, "midpoint": 0}, {"name": "b", "layers": [9], "start": 1, "drop": 0.1, "rate": 1, "midpoint": 0}]}"#,
                    "reference_curves[0].layers"
                )
            ]
            for (body, field) in cases {
                let response = try http.request("PUT", "/v1/sessions/bad", body: body)
                XCTAssertEqual(response.status, 400, body)
                XCTAssertEqual((response.json["error"] as? [String: Any])?["field"] as? String, field, body)
            }
            let typo = try http.request("PUT", "/v1/sessions/bad", body: #"{"noise_scal": 0}"#)
            XCTAssertTrue(((typo.json["error"] as? [String: Any])?["message"] as? String ?? "").contains("did you mean 'noise_scale'"))
            XCTAssertEqual(try http.request("GET", "/v1/sessions/bad").status, 404, "a refused PUT makes no session")
        }
    }

    func testTheOpenAPIFileDescribesExactlyTheseFields() throws {
        let text = try String(contentsOfFile: repositoryRoot + "/Sources/SimulatorService/openapi.yaml", encoding: .utf8)
        let document = try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any])
        let schemas = try XCTUnwrap((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let properties = try XCTUnwrap((schemas["SimulatorConfiguration"] as? [String: Any])?["properties"] as? [String: Any])
        XCTAssertEqual(Set(properties.keys), Set(SimulatorConfiguration.fieldNames))
        let required = try XCTUnwrap((schemas["EffectiveConfiguration"] as? [String: Any])?["required"] as? [String])
        XCTAssertEqual(Set(required), Set(SimulatorConfiguration().jsonObject.keys))
        XCTAssertEqual(Set(required), Set(SimulatorConfiguration.fieldNames))
    }

    func testAFileOverTheDefaults() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "noise_scale: 0\nmaximum_training_days: 30\nbudget: null\n".write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try SimulatorConfiguration.load(path: path)
        XCTAssertEqual(configuration.noiseScale, 0)
        XCTAssertEqual(configuration.maximumTrainingDays, 30)
        XCTAssertNil(configuration.budget)
        XCTAssertEqual(configuration.inputDimension, 512)
        try "noise_scale: '0'\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SimulatorConfiguration.load(path: path)) { error in
            guard case .invalidField(let field, _, _) = error as? SimulatorError else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "noise_scale")
        }
    }
}
