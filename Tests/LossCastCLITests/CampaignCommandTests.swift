// `losscast campaign` end to end: the JSON summary's shape, the printed configuration read
// back, the output folder, and a bad configuration refused by field.
import Foundation
import TestSupport
import XCTest

final class CampaignCommandTests: XCTestCase {
    func testJSONSummaryHasBothRunsMilestonesAndDoublingTimes() throws {
        let (output, status) = try LossCastBinary.run(["campaign", "--sims", "4", "--seed", "3", "--json"])
        XCTAssertEqual(status, 0, output)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        XCTAssertEqual(summary["simulations"] as? Int, 4)
        for run in ["no_automation", "automation"] {
            let body = try XCTUnwrap(summary[run] as? [String: Any], run)
            let milestones = try XCTUnwrap(body["milestones"] as? [String: Any])
            for key in ["1e1", "1e3", "1e6", "1e9", "1e12"] {
                let band = try XCTUnwrap(milestones[key] as? [String: Any], "\(run) \(key)")
                XCTAssertEqual(band["count"] as? Int, 4)
            }
            let doubling = try XCTUnwrap(body["doubling_times"] as? [String: Any])
            let first = try XCTUnwrap(doubling["2024-2025"] as? [String: Any])
            for key in ["median", "p10", "p90"] { XCTAssertNotNil(first[key] as? Double, "\(run) 2024-2025 \(key)") }
        }
        // With automation, AE 1e1 comes no later than without it, seed by seed, so in the median.
        let reached = { (run: String) in
            (((summary[run] as? [String: Any])?["milestones"] as? [String: Any])?["1e1"] as? [String: Any])?["median"] as? Double
        }
        XCTAssertLessThanOrEqual(try XCTUnwrap(reached("automation")), try XCTUnwrap(reached("no_automation")))
    }

    func testPrintedConfigurationRunsAndABadOneIsRefusedByField() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("campaign-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (yaml, printed) = try LossCastBinary.run(["campaign", "--print-config"])
        XCTAssertEqual(printed, 0)
        XCTAssertTrue(yaml.contains("compute_schedule: [[2024, 9e+25]"), String(yaml.prefix(400)))
        let edited = yaml.replacingOccurrences(of: "\nexperiments: 10000", with: "\nexperiments: 2000")
        try edited.write(toFile: folder + "/campaign.yaml", atomically: true, encoding: .utf8)
        let (text, status) = try LossCastBinary.run(
            [
                "campaign", "--config", folder + "/campaign.yaml", "--sims", "2",
                "--out", folder + "/out"
            ], errors: true)
        XCTAssertEqual(status, 0, text)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/out/simulations").sorted()
        XCTAssertEqual(files, ["automation-0000.csv", "automation-0001.csv", "no_automation-0000.csv", "no_automation-0001.csv"])
        for figure in ["algorithmic_efficiency.svg", "compute.svg", "speedups.svg", "doubling_time.svg"] {
            let svg = try String(contentsOfFile: folder + "/out/" + figure, encoding: .utf8)
            XCTAssertTrue(svg.hasPrefix("<svg") && svg.contains("<polyline"), figure)
        }
        // 2,000 experiments: no simulation can finish more.
        let csv = try String(contentsOfFile: folder + "/out/simulations/no_automation-0000.csv", encoding: .utf8)
        let header = csv.split(separator: "\n")[0].split(separator: ",").map(String.init)
        let finished = try XCTUnwrap(header.firstIndex(of: "finished_experiments"))
        let last = try XCTUnwrap(Double(csv.split(separator: "\n").last!.split(separator: ",")[finished]))
        XCTAssertLessThanOrEqual(last, 2_000)

        try "teams: 10\nexperiment: 5\n".write(toFile: folder + "/bad.yaml", atomically: true, encoding: .utf8)
        let (message, refused) = try LossCastBinary.run(["campaign", "--config", folder + "/bad.yaml"], errors: true)
        XCTAssertNotEqual(refused, 0)
        XCTAssertTrue(message.contains("unknown field 'experiment' (did you mean 'experiments'?)"), message)
    }

    /// `--taste-from`: the default checkpoint ranks StepLaw's 537M and 1.07B grids (it trained on
    /// them, so this measures the mechanism, not held-out taste), and the study runs on it.
    func testTasteFromACheckpointMeasuresItsSpearmanAndRunsTheStudy() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("taste-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = folder + "/store.sqlite"
        let (ingested, status) = try LossCastBinary.run(
            ["ingest", datasetsRoot + "/steplaw/dense_lr_bs_loss.csv", "--store", store], errors: true)
        XCTAssertEqual(status, 0, ingested)
        let (output, ran) = try LossCastBinary.run([
            "campaign", "--sims", "3", "--json", "--store", store,
            "--taste-from", repositoryRoot + "/Checkpoints/default.safetensors",
            "--taste-min-params", "5e8"
        ])
        XCTAssertEqual(ran, 0, output)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let taste = try XCTUnwrap(summary["taste"] as? [String: Any])
        let spearman = try XCTUnwrap(taste["predictor_spearman"] as? Double)
        XCTAssertGreaterThan(spearman, 0.5)
        XCTAssertLessThanOrEqual(spearman, 1)
        let variants = try XCTUnwrap(taste["variants"] as? [[String: Any]])
        XCTAssertEqual(variants.map { $0["name"] as? String }, ["uninformed", "predictor", "oracle"])
        // The predictor's noise leaves, on the pool, the Spearman correlation it was measured at.
        XCTAssertEqual(try XCTUnwrap(variants[1]["spearman"] as? Double), spearman, accuracy: 1e-9)
        let (message, refused) = try LossCastBinary.run(
            [
                "campaign", "--store", store, "--taste-from",
                repositoryRoot + "/Checkpoints/default.safetensors", "--taste-source", "nothing"
            ],
            errors: true)
        XCTAssertNotEqual(refused, 0)
        XCTAssertTrue(message.contains("no runs with a final loss in nothing"), message)
    }
}
