// The command line's own parsing, without running the binary: --steps, --grid, --set and
// --split, each against values worked out by hand.
import ArgumentParser
@testable import LossCastCLI
import Runs
import XCTest

final class OptionParsingTests: XCTestCase {
    func testStepsAreEvenlySpacedAndRounded() throws {
        // 1000 to 19073 in 3: the middle is 10036.5, rounded to 10037.
        XCTAssertEqual(try Predict.parse(["--steps", "1000:19073:3"]).requestedSteps(), [1000, 10037, 19073])
        XCTAssertEqual(try Predict.parse(["--steps", "5:5:1"]).requestedSteps(), [5])
        XCTAssertNil(try Predict.parse([]).requestedSteps())
        for bad in ["0:10:2", "10:5:2", "1:10:2.5", "1:10", "a:b:c", "1:2e12:2", "1:10:200000"] {
            XCTAssertThrowsError(try Predict.parse(["--steps", bad]).requestedSteps(), bad) { error in
                XCTAssertTrue("\(error)".contains("--steps"), "\(bad): \(error)")
            }
        }
    }

    func testGridAxesAndStatedFieldsReadAsConfigurations() throws {
        // Each value a one-field configuration under the canonical key.
        XCTAssertEqual(
            try CandidateStream.axis("learning_rate=0.001, 0.002"), [[ConfigKey.lr: .number(0.001)], [ConfigKey.lr: .number(0.002)]])
        XCTAssertEqual(
            try CandidateStream.axis("optimizer=adamw,muon"), [[ConfigKey.optimizer: .text("adamw")], [ConfigKey.optimizer: .text("muon")]])
        for (bad, words) in [("lr", ["FIELD=V1"]), ("lrr=0.001", ["'lrr'", "'lr'"]), ("lr=fast", ["'lr'"]), ("=1", ["FIELD=V1"])] {
            XCTAssertThrowsError(try CandidateStream.axis(bad), bad) { error in
                for word in words { XCTAssertTrue("\(error)".contains(word), "\(bad): \(error)") }
            }
        }
        XCTAssertEqual(
            try Ingest.parse(["logs", "--set", "params=1.9e8", "--set", "dataset=fineweb"]).statedFields(),
            [ConfigKey.params: .number(1.9e8), ConfigKey.dataset: .text("fineweb")])
        XCTAssertThrowsError(try Ingest.parse(["logs", "--set", "params"]).statedFields()) {
            XCTAssertTrue("\($0)".contains("KEY=VALUE"), "\($0)")
        }
    }
}
