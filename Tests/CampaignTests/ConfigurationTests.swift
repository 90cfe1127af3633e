// Reading, checking and printing a campaign configuration.
@testable import Campaign
import Runs
import XCTest

final class ConfigurationTests: XCTestCase {
    func error(_ text: String) -> String {
        do {
            _ = try CampaignConfiguration.parse(text, origin: "c.yaml")
            return "no error"
        } catch let error as CampaignConfigurationError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    func testAFileChangesOnlyWhatItNames() throws {
        let yaml = """
            teams: 4
            experiment_design_weeks: {sigma: 0.5}
            research_taste: [[1e26, 0.01], [1e40, 0.2]]
            taste_rule: weighted
            """
        let configuration = try CampaignConfiguration.parse(yaml, origin: "c.yaml")
        var expected = CampaignConfiguration()
        expected.teams = 4
        expected.experimentDesignWeeks = Lognormal(mu: 0.2, sigma: 0.5)
        expected.researchTaste = Schedule([(1e26, 0.01), (1e40, 0.2)], .logLinear)
        expected.tasteRule = .weighted
        XCTAssertEqual(configuration, expected)
        let json = try CampaignConfiguration.parse(#"{"compute_schedule": {"2024": 1e26, "2030": 1e30}}"#, origin: "c.json")
        XCTAssertEqual(json.computeSchedule.value(at: 2027), 1e28, accuracy: 1e16)
    }

    func testPrintedConfigurationReadsBackAsTheDefaults() throws {
        let defaults = CampaignConfiguration()
        XCTAssertEqual(try CampaignConfiguration.parse(defaults.yaml(), origin: "printed.yaml"), defaults)
        XCTAssertEqual(try CampaignConfiguration.parse(defaults.json(), origin: "printed.json"), defaults)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(defaults.json().utf8)) as? [String: Any])
        XCTAssertEqual(defaults.yaml().split(separator: "\n").filter { !$0.hasPrefix("#") }.count, CampaignConfiguration.fields.count)
    }

    func testBadInputIsRefusedByField() {
        XCTAssertTrue(error("team: 4").contains("unknown field 'team' (did you mean 'teams'?)"), error("team: 4"))
        XCTAssertTrue(error(#"{"teams": "10"}"#).contains("field 'teams': expected a number, got the string \"10\""))
        XCTAssertTrue(error("teams: 2.5").contains("field 'teams': expected a whole number"))
        XCTAssertTrue(error("teams: 0").contains("field 'teams': must be 1 to 10,000"))
        XCTAssertTrue(error("taste_rule: best").contains("field 'taste_rule': expected one of top-k, weighted"))
        XCTAssertTrue(error("efficiency_gain_p95: 1e-5").contains("field 'efficiency_gain_p95': must be above efficiency_gain_p5"))
        XCTAssertTrue(error("research_taste: [[1e26, 0.01]]").contains("field 'research_taste': needs at least two points"))
        XCTAssertTrue(error("software_design_speedup: [[1e26, 0], [1e30, 2]]").contains("must be positive"))
        XCTAssertTrue(error("experiment_design_weeks: {mean: 1}").contains("unknown key 'mean'"))
        XCTAssertTrue(error("stop_year: 2000").contains("field 'stop_year': must be after initial_year"))
        XCTAssertTrue(error("[1, 2]").contains("expected an object of fields"))
        XCTAssertTrue(error("teams: [").contains("not YAML or JSON"))
    }

    func testAliasBombIsRefusedBeforeItExpands() {
        // Nine levels of ten aliases each: 10^9 values if expanded.
        var lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            lines.append("a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]")
        }
        let message = error(lines.joined(separator: "\n"))
        XCTAssertTrue(message.contains("expands to more than 100000 values"), message)
    }

    func testNearMatch() {
        XCTAssertEqual(NearMatch.nearest(to: "lrr", in: ["lr", "tokens", "params"]), "lr")
        XCTAssertEqual(NearMatch.nearest(to: "paramz", in: ["lr", "tokens", "params"]), "params")
        XCTAssertEqual(NearMatch.nearest(to: "taems", in: ["teams", "experiments"]), "teams", "one transposition")
        XCTAssertNil(NearMatch.nearest(to: "tesm", in: ["teams"]), "two edits in five letters is not a typo")
        XCTAssertNil(NearMatch.nearest(to: "batch", in: ["lr", "tokens"]))
    }
}
