// Run folders end to end: `ingest` a few of LossCast-Bench's folders, `predict --runs` writes
// a prediction at every step each losses.json lists (counted from the files), and `score`
// reads that file back.
import Foundation
import TestSupport
import XCTest

final class RunFoldersCommandTests: XCTestCase {
    func testIngestPredictAndScoreAFewBenchmarkRuns() throws {
        let val = datasetsRoot + "/losscast_bench/val"
        guard FileManager.default.fileExists(atPath: val) else { throw XCTSkip("no ../shared/datasets/losscast_bench") }
        let folder = NSTemporaryDirectory() + "run-folders-cli-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let all = try FileManager.default.contentsOfDirectory(atPath: val).sorted()
        let chosen = [
            all.first { $0.hasPrefix("ncpl_marin_") }!, all.first { $0.hasPrefix("ncpl_steplaw_") }!,
            all.last { $0.hasPrefix("ncpl_marin_") }!
        ]
        for name in chosen {
            try FileManager.default.createDirectory(atPath: folder + "/runs", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: val + "/" + name, toPath: folder + "/runs/" + name)
        }
        let environment = ["LOSSCAST_STORE": folder + "/store.sqlite"]
        let (ingested, ingestStatus) = try LossCastBinary.run(["ingest", folder + "/runs"], environment: environment)
        XCTAssertEqual(ingestStatus, 0, ingested)
        XCTAssertTrue(ingested.contains("3 runs added"), ingested)
        XCTAssertTrue(ingested.contains("[run-folders -> ncpl-marin]"), ingested)

        // Exported back as run folders: the same losses at the same steps, the same recipe fields.
        let (exported, exportStatus) = try LossCastBinary.run(
            ["runs", "export", "--format", "run-folders", folder + "/exported"], environment: environment)
        XCTAssertEqual(exportStatus, 0, exported)
        for name in chosen {
            func object(_ path: String) throws -> [String: Any] {
                try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            }
            let original = try object(val + "/" + name + "/losses.json"), copy = try object(folder + "/exported/" + name + "/losses.json")
            XCTAssertEqual(copy as NSDictionary, original as NSDictionary, name)
            let recipe = try object(val + "/" + name + "/config.json"), written = try object(folder + "/exported/" + name + "/config.json")
            for (section, key) in [
                ("optimizer", "name"), ("optimizer", "lr"), ("data", "batch_tokens"), ("schedule", "total_steps"), ("model", "d_model")
            ] {
                let want = (recipe[section] as? [String: Any])?[key] as? NSObject,
                    got = (written[section] as? [String: Any])?[key] as? NSObject
                XCTAssertEqual(got, want, "\(name) \(section).\(key)")
            }
        }

        let predictions = folder + "/predictions.json"
        let (predicted, predictStatus) = try LossCastBinary.run(
            ["predict", "--runs", folder + "/runs", "--out", predictions], environment: environment)
        XCTAssertEqual(predictStatus, 0, predicted)
        let object = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: predictions))) as? [String: Any])
        let entries = try XCTUnwrap(object["runs"] as? [[String: Any]])
        XCTAssertEqual(Set(entries.compactMap { $0["run_id"] as? String }), Set(chosen))
        for entry in entries {
            let name = try XCTUnwrap(entry["run_id"] as? String)
            let losses = try XCTUnwrap(
                JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: val + "/" + name + "/losses.json")))
                    as? [String: Any])
            let predictedSteps = try XCTUnwrap(entry["predictions"] as? [String: Double])
            XCTAssertEqual(Set(predictedSteps.keys), Set(losses.keys), name)
            XCTAssertTrue(predictedSteps.values.allSatisfy { $0.isFinite && $0 > 0 }, name)
        }
        let (scored, scoreStatus) = try LossCastBinary.run(
            ["score", "--runs", folder + "/runs", "--predictions", predictions], environment: environment)
        XCTAssertEqual(scoreStatus, 0, scored)
        XCTAssertTrue(scored.contains("3 runs") && scored.contains("ncpl-steplaw"), scored)
    }
}
