// A LossCast-Bench run's own config.json given to `predict --config` and `rank`, as the README
// shows: the fields the bundled checkpoint reads beyond the known table (`model.window_pattern`,
// `eval_metric`, `hardware`) are taken, a typo of one is still refused; and a recipe that
// states no source is predicted as one whose level the checkpoint does not know: named, and
// its interval carrying that doubt. The facts asserted come from the benchmark's files and
// the checkpoint's header, not from the program's output.
import Foundation
import TestSupport
import XCTest

final class BenchmarkRecipeCommandTests: XCTestCase {
    func benchmarkRun(_ split: String, prefix: String) throws -> String {
        let folder = datasetsRoot + "/losscast_bench/" + split
        guard FileManager.default.fileExists(atPath: folder) else { throw XCTSkip("no ../shared/datasets/losscast_bench") }
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: folder).sorted().first { $0.hasPrefix(prefix) })
        return folder + "/" + name
    }

    func object(_ path: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// A copy of a recipe with `change` applied, written to a temporary file.
    func rewritten(_ path: String, _ change: (inout [String: Any]) -> Void) throws -> String {
        var recipe = try object(path)
        change(&recipe)
        let copy = NSTemporaryDirectory() + "recipe-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: recipe).write(to: URL(fileURLWithPath: copy))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: copy) }
        return copy
    }

    func predictedFinal(_ arguments: [String]) throws -> (row: [String: Double], note: String) {
        let result = try LossCastBinary.result(["predict", "--json"] + arguments)
        XCTAssertEqual(result.status, 0, result.errors)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Double]], result.output)
        return (try XCTUnwrap(rows.last), result.errors)
    }

    /// nanochat's recipes state `model.window_pattern` (which layers attend over a short
    /// window), `eval_metric` and `hardware`, fields of no table but read by the checkpoint,
    /// which trained on them: refused as unknown before, they are read now, and the pattern
    /// moves the prediction (so it is read, not dropped). One letter off is still a typo.
    func testARecipeMayStateTheFieldsTheCheckpointReads() throws {
        let config = try benchmarkRun("train", prefix: "nanochat_") + "/config.json"
        let model = try XCTUnwrap(try object(config)["model"] as? [String: Any])
        let pattern = try XCTUnwrap(model["window_pattern"] as? String)
        let other = pattern == "LLLL" ? "SSSS" : "LLLL"
        let stated = try predictedFinal(["--config", config])
        let changed = try predictedFinal([
            "--config", try rewritten(config) { recipe in recipe["model"] = model.merging(["window_pattern": other]) { $1 } }
        ])
        XCTAssertNotEqual(stated.row["loss"], changed.row["loss"], "window_pattern \(pattern) and \(other) predict alike")

        let typo = try rewritten(config) { recipe in
            recipe["model"] = model.filter { $0.key != "window_pattern" }.merging(["window_patern": pattern]) { $1 }
        }
        let refused = try LossCastBinary.result(["predict", "--config", typo])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.errors.contains("'model.window_patern'") && refused.errors.contains("'window_pattern'"), refused.errors)

        // rank's grid takes such a field as an axis: two candidates, one per pattern.
        let ranked = try LossCastBinary.result([
            "rank", "--base", config, "--grid", "window_pattern=\(pattern),\(other)", "--json"
        ])
        XCTAssertEqual(ranked.status, 0, ranked.errors)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(ranked.output.utf8)) as? [[String: Any]])?.count, 2, ranked.output)
    }

    /// A Marin run of NCPL's out-of-distribution split, given as its config.json (no source):
    /// the note names every source the checkpoint trained on (from the checkpoint's header) and
    /// asks for one; the interval carries the level doubt and covers the run's final loss
    /// (from its losses.json), which an interval without it missed by 0.5 in loss. Stated as
    /// Marin's, the same recipe is not new and its interval is narrower.
    func testARecipeWithoutASourceIsPredictedAsOneWhoseLevelIsUnknown() throws {
        let run = try benchmarkRun("val", prefix: "ncpl_marin_")
        let losses = try object(run + "/losses.json")
        let last = try XCTUnwrap(losses.keys.compactMap(Double.init).max())
        let final = try XCTUnwrap((losses[String(format: "%.0f", last)] ?? losses["\(last)"]) as? Double)

        let unstated = try predictedFinal(["--config", run + "/config.json"])
        XCTAssertEqual(unstated.row["new_source"], 1, "\(unstated.row)")
        let lower = try XCTUnwrap(unstated.row["lower90"]), upper = try XCTUnwrap(unstated.row["upper90"])
        XCTAssertTrue(lower <= final && final <= upper, "\(final) outside \(lower) to \(upper)")
        XCTAssertTrue(unstated.note.contains("no source stated") && unstated.note.contains("State \"source\""), unstated.note)
        let checkpoint = repositoryRoot + "/Checkpoints/default.safetensors"
        let header = try FileHandle(forReadingFrom: URL(fileURLWithPath: checkpoint))
        defer { try? header.close() }
        let length = try XCTUnwrap(header.readData(ofLength: 8)).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        let metadata = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: try XCTUnwrap(header.readData(ofLength: Int(length)))) as? [String: Any])?[
                "__metadata__"] as? [String: String])
        let training = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(try XCTUnwrap(metadata["losscast.training"]).utf8)) as? [String: Any])
        let sources = try XCTUnwrap(training["sources"] as? [String])
        XCTAssertTrue(sources.contains("ncpl-marin"), "\(sources)")
        for source in sources { XCTAssertTrue(unstated.note.contains(source), "\(source) not named: \(unstated.note)") }

        let marin = try rewritten(run + "/config.json") { $0["source"] = "ncpl-marin" }
        let stated = try predictedFinal(["--config", marin])
        XCTAssertNil(stated.row["new_source"], "\(stated.row)")
        XCTAssertFalse(stated.note.contains("new to this checkpoint"), stated.note)
        XCTAssertLessThan(try XCTUnwrap(stated.row["upper90"]) - stated.row["lower90"]!, upper - lower)
    }
}
