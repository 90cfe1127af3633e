// The reference model's schedules read at the values the issue gives (computed from the
// reference's own formulas), and the log-normal parameters from their percentiles.
@testable import Campaign
import XCTest

final class ScheduleTests: XCTestCase {
    let defaults = CampaignConfiguration()

    /// `expected` is given to 3 or 4 significant figures: half a unit in its last place.
    func assertFigure(_ actual: Double, _ expected: Double, _ label: String, line: UInt = #line) {
        XCTAssertEqual(actual, expected, accuracy: abs(expected) * 1e-3, label, line: line)
    }

    func testSpeedupsTasteAndMonitoringAtTheReferenceValues() {
        // EC: (ED, SD, SP, EM, EA, taste), from the issue.
        let table: [(Double, [Double])] = [
            (1e27, [1.05, 1.02, 1.3, 0.98, 1.05, 0.003]),
            (1e29, [2.449, 1.612, 8.660, 0.90, 2.828, 0.0075]),
            (1e31, [7.438, 4.670, 33.89, 0.7823, 5.842, 0.01677]),
            (1e34, [316.2, 50, 1581, 0.575, 40, 0.05]),
            (1e36, [3162, 200, 15811, 0.5, 160, 0.0687])
        ]
        let schedules = [
            defaults.experimentDesignSpeedup, defaults.softwareDesignSpeedup, defaults.softwareProgrammingSpeedup,
            defaults.experimentMonitoringEfficiency, defaults.experimentAnalysisSpeedup, defaults.researchTaste
        ]
        let names = ["ED", "SD", "SP", "EM", "EA", "taste"]
        for (compute, expected) in table {
            for (index, schedule) in schedules.enumerated() {
                assertFigure(schedule.value(at: compute), expected[index], "\(names[index]) at EC \(compute)")
            }
        }
    }

    func testPhysicalComputeByYearIncludingBeyondTheLastPoint() {
        for (year, expected) in [(2024.5, 1.5e26), (2026.5, 5e27), (2030, 7.114e29), (2040, 2.795e33)] {
            assertFigure(defaults.computeSchedule.value(at: year), expected, "compute in \(year)")
        }
    }

    func testSchedulesPassThroughTheirPoints() {
        let schedule = defaults.softwareProgrammingSpeedup
        for (key, value) in zip(schedule.keys, schedule.values) {
            XCTAssertEqual(schedule.value(at: key), value, accuracy: value * 1e-12)
        }
    }

    func testLognormalsFromPercentiles() {
        let runtime = Lognormal(p5: 1, p95: 20), gain = Lognormal(p5: 1e-4, p95: 0.015)
        XCTAssertEqual(runtime.mu, 1.49787, accuracy: 5e-6)
        XCTAssertEqual(runtime.sigma, 0.91064, accuracy: 5e-6)
        XCTAssertEqual(gain.mu, -6.70502, accuracy: 5e-6)
        XCTAssertEqual(gain.sigma, 1.52312, accuracy: 5e-6)
    }

    func testScheduleProblemsAreNamed() {
        XCTAssertNotNil(Schedule([(1, 2)], .logLog).problem())
        XCTAssertNotNil(Schedule([(0, 2), (1, 3)], .logLog).problem(), "log key at 0")
        XCTAssertNotNil(Schedule([(1, -2), (2, 3)], .linearLog).problem(), "log value below 0")
        XCTAssertNil(Schedule([(1, -2), (2, 3)], .logLinear).problem(), "a linear value may be negative")
        XCTAssertNotNil(Schedule([(1, 2), (1, 3)], .logLinear).problem(), "a key twice")
    }
}
