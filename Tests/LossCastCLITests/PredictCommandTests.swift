// `predict` and `rank` read configurations through the one reader: a recipe in sections as
// YAML predicts what the same recipe flat as JSON predicts; typos, wrong types and
// impossible sizes are refused naming the field; --risk-adjusted ranks by the shared rule.
import Foundation
import TestSupport
import XCTest

final class PredictCommandTests: XCTestCase {
    let flat = #"{"params": 4e8, "tokens": 2e10, "lr": 0.002, "batch_size_seqs": 512, "seq_len": 2048, "warmup_steps": 100, "min_lr": 1e-5}"#

    func testAYAMLRecipeInSectionsPredictsWhatTheFlatJSONDoes() throws {
        let folder = NSTemporaryDirectory() + "predict-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let yaml = """
            model:
              n_params: 4.0e+8
            optimizer:
              learning_rate: 0.002
              min_lr: 1.0e-5
            data: {tokens: 2.0e+10, batch_size: 512, sequence_length: 2048}
            schedule: {warmup_steps: 100}
            """
        try yaml.write(toFile: folder + "/recipe.yaml", atomically: true, encoding: .utf8)
        let (fromJSON, status) = try DoctorTests.runLossCast(["predict", "--config", flat, "--steps", "1000:19073:3", "--json"])
        XCTAssertEqual(status, 0, fromJSON)
        let (fromYAML, yamlStatus) = try DoctorTests.runLossCast(["predict", "--config", folder + "/recipe.yaml", "--steps", "1000:19073:3", "--json"])
        XCTAssertEqual(yamlStatus, 0, fromYAML)
        XCTAssertEqual(fromJSON, fromYAML)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(fromJSON.utf8)) as? [[String: Double]])
        XCTAssertEqual(rows.map { $0["step"]! }, [1000, 10037, 19073])
    }

    func testBadConfigurationsAreRefusedNamingTheField() throws {
        let cases: [(String, [String])] = [
            (#"{"params": 4e8, "tokens": 2e10, "lrr": 0.002}"#, ["'lrr'", "'lr'"]),
            (#"{"params": 4e8, "tokens": "2e10"}"#, ["'tokens'", "string"]),
            (#"{"params": 0, "tokens": 2e10}"#, ["'params'", "above 0"]),
            (#"{"params": 4e8, "tokens": 2e10, "lr": 0.002, "lr_schedule": "cosin", "batch_size_tokens": 1e6}"#, ["cosine"]),
            (#"{"lr": 0.002}"#, ["'params'", "d_model"]),
            ("{}", ["'params'"]),
            (#"{"params": 4e8, "tokens": 2e10, "optimizer": 5}"#, ["'optimizer'", "a name"]),
        ]
        for (configuration, words) in cases {
            let (message, status) = try DoctorTests.runLossCast(["predict", "--config", configuration], errors: true)
            XCTAssertNotEqual(status, 0, configuration)
            for word in words { XCTAssertTrue(message.contains(word), "\(configuration): \(message)") }
        }
        let (grid, gridStatus) = try DoctorTests.runLossCast(["rank", "--base", flat, "--grid", "lr=0.001,-0.002"], errors: true)
        XCTAssertNotEqual(gridStatus, 0)
        XCTAssertTrue(grid.contains("--grid lr") && grid.contains("'lr'"), grid)
        // A misspelled axis ranked identical candidates before; now it is refused with the near match.
        let (typo, typoStatus) = try DoctorTests.runLossCast(["rank", "--base", flat, "--grid", "lrr=0.001,0.002"], errors: true)
        XCTAssertNotEqual(typoStatus, 0)
        XCTAssertTrue(typo.contains("'lrr'") && typo.contains("'lr'"), typo)
    }

    /// Far outside the training range (no batch size, a rate of 1e9) the interval widens but
    /// stays a range of losses: above 0 (it was -341 to 347).
    func testAnIntervalFarOutsideTheRangeStaysAboveZero() throws {
        for configuration in [#"{"params": 4e8, "tokens": 2e10, "lr": 1e9}"#, #"{"params": 4e8, "tokens": 2e10}"#] {
            let (text, status) = try DoctorTests.runLossCast(["predict", "--config", configuration, "--json"])
            XCTAssertEqual(status, 0, text)
            let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Double]])
            let row = try XCTUnwrap(rows.first)
            XCTAssertGreaterThan(row["lower90"]!, 0, configuration)
            XCTAssertLessThan(row["lower90"]!, row["loss"]!)
            XCTAssertGreaterThan(row["upper90"]!, row["loss"]!)
        }
    }

    /// Without a batch size a step cannot be placed: the final loss is predicted at the end of
    /// training (D) with no made-up step (it was printed as "step 1"), and asking for steps is
    /// refused naming the batch.
    func testWithoutABatchSizeThereIsNoStep() throws {
        let noBatch = #"{"params": 4e8, "tokens": 2e10, "lr": 0.002}"#
        let (text, status) = try DoctorTests.runLossCast(["predict", "--config", noBatch, "--json"])
        XCTAssertEqual(status, 0, text)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Double]])
        XCTAssertEqual(rows.count, 1)
        XCTAssertNil(rows[0]["step"], text)
        XCTAssertNotNil(rows[0]["loss"])
        let (message, refused) = try DoctorTests.runLossCast(["predict", "--config", noBatch, "--steps", "100:1000:3"], errors: true)
        XCTAssertNotEqual(refused, 0)
        XCTAssertTrue(message.contains("batch_size_tokens") && message.contains("steps"), message)
        // The same run with its batch stated is placed at its last step, D / batch = 2e10 / 1,048,576 = 19,073.49 -> 19,073.
        let withBatch = #"{"params": 4e8, "tokens": 2e10, "lr": 0.002, "batch_size_tokens": 1048576}"#
        let (placed, placedStatus) = try DoctorTests.runLossCast(["predict", "--config", withBatch, "--json"])
        XCTAssertEqual(placedStatus, 0, placed)
        let placedRows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(placed.utf8)) as? [[String: Double]])
        XCTAssertEqual(placedRows.first?["step"], 19073)
    }

    func testRiskAdjustedRankingOrdersByTheUpperBound() throws {
        let (text, status) = try DoctorTests.runLossCast(["rank", "--base", flat, "--grid", "lr=0.0005,0.001,0.002,0.004,0.008", "--risk-adjusted", "--json"])
        XCTAssertEqual(status, 0, text)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.count, 5)
        // Runs unlikely to diverge come first, in order of the interval's upper end.
        let scores = rows.map { row in
            (row["upper90"] as! Double) + ((row["divergence_probability"] as! Double) > 0.5 ? 1e6 : 0)
        }
        XCTAssertEqual(scores, scores.sorted())
    }
}
