// The interval's calibration: its scale from validation runs the predicting members never
// saw, and its widening with the distance outside the training sizes, from auxiliary
// ensembles trained without the largest sizes (conformal: the least value that covers 90%).
import Foundation
import Runs

extension Trainer {
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
    static func calibrate(
        _ predictor: Predictor, fitRuns: [Run], checks: [(predictor: Predictor, runs: [Run])], options: TrainingOptions,
        progress: ((String) -> Void)?
    ) throws -> Calibration {
        // Each run's final point: the interval is promised on the final loss, and a curve's early
        // points (errors several times larger) would set it for them and leave the finals
        // over-covered (docs/DESIGN.md, The interval).
        func healthyPoints(_ runs: [Run]) -> [(run: Run, context: StepContext, loss: Double)] {
            runs.filter { $0.status != .diverged }.flatMap { run -> [(Run, StepContext, Double)] in
                let contexts = StepContext.contexts(for: run)
                guard let last = run.curve.indices.last, let loss = run.curve[last].losses[run.targetLoss] else { return [] }
                return [(run, contexts[last], loss)]
            }
        }
        let alongTokens = tokenAxisSources(fitRuns), carried = lawCarriedSources(fitRuns, baselines: predictor.baselines)
        func lever(_ source: String, _ encoder: FeatureEncoder) -> Double {
            guard carried.contains(source) else { return 1 }
            return encoder.sizeRanges?[source]?.lever(alongTokens: alongTokens.contains(source)) ?? 1
        }
        /// Each point's distance outside the encoder's training range over its source's lever
        /// there (Calibration.levers), computed once: the bisections below evaluate coverage
        /// fifty times over the same points.
        func distances(_ points: [(run: Run, context: StepContext, loss: Double)], _ encoder: FeatureEncoder) -> [Double] {
            let all = encoder.sizeRangeOfAll
            return points.map { encoder.extrapolationDistance(run: $0.run, all: all) / lever($0.run.source, encoder) }
        }
        func coverage(
            _ points: [(run: Run, context: StepContext, loss: Double)], _ predictions: [Prediction],
            _ distances: [Double], _ calibration: Calibration
        ) -> Double {
            let inside = zip(zip(points, predictions), distances).filter { pair, distance in
                let (point, prediction) = pair
                let network = prediction.deviation
                return abs(point.loss - prediction.loss) <= Predictor.halfWidth90
                    * calibration.deviation(network: network, distance: distance, source: point.run.source)
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
            let items = points.map { ($0.run, $0.context) }
            let own = check.predictor.predict(items)
            guard check.predictor !== predictor else {
                checked += own
                continue
            }
            // A fold's member gives the loss (it never saw those runs), the whole ensemble the
            // deviation: the scale multiplies the ensemble's deviation at prediction time, whose
            // members' spread (times K - 1, Predictor.spreadWeight) one member does not have,
            // and a scale set on one member's own deviation made the ensemble's intervals wide.
            let whole = predictor.predict(items)
            checked += zip(own, whole).map { member, ensemble in
                var prediction = member
                prediction.deviation = ensemble.deviation
                return prediction
            }
        }
        if validation.count >= 10 {
            let away = distances(validation, predictor.encoder)
            calibration.scale = smallest(upTo: 1000) { scale in
                coverage(validation, checked, away, Calibration(scale: scale)) >= 0.9
            }
        }
        // Extrapolation: hold out the largest size of the training runs, then the smallest
        // (each with the next sizes in while it has fewer than `minimumHeldRuns`), train an
        // ensemble like the predictor's on the rest each time and pool the held-out points, so
        // that the slope does not rest on one network's luck at one size.
        let sizes = Set(fitRuns.compactMap(\.modelSize)).sorted()
        guard options.calibratesExtrapolation, sizes.count >= 3 else { return calibration }
        var auxiliaryOptions = options
        // The law "auto" chose for the full training set (the members' most frequent choice),
        // not a choice remade on two sizes.
        let chosen = Dictionary(grouping: predictor.baselines.map(\.law), by: { $0 })
        auxiliaryOptions.baseline = .law(chosen.max { ($0.value.count, $1.key.rawValue) < ($1.value.count, $0.key.rawValue) }!.key)
        // Three members on one shared split even for a cross-fitted predictor: cross-fitted
        // auxiliaries predicted the held-out sizes better than the predictor then did the larger
        // ones, so the slope came out too small, and they cost K members each.
        if options.folds >= 2 {
            auxiliaryOptions.folds = 0
            auxiliaryOptions.ensemble = 3
        }
        // An auxiliary calibrated (below) sets its scale only.
        auxiliaryOptions.calibratesExtrapolation = false
        auxiliaryOptions.calibratesNewSources = false
        var held: [(run: Run, context: StepContext, loss: Double)] = [], predictions: [Prediction] = [], away: [Double] = []
        // One source: its largest size, then its smallest. Several sources: the largest size
        // of each source with three sizes or more at once, in one auxiliary ensemble, as a
        // larger run of any of them is what the predictor is asked about (NCPL's split holds
        // out every source's largest), and the smallest of the smallest source says little
        // about the others. A source with two sizes keeps both (held out, its one remaining
        // size leaves its law's E and A undetermined) and holds out its longest runs instead
        // (the top third of its ln D range). Without them it borrowed the slope of all held
        // points, set by the worst-extrapolating source.
        let heldBySource = Dictionary(grouping: fitRuns.filter { $0.modelSize != nil }, by: \.source)
            .compactMapValues { runs -> ((Run) -> Bool)? in Self.extrapolationHoldOut(runs) }
        let holdOuts: [(name: String, isHeld: (Run) -> Bool)] =
            heldBySource.count >= 2
            ? [("each source's largest N (or longest runs)", { run in run.modelSize != nil && (heldBySource[run.source]?(run) ?? false) })]
            : [true, false].map { fromTop in
                let end = Self.endSizes(fitRuns, fromTop: fromTop)
                return ("N = \(end.sorted())", { run in run.modelSize.map(end.contains) ?? false })
            }
        for holdOut in holdOuts {
            let inner = fitRuns.filter { !holdOut.isHeld($0) }, outer = healthyPoints(fitRuns.filter(holdOut.isHeld))
            guard inner.count >= 8, outer.count >= 5 else { continue }
            progress?("calibrating the interval: holding out \(holdOut.name)")
            // Uncalibrated, each prediction's deviation is the network's own. But a cross-fitted
            // predictor's deviation holds K - 1 times its members' spread, the shared-split
            // auxiliary's does not: with the predictor's scale its intervals are too narrow
            // inside the range and the slope made up for it. So that auxiliary is calibrated
            // (its scale alone, on its own validation runs, as the predictor's is on its folds)
            // and its deviations read in the predictor's scale, so the slope measures only what
            // lies beyond the range. (Cross-fitted auxiliaries instead, each scaled on its folds,
            // held NCPL's Marin intervals inside 85-95% on two seeds of three, but extrapolated
            // StepLaw's held-out sizes better than the predictor then did the larger ones: 50-89%.)
            let scalesItself = options.folds >= 2 && calibration.scale > 0
            let auxiliary = try train(runs: inner, options: auxiliaryOptions, calibrating: scalesItself)
            var predicted = auxiliary.predict(outer.map { ($0.run, $0.context) })
            if scalesItself {
                predicted = predicted.map { prediction in
                    var brought = prediction
                    brought.deviation /= calibration.scale
                    return brought
                }
            }
            held += outer
            predictions += predicted
            away += distances(outer, auxiliary.encoder)
        }
        guard !held.isEmpty else { return calibration }
        // The slopes below are per lever, each held point's measured on its auxiliary's (a
        // shorter span where its largest size was held out); the predictor's own apply.
        calibration.levers = predictor.encoder.sizeRanges.map { ranges in
            Dictionary(uniqueKeysWithValues: ranges.keys.map { ($0, lever($0, predictor.encoder)) })
        }
        /// The least slope that covers 90% of the points (nil when even the largest does not).
        func slope(_ indices: [Int]) -> Double? {
            let (points, predicted, distance) = (indices.map { held[$0] }, indices.map { predictions[$0] }, indices.map { away[$0] })
            guard coverage(points, predicted, distance, Calibration(scale: calibration.scale, extrapolationSlope: 1e3)) >= 0.9 else {
                return nil
            }
            return smallest(upTo: 1e3) { slope in
                coverage(points, predicted, distance, Calibration(scale: calibration.scale, extrapolationSlope: slope)) >= 0.9
            }
        }
        calibration.extrapolationSlope = slope(Array(held.indices)) ?? 0
        // Each source with its own held-out size gets its own slope: sources extrapolate
        // unequally, and one pooled slope would set every interval by the worst source's.
        var own: [String: Double] = [:]
        for (source, indices) in Dictionary(grouping: held.indices, by: { held[$0].run.source }) where indices.count >= 20 {
            own[source] = slope(indices)
        }
        if !own.isEmpty { calibration.sourceSlopes = own }
        return calibration
    }

    /// The sources whose extrapolation a baseline law carries, which alone have a lever (others
    /// count 1, ln units): a baseline carries every run of the source (Baseline.carries: there
    /// is a law and the run states N and D, its inputs). Elsewhere (SLDBench's vocabulary runs,
    /// which state neither, Gadre's grid and SLDBench's domain mixtures, one) the network
    /// predicts alone, its inputs held at the edge of their training range beyond it: its error
    /// there grows with how far the loss moves, not with a fitted law's lever arm. Divided by the
    /// lever, SLDBench's vocabulary runs by size went from 67.7-82.3% covered to 38.8-44.3%.
    static func lawCarriedSources(_ runs: [Run], baselines: [Baseline]) -> Set<String> {
        let bySource = Dictionary(grouping: runs, by: \.source)
        return Set(bySource.filter { $0.value.allSatisfy { run in baselines.contains { $0.carries(finalOf: run) } } }.keys)
    }

    /// The sources whose lever is taken along ln D: those with two sizes among several, whose
    /// longest runs the calibration holds out (`extrapolationHoldOut`); the others' is along ln N.
    static func tokenAxisSources(_ runs: [Run]) -> Set<String> {
        let sizes = Dictionary(grouping: runs, by: \.source).mapValues { Set($0.compactMap(\.modelSize)).count }
        return sizes.count >= 2 ? Set(sizes.filter { $0.value == 2 }.keys) : []
    }

    /// A held-out size sets a 90% quantile: with fewer runs than this it takes the next size
    /// in too. Gadre's grid has 46 sizes of 2 to 24 runs; its largest alone (13 runs after the
    /// validation split) set slopes from 0 to 0.2 with the seed, and coverage from 0 to 83%.
    static let minimumHeldRuns = 20

    /// The largest sizes (or the smallest), taken from that end until they hold
    /// `minimumHeldRuns` runs that did not diverge, always leaving two sizes to train on.
    static func endSizes(_ runs: [Run], fromTop: Bool) -> Set<Double> {
        let counts = Dictionary(grouping: runs.filter { $0.status != .diverged }.compactMap(\.modelSize), by: { $0 }).mapValues(\.count)
        let sizes = Set(runs.compactMap(\.modelSize)).sorted()
        var chosen: Set<Double> = [], held = 0
        for size in fromTop ? sizes.reversed() : sizes where held < minimumHeldRuns && sizes.count - chosen.count > 2 {
            chosen.insert(size)
            held += counts[size] ?? 0
        }
        return chosen
    }

    /// Which of one source's runs the extrapolation calibration holds out: those of its largest
    /// N when it has three sizes or more (and of the next while they are few: endSizes); with
    /// two, its longest runs, those in the top third of its ln D range (token counts are not
    /// levels: a sweep's batch sizes move D by a batch); nil when neither leaves something to
    /// extrapolate from.
    static func extrapolationHoldOut(_ runs: [Run]) -> ((Run) -> Bool)? {
        let sizes = Set(runs.compactMap(\.modelSize)).sorted()
        if sizes.count >= 3 {
            let largest = endSizes(runs, fromTop: true)
            return { run in run.modelSize.map(largest.contains) ?? false }
        }
        let logTokens = runs.compactMap(\.tokens).filter { $0 > 0 }.map { Foundation.log($0) }
        guard sizes.count == 2, let low = logTokens.min(), let high = logTokens.max(), high - low > 1 else { return nil }
        let threshold = high - (high - low) / 3
        return { run in run.tokens.map { $0 > 0 && Foundation.log($0) >= threshold } ?? false }
    }
}
