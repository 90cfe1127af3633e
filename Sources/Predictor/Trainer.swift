// Training the predictor: samples from runs (up to `maxPointsPerRun` points of each curve),
// the baseline law fitted on the training runs (Baseline.swift), then each ensemble member
// trained with AdamW, warmup + cosine and early stopping on the validation runs' error, then
// the interval calibrated. Members share one validation split, or are cross-fitted (`folds`):
// each trains without one fold, early-stops on it and has its own baseline fitted without it.
// Deterministic for a seed. Diverged runs teach the divergence head only.
import Autograd
import Foundation
import Laws
import Layers
import Scoring
import Optimization
import Runs
import Tensors

public struct TrainingOptions: Sendable {
    public var architecture = Architecture()
    public var ensemble = 1
    public var epochs = 300
    public var batchSize = 128
    public var learningRate: Float = 2e-3
    public var weightDecay: Float = 1e-4
    public var patience = 40
    public var seed: UInt64 = 0
    /// One of `Baseline.choices`: a law, "auto" (chosen on the largest training size) or "none".
    public var baseline = "auto"
    public var maxPointsPerRun = 16
    public var validationFraction = 0.2
    /// 0: every member early-stops on one validation split of `validationFraction` of the runs.
    /// K >= 2: cross-fitting. The runs are dealt into K folds and member k trains on the other
    /// folds and early-stops on fold k, so the ensemble learns from every run and each run still
    /// validates a member that never trained on it. `ensemble` deals are made, each with its own
    /// seed, so the ensemble has K x `ensemble` members; deal r's fold k is member r K + k.
    /// Not used when the caller gives the validation runs.
    public var folds = 0
    public var split = "random"
    /// Whether the interval widens with the distance outside the training range, at a slope
    /// set by auxiliary ensembles trained without the largest sizes (training again, on most
    /// of the runs). Off, the interval is the calibrated network spread alone: for predicting
    /// inside the range, or for runs that judge points and never read an interval.
    public var calibratesExtrapolation = true
    /// Whether the interval of a source the predictor never trained on carries the doubt about
    /// its loss level, measured by leaving each training source out (one more one-member
    /// training per source with five healthy runs or more; at least three such sources).
    public var calibratesNewSources = false
    /// During training, each configuration field other than N, D and the learning rate is
    /// marked missing with this probability, so that a configuration that leaves fields out
    /// is not outside what the network has seen.
    public var featureDropout: Float = 0.15
    public init() {}

    /// The defaults for a network: the transformer's epochs cost about ten of the MLP's, and
    /// it reaches its best validation error in fewer of them at a lower learning rate.
    public init(model: String) {
        architecture.model = model
        if model == "transformer" {
            epochs = 60
            patience = 12
            learningRate = 1e-3
            weightDecay = 1e-2
        }
    }
}

struct SampleSet {
    var numeric: [Float] = []        // (S, F) row-major
    var categories: [[Int]]          // [feature][sample]
    var targets: [Float] = []        // normalised residual
    var weights: [Float] = []        // 0 for diverged
    var diverged: [Float] = []
    var losses: [Double] = []        // the actual loss
    var baselines: [Double] = []
    var count: Int { targets.count }
}

public enum Trainer {
    /// Point indices used from a curve: all when few, else evenly spaced ending at the last.
    static func pointIndices(_ count: Int, maximum: Int) -> [Int] {
        guard count > maximum else { return Array(0..<count) }
        return (0..<maximum).map { Int((Double($0 + 1) / Double(maximum) * Double(count - 1)).rounded()) }
    }

    static func samples(_ runs: [Run], encoder: FeatureEncoder, baseline: Baseline, maxPoints: Int) -> SampleSet {
        var set = SampleSet(categories: [[Int]](repeating: [], count: encoder.categorical.count))
        let sources = encoder.sources
        for run in runs {
            let contexts = StepContext.contexts(for: run)
            let categories = encoder.categories(run: run)
            for index in pointIndices(run.curve.count, maximum: maxPoints) {
                guard let loss = run.curve[index].losses[run.targetLoss], loss.isFinite else { continue }
                let base = baseline.value(run: run, context: contexts[index])
                set.numeric += encoder.encoded(run: run, context: contexts[index], sources: sources)
                for (feature, value) in categories.enumerated() { set.categories[feature].append(value) }
                let isDiverged = run.status == .diverged
                let normalised = (loss - base - baseline.mean) / baseline.deviation
                set.targets.append(isDiverged ? 0 : Float(max(-20, min(20, normalised))))
                set.weights.append(isDiverged ? 0 : 1)
                set.diverged.append(isDiverged ? 1 : 0)
                set.losses.append(loss)
                set.baselines.append(base)
            }
        }
        return set
    }

    /// The baseline law fitted on the healthy runs among `train` (final points), the target's
    /// normalisation from its residuals, and the samples of both sides over it.
    static func baselineAndSamples(_ train: [Run], _ check: [Run], encoder: FeatureEncoder,
                                   options: TrainingOptions) throws -> (Baseline, SampleSet, SampleSet) {
        var baseline = try Baseline.fitted(options.baseline, healthy: healthyFinals(train))
        let raw = samples(train, encoder: encoder, baseline: baseline, maxPoints: options.maxPointsPerRun)
        let residuals = zip(raw.losses, raw.baselines).enumerated().filter { raw.weights[$0.offset] > 0 }.map { $0.element.0 - $0.element.1 }
        guard residuals.count >= 4 else { throw LawError("training needs at least 4 non-diverged points, found \(residuals.count)") }
        baseline.mean = residuals.reduce(0, +) / Double(residuals.count)
        baseline.deviation = max((residuals.map { ($0 - baseline.mean) * ($0 - baseline.mean) }.reduce(0, +) / Double(residuals.count)).squareRoot(), 1e-4)
        return (baseline, samples(train, encoder: encoder, baseline: baseline, maxPoints: options.maxPointsPerRun),
                samples(check, encoder: encoder, baseline: baseline, maxPoints: options.maxPointsPerRun))
    }

    /// Deals run indices into `count` folds of (nearly) equal size, seeded.
    static func folds(_ runs: [Run], count: Int, seed: UInt64) -> [Set<Int>] {
        var generator = SeededGenerator(seed: seed ^ 0xF01D)
        var order = Array(runs.indices)
        generator.shuffle(&order)
        return (0..<count).map { fold in Set(order.enumerated().filter { $0.offset % count == fold }.map(\.element)) }
    }

    /// Splits runs into (fit, validation), seeded, by run.
    static func holdOut(_ runs: [Run], fraction: Double, seed: UInt64) -> ([Run], [Run]) {
        var generator = SeededGenerator(seed: seed ^ 0x5EED)
        var order = Array(runs.indices)
        generator.shuffle(&order)
        let validationCount = max(1, Int(Double(runs.count) * fraction))
        let validation = Set(order.prefix(validationCount))
        return (runs.indices.filter { !validation.contains($0) }.map { runs[$0] }, validation.sorted().map { runs[$0] })
    }

    public static func train(runs: [Run], validation given: [Run]? = nil, options: TrainingOptions,
                             progress: ((String) -> Void)? = nil) throws -> Predictor {
        try train(runs: runs, validation: given, options: options, calibrating: true, progress: progress)
    }

    static func train(runs: [Run], validation given: [Run]? = nil, options: TrainingOptions, calibrating: Bool,
                      progress: ((String) -> Void)? = nil) throws -> Predictor {
        let start = Date()
        guard runs.count >= 4 else { throw LawError("training needs at least 4 runs, the selection has \(runs.count)") }
        let crossFitting = given == nil && options.folds >= 2
        // Each fold is a member's validation set: an empty one reads as error 0 from the first
        // epoch, and the member would keep its initial parameters. Two runs a fold at least.
        if crossFitting && runs.count < 2 * options.folds {
            throw LawError("cross-fitting with \(options.folds) folds needs at least \(2 * options.folds) runs, the selection has \(runs.count); use fewer folds or --folds 0")
        }
        let (fitRuns, validationRuns) = crossFitting ? (runs, []) : given.map { (runs, $0) }
            ?? holdOut(runs, fraction: options.validationFraction, seed: options.seed)
        let encoder = FeatureEncoder.fit(runs: fitRuns, contexts: fitRuns.map { StepContext.contexts(for: $0) })

        // Each member's (training runs, validation runs): the shared split, or its folds.
        let plans: [(train: [Run], check: [Run])] = crossFitting
            ? (0..<options.ensemble).flatMap { deal in
                folds(runs, count: options.folds, seed: options.seed &+ UInt64(deal)).map { fold in
                    (runs.indices.filter { !fold.contains($0) }.map { runs[$0] }, fold.sorted().map { runs[$0] }) } }
            : Array(repeating: (fitRuns, validationRuns), count: options.ensemble)
        // The baseline law: fitted on the shared training runs, or on each member's own folds,
        // so that the ensemble also averages the law's extrapolation over resamples of the runs.
        let shared = crossFitting ? nil : try baselineAndSamples(fitRuns, validationRuns, encoder: encoder, options: options)
        var members: [any PredictorModel] = []
        var baselines: [Baseline] = []
        var bestErrors: [Double] = []
        var sampleCount = 0
        for (member, plan) in plans.enumerated() {
            let (baseline, train, check) = try shared ?? baselineAndSamples(plan.train, plan.check, encoder: encoder, options: options)
            sampleCount = max(sampleCount, train.count)
            let (network, error) = trainMember(train: train, check: check, encoder: encoder, baseline: baseline,
                                               options: options, seed: options.seed &+ UInt64(member) &* 7919,
                                               progress: { progress?("member \(member + 1)/\(plans.count): " + $0) })
            members.append(network)
            if crossFitting || baselines.isEmpty { baselines.append(baseline) }
            bestErrors.append(error)
        }
        // A member whose error is not finite learned nothing usable: refused, never saved.
        if let bad = bestErrors.firstIndex(where: { !$0.isFinite }) {
            throw LawError("member \(bad + 1) ended with validation MAE \(bestErrors[bad]): the training diverged or the runs hold "
                           + "impossible values; check them with `losscast runs list`, or lower --learning-rate")
        }
        var record = TrainingRecord(sources: Array(Set(runs.map(\.source))).sorted(), runs: runs.count, samples: sampleCount,
                                    epochs: options.epochs, seconds: 0, seed: options.seed,
                                    validationMAE: bestErrors.reduce(0, +) / Double(max(bestErrors.count, 1)), split: options.split,
                                    folds: crossFitting ? options.folds : nil)
        let predictor = Predictor(encoder: encoder, architecture: options.architecture, baselines: baselines, record: record, members: members)
        if calibrating {
            // The interval's scale is set on runs a member never saw: the shared validation runs
            // with the whole ensemble, or each fold with the one member that held it out.
            let checks = crossFitting ? plans.indices.map { (predictor.members([$0]), plans[$0].check) } : [(predictor, validationRuns)]
            predictor.calibration = try calibrate(predictor, fitRuns: fitRuns, checks: checks, options: options, progress: progress)
            if options.calibratesNewSources {
                let held = try leaveOneSourceOut(runs, options: options, progress: progress)
                guard !held.isEmpty else {
                    throw LawError("calibrating for new sources needs three sources or more with 5 healthy runs each (N, D and a final loss); "
                                   + "the selection has \(Set(healthyFinals(runs).map(\.source)).count) sources")
                }
                predictor.calibration.newSourceDeviation = newSourceDeviation(held)
            }
        }
        record.seconds = Date().timeIntervalSince(start)
        predictor.record = record
        return predictor
    }

    /// The smallest value in [0, upper] for which `covers` holds (it must hold at `upper`), by bisection.
    static func smallest(upTo upper: Double, _ covers: (Double) -> Bool) -> Double {
        guard !covers(0) else { return 0 }
        var low = 0.0, high = upper
        for _ in 0..<50 {
            let middle = (low + high) / 2
            if covers(middle) { high = middle } else { low = middle }
        }
        return high
    }

    /// The interval's scale from runs the predicting members never saw (`checks`: the shared
    /// validation runs with the ensemble, or each fold with its member), and its extrapolation
    /// slope from auxiliary ensembles trained without the largest, then the smallest, training
    /// size and scored on it.
    static func calibrate(_ predictor: Predictor, fitRuns: [Run], checks: [(predictor: Predictor, runs: [Run])], options: TrainingOptions,
                          progress: ((String) -> Void)?) throws -> Calibration {
        // Each run's final point: the interval is promised on the final loss, and a curve's early
        // points (errors several times larger) would set it for them and leave the finals
        // over-covered (NCPL's split, all points: finals covered 97-99%).
        func healthyPoints(_ runs: [Run]) -> [(run: Run, context: StepContext, loss: Double)] {
            runs.filter { $0.status != .diverged }.flatMap { run -> [(Run, StepContext, Double)] in
                let contexts = StepContext.contexts(for: run)
                guard let last = run.curve.indices.last, let loss = run.curve[last].losses[run.targetLoss] else { return [] }
                return [(run, contexts[last], loss)]
            }
        }
        /// Each point's distance outside the encoder's training range, computed once: the
        /// bisections below evaluate coverage fifty times over the same points.
        func distances(_ points: [(run: Run, context: StepContext, loss: Double)], _ encoder: FeatureEncoder) -> [Double] {
            let all = encoder.sizeRangeOfAll
            return points.map { encoder.extrapolationDistance(run: $0.run, all: all) }
        }
        func coverage(_ points: [(run: Run, context: StepContext, loss: Double)], _ predictions: [Prediction],
                      _ distances: [Double], _ calibration: Calibration) -> Double {
            let inside = zip(zip(points, predictions), distances).filter { pair, distance in
                let (point, prediction) = pair
                let network = prediction.deviation
                return abs(point.loss - prediction.loss) <= Predictor.halfWidth90 * calibration.deviation(network: network, distance: distance, source: point.run.source)
            }.count
            return Double(inside) / Double(max(points.count, 1))
        }
        var calibration = Calibration()
        predictor.calibration = Calibration()
        var validation: [(run: Run, context: StepContext, loss: Double)] = [], checked: [Prediction] = []
        for check in checks {
            let points = healthyPoints(check.runs)
            check.predictor.calibration = Calibration()
            validation += points
            checked += check.predictor.predict(points.map { ($0.run, $0.context) })
        }
        if validation.count >= 10 {
            let away = distances(validation, predictor.encoder)
            calibration.scale = smallest(upTo: 1000) { scale in
                coverage(validation, checked, away, Calibration(scale: scale)) >= 0.9
            }
        }
        // Extrapolation: hold out the largest size of the training runs, then the smallest,
        // train an ensemble like the predictor's on the rest each time and pool the held-out
        // points, so that the slope does not rest on one network's luck at one size (on
        // StepLaw's 429M alone the slope ranged 0.0009-0.0026 over seeds; coverage 68-95%).
        let sizes = Set(fitRuns.compactMap(\.params)).sorted()
        guard options.calibratesExtrapolation, sizes.count >= 3 else { return calibration }
        var auxiliaryOptions = options
        // The law "auto" chose for the full training set (the members' most frequent choice),
        // not a choice remade on two sizes.
        let chosen = Dictionary(grouping: predictor.baselines.map(\.law), by: { $0 })
        auxiliaryOptions.baseline = chosen.max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }!.key
        // Three members on one shared split even for a cross-fitted predictor: cross-fitted
        // auxiliaries predicted the held-out sizes better than the predictor then did the larger
        // ones, so the slope came out too small (StepLaw, five folds, seeds 0-3: out-of-distribution
        // coverage 47% to 88%, against 74% to 96% with these), and they cost K members each.
        if options.folds >= 2 {
            auxiliaryOptions.folds = 0
            auxiliaryOptions.ensemble = 3
        }
        var held: [(run: Run, context: StepContext, loss: Double)] = [], predictions: [Prediction] = [], away: [Double] = []
        // One source: its largest size, then its smallest. Several sources: the largest size
        // of each source with three sizes or more at once, in one auxiliary ensemble, as a
        // larger run of any of them is what the predictor is asked about (NCPL's split holds
        // out every source's largest), and the smallest of the smallest source says little
        // about the others. A source with two sizes keeps both (held out, its one remaining
        // size leaves its law's E and A undetermined: Marin's interval widened to 0.48) and
        // holds out its longest runs instead (the top third of its ln D range). Without
        // them it borrowed the slope of all held points, set by the worst-extrapolating
        // source (NCPL's split: nanochat's, and Marin's 90% interval covered 99.8%).
        let heldBySource = Dictionary(grouping: fitRuns.filter { $0.params != nil }, by: \.source)
            .compactMapValues { runs -> ((Run) -> Bool)? in Self.extrapolationHoldOut(runs) }
        let holdOuts: [(name: String, isHeld: (Run) -> Bool)] = heldBySource.count >= 2
            ? [("each source's largest N (or longest runs)", { run in run.params != nil && (heldBySource[run.source]?(run) ?? false) })]
            : [sizes.last!, sizes.first!].map { (size: Double) in ("N = \(size)", { run in run.params == size }) }
        for holdOut in holdOuts {
            let inner = fitRuns.filter { !holdOut.isHeld($0) }, outer = healthyPoints(fitRuns.filter(holdOut.isHeld))
            guard inner.count >= 8, outer.count >= 5 else { continue }
            progress?("calibrating the interval: holding out \(holdOut.name)")
            // Uncalibrated, so each prediction's deviation is the network's own.
            let auxiliary = try train(runs: inner, options: auxiliaryOptions, calibrating: false)
            held += outer
            predictions += auxiliary.predict(outer.map { ($0.run, $0.context) })
            away += distances(outer, auxiliary.encoder)
        }
        guard !held.isEmpty else { return calibration }
        /// The least slope that covers 90% of the points (nil when even the largest does not).
        func slope(_ indices: [Int]) -> Double? {
            let (points, predicted, distance) = (indices.map { held[$0] }, indices.map { predictions[$0] }, indices.map { away[$0] })
            guard coverage(points, predicted, distance, Calibration(scale: calibration.scale, extrapolationSlope: 1e3)) >= 0.9 else { return nil }
            return smallest(upTo: 1e3) { slope in
                coverage(points, predicted, distance, Calibration(scale: calibration.scale, extrapolationSlope: slope)) >= 0.9
            }
        }
        calibration.extrapolationSlope = slope(Array(held.indices)) ?? 0
        // Each source with its own held-out size gets its own slope: sources extrapolate
        // unequally (NCPL's split: the auxiliary missed nanochat's largest size by 0.21,
        // StepLaw's by 0.011), and one pooled slope set StepLaw's interval by nanochat's.
        var own: [String: Double] = [:]
        for (source, indices) in Dictionary(grouping: held.indices, by: { held[$0].run.source }) where indices.count >= 20 {
            own[source] = slope(indices)
        }
        if !own.isEmpty { calibration.sourceSlopes = own }
        return calibration
    }

    /// Which of one source's runs the extrapolation calibration holds out: those of its largest
    /// N when it has three sizes or more; with two, its longest runs, those in the top third of
    /// its ln D range (token counts are not levels: a sweep's batch sizes move D by a batch);
    /// nil when neither leaves something to extrapolate from.
    static func extrapolationHoldOut(_ runs: [Run]) -> ((Run) -> Bool)? {
        let sizes = Set(runs.compactMap(\.params)).sorted()
        if sizes.count >= 3 {
            let largest = sizes.last!
            return { $0.params == largest }
        }
        let logTokens = runs.compactMap(\.tokens).filter { $0 > 0 }.map { Foundation.log($0) }
        guard sizes.count == 2, let low = logTokens.min(), let high = logTokens.max(), high - low > 1 else { return nil }
        let threshold = high - (high - low) / 3
        return { run in run.tokens.map { $0 > 0 && Foundation.log($0) >= threshold } ?? false }
    }

    /// The training loss is the squared error of the loss, plus these weights times the
    /// Gaussian negative log-likelihood (which learns the variance, the interval's core) and
    /// the divergence classifier's cross-entropy.
    static let likelihoodWeight: Float = 0.5
    static let divergenceWeight: Float = 0.2

    /// Trains one network; returns it with the best validation parameters and that error.
    static func trainMember(train: SampleSet, check: SampleSet, encoder: FeatureEncoder, baseline: Baseline,
                            options: TrainingOptions, seed: UInt64, progress: ((String) -> Void)?) -> (any PredictorModel, Double) {
        var generator = SeededGenerator(seed: seed)
        let network = PredictorNetworks.make(encoder: encoder, architecture: options.architecture, using: &generator)
        let parameters = network.parameters
        let optimizer = AdamW(parameters: parameters, learningRate: options.learningRate, weightDecay: options.weightDecay)
        let batchesPerEpoch = max(1, (train.count + options.batchSize - 1) / options.batchSize)
        let schedule = WarmupCosineSchedule(peak: options.learningRate, minimum: options.learningRate * 0.02,
                                            warmupSteps: min(200, batchesPerEpoch * min(5, options.epochs)), totalSteps: batchesPerEpoch * options.epochs)
        let width = encoder.inputWidth
        let core: Set<String> = [ConfigKey.params, ConfigKey.tokens, ConfigKey.lr]
        let droppable = encoder.numeric.indices.filter { !core.contains(encoder.numeric[$0].name) && !encoder.numeric[$0].name.hasPrefix("derived.") }
        // The fields that name the data are read as unknown as often too, so that the unknown
        // value (a source, dataset or eval set the checkpoint never saw) has been trained and
        // predicts what the known sources share, rather than an untrained embedding.
        let unknowable = Set(encoder.categorical.indices.filter { FeatureEncoder.dataKeys.contains(encoder.categorical[$0].key) })
        var best = (error: Double.infinity, values: parameters.map(\.value), epoch: 0)
        var step = 0
        var order = Array(0..<train.count)
        for epoch in 0..<options.epochs {
            generator.shuffle(&order)
            for batchStart in stride(from: 0, to: order.count, by: options.batchSize) {
                let rows = Array(order[batchStart..<min(batchStart + options.batchSize, order.count)])
                var numeric = [Float](repeating: 0, count: rows.count * width)
                for (position, row) in rows.enumerated() {
                    for j in 0..<width { numeric[position * width + j] = train.numeric[row * width + j] }
                    for feature in droppable where Float(generator.nextUniform()) < options.featureDropout {
                        numeric[position * width + feature] = 0
                        numeric[position * width + encoder.numeric.count + feature] = 1
                    }
                }
                let categories = train.categories.enumerated().map { feature, values in
                    rows.map { unknowable.contains(feature) && Float(generator.nextUniform()) < options.featureDropout ? 0 : values[$0] }
                }
                let output = network(numeric: Tensor(shape: [rows.count, width], scalars: numeric), categories: categories)
                let mean = output.slice(alongAxis: 1, 0..<1), logVariance = output.slice(alongAxis: 1, 1..<2)
                let logit = output.slice(alongAxis: 1, 2..<3)
                let target = Tensor(shape: [rows.count, 1], scalars: rows.map { train.targets[$0] })
                let weights = Tensor(shape: [rows.count, 1], scalars: rows.map { train.weights[$0] })
                let labels = Tensor(shape: [rows.count, 1], scalars: rows.map { train.diverged[$0] })
                var loss = binaryCrossEntropyWithLogits(logit, labels) * Self.divergenceWeight
                if weights.scalars.contains(where: { $0 > 0 }) {
                    loss = loss + meanSquaredError(mean, target, weights: weights)
                        + gaussianNegativeLogLikelihood(mean: mean, logVariance: logVariance, target: target, weights: weights) * Self.likelihoodWeight
                }
                optimizer.zeroGradients()
                loss.backward()
                clipGradientNorm(parameters, maxNorm: 5)
                optimizer.learningRate = schedule.learningRate(at: step)
                optimizer.step()
                step += 1
            }
            let error = validationError(network, check, encoder: encoder, baseline: baseline)
            if error < best.error { best = (error, parameters.map(\.value), epoch) }
            if epoch % 10 == 0 || epoch == options.epochs - 1 {
                progress?(String(format: "epoch %d/%d, validation MAE %.4f (best %.4f at %d)", epoch + 1, options.epochs, error, best.error, best.epoch + 1))
            }
            if epoch - best.epoch >= options.patience { break }
        }
        for (parameter, value) in zip(parameters, best.values) { parameter.value = value }
        return (network, best.error)
    }

    /// MAE in loss units over the validation samples of non-diverged runs.
    static func validationError(_ network: any PredictorModel, _ set: SampleSet, encoder: FeatureEncoder, baseline: Baseline) -> Double {
        let keep = (0..<set.count).filter { set.weights[$0] > 0 }
        guard !keep.isEmpty else { return 0 }
        let width = encoder.inputWidth
        var numeric = [Float]()
        numeric.reserveCapacity(keep.count * width)
        for row in keep { numeric += set.numeric[(row * width)..<((row + 1) * width)] }
        let categories = set.categories.map { feature in keep.map { feature[$0] } }
        let output = Predictor.inference { network(numeric: Tensor(shape: [keep.count, width], scalars: numeric), categories: categories).value }
        var total = 0.0
        for (position, row) in keep.enumerated() {
            let predicted = set.baselines[row] + baseline.mean + baseline.deviation * Double(output[position, 0])
            total += abs(predicted - set.losses[row])
        }
        return total / Double(keep.count)
    }
}
