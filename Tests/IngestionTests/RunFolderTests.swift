// The run-folder format (LossCast-Bench) on its real folders, with counts taken from the
// folder listing and the files' own keys, and bad folders that must be refused by name.
import Foundation
import Importers
import Runs
import TestSupport
import XCTest

final class RunFolderTests: XCTestCase {
    let bench = datasetsRoot + "/losscast_bench"

    func temporaryFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "run-folders-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        return folder
    }

    func write(_ folder: String, run: String, config: String, losses: String?) throws {
        try FileManager.default.createDirectory(atPath: folder + "/" + run, withIntermediateDirectories: true)
        try config.write(toFile: folder + "/" + run + "/config.json", atomically: true, encoding: .utf8)
        try losses?.write(toFile: folder + "/" + run + "/losses.json", atomically: true, encoding: .utf8)
    }

    func testValidationFoldersReadWholeWithSourcesAndCurves() throws {
        let val = bench + "/val"
        guard FileManager.default.fileExists(atPath: val) else { throw XCTSkip("no ../shared/datasets/losscast_bench") }
        let folders = try FileManager.default.contentsOfDirectory(atPath: val).filter { !$0.hasPrefix(".") }
        let runs = try RunFolderImporter.readAll(val)
        XCTAssertEqual(runs.count, folders.count)
        XCTAssertEqual(runs.count, 1109)  // the datasets README: 415 Marin + 694 StepLaw
        let bySource = Dictionary(grouping: runs, by: \.source).mapValues(\.count)
        XCTAssertEqual(bySource["ncpl-marin"], folders.filter { $0.hasPrefix("ncpl_marin_") }.count)
        XCTAssertEqual(bySource["ncpl-steplaw"], folders.filter { $0.hasPrefix("ncpl_steplaw_") }.count)
        XCTAssertEqual(bySource["ncpl-marin"], 415)
        // Every point of every losses.json, counted from the files as plain JSON objects.
        var points = 0
        for folder in folders {
            let data = try Data(contentsOf: URL(fileURLWithPath: val + "/" + folder + "/losses.json"))
            points += try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any]).count
        }
        XCTAssertEqual(runs.reduce(0) { $0 + $1.curve.count }, points)
        let marin = try XCTUnwrap(
            runs.first { $0.name == "ncpl_marin_baseline-adam-1.2b-lr0.002-d92767" } ?? runs.first { $0.source == "ncpl-marin" })
        XCTAssertNotNil(marin.configuration[ConfigKey.optimizer]?.text)
        XCTAssertEqual(marin.configuration[ConfigKey.evalDataset], .text("c4_en"))
        XCTAssertEqual(marin.curve.first?.step, 0, "Marin logs the loss at initialisation")
        // Tokens seen at a step: the step times the batch's tokens.
        let batch = try XCTUnwrap(marin.number(ConfigKey.batchSizeTokens))
        XCTAssertEqual(marin.curve.last!.tokens!, marin.curve.last!.step! * batch)
    }

    func testNanochatParametersComeFromTheArchitecture() throws {
        let folder = bench + "/train/nanochat_d12_1B_mlr0.01_wd0.05_wr0.2"
        guard FileManager.default.fileExists(atPath: folder) else { throw XCTSkip("no ../shared/datasets/losscast_bench") }
        let sink = CollectingSink()
        try RunFolderImporter().importFile(folder + "/config.json", source: "nanochat", into: sink, progress: nil)
        let run = try XCTUnwrap(sink.runs.first)
        // 12 layers x (attention 4 x 768 x 768 + ReLU^2 MLP 2 x 768 x 3072) + untied embeddings 2 x 8192 x 768.
        XCTAssertEqual(run.params, 12 * (4 * 768 * 768 + 2 * 768 * 3072) + 2 * 8192 * 768)
        XCTAssertEqual(run.configuration[ConfigKey.decayFraction], .number(0.2))  // schedule.warmdown_ratio
        XCTAssertEqual(run.configuration["matrix_lr"], .number(0.01))  // optimizer.extra.matrix_lr
        XCTAssertNil(
            run.configuration["val_bpb"] ?? run.configuration["extra.val_bpb"], "an outcome logged beside the recipe is not an input")
        XCTAssertEqual(RunFolderImporter.source(for: folder + "/config.json"), "nanochat")
    }

    func testBadFoldersAreRefusedByFileAndField() throws {
        let folder = try temporaryFolder()
        let config =
            #"{"model": {"n_layers": 2, "d_model": 64, "vocab_size": 100}, "optimizer": {"name": "adamw", "lr": 0.001},"#
            + #" "data": {"batch_tokens": 1024}, "schedule": {"lr_schedule": "cosine", "total_steps": 10}}"#
        try write(folder, run: "text_loss", config: config, losses: #"{"0": 4.6, "10": "NaN"}"#)
        try write(folder, run: "bad_step", config: config, losses: #"{"zero": 4.6}"#)
        try write(folder, run: "bad_json", config: config, losses: #"{"0": 4.6,"#)
        let twice = #"{"model": {"d_model": 64}, "d_model": 128, "optimizer": {"lr": 0.001}}"#
        try write(folder, run: "twice", config: twice, losses: #"{"0": 4.6}"#)
        let importer = RunFolderImporter()
        func refusal(_ run: String) -> String {
            do {
                try importer.importFile(folder + "/" + run + "/config.json", source: "test", into: CollectingSink(), progress: nil)
                return "accepted"
            } catch { return "\(error)" }
        }
        XCTAssertTrue(refusal("text_loss").contains("text_loss/losses.json field '10'"), refusal("text_loss"))
        XCTAssertTrue(refusal("bad_step").contains("field 'zero'"), refusal("bad_step"))
        XCTAssertTrue(
            refusal("bad_json").contains("bad_json/losses.json") && refusal("bad_json").contains("not valid JSON"), refusal("bad_json"))
        XCTAssertTrue(refusal("twice").contains("d_model"), refusal("twice"))
        // A folder without losses.json is a run to predict: its steps from eval_interval.
        try write(
            folder, run: "planned",
            config: config.replacingOccurrences(of: "\"total_steps\": 10", with: "\"total_steps\": 25")
                .replacingOccurrences(of: "}}", with: "}, \"eval_interval\": 10}"), losses: nil)
        let planned = try RunFolderImporter.readAll(folder + "/planned")
        XCTAssertEqual(planned.first?.curve.map(\.step), [0, 10, 20, 25])
    }
}

final class RateScheduleTests: XCTestCase {
    /// S1(T), the sum of the rates over steps 1...T, against sums done by hand.
    func testAreasAreTheClosedFormsSums() {
        let (peak, warmup, total) = (0.01, 100.0, 1100.0)
        func area(_ schedule: RateSchedule) -> Double { schedule.rates(through: Int(total)).reduce(0, +) }
        // Warmup: sum over i = 1...W of peak i / W = peak (W + 1) / 2.
        let warmupArea = peak * (warmup + 1) / 2
        let constant = RateSchedule(shape: .constant, peak: peak, warmupSteps: warmup, totalSteps: total)
        XCTAssertEqual(area(constant), warmupArea + peak * (total - warmup), accuracy: 1e-12)
        // Linear to 0 over n = T - W steps: peak sum over k = 1...n of (1 - k/n) = peak (n - 1) / 2.
        let n = total - warmup
        let linear = RateSchedule(shape: .linear, peak: peak, warmupSteps: warmup, totalSteps: total, finalRatio: 0)
        XCTAssertEqual(area(linear), warmupArea + peak * (n - 1) / 2, accuracy: 1e-12)
        // Cosine to 0: peak/2 sum over k = 1...n of (1 + cos(pi k / n)) = peak/2 (n - 1), as the cosines sum to -1.
        let cosine = RateSchedule(shape: .cosine, peak: peak, warmupSteps: warmup, totalSteps: total, finalRatio: 0)
        XCTAssertEqual(area(cosine), warmupArea + peak / 2 * (n - 1), accuracy: 1e-12)
        // WSD, decay over the last 200 steps to 0: stable for 800, then the linear sum over 200.
        let wsd = RateSchedule(shape: .wsd, peak: peak, warmupSteps: warmup, totalSteps: total, finalRatio: 0, decaySteps: 200)
        XCTAssertEqual(area(wsd), warmupArea + peak * 800 + peak * (200 - 1) / 2, accuracy: 1e-12)
    }

    /// Warmup then cosine to a floor, at points worked by hand (the schedule LossCast's own
    /// training uses too, Predictor.Trainer).
    func testWarmupCosineAtHandWorkedSteps() {
        let schedule = RateSchedule(shape: .cosine, peak: 1, warmupSteps: 10, totalSteps: 110, finalRatio: 0.1)
        XCTAssertEqual(schedule.rate(at: 1), 0.1, accuracy: 1e-12)  // 1/10 of the peak
        XCTAssertEqual(schedule.rate(at: 10), 1, accuracy: 1e-12)  // the peak at the end of warmup
        XCTAssertEqual(schedule.rate(at: 60), 0.55, accuracy: 1e-12)  // halfway: (1 + 0.1) / 2
        XCTAssertEqual(schedule.rate(at: 35), 0.1 + 0.9 * 0.5 * (1 + cos(Double.pi * 0.25)), accuracy: 1e-12)
        XCTAssertEqual(schedule.rate(at: 110), 0.1, accuracy: 1e-12)
        XCTAssertEqual(schedule.rate(at: 500), 0.1, accuracy: 1e-12)  // the floor after the end
    }

    /// One rule for total steps: a batch given as sequences x length sets the schedule's
    /// length as it sets the configuration's (the schedule read batch_size_tokens only, and
    /// had no length at all for such a recipe).
    func testTotalStepsFollowOneRule() throws {
        let sequences: [String: ConfigValue] = [
            ConfigKey.lr: .number(0.002), ConfigKey.tokens: .number(2e9), ConfigKey.warmupSteps: .number(10),
            ConfigKey.batchSizeSeqs: .number(256), ConfigKey.seqLen: .number(4096)
        ]
        // 2e9 / (256 x 4096 = 1,048,576) = 1907.35 steps, rounded.
        XCTAssertEqual(Configuration(sequences).totalSteps, 1907)
        XCTAssertEqual(try XCTUnwrap(try RateSchedule(configuration: sequences)).totalSteps, 1907)
        // D and total steps stated, no batch: the batch is D over the steps.
        let stepsOnly: [String: ConfigValue] = [ConfigKey.tokens: .number(2e9), ConfigKey.totalSteps: .number(2000)]
        XCTAssertEqual(Configuration(stepsOnly).batchTokens, 1e6)
        XCTAssertNil(Configuration([ConfigKey.tokens: .number(2e9)]).totalSteps)
    }

    func testAConfigurationStatesItsScheduleOrNone() throws {
        var configuration: [String: ConfigValue] = [
            ConfigKey.lr: .number(0.02), ConfigKey.totalSteps: .number(1990),
            ConfigKey.lrSchedule: .text("warmup_stable_warmdown"), ConfigKey.decayFraction: .number(0.2),
            ConfigKey.finalLRRatio: .number(0)
        ]
        let schedule = try XCTUnwrap(try RateSchedule(configuration: configuration))
        XCTAssertEqual(schedule.shape, .wsd)
        XCTAssertEqual(schedule.decaySteps, 398)
        XCTAssertEqual(schedule.rate(at: 1592), 0.02)  // the last stable step
        XCTAssertEqual(schedule.rate(at: 1990), 0, accuracy: 1e-15)
        configuration[ConfigKey.lrSchedule] = .text("cosin")
        XCTAssertThrowsError(try RateSchedule(configuration: configuration)) { error in
            XCTAssertTrue("\(error)".contains("lr_schedule") && "\(error)".contains("cosine"), "\(error)")
        }
        configuration[ConfigKey.lrSchedule] = nil
        XCTAssertNil(try RateSchedule(configuration: configuration), "no schedule name and no warmup: none stated")
    }
}
