// A source the checkpoint never trained on: marked new, its interval widened by the level
// doubt in quadrature, and learned from a few of its runs (an offset line in ln N and ln D,
// its ridge chosen by leaving each run out) so that a shift we inject is recovered.
import Foundation
@testable import Predictor
import Runs
import Scoring
import TestSupport
import XCTest

final class NewSourceTests: XCTestCase {
    /// A predictor on StepLaw's three smallest shapes (few epochs: the tests below hold for
    /// any network, they check what is added on top of it), and the healthy runs it never saw.
    static let trained = Result { () throws -> (Predictor, [Run]) in
        let (fit, validation, _) = try PredictorTests.ncplSplit()
        var options = TrainingOptions()
        options.epochs = 20
        options.calibratesExtrapolation = false
        let predictor = try Trainer.train(runs: Array(fit.prefix(600)), options: options)
        return (predictor, validation.filter { $0.status != .diverged })
    }

    /// Copies of runs as another source, every logged loss raised by `shift`.
    static func shifted(_ runs: [Run], by shift: Double, source: String) -> [Run] {
        runs.map { run in
            var copy = run
            copy.source = source
            copy.curve = run.curve.map { point in
                var point = point
                point.losses = point.losses.mapValues { $0 + shift }
                return point
            }
            return copy
        }
    }

    /// Residuals on an exact line in the prediction (offset 0.3 at the mean prediction,
    /// slope 0.2) are forecast exactly from the smaller runs, so the free slope (ridge 0)
    /// wins, is recovered, and its doubt is 0. Residuals that are an offset plus alternating
    /// noise unrelated to the prediction get the largest ridge: the offset alone, their mean.
    func testAdaptationLineAndItsRidge() throws {
        let provenance = Provenance(file: "f", importer: "test")
        let sizes = [1e8, 2e8, 4e8, 8e8, 1.6e9]
        let runs = sizes.map { n in
            Run(
                source: "mine", name: "\(n)", configuration: [ConfigKey.params: .number(n), ConfigKey.tokens: .number(2e10)],
                curve: [CurvePoint(losses: ["loss": 3])], targetLoss: "loss", parameterConvention: .total, provenance: provenance)
        }
        let predicted = [3.5, 3.3, 3.1, 2.9, 2.7]
        let line = SourceAdaptation.fit(residuals: predicted.map { 0.3 + 0.2 * ($0 - 3.1) }, predicted: predicted, runs: runs)
        XCTAssertEqual(line.ridge, 0)
        XCTAssertEqual(line.offset, 0.3, accuracy: 1e-9)
        XCTAssertEqual(line.slope, 0.2, accuracy: 1e-9)
        XCTAssertEqual(line.center, 3.1, accuracy: 1e-12)
        XCTAssertEqual(line.deviation, 0, accuracy: 1e-9)
        XCTAssertEqual(line.offset(predicted: 2.5), 0.3 + 0.2 * (2.5 - 3.1), accuracy: 1e-12)

        let noisy = SourceAdaptation.fit(
            residuals: predicted.indices.map { 0.3 + ($0 % 2 == 0 ? 0.02 : -0.02) }, predicted: predicted, runs: runs)
        XCTAssertEqual(noisy.ridge, SourceAdaptation.ridges.last!)
        XCTAssertLessThan(abs(noisy.slope), 1e-4)
        XCTAssertEqual(noisy.offset, 0.3 + 0.02 / 5, accuracy: 1e-4, "the mean of three +0.02 and two -0.02")
        // Two forecasts (runs 4 and 5, each from the runs before it), each off by a few
        // hundredths: a deviation of a few hundredths, widened by t(2) / z.
        XCTAssertGreaterThan(noisy.deviation, 0.02)
        XCTAssertLessThan(noisy.deviation, 0.1)
    }

    /// A new source's prediction is marked and its deviation is the plain one and the level
    /// doubt in quadrature; a proposal stating no source is new (to a checkpoint that reads
    /// sources), one stating a known source is not, and one stating a dataset the checkpoint
    /// never saw is.
    func testNewSourceIsMarkedAndCarriesTheLevelDoubt() throws {
        let (trained, unseen) = try Self.trained.get()
        let predictor = trained.members(Array(0..<trained.memberCount))
        let runs = Self.shifted(Array(unseen.prefix(20)), by: 0, source: "mine")
        predictor.calibration.newSourceDeviation = nil
        let plain = predictor.predictFinal(runs)
        predictor.calibration.newSourceDeviation = 0.3
        let widened = predictor.predictFinal(runs)
        for (before, after) in zip(plain, widened) {
            XCTAssertEqual(after.newSource, true)
            XCTAssertEqual(after.loss, before.loss)
            XCTAssertEqual(after.deviation, (before.deviation * before.deviation + 0.09).squareRoot(), accuracy: 1e-12)
            XCTAssertLessThan(after.lower, before.lower)
            XCTAssertGreaterThan(after.lower, 0)
        }
        XCTAssertNil(predictor.predictFinal(Array(unseen.prefix(5))).compactMap(\.newSource).first, "its own source is not new")
        // A proposal stating no source is read as a source the network does not know: new to a
        // checkpoint that reads sources (its level is as much a guess), else not.
        var proposal = unseen[0]
        proposal.source = ConfigurationRun.candidateSource
        XCTAssertEqual(predictor.isNewSource(proposal), predictor.encoder.categorical.contains { $0.key == "source" })
        proposal.source = unseen[0].source
        XCTAssertFalse(predictor.isNewSource(proposal))
        proposal.configuration[ConfigKey.dataset] = .text("my-private-web-crawl")
        XCTAssertEqual(
            predictor.isNewSource(proposal), predictor.encoder.categorical.contains { $0.key == ConfigKey.dataset },
            "a dataset is new only to a checkpoint that reads datasets")
    }

    /// A prediction's interval never reaches above ln V past initialisation (the loss of a
    /// uniform guess over the vocabulary), however large the doubt, and never below 0: a level
    /// doubt of 3 about finals near 2.5 would reach 2.5 e^(1.6449 x 3 / 2.5) = 18 uncapped. A
    /// loss within 90% of ln V is capped too (it once was not), and at step 0, where runs start
    /// at or above ln V, there is no cap.
    func testTheIntervalStaysUnderTheUniformGuessPastInitialisation() throws {
        let (trained, unseen) = try Self.trained.get()
        let predictor = trained.members(Array(0..<trained.memberCount))
        predictor.calibration.newSourceDeviation = 3
        let runs = Self.shifted(Array(unseen.prefix(20)), by: 0, source: "mine").map { run in
            var stated = run
            stated.configuration[ConfigKey.vocabSize] = .number(8192)
            return stated
        }
        let ceiling = Foundation.log(8192.0)
        for prediction in predictor.predictFinal(runs) {
            XCTAssertLessThan(prediction.loss, ceiling)
            XCTAssertEqual(prediction.upper, ceiling, accuracy: 1e-12, "capped at ln 8192")
            XCTAssertGreaterThan(prediction.lower, 0)
            XCTAssertLessThan(prediction.lower, prediction.loss)
        }
        XCTAssertEqual(Predictor.interval(loss: 2.4, deviation: 10, ceiling: 2.5).upper, 2.5)
        XCTAssertEqual(Predictor.interval(loss: 3, deviation: 10, ceiling: 2.5).upper, 3 * Foundation.exp(1.6449 * 10 / 3), accuracy: 1e-9)
        XCTAssertNil(Predictor.ceiling(runs[0], at: StepContext(step: 0)))
        XCTAssertNil(Predictor.ceiling(runs[0], at: StepContext(tokensSeen: 0)), "no token seen: the baseline's initialisation too")
        XCTAssertEqual(Predictor.ceiling(runs[0], at: StepContext(step: 10)), ceiling)
        XCTAssertEqual(Predictor.ceiling(runs[0], at: StepContext()), ceiling, "a point of unknown step is past the start")
    }

    /// Runs the checkpoint never saw, raised by 0.5 in loss and named another source: zero-shot
    /// they are off by about the shift; adapted from ten of them, the others are predicted
    /// about as well as the unshifted runs of the source it knows (within a tenth of the
    /// shift), not marked new, and a checkpoint round trip keeps the adaptation.
    /// The risk-adjusted score counts a source's level doubt added to the upper end without it,
    /// so candidates sharing the doubt are ordered by their own upper ends. In quadrature the
    /// doubt swamps them: here B's wider interval ends lower than A's once a doubt of 1.4 is
    /// added (the loss decides), though its own upper end is 0.13 higher. Hand arithmetic on
    /// the log-space interval, loss x exp(1.6449 d / loss).
    func testTheRiskScoreOrdersCandidatesSharingALevelDoubtByTheirOwnUpperEnds() {
        func widened(_ loss: Double, _ deviation: Double) -> Prediction {
            Prediction(loss: loss, lower: 0, upper: 0, deviation: deviation, divergenceProbability: 0).widened(by: 1.4, ceiling: nil)
        }
        let a = widened(2.80, 0.02), b = widened(2.70, 0.15)
        let ownA = 2.80 * exp(1.6449 * 0.02 / 2.80), ownB = 2.70 * exp(1.6449 * 0.15 / 2.70)
        XCTAssertEqual(a.upper, 2.80 * exp(1.6449 * (0.02 * 0.02 + 1.96).squareRoot() / 2.80), accuracy: 1e-12)
        XCTAssertGreaterThan(a.upper, b.upper, "in quadrature B's upper end is the lower")
        XCTAssertEqual(a.ownUpper!, ownA, accuracy: 1e-12)
        XCTAssertEqual(a.riskAdjustedScore, ownA + 1.6449 * 1.4, accuracy: 1e-12)
        XCTAssertEqual(b.riskAdjustedScore, ownB + 1.6449 * 1.4, accuracy: 1e-12)
        XCTAssertLessThan(a.riskAdjustedScore, b.riskAdjustedScore)
        // A larger doubt (another source) still scores worse; no doubt: the upper end itself.
        let doubtful = Prediction(loss: 2.80, lower: 0, upper: 0, deviation: 0.02, divergenceProbability: 0).widened(by: 1.5, ceiling: nil)
        XCTAssertGreaterThan(doubtful.riskAdjustedScore, a.riskAdjustedScore)
        let plain = Prediction(loss: 2.80, lower: 0, upper: 0, deviation: 0.02, divergenceProbability: 0).widened(by: 0, ceiling: nil)
        XCTAssertNil(plain.levelDoubt)
        XCTAssertEqual(plain.riskAdjustedScore, ownA, accuracy: 1e-12)
    }

    /// Every recipe of LossCast-Bench (train/ and val/) reads as a user's proposal to the
    /// bundled checkpoint, which trained on them: its fields beyond the table
    /// (FeatureEncoder.statedKeys) are known. Without them, the table alone refuses exactly
    /// the nanochat recipes (by folder name), which state `model.window_pattern`.
    func testEveryBenchmarkRecipeReadsAsAProposalToTheBundledCheckpoint() throws {
        let bench = datasetsRoot + "/losscast_bench"
        guard FileManager.default.fileExists(atPath: bench) else { throw XCTSkip("no ../shared/datasets/losscast_bench") }
        let known = try Predictor.load(path: repositoryRoot + "/Checkpoints/default.safetensors").encoder.statedKeys
        var read = 0, refusedByTheTable: [String] = [], nanochat: [String] = []
        for split in ["train", "val"] {
            for folder in try FileManager.default.contentsOfDirectory(atPath: bench + "/" + split).sorted() where !folder.hasPrefix(".") {
                let path = bench + "/" + split + "/" + folder + "/config.json"
                let recipe = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
                try Configuration.read(json: recipe, origin: path, alsoKnown: known).checkPredictable(origin: path)
                read += 1
                if (try? Configuration.read(json: recipe, origin: path)) == nil { refusedByTheTable.append(folder) }
                if folder.hasPrefix("nanochat_") { nanochat.append(folder) }
            }
        }
        XCTAssertEqual(read, 5_676, "the benchmark's README: 4,567 runs in train/, 1,109 in val/")
        XCTAssertEqual(refusedByTheTable, nanochat)
        XCTAssertEqual(nanochat.count, 590)
    }

    func testAdaptingRecoversAnInjectedShift() throws {
        let (predictor, unseen) = try Self.trained.get()
        let known = Metrics.meanAbsoluteError(predictor.predictFinal(unseen).map(\.loss), unseen.map { $0.finalLoss! })
        let mine = Self.shifted(unseen, by: 0.5, source: "mine")
        let (given, rest) = (Array(mine.prefix(10)), Array(mine.dropFirst(10)))
        let actual = rest.map { $0.finalLoss! }
        let zeroShot = Metrics.meanAbsoluteError(predictor.predictFinal(rest).map(\.loss), actual)
        XCTAssertGreaterThan(zeroShot, 0.3)
        let adapted = try predictor.adapted(to: "mine", runs: given)
        XCTAssertNil(predictor.adaptations["mine"], "adapting returns a copy")
        let predictions = adapted.predictFinal(rest)
        XCTAssertLessThan(Metrics.meanAbsoluteError(predictions.map(\.loss), actual), known + 0.05)
        XCTAssertTrue(predictions.allSatisfy { $0.newSource == nil })

        let path = NSTemporaryDirectory() + "adapted-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try adapted.save(path: path)
        let loaded = try Predictor.load(path: path)
        XCTAssertEqual(loaded.adaptations, adapted.adaptations)
        XCTAssertEqual(loaded.predictFinal(rest).map(\.loss), predictions.map(\.loss))

        XCTAssertThrowsError(try predictor.adapted(to: "mine", runs: Array(given.prefix(2)))) {
            XCTAssertTrue("\($0)".contains("at least 3 runs") && "\($0)".contains("found 2"), "\($0)")
        }
    }

    /// The level deviation is the least for which the sources' mean coverage reaches 90%:
    /// at it the mean is at least 0.9, a little below it less.
    func testNewSourceDeviationIsTheLeastThatCovers() throws {
        let (predictor, unseen) = try Self.trained.get()
        let runs = Array(unseen.prefix(40))
        let predictions = predictor.predictFinal(runs)
        let held = [0.2, -0.4, 0.7].map { shift in
            HeldOutSource(
                source: "shift \(shift)", predictor: predictor, runs: runs, predictions: predictions,
                actual: runs.map { $0.finalLoss! + shift })
        }
        let level = try XCTUnwrap(Trainer.newSourceDeviation(held))
        func mean(_ level: Double) -> Double { held.map { Trainer.coverage($0, level: level) }.reduce(0, +) / 3 }
        XCTAssertGreaterThanOrEqual(mean(level), 0.9)
        XCTAssertLessThan(mean(level * 0.99), 0.9)
        // The largest shift, 0.7, must be inside for most of its source: 1.645 d is near 0.7.
        XCTAssertGreaterThan(level * 1.6449, 0.6)
    }
}
