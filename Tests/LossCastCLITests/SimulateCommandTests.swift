// `losscast simulate` from the shell, against the seed's formulas worked by hand.
import Foundation
import XCTest

final class SimulateCommandTests: XCTestCase {
    func testOneRunAsJSON() throws {
        let (output, status) = try DoctorTests.runLossCast(["simulate", "--layers", "1024,1024", "--days", "30", "--gpus", "4", "--json"])
        XCTAssertEqual(status, 0)
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        XCTAssertEqual(result["parameters"] as? Double, 1_585_162)           // 525312 + 1049600 + 10250
        XCTAssertEqual(result["cost"] as? Double, 120)                       // 4 GPUs x 30 days
        XCTAssertEqual(result["budget_remaining"] as? Double, 880)
        XCTAssertEqual(result["sufficiency"] as? Double, 0.5)
        XCTAssertEqual(try XCTUnwrap(result["qps"] as? Double), 19_341.1477, accuracy: 1e-3)   // 5e12 / 258,516,200
        // NE 0.5169 at s = 0.5 plus noise of deviation 0.02 x 0.35 = 0.007.
        XCTAssertEqual(try XCTUnwrap(result["value"] as? Double), 0.5168770584, accuracy: 5 * 0.007)
        XCTAssertEqual((result["curve"] as? [Any])?.count, 31)
    }

    func testBadInputIsNamed() throws {
        let (_, status) = try DoctorTests.runLossCast(["simulate", "--layers", "1024,x", "--days", "3"])
        XCTAssertNotEqual(status, 0)
        let (_, over) = try DoctorTests.runLossCast(["simulate", "--layers", "1024", "--days", "30", "--gpus", "100", "--budget", "10"])
        XCTAssertNotEqual(over, 0)
    }
}
