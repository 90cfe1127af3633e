// What a log does not say (issue 23): a run without D takes its last logged point's tokens
// and says so in `runs show`; `ingest --set` and `--config` state what a file lacks (an OLMo
// ladder file away from its configs gets its N) without overriding what it says.
import Foundation
import TestSupport
import XCTest

final class StatedFieldsCommandTests: XCTestCase {
    func temporaryFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "stated-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return folder
    }

    func testARunWithoutDTakesItsLastLoggedPointAndSaysSo() throws {
        let folder = try temporaryFolder()
        try "run,step,tokens_seen,loss\nalpha,100,2.5e8,3.9\nalpha,200,5.0e8,3.5\nalpha,300,7.5e8,3.3\n"
            .write(toFile: folder + "/runs.csv", atomically: true, encoding: .utf8)
        try "run: run\nstep: step\ntokens: tokens_seen\nlosses: [loss]\n".write(
            toFile: folder + "/map.yaml", atomically: true, encoding: .utf8)
        let environment = ["LOSSCAST_STORE": folder + "/s.sqlite"]
        let (ingested, status) = try LossCastBinary.run(
            ["ingest", folder + "/runs.csv", "--mapping", folder + "/map.yaml", "--set", "params=1.2e8"],
            environment: environment)
        XCTAssertEqual(status, 0, ingested)
        XCTAssertFalse(ingested.contains("without D"), ingested)
        XCTAssertFalse(ingested.contains("without N"), ingested)
        let (shown, _) = try LossCastBinary.run(["runs", "show", "alpha"], environment: environment)
        // The file's last row: 7.5e8 tokens at step 300; N as stated.
        XCTAssertTrue(shown.contains("tokens = 750000000") && shown.contains("assumed: the last logged point's tokens"), shown)
        XCTAssertTrue(shown.contains("total_steps: not stated; read as 300, the last logged step"), shown)
        XCTAssertTrue(shown.contains("params = 120000000") && shown.contains("assumed: stated at ingest"), shown)
        // A stated D takes the place of an assumed one (here in a second store).
        let second = ["LOSSCAST_STORE": folder + "/second.sqlite"]
        let (again, againStatus) = try LossCastBinary.run(
            ["ingest", folder + "/runs.csv", "--mapping", folder + "/map.yaml", "--set", "tokens=9e8"],
            environment: second)
        XCTAssertEqual(againStatus, 0, again)
        let (stated, _) = try LossCastBinary.run(["runs", "show", "alpha"], environment: second)
        XCTAssertTrue(stated.contains("tokens = 900000000   (assumed: stated at ingest)"), stated)
        // A typo and a name where a number goes are refused, naming the field.
        for (assignment, words) in [("parmas=1e8", ["'parmas'", "'params'"]), ("params=big", ["'params'"]), ("params", ["KEY=VALUE"])] {
            let (message, code) = try LossCastBinary.run(
                ["ingest", folder + "/runs.csv", "--mapping", folder + "/map.yaml", "--set", assignment],
                environment: environment, errors: true)
            XCTAssertNotEqual(code, 0, assignment)
            for word in words { XCTAssertTrue(message.contains(word), "\(assignment): \(message)") }
        }
    }

    /// An OLMo ladder file copied away from its configs/ folder is refused with the way to
    /// state N; stated (here through --config), it ingests with D from its own log.
    func testAnOLMoFileAwayFromItsConfigsTakesAStatedN() throws {
        let original = datasetsRoot + "/olmo_ladder/runs/190M-1xC.csv"
        guard FileManager.default.fileExists(atPath: original) else { throw XCTSkip("no datasets") }
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/olmo_ladder/runs", withIntermediateDirectories: true)
        let copy = folder + "/olmo_ladder/runs/190M-1xC.csv"
        try FileManager.default.copyItem(atPath: original, toPath: copy)
        let environment = ["LOSSCAST_STORE": folder + "/s.sqlite"]
        let (refused, refusedStatus) = try LossCastBinary.run(["ingest", copy], environment: environment, errors: true)
        XCTAssertNotEqual(refusedStatus, 0)
        XCTAssertTrue(refused.contains("--set params=N"), refused)
        try "model: {n_params: 190354176}\n".write(toFile: folder + "/n.yaml", atomically: true, encoding: .utf8)
        // A stated D does not override the one the log gives.
        let (ingested, status) = try LossCastBinary.run(
            ["ingest", copy, "--config", folder + "/n.yaml", "--set", "tokens=1e9"], environment: environment)
        XCTAssertEqual(status, 0, ingested)
        let (listed, _) = try LossCastBinary.run(["runs", "list", "--json"], environment: environment)
        let runs = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]])
        XCTAssertEqual(runs.first?["params"] as? Double, 190_354_176)
        // D from the file's last throughput/total_tokens.
        let lines = try String(contentsOfFile: original, encoding: .utf8).split(whereSeparator: \.isNewline)
        let column = try XCTUnwrap(lines[0].split(separator: ",").firstIndex(of: "throughput/total_tokens"))
        XCTAssertEqual(
            runs.first?["tokens"] as? Double, Double(lines.last!.split(separator: ",", omittingEmptySubsequences: false)[column]))
    }
}
