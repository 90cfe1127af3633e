// `losscast eval` end to end: ingest a dataset into a fresh store, backtest, write the
// report; the SVG figures must parse as XML and the HTML page must show each of them.
import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import TestSupport
import XCTest

final class EvalCommandTests: XCTestCase {
    /// `eval --predictions FILE --points` writes a row for every scored point of every test
    /// run (five logged points each here), each with its step; without `--points`, finals only.
    func testPredictionsAtEveryScoredPoint() throws {
        let folder = NSTemporaryDirectory() + "eval-points-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Five sizes, D = 20 N, a Chinchilla-shaped loss at five points of each run.
        var rows = ["run,params,tokens,step,tokens_seen,loss"]
        for n in [1e7, 2e7, 4e7, 8e7, 1.6e8] {
            for step in 1...5 {
                let seen = 20 * n * Double(step) / 5
                rows.append("r\(Int(n)),\(n),\(20 * n),\(step * 100),\(seen),\(2 + 400 / pow(n, 0.34) + 400 / pow(seen, 0.28))")
            }
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: folder + "/runs.csv", atomically: true, encoding: .utf8)
        try "run: run\nstep: step\ntokens: tokens_seen\nlosses: [loss]\nconfig:\n  params: params\n  tokens: tokens\n"
            .write(toFile: folder + "/map.yaml", atomically: true, encoding: .utf8)
        let environment = ["LOSSCAST_STORE": folder + "/store.sqlite"]
        let (ingested, status) = try LossCastBinary.run(
            ["ingest", folder + "/runs.csv", "--mapping", folder + "/map.yaml"], environment: environment)
        XCTAssertEqual(status, 0, ingested)
        for (flags, expected) in [([String](), 2), (["--points"], 10)] {
            let (output, evaluated) = try LossCastBinary.run(
                [
                    "eval", "--split", "by-size", "--models", "chinchilla",
                    "--predictions", folder + "/predictions.csv"
                ] + flags, environment: environment)
            XCTAssertEqual(evaluated, 0, output)
            // The test side is the two largest sizes: 2 runs, 5 points each.
            let table = try String(contentsOfFile: folder + "/predictions.csv", encoding: .utf8).split(separator: "\n")
            XCTAssertTrue(table[0].hasSuffix(",step,tokens_seen,is_final"), String(table[0]))
            XCTAssertEqual(table.count - 1, expected, flags.joined())
            let steps = table.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[14] }
            XCTAssertEqual(Set(steps), expected == 2 ? ["500"] : ["100", "200", "300", "400", "500"])
        }
        // --where narrows the runs and top:FIELD:K holds out a field's largest levels: of the
        // four runs with N <= 8e7 the largest level is 8e7, one run of five points.
        let (narrowed, code) = try LossCastBinary.run(
            [
                "eval", "--where", "params<=8e7", "--split", "top:params:1", "--models", "chinchilla",
                "--predictions", folder + "/top.csv", "--points"
            ], environment: environment)
        XCTAssertEqual(code, 0, narrowed)
        let top = try String(contentsOfFile: folder + "/top.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(top.count, 5)
        XCTAssertTrue(top.allSatisfy { $0.contains("r80000000") }, top.joined(separator: "\n"))
        // train learns from the selected runs only; a field no run has is named with the nearest.
        let (trained, trainCode) = try LossCastBinary.run(
            ["train", "--where", "params>=2e7", "--epochs", "2", "--out", folder + "/c.safetensors"],
            environment: environment)
        XCTAssertEqual(trainCode, 0, trained)
        XCTAssertTrue(trained.contains("trained on 4 runs"), trained)
        let (unknown, unknownCode) = try LossCastBinary.run(["train", "--where", "parmas>=2e7"], environment: environment, errors: true)
        XCTAssertNotEqual(unknownCode, 0)
        XCTAssertTrue(unknown.contains("parmas") && unknown.contains("'params'"), unknown)
    }

    func testReportOnEpochsChinchillaPoints() throws {
        let dataset = datasetsRoot + "/chinchilla_epoch"
        guard FileManager.default.fileExists(atPath: dataset) else { throw XCTSkip("no ../shared/datasets") }
        let folder = NSTemporaryDirectory() + "eval-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let environment = ["LOSSCAST_STORE": folder + "/store.sqlite"]
        let (_, ingested) = try LossCastBinary.run(["ingest", dataset], environment: environment)
        XCTAssertEqual(ingested, 0)
        let (output, status) = try LossCastBinary.run(
            [
                "eval", "--source", "chinchilla-epoch", "--split", "by-size", "--models", "chinchilla,mlp",
                "--epochs", "60", "--report", folder + "/report",
                "--predictions", folder + "/predictions.csv"
            ], environment: environment)
        XCTAssertEqual(status, 0)
        XCTAssertTrue(output.contains("chinchilla") && output.contains("mlp"), output)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder + "/report")
        let figures = files.filter { $0.hasSuffix(".svg") }
        XCTAssertTrue(figures.contains("predicted-vs-actual-chinchilla.svg"))
        XCTAssertTrue(figures.contains("predicted-vs-actual-mlp.svg"))
        XCTAssertTrue(figures.contains("error-by-size.svg"))
        for figure in figures {
            let parser = try XCTUnwrap(XMLParser(contentsOf: URL(fileURLWithPath: folder + "/report/" + figure)))
            XCTAssertTrue(parser.parse(), "\(figure): \(parser.parserError.map { "\($0)" } ?? "")")
        }
        let page = try String(contentsOfFile: folder + "/report/index.html", encoding: .utf8)
        for figure in figures { XCTAssertTrue(page.contains("src=\"\(figure)\""), figure) }
        XCTAssertTrue(files.contains("REPORT.md"))
        // The CSV: one row per (test run, model). The test side is the two largest of the file's
        // model sizes, which hold 3 of its 245 rows (12,568,994,539 and 16,183,346,311, read
        // from svg_extracted_data.csv), so 3 x 2 models.
        let table = try String(contentsOfFile: folder + "/predictions.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(table.first?.hasPrefix("run_id,source,name,params,tokens"), true)
        XCTAssertEqual(table.count - 1, 6)
        XCTAssertEqual(Set(table.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[8] }), ["chinchilla", "mlp"])
        // A bad split is an error that names it.
        let (_, bad) = try LossCastBinary.run(["eval", "--source", "chinchilla-epoch", "--split", "by-colour"], environment: environment)
        XCTAssertNotEqual(bad, 0)
        // So are ensembles `train` and `eval` cannot build, before any run is read.
        for (command, arguments, named) in [
            ("eval", ["--folds", "1"], "--folds 1"), ("train", ["--ensemble", "0"], "--ensemble 0"),
            ("train", ["--folds", "8", "--ensemble", "8"], "64 members"),
            ("train", ["--validation-fraction", "1"], "--validation-fraction 1")
        ] {
            let (message, status) = try LossCastBinary.run([command] + arguments, environment: environment, errors: true)
            XCTAssertNotEqual(status, 0)
            XCTAssertTrue(message.contains(named), "\(command) \(arguments): \(message)")
        }
    }

    /// A mistyped store path on a command that only reads is an error and creates nothing;
    /// a checkpoint path in a folder that does not exist is refused before training.
    func testMistypedPathsAreRefusedAndCreateNothing() throws {
        let missing = NSTemporaryDirectory() + "no-such-\(UUID().uuidString)/store.sqlite"
        for arguments in [["runs", "list"], ["fit", "chinchilla"], ["eval", "--split", "random", "--models", "chinchilla"], ["train"]] {
            let (message, status) = try LossCastBinary.run(arguments + ["--store", missing], errors: true)
            XCTAssertNotEqual(status, 0, "\(arguments)")
            XCTAssertTrue(message.contains("no run store"), "\(arguments): \(message)")
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: URL(fileURLWithPath: missing).deletingLastPathComponent().path),
                "\(arguments) made the folder")
        }
        let nowhere = "/no-such-\(UUID().uuidString)/x.safetensors"
        let (message, status) = try LossCastBinary.run(["train", "--out", nowhere], errors: true)
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(message.contains("--out") && message.contains("does not exist"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: URL(fileURLWithPath: nowhere).deletingLastPathComponent().path))
    }
}
