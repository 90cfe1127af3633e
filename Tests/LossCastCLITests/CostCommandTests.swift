// `losscast cost`, and the cost options of `predict` and `rank`, run as a user runs them.
import Foundation
import TestSupport
import XCTest

final class CostCommandTests: XCTestCase {
    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    /// A 1B model on 1T tokens on 1,024 H100s at 40% MFU: 6e21 FLOP / (1024 x 989.4e12 x 0.4)
    /// = 14,805.37 s and 4,211.31 chip-hours, whether the FLOP are given or come from N and D.
    func testCostOfAKnownRun() throws {
        let hardware = ["--hardware", "NVIDIA H100 SXM5 80GB", "--chips", "1024", "--mfu", "0.4", "--json"]
        for source in [["--flop", "6e21"], ["--config", #"{"params": 1e9, "tokens": 1e12}"#]] {
            let (output, status) = try LossCastBinary.run(["cost"] + source + hardware)
            XCTAssertEqual(status, 0, output)
            let estimate = try XCTUnwrap(try json(output) as? [String: Any])
            XCTAssertEqual(try XCTUnwrap(estimate["seconds"] as? Double), 14_805.37, accuracy: 0.01)
            XCTAssertEqual(try XCTUnwrap(estimate["chipHours"] as? Double), 4_211.31, accuracy: 0.01)
            let cloud = try XCTUnwrap(estimate["cloud"] as? [String: [String: Any]])
            // Google Cloud's 3-year price, the table's only 3-year price for this chip.
            XCTAssertEqual((cloud["3-year"]?["quote"] as? [String: Any])?["dollars"] as? Double, 4.86)
        }
        let (text, status) = try LossCastBinary.run(["cost", "--flop", "6e21", "--hardware", "NVIDIA H100 SXM5 80GB", "--chips", "1024"])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(text.contains("assumed: utilization") && text.contains("learned from"), text)
        XCTAssertTrue(text.contains("cloud, 3-year"), text)
    }

    /// `cost --regression` reports one R^2 per fold assignment for the model and for the
    /// baseline, on the 154 systems of Epoch's notable-models table with both a cost and a
    /// compute (counted with pandas: `d[cost.notna() & compute.notna()]`, no name twice),
    /// and the feature that matters most is the compute.
    func testRegressionReport() throws {
        let (output, status) = try LossCastBinary.run(["cost", "--regression", "--json"])
        XCTAssertEqual(status, 0, output)
        let report = try XCTUnwrap(try json(output) as? [String: Any])
        XCTAssertEqual(report["systems"] as? Int, 154)
        XCTAssertEqual((report["full"] as? [Double])?.count, 5)
        XCTAssertEqual((report["baseline"] as? [Double])?.count, 5)
        let without = try XCTUnwrap(report["without"] as? [[String: Any]])
        let lowest = without.min { ($0["r2"] as! [Double]).reduce(0, +) < ($1["r2"] as! [Double]).reduce(0, +) }
        XCTAssertEqual(lowest?["group"] as? String, "planned compute (log10 FLOP)")
    }

    /// Bad input names the option and says what to give.
    func testBadInputNamesTheOption() throws {
        let run = ["cost", "--flop", "1e21"]
        let cases: [([String], String)] = [
            (run + ["--hardware", "NVIDIA H100 SMX5 80GB", "--chips", "8"], "did you mean 'NVIDIA H100 SXM5 80GB'"),
            (run + ["--hardware", "H100", "--chips", "8"], "names"),
            (run + ["--hardware", "NVIDIA H100 SXM5 80GB", "--chips", "8", "--mfu", "0"], "--mfu"),
            (run + ["--hardware", "NVIDIA H100 SXM5 80GB", "--chips", "8", "--mfu", "1.2"], "--mfu"),
            (run + ["--hardware", "NVIDIA H100 SXM5 80GB", "--chips=-4"], "--chips"),
            (run + ["--hardware", "NVIDIA H100 SXM5 80GB", "--chips", "8", "--start", "2031-01-01"], "--start"),
            (run + ["--hardware", "NVIDIA H100 SXM5 80GB", "--chips", "8", "--start", "soon"], "--start"),
            (run + ["--chips", "8"], "--hardware"),
            (
                run + ["--hardware", "NVIDIA H100 SXM5 80GB", "--chips", "8", "--mfu", "0.4", "--vendor", "Google Clod"],
                "did you mean 'Google Cloud'"
            ),
            (run + ["--hardware", "NVIDIA H100 SXM5 80GB", "--chips", "8", "--hours", "0"], "--hours"),
            (["cost", "--config", #"{"params": 1e9}"#, "--hardware", "NVIDIA H100 SXM5 80GB", "--chips", "8"], "tokens"),
            (["cost", "--flop", "-5", "--hardware", "NVIDIA H100 SXM5 80GB", "--chips", "8"], "--flop"),
            (["cost", "--regression", "--systems", "/no/such/notable_ai_models.csv"], "--systems")
        ]
        for (arguments, expected) in cases {
            let (message, status) = try LossCastBinary.run(arguments, errors: true)
            XCTAssertNotEqual(status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(message.contains(expected), "\(arguments): \(message)")
        }
    }

    /// `rank --max-cost` ranks only what fits: every shown candidate costs at most the budget,
    /// and the ones left out are exactly those whose 6 N D FLOP at `cost`'s price per FLOP
    /// exceed it.
    func testRankWithinABudget() throws {
        let hardware = ["--hardware", "NVIDIA H100 SXM5 80GB", "--chips", "64", "--mfu", "0.4"]
        let (unit, priced) = try LossCastBinary.run(["cost", "--flop", "1e21", "--json"] + hardware)
        XCTAssertEqual(priced, 0, unit)
        let cloud = try XCTUnwrap((try json(unit) as? [String: Any])?["cloud"] as? [String: [String: Any]])
        let perFLOP = try XCTUnwrap((cloud["3-year"]?["cost"] as? [String: Any])?["adjusted"] as? Double) / 1e21
        let (sizes, tokens) = ([1e8, 3e8, 1e9, 3e9], [2e9, 2e10, 2e11])
        let budget = 1_000.0
        let expectedOut = sizes.flatMap { n in tokens.map { d in 6 * n * d * perFLOP } }.filter { $0 > budget }.count
        XCTAssertGreaterThan(expectedOut, 0)
        let folder = NSTemporaryDirectory() + "losscast-frontier-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (output, status) = try LossCastBinary.run(
            [
                "rank", "--base", #"{"params": 1e9, "tokens": 2e10, "lr": 0.002, "batch_size": 512, "seq_len": 2048}"#,
                "--grid", "params=" + sizes.map { "\($0)" }.joined(separator: ","),
                "--grid", "tokens=" + tokens.map { "\($0)" }.joined(separator: ","),
                "--max-cost", "\(budget)", "--top", "20", "--frontier", folder + "/frontier.svg", "--json"
            ] + hardware)
        XCTAssertEqual(status, 0, output)
        let rows = try XCTUnwrap(try json(output) as? [[String: Any]])
        XCTAssertEqual(rows.count, sizes.count * tokens.count - expectedOut)
        for row in rows {
            let cost = try XCTUnwrap(row["cost_usd_2023"] as? Double)
            XCTAssertLessThanOrEqual(cost, budget)
            let configuration = try XCTUnwrap(row["configuration"] as? [String: String])
            let flop = 6 * Double(configuration["params"]!)! * Double(configuration["tokens"]!)!
            XCTAssertEqual(cost, flop * perFLOP, accuracy: cost * 1e-9)
        }
        let svg = try String(contentsOfFile: folder + "/frontier.svg", encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"), String(svg.prefix(80)))
        XCTAssertTrue(svg.contains("frontier"))
        // Without hardware there is nothing to price by.
        let (message, refused) = try LossCastBinary.run(
            [
                "rank", "--base", #"{"params": 1e9, "tokens": 2e10}"#, "--grid", "lr=0.001,0.002",
                "--max-cost", "100"
            ], errors: true)
        XCTAssertNotEqual(refused, 0)
        XCTAssertTrue(message.contains("--hardware"), message)
    }

    /// `predict --hardware --chips` prints the run's cost after its loss.
    func testPredictPrintsTheCost() throws {
        let (output, status) = try LossCastBinary.run([
            "predict", "--config", #"{"params": 1.07e9, "tokens": 5e10, "lr": 0.002, "batch_size": 512}"#,
            "--hardware", "NVIDIA A100 SXM4 80 GB", "--chips", "256", "--mfu", "0.45"
        ])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("predicted final loss"), output)
        // 6 x 1.07e9 x 5e10 / (256 x 312e12 x 0.45) = 8,931 s = 2.5 h; 635 chip-hours.
        XCTAssertTrue(output.contains("cost: 256 x NVIDIA A100 SXM4 80 GB at 45.0% MFU: 2.5 h, 635 chip-hours"), output)
    }
}
