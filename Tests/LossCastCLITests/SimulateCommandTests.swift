// `losscast simulate` from the shell, against the seed's formulas worked by hand.
import Foundation
import TestSupport
import XCTest

final class SimulateCommandTests: XCTestCase {
    func testOneRunAsJSON() throws {
        let (output, status) = try LossCastBinary.run(["simulate", "--layers", "1024,1024", "--days", "30", "--gpus", "4", "--json"])
        XCTAssertEqual(status, 0)
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        XCTAssertEqual(result["parameters"] as? Double, 1_585_162)  // 525312 + 1049600 + 10250
        XCTAssertEqual(result["cost"] as? Double, 120)  // 4 GPUs x 30 days
        XCTAssertEqual(result["budget_remaining"] as? Double, 880)
        XCTAssertEqual(result["sufficiency"] as? Double, 0.5)
        XCTAssertEqual(try XCTUnwrap(result["qps"] as? Double), 19_341.1477, accuracy: 1e-3)  // 5e12 / 258,516,200
        // NE 0.5169 at s = 0.5 plus noise of deviation 0.02 x 0.35 = 0.007.
        XCTAssertEqual(try XCTUnwrap(result["value"] as? Double), 0.5168770584, accuracy: 5 * 0.007)
        XCTAssertEqual((result["curve"] as? [Any])?.count, 31)
    }

    func testBadInputIsNamed() throws {
        let (_, status) = try LossCastBinary.run(["simulate", "--layers", "1024,x", "--days", "3"])
        XCTAssertNotEqual(status, 0)
        let (_, over) = try LossCastBinary.run(["simulate", "--layers", "1024", "--days", "30", "--gpus", "100", "--budget", "10"])
        XCTAssertNotEqual(over, 0)
        // A port that does not fit 16 bits is refused before anything listens (99999 listened on 34463).
        for port in ["99999", "-1"] {
            let (message, status) = try LossCastBinary.run(["serve", "--port=\(port)"], errors: true)
            XCTAssertNotEqual(status, 0)
            XCTAssertTrue(message.contains("--port") && message.contains("65535"), message)
        }
    }

    func testConfigurationFromAFileAndOptions() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sim-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "noise_scale: 0\nmaximum_training_days: 30\n".write(toFile: path, atomically: true, encoding: .utf8)
        // The file, then an option over it.
        let (printed, status) = try LossCastBinary.run(["simulate", "--simulator-config", path, "--budget", "none", "--print-config"])
        XCTAssertEqual(status, 0, printed)
        let configuration = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any])
        XCTAssertEqual(configuration["noise_scale"] as? Double, 0)
        XCTAssertEqual(configuration["maximum_training_days"] as? Double, 30)
        XCTAssertTrue(configuration["budget"] is NSNull)
        XCTAssertEqual(configuration["input_dimension"] as? Double, 512)
        // Without noise, 15 of 30 days: the medium curve at s = 0.5, 0.65 - 0.16 / (1 + e^-1.6).
        let (output, ran) = try LossCastBinary.run([
            "simulate", "--simulator-config", path, "--layers", "1024,1024", "--days", "15", "--json"
        ])
        XCTAssertEqual(ran, 0, output)
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(result["value"] as? Double), 0.65 - 0.16 / (1 + exp(-1.6)), accuracy: 1e-12)
        try "noise_scal: 0\n".write(toFile: path, atomically: true, encoding: .utf8)
        let (message, refused) = try LossCastBinary.run(["simulate", "--simulator-config", path, "--print-config"], errors: true)
        XCTAssertNotEqual(refused, 0)
        XCTAssertTrue(message.contains("noise_scal") && message.contains("did you mean 'noise_scale'"), message)
    }
}
