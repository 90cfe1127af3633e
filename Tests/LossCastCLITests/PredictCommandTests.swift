// `predict` and `rank` read configurations through the one reader: a recipe in sections as
// YAML predicts what the same recipe flat as JSON predicts; typos, wrong types and
// impossible sizes are refused naming the field; --risk-adjusted ranks by the shared rule.
import Foundation
import TestSupport
import XCTest

final class PredictCommandTests: XCTestCase {
    let flat =
        #"{"params": 4e8, "tokens": 2e10, "lr": 0.002, "batch_size_seqs": 512, "seq_len": 2048, "warmup_steps": 100, "min_lr": 1e-5}"#

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
        let (fromJSON, status) = try LossCastBinary.run(["predict", "--config", flat, "--steps", "1000:19073:3", "--json"])
        XCTAssertEqual(status, 0, fromJSON)
        let (fromYAML, yamlStatus) = try LossCastBinary.run([
            "predict", "--config", folder + "/recipe.yaml", "--steps", "1000:19073:3", "--json"
        ])
        XCTAssertEqual(yamlStatus, 0, fromYAML)
        XCTAssertEqual(fromJSON, fromYAML)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(fromJSON.utf8)) as? [[String: Double]])
        XCTAssertEqual(rows.map { $0["step"]! }, [1000, 10037, 19073])
    }

    /// A default stated and left out predict alike: a warmup without a schedule name is a
    /// cosine (the rates and the network's schedule input both), and a null is a field not
    /// given. The name matters (constant predicts otherwise), so the equality is not vacuous.
    func testStatingADefaultPredictsWhatLeavingItOutDoes() throws {
        let base = #"{"params": 1.07e9, "tokens": 2e10, "lr": 0.002, "batch_size": 512, "seq_len": 2048, "warmup_steps": 1000"#
        func predict(_ extra: String) throws -> String {
            let (text, status) = try LossCastBinary.run(["predict", "--config", base + extra + "}", "--steps", "1000:19073:4", "--json"])
            XCTAssertEqual(status, 0, text)
            return text
        }
        let omitted = try predict("")
        XCTAssertEqual(try predict(#", "lr_schedule": "cosine""#), omitted)
        XCTAssertEqual(try predict(#", "lr_schedule": null"#), omitted)
        XCTAssertEqual(try predict(#", "lr_schedule": null, "weight_decay": null"#), omitted)
        XCTAssertNotEqual(try predict(#", "lr_schedule": "constant""#), omitted)
    }

    func testBadConfigurationsAreRefusedNamingTheField() throws {
        let cases: [(String, [String])] = [
            (#"{"params": 4e8, "tokens": 2e10, "lrr": 0.002}"#, ["'lrr'", "'lr'"]),
            (#"{"params": 4e8, "tokens": "2e10"}"#, ["'tokens'", "string"]),
            (#"{"params": 0, "tokens": 2e10}"#, ["'params'", "above 0"]),
            (#"{"params": 4e8, "tokens": 2e10, "lr": 0.002, "lr_schedule": "cosin", "batch_size_tokens": 1e6}"#, ["cosine"]),
            (#"{"lr": 0.002}"#, ["'params'", "d_model"]),
            ("{}", ["'params'"]),
            (#"{"params": 4e8, "tokens": 2e10, "optimizer": 5}"#, ["'optimizer'", "a name"])
        ]
        for (configuration, words) in cases {
            let (message, status) = try LossCastBinary.run(["predict", "--config", configuration], errors: true)
            XCTAssertNotEqual(status, 0, configuration)
            for word in words { XCTAssertTrue(message.contains(word), "\(configuration): \(message)") }
        }
        let (grid, gridStatus) = try LossCastBinary.run(["rank", "--base", flat, "--grid", "lr=0.001,-0.002"], errors: true)
        XCTAssertNotEqual(gridStatus, 0)
        XCTAssertTrue(grid.contains("--grid lr") && grid.contains("'lr'"), grid)
        // A misspelled axis ranked identical candidates before; now it is refused with the near match.
        let (typo, typoStatus) = try LossCastBinary.run(["rank", "--base", flat, "--grid", "lrr=0.001,0.002"], errors: true)
        XCTAssertNotEqual(typoStatus, 0)
        XCTAssertTrue(typo.contains("'lrr'") && typo.contains("'lr'"), typo)
    }

    /// Far outside the training range (no batch size, a rate of 1e9) the interval widens but
    /// stays a range of losses: above 0 (it was -341 to 347).
    func testAnIntervalFarOutsideTheRangeStaysAboveZero() throws {
        for configuration in [#"{"params": 4e8, "tokens": 2e10, "lr": 1e9}"#, #"{"params": 4e8, "tokens": 2e10}"#] {
            let (text, status) = try LossCastBinary.run(["predict", "--config", configuration, "--json"])
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
        let (text, status) = try LossCastBinary.run(["predict", "--config", noBatch, "--json"])
        XCTAssertEqual(status, 0, text)
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Double]])
        XCTAssertEqual(rows.count, 1)
        XCTAssertNil(rows[0]["step"], text)
        XCTAssertNotNil(rows[0]["loss"])
        let (message, refused) = try LossCastBinary.run(["predict", "--config", noBatch, "--steps", "100:1000:3"], errors: true)
        XCTAssertNotEqual(refused, 0)
        XCTAssertTrue(message.contains("batch_size_tokens") && message.contains("steps"), message)
        // The same run with its batch stated is placed at its last step, D / batch = 2e10 / 1,048,576 = 19,073.49 -> 19,073.
        let withBatch = #"{"params": 4e8, "tokens": 2e10, "lr": 0.002, "batch_size_tokens": 1048576}"#
        let (placed, placedStatus) = try LossCastBinary.run(["predict", "--config", withBatch, "--json"])
        XCTAssertEqual(placedStatus, 0, placed)
        let placedRows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(placed.utf8)) as? [[String: Double]])
        XCTAssertEqual(placedRows.first?["step"], 19073)
    }

    func testRiskAdjustedRankingOrdersByTheUpperBound() throws {
        let (text, status) = try LossCastBinary.run([
            "rank", "--base", flat, "--grid", "lr=0.0005,0.001,0.002,0.004,0.008", "--risk-adjusted", "--json"
        ])
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

/// `predict --run ID`: a stored run predicted from its own configuration and log with the
/// default checkpoint, beside the losses it logged.
final class StoredRunPredictionTests: XCTestCase {
    func testAStoredRunPredictsFromItsOwnLog() throws {
        let folder = NSTemporaryDirectory() + "stored-run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        // A run of 400M parameters whose recipe states its schedule and whose log has no rates:
        // five logged points. A second run logs its rates (cosine, peak 0.002).
        let losses = [4.1, 3.42, 3.18, 3.05, 2.99], steps = [2000.0, 6000, 10000, 14000, 19073]
        let stated = zip(steps, losses).map { "stated-cosine,\(Int($0)),\($1)," }
        let logged = zip(steps, losses).map { "logged-rates,\(Int($0)),\($1 + 0.01),\(0.001 * (1 + cos(Double.pi * $0 / 19073)))" }
        try (["run,step,loss,lr_logged"] + stated + logged).joined(separator: "\n").write(
            toFile: folder + "/runs.csv", atomically: true, encoding: .utf8)
        try """
        run: run
        step: step
        lr: lr_logged
        losses: [loss]
        constants: {params: 4.0e+8, tokens: 2.0e+10, lr: 0.002, batch_size_tokens: 1048576, warmup_steps: 100, lr_schedule: cosine, total_steps: 19073}
        """.write(toFile: folder + "/map.yaml", atomically: true, encoding: .utf8)
        let environment = ["LOSSCAST_STORE": folder + "/store.sqlite"]
        let (ingested, status) = try LossCastBinary.run(
            ["ingest", folder + "/runs.csv", "--mapping", folder + "/map.yaml"], environment: environment)
        XCTAssertEqual(status, 0, ingested)

        // Every logged point, each beside the loss the file holds.
        let (output, predicted) = try LossCastBinary.run(["predict", "--run", "stated-cosine", "--json"], environment: environment)
        XCTAssertEqual(predicted, 0, output)
        let points = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Double]])
        XCTAssertEqual(points.map { $0["step"]! }, [2000, 6000, 10000, 14000, 19073])
        XCTAssertEqual(points.map { $0["actual"]! }, losses)
        XCTAssertTrue(points.allSatisfy { $0["lower90"]! <= $0["loss"]! && $0["loss"]! <= $0["upper90"]! })

        // The same recipe typed as a configuration predicts what the stored run does: the
        // stored configuration is used as stored, and its schedule is the closed form it states.
        // Equal to Float32 rounding: the networks run in Float32 and the two calls batch 5 and
        // 2 rows, which may sum in another order (a few ulps, 1e-7 of the loss); any real
        // difference (another schedule or total) moves it by 1e-3 or more.
        let recipe =
            #"{"params": 4e8, "tokens": 2e10, "lr": 0.002, "batch_size_tokens": 1048576, "warmup_steps": 100, "lr_schedule": "cosine", "total_steps": 19073, "source": "user-csv"}"#
        let (typed, typedStatus) = try LossCastBinary.run(
            ["predict", "--config", recipe, "--steps", "2000:19073:2", "--json"], environment: environment)
        XCTAssertEqual(typedStatus, 0, typed)
        let typedRows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(typed.utf8)) as? [[String: Double]])
        XCTAssertEqual(typedRows[0]["loss"]!, points[0]["loss"]!, accuracy: 1e-5)
        XCTAssertEqual(typedRows[1]["loss"]!, points[4]["loss"]!, accuracy: 1e-5)

        // --steps between logged points: the logged rates are read off the log, the logged
        // points that coincide keep their losses, and the rest have none.
        let (between, betweenStatus) = try LossCastBinary.run(
            ["predict", "--run", "logged-rates", "--steps", "4000:10000:3", "--json"], environment: environment)
        XCTAssertEqual(betweenStatus, 0, between)
        let middle = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(between.utf8)) as? [[String: Double]])
        XCTAssertEqual(middle.map { $0["step"]! }, [4000, 7000, 10000])
        XCTAssertEqual(middle.map { $0["actual"] }, [nil, nil, 3.19])
        XCTAssertEqual(middle[0]["tokens"]!, 4000 * 1048576)

        // Unknown runs and a run with a configuration are refused, naming what to do.
        let (unknown, unknownStatus) = try LossCastBinary.run(["predict", "--run", "no-such-run"], environment: environment, errors: true)
        XCTAssertNotEqual(unknownStatus, 0)
        XCTAssertTrue(unknown.contains("no-such-run") && unknown.contains("runs list"), unknown)
        let (both, bothStatus) = try LossCastBinary.run(
            ["predict", "--run", "stated-cosine", "--config", recipe], environment: environment, errors: true)
        XCTAssertNotEqual(bothStatus, 0)
        XCTAssertTrue(both.contains("not both"), both)
    }
}
