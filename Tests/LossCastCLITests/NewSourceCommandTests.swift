// A source the checkpoint never saw, end to end: `train --new-sources` measures the level
// doubt by leaving each source out, `predict` names a new source and carries that doubt,
// `adapt` learns the source from a few of its runs, `eval-sources` leaves each source out.
// Four synthetic sources whose Chinchilla-shaped losses differ only in their floor E.
import Foundation
import TestSupport
import XCTest

final class NewSourceCommandTests: XCTestCase {
    /// Six runs per source, N from 1e7 to 3.2e8, D = 20 N, L = E + 400 / N^0.34 + 400 / D^0.28.
    static func table(floor: Double, sizes: [Double] = [1e7, 2e7, 4e7, 8e7, 1.6e8, 3.2e8]) -> String {
        var rows = ["run,params,tokens,loss"]
        for n in sizes { rows.append("r\(Int(n)),\(n),\(20 * n),\(floor + 400 / pow(n, 0.34) + 400 / pow(20 * n, 0.28))") }
        return rows.joined(separator: "\n") + "\n"
    }

    func testNewSourceSaidMeasuredAndAdapted() throws {
        let folder = NSTemporaryDirectory() + "new-sources-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "run: run\neach_row_is_a_run: true\nlosses: [loss]\nconfig:\n  params: params\n  tokens: tokens\n"
            .write(toFile: folder + "/map.yaml", atomically: true, encoding: .utf8)
        let environment = ["LOSSCAST_STORE": folder + "/store.sqlite"]
        for (source, floor) in [("alpha", 2.0), ("beta", 2.3), ("gamma", 2.6), ("mine", 3.0)] {
            try Self.table(floor: floor).write(toFile: folder + "/\(source).csv", atomically: true, encoding: .utf8)
            let (output, status) = try LossCastBinary.run(
                ["ingest", folder + "/\(source).csv", "--mapping", folder + "/map.yaml", "--source", source],
                environment: environment)
            XCTAssertEqual(status, 0, output)
        }
        try Self.table(floor: 3.0, sizes: [1e7, 2e7]).write(toFile: folder + "/few.csv", atomically: true, encoding: .utf8)
        _ = try LossCastBinary.run(
            ["ingest", folder + "/few.csv", "--mapping", folder + "/map.yaml", "--source", "few"], environment: environment)

        // Trained on three sources, calibrated for a new one by leaving each out.
        let checkpoint = folder + "/three.safetensors"
        let (trained, trainStatus) = try LossCastBinary.run(
            [
                "train", "--source", "alpha", "--source", "beta", "--source", "gamma", "--new-sources",
                "--epochs", "5", "--out", checkpoint
            ], environment: environment)
        XCTAssertEqual(trainStatus, 0, trained)
        XCTAssertTrue(trained.contains("a new source's loss level: deviation"), trained)

        // Asked about the fourth source: named new, its interval carrying the doubt.
        let configuration = #"{"params": 4e7, "tokens": 8e8, "source": "mine"}"#
        let (new, newStatus) = try LossCastBinary.run(
            ["predict", "--checkpoint", checkpoint, "--config", configuration], environment: environment)
        XCTAssertEqual(newStatus, 0, new)
        XCTAssertTrue(
            new.contains("new to this checkpoint: source 'mine'") && new.contains("carries that doubt") && new.contains("losscast adapt"),
            new)
        XCTAssertTrue(new.contains("a new source"), new)

        // Adapted from its six runs: no longer new, and its runs predicted closer.
        let adapted = folder + "/mine.safetensors"
        let (summary, adaptStatus) = try LossCastBinary.run(
            ["adapt", "--from", checkpoint, "--source", "mine", "--out", adapted, "--json"],
            environment: environment)
        XCTAssertEqual(adaptStatus, 0, summary)
        let fields = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any], summary)
        XCTAssertEqual(fields["runs"] as? Int, 6)
        XCTAssertEqual(fields["wasNew"] as? Bool, true)
        XCTAssertLessThan(try XCTUnwrap(fields["finalMAEAfter"] as? Double), try XCTUnwrap(fields["finalMAEBefore"] as? Double))
        let (known, knownStatus) = try LossCastBinary.run(
            ["predict", "--checkpoint", adapted, "--config", configuration], environment: environment)
        XCTAssertEqual(knownStatus, 0, known)
        XCTAssertFalse(known.contains("new to this checkpoint"), known)

        // Too few runs, or a source the store does not have: named.
        for (source, expected) in [("few", "at least 3 runs"), ("nobody", "no runs in the store")] {
            let (message, status) = try LossCastBinary.run(
                ["adapt", "--from", checkpoint, "--source", source, "--out", folder + "/x.safetensors"],
                environment: environment, errors: true)
            XCTAssertNotEqual(status, 0)
            XCTAssertTrue(message.contains("--source \(source)") && message.contains(expected), message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/x.safetensors"), "nothing written on an error")

        // Each of the four sources left out in turn: every prediction of it marked new.
        let (study, studyStatus) = try LossCastBinary.run(
            [
                "eval-sources", "--source", "alpha", "--source", "beta", "--source", "gamma",
                "--source", "mine", "--epochs", "3", "--adapt", "3", "--json"
            ], environment: environment)
        XCTAssertEqual(studyStatus, 0, study)
        let sources = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(study.utf8)) as? [[String: Any]], study)
        XCTAssertEqual(sources.compactMap { $0["source"] as? String }.sorted(), ["alpha", "beta", "gamma", "mine"])
        XCTAssertTrue(sources.allSatisfy { $0["flaggedNew"] as? Double == 1 }, study)
        // Given the 3 smallest of 6 runs, the three larger are predicted.
        XCTAssertTrue(sources.allSatisfy { (($0["adaptations"] as? [[String: Any]])?.first?["tested"] as? Int) == 3 }, study)
    }
}
