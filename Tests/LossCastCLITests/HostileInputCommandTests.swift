// Careless and hostile input at the command line (issue 18): counts beyond a stated limit,
// streamed ranking equal to ranking at once, runs deleted only when asked, errors on
// standard error naming what and where, and intervals that say why they are wide.
import Foundation
import TestSupport
import XCTest

final class HostileInputCommandTests: XCTestCase {
    let flat =
        #"{"params": 4e8, "tokens": 2e10, "lr": 0.002, "batch_size_seqs": 512, "seq_len": 2048, "warmup_steps": 100, "min_lr": 1e-5}"#

    /// Runs losscast with no terminal on standard input; standard output and error apart.
    func losscast(_ arguments: [String]) throws -> (output: String, errors: String, status: Int32) {
        let result = try LossCastBinary.result(arguments)
        return (result.output, result.errors, result.status)
    }

    func temporaryFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "hostile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return folder
    }

    func testCountsBeyondTheirLimitsAreRefusedBeforeAnyWork() throws {
        let steps = try losscast(["predict", "--config", flat, "--steps", "1:1000000:100000000"])
        XCTAssertNotEqual(steps.status, 0)
        XCTAssertTrue(steps.errors.contains("--steps") && steps.errors.contains("100000"), steps.errors)
        // 4,000 x 3,000 grid points: more than the 10,000,000 a rank takes.
        let rates = (1...4_000).map { String(format: "%.6g", 1e-4 + Double($0) * 1e-6) }.joined(separator: ",")
        let warmups = (1...3_000).map(String.init).joined(separator: ",")
        let grid = try losscast(["rank", "--base", flat, "--grid", "lr=" + rates, "--grid", "warmup_steps=" + warmups])
        XCTAssertNotEqual(grid.status, 0)
        XCTAssertTrue(grid.errors.contains("more than 10000000 candidates"), String(grid.errors.prefix(300)))
        let limit = try losscast(["runs", "list", "--limit", "-1", "--store", "/nonexistent/s.sqlite"])
        XCTAssertNotEqual(limit.status, 0)
        XCTAssertTrue(limit.errors.contains("--limit -1") && limit.errors.contains("positive"), limit.errors)
    }

    /// Ranking streams in batches of 4,096: a grid of 4,900 candidates (two batches) ranks as
    /// the same candidates written one per line, and the best of them is the minimum of
    /// predicting each batch alone.
    func testStreamedRankingEqualsTheSameCandidatesFromAFile() throws {
        let folder = try temporaryFolder()
        let rates = (0..<70).map { 1e-4 * pow(1.06, Double($0)) }
        let warmups = (0..<70).map { 10 * ($0 + 1) }
        let lines = rates.flatMap { rate in
            warmups.map { warmup in
                #"{"params": 4e8, "tokens": 2e10, "lr": \#(rate), "batch_size_seqs": 512, "seq_len": 2048, "warmup_steps": \#(warmup), "min_lr": 1e-5}"#
            }
        }
        XCTAssertEqual(lines.count, 4_900)
        try lines.joined(separator: "\n").write(toFile: folder + "/candidates.jsonl", atomically: true, encoding: .utf8)
        let fromFile = try losscast(["rank", "--candidates", folder + "/candidates.jsonl", "--top", "5", "--json"])
        XCTAssertEqual(fromFile.status, 0, fromFile.errors)
        let fromGrid = try losscast([
            "rank", "--base", flat, "--grid", "lr=" + rates.map { "\($0)" }.joined(separator: ","),
            "--grid", "warmup_steps=" + warmups.map(String.init).joined(separator: ","), "--top", "5", "--json"
        ])
        XCTAssertEqual(fromGrid.status, 0, fromGrid.errors)
        let fileRows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(fromFile.output.utf8)) as? [[String: Any]])
        let gridRows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(fromGrid.output.utf8)) as? [[String: Any]])
        XCTAssertEqual(fileRows.count, 5)
        XCTAssertEqual(fileRows.map { $0["loss"] as! Double }, gridRows.map { $0["loss"] as! Double })
        XCTAssertEqual(fileRows.map { $0["loss"] as! Double }, fileRows.map { $0["loss"] as! Double }.sorted())
        // The best of each half, ranked alone: the whole ranking's best is the smaller.
        try lines.prefix(4_096).joined(separator: "\n").write(toFile: folder + "/first.jsonl", atomically: true, encoding: .utf8)
        try lines.dropFirst(4_096).joined(separator: "\n").write(toFile: folder + "/second.jsonl", atomically: true, encoding: .utf8)
        let halves = try ["first", "second"].map { name -> Double in
            let ranked = try losscast(["rank", "--candidates", folder + "/\(name).jsonl", "--top", "1", "--json"])
            let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ranked.output.utf8)) as? [[String: Any]])
            return rows[0]["loss"] as! Double
        }
        XCTAssertEqual(fileRows[0]["loss"] as! Double, halves.min()!)
    }

    /// `runs show` takes a run's name as well as an id prefix, and a name two sources share is
    /// refused with the ids of both; a lone refused file is still counted as one file.
    func testRunsShowTakesANameAndALoneRefusedFileIsCounted() throws {
        let folder = try temporaryFolder()
        let store = folder + "/s.sqlite"
        try "run: run\nstep: step\nlosses: [loss]\n".write(toFile: folder + "/map.yaml", atomically: true, encoding: .utf8)
        try "run,step,loss\nalpha,1,3.0\nalpha,2,2.9\nbeta,1,3.1\n".write(toFile: folder + "/one.csv", atomically: true, encoding: .utf8)
        try "run,step,loss\nalpha,1,3.2\ngamma,1,3.3\n".write(toFile: folder + "/two.csv", atomically: true, encoding: .utf8)
        for (file, source) in [("one.csv", "first"), ("two.csv", "second")] {
            let ingested = try losscast([
                "ingest", folder + "/" + file, "--mapping", folder + "/map.yaml", "--source", source, "--store", store
            ])
            XCTAssertEqual(ingested.status, 0, ingested.errors)
            // Neither file says N or D: every run stored is named in a warning.
            let names = file == "one.csv" ? "alpha, beta" : "alpha, gamma"
            XCTAssertTrue(ingested.output.contains("warning: 2 run(s) stored without N (parameters): \(names)"), ingested.output)
            XCTAssertTrue(ingested.output.contains("warning: 2 run(s) stored without D (training tokens): \(names)"), ingested.output)
        }
        let beta = try losscast(["runs", "show", "beta", "--store", store])
        XCTAssertEqual(beta.status, 0, beta.errors)
        XCTAssertTrue(beta.output.contains("name beta") && beta.output.contains("source first"), beta.output)
        let shared = try losscast(["runs", "show", "alpha", "--store", store])
        XCTAssertNotEqual(shared.status, 0)
        XCTAssertTrue(
            shared.errors.contains("2 runs are named 'alpha'") && shared.errors.contains("(first)") && shared.errors.contains("(second)"),
            shared.errors)
        let none = try losscast(["runs", "show", "delta", "--store", store])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.errors.contains("delta"), none.errors)
        try "run,step,loss\na,2,3.0\na,1,2.9\n".write(toFile: folder + "/bad.csv", atomically: true, encoding: .utf8)
        let refused = try losscast(["ingest", folder + "/bad.csv", "--mapping", folder + "/map.yaml", "--store", store])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.output.contains("1 file(s): 0 runs added, 0 duplicates skipped, 1 file(s) refused"), refused.output)
    }

    func testRunsAreDeletedOnlyWhenAskedAndRefusalsGoToStandardError() throws {
        let folder = try temporaryFolder()
        let store = folder + "/s.sqlite"
        try "run,step,loss\na,1,3.0\na,2,2.9\nb,1,3.1\n".write(toFile: folder + "/runs.csv", atomically: true, encoding: .utf8)
        try "run: run\nstep: step\nlosses: [loss]\n".write(toFile: folder + "/map.yaml", atomically: true, encoding: .utf8)
        try "run,step,loss\na,2,3.0\na,1,2.9\n".write(toFile: folder + "/bad.csv", atomically: true, encoding: .utf8)
        let ingested = try losscast([
            "ingest", folder + "/runs.csv", folder + "/bad.csv", "--mapping", folder + "/map.yaml", "--store", store
        ])
        XCTAssertNotEqual(ingested.status, 0, "one file refused")
        XCTAssertTrue(ingested.errors.contains("refused") && ingested.errors.contains("bad.csv:3"), ingested.errors)
        XCTAssertFalse(ingested.output.contains("refused  "), "a refusal is not a result: \(ingested.output)")
        // No terminal and no --yes: nothing is deleted.
        let asked = try losscast(["runs", "delete", "--file", folder + "/runs.csv", "--store", store])
        XCTAssertNotEqual(asked.status, 0)
        XCTAssertTrue(asked.output.contains("will delete 2 run(s)") && asked.errors.contains("--yes"), asked.output + asked.errors)
        let listed = try losscast(["runs", "list", "--store", store, "--json"])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [Any])?.count, 2)
        let deleted = try losscast(["runs", "delete", "--file", folder + "/runs.csv", "--yes", "--store", store])
        XCTAssertEqual(deleted.status, 0, deleted.errors)
        XCTAssertTrue(
            deleted.output.contains("deleted 2 run(s)") && deleted.output.contains("1 ingested file(s) forgotten"), deleted.output)
        let again = try losscast(["ingest", folder + "/runs.csv", "--mapping", folder + "/map.yaml", "--store", store])
        XCTAssertTrue(again.output.contains("2 runs added"), again.output)
        let unknown = try losscast(["runs", "list", "--where", "nosuchfield<=1", "--store", store])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.errors.contains("nosuchfield"), unknown.errors)
    }

    /// A prediction outside the training range says which input is outside and how much wider
    /// its interval is for it; one that lacks a field says so.
    func testAnIntervalSaysWhyItIsWide() throws {
        let far = try losscast(["predict", "--config", #"{"params": 4e8, "tokens": 2e10, "lr": 1e9, "batch_size_tokens": 1e6}"#])
        XCTAssertEqual(far.status, 0, far.errors)
        let line = try XCTUnwrap(far.output.split(separator: "\n").first { $0.hasPrefix("interval:") }.map(String.init), far.output)
        XCTAssertTrue(line.contains("outside the training range: lr 1e+09"), line)
        // Either the interval widens for it, by a factor above 1, or the line says the calibration adds nothing.
        if let factor = line.range(of: #"([0-9.]+)x as wide"#, options: .regularExpression).map({ Double(line[$0].dropLast(9))! }) {
            XCTAssertGreaterThan(factor, 1, line)
        } else {
            XCTAssertTrue(line.contains("adds no width") && line.contains("guess"), line)
        }
        XCTAssertFalse(line.contains("sed,") || line.contains(" Na,"), "a dataset's columns are not recipe fields: \(line)")
        let missing = try losscast(["predict", "--config", #"{"params": 4e8, "tokens": 2e10}"#])
        XCTAssertTrue(missing.output.contains("not given:") && missing.output.contains(" lr,"), missing.output)
        let inside = try losscast(["predict", "--config", flat])
        XCTAssertFalse(inside.output.contains("outside the training range"), inside.output)
    }

    /// A dataset or optimizer the checkpoint never trained on is named before the number, with
    /// what it does know; a known one is not. With --json the note goes to standard error and
    /// standard output stays JSON. (A source is stated: an unstated one is named too, below.)
    func testWhatTheCheckpointNeverSawIsSaidOutLoud() throws {
        func with(_ extra: String) -> String { String(flat.dropLast()) + #", "source": "steplaw-dense", "# + extra + "}" }
        let new = try losscast(["predict", "--config", with(#""dataset": "my_own_corpus", "optimizer": "lamb""#)])
        XCTAssertEqual(new.status, 0, new.errors)
        let note = try XCTUnwrap(
            new.output.split(separator: "\n").first { $0.hasPrefix("note: new to this checkpoint") }.map(String.init), new.output)
        XCTAssertTrue(note.contains("dataset 'my_own_corpus'") && note.contains("optimizer 'lamb'"), note)
        // The bundled checkpoint trained on losscast_bench (fineweb_edu, AdamW among the optimizers).
        XCTAssertTrue(note.contains("fineweb_edu") && note.contains("adamw") && note.contains("losscast ingest"), note)
        let lines = new.output.split(separator: "\n")
        XCTAssertLessThan(
            lines.firstIndex { $0.hasPrefix("note:") }!, lines.firstIndex { $0.hasPrefix("predicted final loss") }!, new.output)
        let known = try losscast(["predict", "--config", with(#""dataset": "fineweb_edu", "optimizer": "adamw""#)])
        XCTAssertEqual(known.status, 0, known.errors)
        XCTAssertFalse(known.output.contains("new to this checkpoint"), known.output)
        let json = try losscast(["predict", "--json", "--config", with(#""dataset": "my_own_corpus""#)])
        XCTAssertEqual(json.status, 0, json.errors)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Double]], json.output)
        XCTAssertTrue(json.errors.contains("new to this checkpoint: dataset 'my_own_corpus'"), json.errors)
        XCTAssertFalse(json.errors.contains("optimizer"), json.errors)
        // rank says it once for the candidates it shows, before the table.
        let ranked = try losscast(["rank", "--base", with(#""dataset": "my_own_corpus""#), "--grid", "lr=0.001,0.002", "--top", "2"])
        XCTAssertEqual(ranked.status, 0, ranked.errors)
        let rankLines = ranked.output.split(separator: "\n")
        XCTAssertEqual(rankLines.filter { $0.contains("new to this checkpoint: dataset 'my_own_corpus'") }.count, 1, ranked.output)
        XCTAssertLessThan(rankLines.firstIndex { $0.hasPrefix("note:") }!, rankLines.firstIndex { $0.hasPrefix("rank ") }!, ranked.output)
    }
}
