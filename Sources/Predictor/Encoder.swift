// The encoder: from a run's configuration and a step to the network's input. Numeric
// fields that span decades go on a log scale; every numeric input is standardised with
// statistics taken from the training runs; a missing field is a zero with a "missing" flag
// beside it, never a made-up value; categorical fields become indices into learned
// embeddings (0 is the unknown bucket). Derived inputs follow the laws: tokens per
// parameter, compute 6ND, progress t/T, the learning rate at t over its peak, the forward
// area S1(t) and annealing area S2(t), tokens seen. Width and depth enter as the model's
// shape, not its scale: ln(d_model / n_layers), ln(ffn_dim / d_model), ln(d_model / n_heads)
// stay in range at sizes never trained on, where d_model itself would be clamped to the
// largest seen and freeze the network's view of a bigger model (N carries the scale). The whole encoding is Codable and lives
// in the checkpoint, so a checkpoint predicts alone.
import Foundation
import Laws
import Runs

public struct NumericFeature: Codable, Sendable {
    public var name: String
    public var logScale: Bool
    public var mean: Double
    public var deviation: Double
    /// The range seen in training (after the log): inputs are clamped to it, so the network
    /// is never evaluated outside its data; beyond it, the baseline law carries the trend.
    public var minimum: Double
    public var maximum: Double

    /// Read on a log scale, by the encoder or by its definition (a derived ln).
    var isLogarithmic: Bool { logScale || name.hasPrefix("derived.log_") }
}

/// A run's inputs as the encoder sees them: missing fields, and values outside the training range.
public struct InputReport: Sendable, Equatable {
    public struct Outside: Sendable, Equatable {
        public var name: String
        public var value: Double
        public var minimum: Double
        public var maximum: Double
    }
    /// A stated category the checkpoint never trained on (a dataset, optimizer, source...),
    /// which the network reads as unknown.
    public struct Unseen: Sendable, Equatable {
        public var name: String
        public var value: String
        public var known: [String]
    }
    public var missing: [String] = []
    public var outside: [Outside] = []

    /// One line naming what a checkpoint never saw (nil for nothing): the loss level of a new
    /// dataset or source cannot be known from a configuration. `levelDoubt` is the deviation
    /// a new source's interval carries, when the checkpoint was calibrated for new sources.
    /// A source not stated is an Unseen whose value is "" (Predictor.unseen).
    public static func novelty(_ unseen: [Unseen], levelDoubt: Double? = nil) -> String? {
        guard !unseen.isEmpty else { return nil }
        let named = unseen.map { unseen in
            // Every source when none is stated: the note asks for one of them.
            let shown = unseen.value.isEmpty ? unseen.known.count : 6
            let known =
                unseen.known.prefix(shown).joined(separator: ", ")
                + (unseen.known.count > shown ? " and \(unseen.known.count - shown) more" : "")
            return unseen.value.isEmpty
                ? "no \(unseen.name) stated (it knows \(known))" : "\(unseen.name) '\(unseen.value)' (it knows \(known))"
        }
        let names = Set(unseen.map(\.name))
        let data = !names.isDisjoint(with: FeatureEncoder.dataKeys)
        let unstated = unseen.contains { $0.name == "source" && $0.value.isEmpty }
        let what = unstated ? "without a source, as for a new one" : "a new source"
        let interval =
            !data
            ? "read as unknown"
            : levelDoubt.map {
                String(
                    format:
                        "\(what): its loss level is a guess, and the interval carries that doubt (deviation %.3f, from leaving each training source out)",
                    $0)
            } ?? "\(what): its loss level is a guess the interval does not carry (the checkpoint was not trained with --new-sources)"
        return "new to this checkpoint: " + named.joined(separator: "; ") + ". " + interval.prefix(1).uppercased() + interval.dropFirst()
            + ". " + (unstated ? "State \"source\" if the runs are like one it knows; else a" : "A")
            + " few runs of your own give the level: losscast ingest them, then losscast adapt --source NAME --out FILE"
    }
}

public struct CategoricalFeature: Codable, Sendable {
    public var key: String
    /// Known values; index i + 1 in the embedding (0 = unknown).
    public var vocabulary: [String]

    public func index(of value: String?) -> Int {
        guard let value, let position = vocabulary.firstIndex(of: value) else { return 0 }
        return position + 1
    }
}

/// The schedule-dependent quantities of one point of a run.
public struct StepContext: Sendable {
    public var step: Double?
    public var tokensSeen: Double?
    public var progress: Double?
    public var rateRatio: Double?
    public var forwardArea: Double?
    public var annealingArea: Double?

    public init(
        step: Double? = nil, tokensSeen: Double? = nil, progress: Double? = nil, rateRatio: Double? = nil,
        forwardArea: Double? = nil, annealingArea: Double? = nil
    ) {
        self.step = step
        self.tokensSeen = tokensSeen
        self.progress = progress
        self.rateRatio = rateRatio
        self.forwardArea = forwardArea
        self.annealingArea = annealingArea
    }

    /// The point at initialisation (step 0, or no token seen), where a run sits at or above
    /// ln V: the baseline there is ln V, and the interval is not capped at it.
    public var isInitialisation: Bool { step == 0 || tokensSeen == 0 }
}

public struct FeatureEncoder: Codable, Sendable {
    /// Configuration keys read as numbers (before derived features).
    public var numeric: [NumericFeature]
    public var categorical: [CategoricalFeature]
    /// Where the best learning rate and batch size lie for (N, D), when the training runs
    /// hold grids of them (absent in checkpoints from before these laws).
    public var optima: [OptimumLaw]?
    /// The sizes each source trained on, for the extrapolation distance (absent in checkpoints
    /// from before it: the range of every source together is used then).
    public var sizeRanges: [String: SizeRange]?

    /// The inputs that name the data: a value the checkpoint never trained on is a new source
    /// (Predictor.isNewSource), and training reads them as unknown now and then (Trainer).
    public static let dataKeys: Set<String> = ["source", ConfigKey.dataset, ConfigKey.evalDataset]

    /// Keys never used as inputs: identifiers, and losses or outcomes logged as fields.
    static let excluded = identifiers.union(["loss", "smooth loss", "smooth_loss", "figure_x", "figure_y"])
    /// Fields that name a run or its code, not its recipe: a configuration may state them
    /// (a run folder's `config.json` does), and they are not read.
    static let identifiers: Set<String> = [
        "exp_name", "name", "id", "split", "size_label", "hyper_id", "seed", "key", "model", "schedule_name", "rerun",
        "run_id", "code_commit", "code_repo"
    ]

    /// The configuration fields a proposal may state beyond the known table
    /// (Configuration.read's `alsoKnown`): the ones this checkpoint reads as inputs (the
    /// fields its training runs logged under their own names: `window_pattern`, `matrix_lr`),
    /// and the identifiers it does not read.
    public var statedKeys: Set<String> {
        Set(numeric.map(\.name).filter { !$0.hasPrefix("derived.") }).union(categorical.map(\.key)).union(Self.identifiers)
    }
    /// Shape fields, read through the shape ratios (DerivedFeature) instead of as numbers of their own.
    static let shapeKeys: Set<String> = [ConfigKey.dModel, ConfigKey.nLayers, ConfigKey.ffnDim, ConfigKey.nHeads]
    /// Distances from the optimum, in ln, for the hyperparameters an `OptimumLaw` covers.
    static let optimumKeys = [ConfigKey.lr, ConfigKey.batchSizeTokens]
    static func optimumFeatureName(_ key: String) -> String { "derived.log_\(key)_over_optimum" }

    public var inputWidth: Int { numeric.count * 2 }

    /// Chooses the features from the training runs: numeric keys present in at least
    /// `minimumShare` of them, text keys with fewer than 64 values, and the derived inputs.
    public static func fit(runs: [Run], contexts: [[StepContext]], minimumShare: Double = 0.05) -> FeatureEncoder {
        var numericCounts: [String: Int] = [:], textValues: [String: Set<String>] = [:]
        for run in runs {
            for (key, value) in run.configuration where !excluded.contains(key) && !key.hasPrefix("loss") {
                switch value {
                case .number(let number) where number.isFinite: numericCounts[key, default: 0] += 1
                case .flag: numericCounts[key, default: 0] += 1
                case .text(let text): textValues[key, default: []].insert(text)
                default: break
                }
            }
            textValues["source", default: []].insert(run.source)
        }
        let threshold = max(1, Int(minimumShare * Double(runs.count)))
        let keys = numericCounts.filter { $0.value >= threshold && !shapeKeys.contains($0.key) }.map(\.key).sorted()
        var encoder = FeatureEncoder(numeric: [], categorical: [])
        encoder.optima = optimumKeys.compactMap { OptimumLaw.fit(key: $0, runs: runs) }
        encoder.categorical = textValues.filter { $0.value.count < 64 }.keys.sorted().map {
            CategoricalFeature(key: $0, vocabulary: textValues[$0]!.sorted())
        }
        // Statistics over every (run, point) the encoder will see.
        for name in keys + DerivedFeature.allCases.map(\.rawValue) + (encoder.optima ?? []).map({ optimumFeatureName($0.key) }) {
            var values: [Double] = []
            for (run, points) in zip(runs, contexts) {
                for context in points {
                    if let value = encoder.rawValue(name, run: run, context: context) { values.append(value) }
                }
            }
            let positive = values.allSatisfy { $0 > 0 }
            let spansDecades = positive && (values.max() ?? 1) / max(values.min() ?? 1, 1e-300) > 20
            let logScale = spansDecades && !name.hasPrefix("derived.")
            let transformed = values.map { logScale ? Foundation.log($0) : $0 }
            let mean = transformed.isEmpty ? 0 : transformed.reduce(0, +) / Double(transformed.count)
            let variance = transformed.isEmpty ? 1 : transformed.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(transformed.count)
            encoder.numeric.append(
                NumericFeature(
                    name: name, logScale: logScale, mean: mean, deviation: max(variance.squareRoot(), 1e-6),
                    minimum: transformed.min() ?? 0, maximum: transformed.max() ?? 0))
        }
        encoder.sizeRanges = Dictionary(grouping: runs, by: \.source).mapValues(SizeRange.init(runs:))
        return encoder
    }

    /// Where a feature's value comes from, resolved from its name once per batch rather
    /// than once per row (matching names per row was a large share of ranking's time).
    enum FeatureSource {
        case derived(DerivedFeature)
        case optimum(OptimumLaw)
        case configuration(String)
    }

    func source(of name: String) -> FeatureSource {
        if let law = optima?.first(where: { FeatureEncoder.optimumFeatureName($0.key) == name }) { return .optimum(law) }
        return DerivedFeature(rawValue: name).map(FeatureSource.derived) ?? .configuration(name)
    }

    /// The sources of the numeric features, in order.
    var sources: [FeatureSource] { numeric.map { source(of: $0.name) } }

    /// The raw (unscaled) value of a feature for a run at a point, nil when missing.
    func rawValue(_ name: String, run: Run, context: StepContext) -> Double? {
        rawValue(source(of: name), run: run, context: context, params: run.params, tokens: run.tokens)
    }

    /// The same with N and D read once per row by the caller (each is a dictionary lookup).
    func rawValue(_ source: FeatureSource, run: Run, context: StepContext, params n: Double?, tokens d: Double?) -> Double? {
        switch source {
        case .derived(let feature): return feature.value(run: run, context: context, params: n, tokens: d)
        case .optimum(let law):
            guard let n, let d, let value = run.number(law.key), value > 0 else { return nil }
            return Foundation.log(value / law.optimum(params: n, tokens: d))
        case .configuration(let key):
            switch run.configuration[key] {
            case .number(let value)?: return value.isFinite ? value : nil
            case .flag(let flag)?: return flag ? 1 : 0
            default: return nil
            }
        }
    }

    /// A feature's value as the network reads it before scaling (after the log of a log-scaled
    /// feature); nil when missing, or not positive on a log scale.
    @inline(__always)
    func transformedValue(
        _ feature: NumericFeature, _ source: FeatureSource, run: Run, context: StepContext,
        params: Double?, tokens: Double?
    ) -> Double? {
        guard let value = rawValue(source, run: run, context: context, params: params, tokens: tokens) else { return nil }
        guard feature.logScale else { return value }
        return value > 0 ? Foundation.log(value) : nil
    }

    /// Standardised values followed by missing flags: (inputWidth).
    public func encode(run: Run, context: StepContext) -> [Float] { encoded(run: run, context: context, sources: sources) }

    /// How far the run's size lies outside the sizes its own source trained on, in natural-log
    /// units: ln N beyond the source's range plus ln D beyond it, 0 inside (a model 2.7x larger
    /// than any of its source is 1 away). The interval widens with it, at a slope calibrated by
    /// holding sizes out (Trainer.calibrate), so the distance is the one that procedure
    /// measures: size, per source. A StepLaw run past StepLaw's largest model is extrapolated
    /// even where another source trained larger ones (measured against every source together,
    /// a held-out size sat closer to the range than it was, and the slope came out too steep:
    /// docs/DESIGN.md). A source the encoder never saw is measured against all of them.
    /// Inputs other than size outside the range are reported (inputReport), not counted here:
    /// no calibration measures what they cost.
    public func extrapolationDistance(run: Run) -> Double { extrapolationDistance(run: run, all: sizeRangeOfAll) }

    /// Every source's sizes together: the range for a run of a source the encoder never saw.
    var sizeRangeOfAll: SizeRange { SizeRange(union: sizeRanges.map { Array($0.values) } ?? [], encoder: self) }

    /// The distance with the range of all sources computed by the caller, once per batch.
    func extrapolationDistance(run: Run, all: SizeRange) -> Double {
        let range = sizeRanges?[run.source] ?? all
        return range.distance(
            logParams: run.modelSize.flatMap { $0 > 0 ? Foundation.log($0) : nil },
            logTokens: run.tokens.flatMap { $0 > 0 ? Foundation.log($0) : nil })
    }

    /// A run's standardised inputs and missing flags, with the sources resolved by the caller.
    func encoded(run: Run, context: StepContext, sources: [FeatureSource]) -> [Float] {
        var values = [Float](repeating: 0, count: inputWidth)
        let (params, tokens) = (run.params, run.tokens)
        for (index, feature) in numeric.enumerated() {
            guard var value = transformedValue(feature, sources[index], run: run, context: context, params: params, tokens: tokens) else {
                values[numeric.count + index] = 1
                continue
            }
            value = max(feature.minimum, min(feature.maximum, value))
            values[index] = Float((value - feature.mean) / feature.deviation)
        }
        return values
    }

    /// Which inputs a run lacks (configuration fields the network saw as unknown) and which
    /// lie outside the training range, in their own units, for explaining an interval.
    public func inputReport(run: Run, context: StepContext) -> InputReport {
        var report = InputReport()
        let sources = self.sources
        for (index, feature) in numeric.enumerated() {
            guard let value = transformedValue(feature, sources[index], run: run, context: context, params: run.params, tokens: run.tokens)
            else {
                if case .configuration(let key) = sources[index] { report.missing.append(key) }
                continue
            }
            guard value > feature.maximum || value < feature.minimum else { continue }
            // Back to the field's own units: a log-scaled field or a derived ln is shown exponentiated.
            let unlog = { (x: Double) in feature.isLogarithmic ? Foundation.exp(x) : x }
            let name = feature.name.hasPrefix("derived.log_") ? String(feature.name.dropFirst("derived.log_".count)) : feature.name
            report.outside.append(
                InputReport.Outside(name: name, value: unlog(value), minimum: unlog(feature.minimum), maximum: unlog(feature.maximum)))
        }
        return report
    }

    /// The stated categories this encoder never trained on (a configuration without a source
    /// is named by Predictor.unseen, which knows what the checkpoint was adapted to).
    public func unseen(_ configuration: [String: ConfigValue]) -> [InputReport.Unseen] {
        categorical.compactMap { feature in
            guard let value = configuration[feature.key]?.text, feature.index(of: value) == 0 else { return nil }
            return InputReport.Unseen(name: feature.key, value: value, known: feature.vocabulary)
        }
    }

    /// Category indices, one per categorical feature.
    public func categories(run: Run) -> [Int] {
        categorical.map { feature in
            switch feature.key {
            case "source": feature.index(of: run.source)
            case ConfigKey.lrSchedule: feature.index(of: FeatureEncoder.scheduleName(run.configuration))
            default: feature.index(of: run.configuration[feature.key]?.text)
            }
        }
    }

    /// The schedule's name as the network reads it: as stated, else the shape of the schedule
    /// the configuration implies without naming it (a warmup and no name:
    /// `RateSchedule.unnamedShape`), so that stating the assumed name and leaving it out
    /// predict alike. A configuration that implies no schedule leaves it unknown.
    static func scheduleName(_ configuration: [String: ConfigValue]) -> String? {
        configuration[ConfigKey.lrSchedule]?.text ?? (try? RateSchedule(configuration: configuration))?.shape.rawValue
    }
}

/// The inputs computed from the configuration and the step, each named once with its
/// computation; the raw value is the feature's name in checkpoints.
enum DerivedFeature: String, CaseIterable {
    case tokensPerParameter = "derived.log_tokens_per_param"
    case compute = "derived.log_compute"
    case progress = "derived.progress"
    case rateRatio = "derived.rate_ratio"
    case forwardArea = "derived.log_forward_area"
    case annealingArea = "derived.annealing_area"
    case tokensSeen = "derived.log_tokens_seen"
    case step = "derived.log_step"
    /// The model's shape: ln(d_model / n_layers), ln(ffn_dim / d_model), ln(d_model / n_heads).
    case aspectRatio = "derived.log_aspect_ratio"
    case ffnRatio = "derived.log_ffn_ratio"
    case headWidth = "derived.log_head_width"

    /// The value for a run at a point, with N and D read once per row by the caller; nil when missing.
    func value(run: Run, context: StepContext, params n: Double?, tokens d: Double?) -> Double? {
        func positiveLog(_ value: Double?) -> Double? { value.flatMap { $0 > 0 ? Foundation.log($0) : nil } }
        func ratio(_ numerator: String, _ denominator: String) -> Double? {
            guard let top = run.number(numerator), let bottom = run.number(denominator), top > 0, bottom > 0 else { return nil }
            return Foundation.log(top / bottom)
        }
        switch self {
        case .tokensPerParameter: return n.flatMap { n in d.map { Foundation.log($0 / n) } }
        case .compute: return n.flatMap { n in d.map { Foundation.log(6 * n * $0) } }
        case .progress: return context.progress
        case .rateRatio: return context.rateRatio
        case .forwardArea: return positiveLog(context.forwardArea)
        case .annealingArea: return context.annealingArea
        case .tokensSeen: return positiveLog(context.tokensSeen)
        case .step: return positiveLog(context.step)
        case .aspectRatio: return ratio(ConfigKey.dModel, ConfigKey.nLayers)
        case .ffnRatio: return ratio(ConfigKey.ffnDim, ConfigKey.dModel)
        case .headWidth: return ratio(ConfigKey.dModel, ConfigKey.nHeads)
        }
    }
}

extension StepContext {
    /// The contexts of a run's curve points (all of them, or the final one for one-point runs).
    /// The schedule is the one the log records (its rates), else the one the configuration
    /// states in closed form (RateSchedule), else unknown.
    public static func contexts(for run: Run) -> [StepContext] {
        let stated = (try? RateSchedule(configuration: run.configuration)) ?? nil
        let logged = Schedule(run: run)
        let lastStep = run.curve.last?.step ?? 0
        let schedule = logged ?? stated.map { Schedule(rates: $0.rates(through: Int(max($0.totalSteps, lastStep).rounded()))) }
        let annealing = schedule?.annealingAreas(lambda: 0.999)
        let totalSteps = run.number(ConfigKey.totalSteps) ?? stated?.totalSteps ?? run.curve.last?.step
        let peak = run.number(ConfigKey.lr)
        let batchTokens = run.number(ConfigKey.batchSizeTokens)
        return run.curve.map { point in
            var context = StepContext(step: point.step, tokensSeen: point.tokens)
            if context.tokensSeen == nil, let step = point.step, let batchTokens { context.tokensSeen = step * batchTokens }
            if let step = point.step, let totalSteps, totalSteps > 0 {
                context.progress = step / totalSteps
            } else if let seen = context.tokensSeen, let total = run.tokens, total > 0 {
                context.progress = seen / total
            }
            if let rate = point.learningRate, let peak, peak > 0 {
                context.rateRatio = rate / peak
            } else if logged == nil, let stated, let step = point.step {
                context.rateRatio = stated.rate(at: step) / stated.peak
            }
            if let schedule, let annealing, let step = point.step, step >= 1 {
                let index = min(Int(step), schedule.count)
                context.forwardArea = schedule.forwardArea(at: index)
                context.annealingArea = annealing[index - 1]
            }
            return context
        }
    }
}
