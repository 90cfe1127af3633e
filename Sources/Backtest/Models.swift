// The models a backtest compares. Each fits (or trains) on the training runs and predicts
// the test points: the final point of every run, and every scored point of a curve.
//   chinchilla  L(N, D) fitted on the healthy training runs' final points; a curve point is
//               predicted with D = the tokens seen there.
//   mpl         the Multi-Power Law fitted per model size on the training runs of that size
//               (it has no term for N): predicts test runs whose size it has seen.
//   mlp         the neural predictor (an MLP over the encoded configuration and step).
import Foundation
import Laws
import Predictor
import Runs

/// A point of a test run to score: the curve index and the actual loss there.
public struct TestPoint: Sendable {
    public var index: Int
    public var actual: Double
    public var isFinal: Bool
}

public struct PointPrediction: Sendable {
    public var loss: Double
    public var lower: Double?
    public var upper: Double?
    public var divergenceProbability: Double?
    /// The source's level doubt in the interval, and its upper end without it (Prediction).
    public var levelDoubt: Double?
    public var ownUpper: Double?
    public init(loss: Double, lower: Double? = nil, upper: Double? = nil, divergenceProbability: Double? = nil) {
        self.loss = loss
        self.lower = lower
        self.upper = upper
        self.divergenceProbability = divergenceProbability
    }

    /// A predictor's prediction, its level doubt kept for the risk score.
    public init(_ prediction: Prediction) {
        self.init(
            loss: prediction.loss, lower: prediction.lower, upper: prediction.upper, divergenceProbability: prediction.divergenceProbability
        )
        levelDoubt = prediction.levelDoubt
        ownUpper = prediction.ownUpper
    }

    /// The risk-adjusted score, as `rank --risk-adjusted` scores (RiskRule): lower is better.
    public var riskAdjustedScore: Double {
        RiskRule.score(loss: loss, upper: ownUpper ?? upper, levelDoubt: levelDoubt, divergenceProbability: divergenceProbability)
    }
}

public protocol BacktestModel: AnyObject {
    var name: String { get }
    /// What the model cannot do on this data, said once in the report (nil if nothing).
    var limitation: String? { get }
    func fit(train: [Run]) throws
    /// One prediction per point, nil where the model cannot predict it.
    func predict(run: Run, points: [TestPoint]) -> [PointPrediction?]
}

/// The models `--models` names; the raw value is the name in options and reports.
public enum BacktestModelKind: String, CaseIterable, Sendable {
    case chinchilla
    case chinchillaGamma = "chinchilla-gamma"
    case mpl, mlp, transformer

    /// The network a neural model trains, nil for a law.
    public var network: NetworkKind? { NetworkKind(rawValue: rawValue) }

    /// The model; a network gets `options` with its architecture set to this kind.
    public func make(options: TrainingOptions = TrainingOptions()) -> BacktestModel {
        switch self {
        case .chinchilla: return ChinchillaModel(law: .chinchilla)
        case .chinchillaGamma: return ChinchillaModel(law: .chinchillaGamma)
        case .mpl: return MultiPowerModel()
        case .mlp, .transformer:
            var chosen = options
            chosen.architecture.model = network!
            return NeuralModel(options: chosen, name: rawValue)
        }
    }

    /// The kinds a comma-separated list names, or an error naming the one it does not know.
    public static func parse(_ list: String) throws -> [BacktestModelKind] {
        try list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }.map { name in
            guard let kind = BacktestModelKind(rawValue: name) else {
                throw BacktestError(
                    "--models: unknown model '\(name)'; expected some of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
    }
}

/// Points of a run that are scored: those with a finite target loss (SLDBench's vocabulary
/// task logs a negative, unigram-normalised loss), after
/// warmup when the run states one (where the curve laws start); at most `maximum`, evenly
/// spaced and always including the last.
public func scoredPoints(_ run: Run, maximum: Int = 64) -> [TestPoint] {
    let warmup = run.number(ConfigKey.warmupSteps) ?? 0
    let candidates = run.curve.indices.filter { index in
        guard let loss = run.curve[index].losses[run.targetLoss], loss.isFinite else { return false }
        return (run.curve[index].step ?? .infinity) > warmup || index == run.curve.count - 1
    }
    guard let last = candidates.last else { return [] }
    let chosen =
        candidates.count <= maximum
        ? candidates
        : Array(Set((0..<maximum).map { candidates[Int((Double($0 + 1) / Double(maximum) * Double(candidates.count - 1)).rounded())] }))
            .sorted()
    return chosen.map { TestPoint(index: $0, actual: run.curve[$0].losses[run.targetLoss]!, isFinal: $0 == last) }
}

public final class ChinchillaModel: BacktestModel {
    public let law: BaselineLaw
    public var name: String { law.rawValue }
    public var limitation: String? {
        "it sees only N and D: it gives every run of an (N, D) group the same loss, so it cannot rank learning rates or batch sizes"
    }
    var parameters: [Double] = []

    /// Fitted from the coarse grid the predictor's baseline uses, as accurate as Hoffmann's
    /// full grid here and faster (docs/DESIGN.md, Laws).
    public init(law: BaselineLaw = .chinchilla) {
        self.law = law
    }

    public func fit(train: [Run]) throws {
        let healthy = train.filter {
            $0.status != .diverged && $0.modelSize != nil && ($0.tokens ?? $0.curve.last?.tokens) != nil && ($0.finalLoss ?? 0) > 0
        }
        guard healthy.count >= 5 else {
            throw BacktestError("\(name): needs 5 or more healthy training runs with N and D; found \(healthy.count)")
        }
        // N as the splits read it (the non-embedding count or the shape's when N is not logged).
        let sized = healthy.map { run -> Run in
            var copy = run
            copy.configuration[ConfigKey.params] = .number(run.modelSize!)
            if copy.tokens == nil, let tokens = run.curve.last?.tokens { copy.configuration[ConfigKey.tokens] = .number(tokens) }
            return copy
        }
        parameters = try Baseline.fit(law: law, runs: sized)
    }

    public func predict(run: Run, points: [TestPoint]) -> [PointPrediction?] {
        guard let params = run.modelSize else { return points.map { _ in nil } }
        return points.map { point in
            guard let tokens = run.curve[point.index].tokens ?? (point.isFinal ? run.tokens : nil), tokens > 0 else { return nil }
            return Baseline.predict(law: law, parameters, SizePoint(params: params, tokens: tokens, loss: point.actual)).map {
                PointPrediction(loss: $0)
            }
        }
    }
}

public final class MultiPowerModel: BacktestModel {
    public let name = BacktestModelKind.mpl.rawValue
    public var limitation: String? {
        "the Multi-Power Law is fitted per model size and needs a logged schedule; a size it was not fitted on gets each parameter "
            + "(in the law's log form: ln L0, ln A, ...) carried by a straight line in ln N through the fitted sizes"
    }
    var fits: [Double: LawReport] = [:]
    let law = MultiPowerLaw()

    public init() {}

    public func fit(train: [Run]) throws {
        let usable = train.filter { $0.status != .diverged && $0.modelSize != nil && !law.points(from: $0).isEmpty }
        for (size, runs) in Dictionary(grouping: usable, by: { $0.modelSize! }) {
            if let report = try? law.fit(runs: runs, options: FitOptions(), selection: "backtest") { fits[size] = report }
        }
        guard !fits.isEmpty else { throw BacktestError("mpl: no training run has a logged learning-rate schedule") }
    }

    /// The fit for a size: its own, or one carried across sizes. Each fitted parameter p_i
    /// (the law fits logs: ln L0, ln A, ln alpha, ...) is regressed on ln N over the fitted
    /// sizes, p_i = a_i + b_i ln N, and read at the new size; with one fitted size it is
    /// taken as it is. A power law in N for L0 and A is what Chinchilla says of them.
    func report(forSize size: Double) -> LawReport? {
        if let own = fits[size] { return own }
        guard var carried = fits.values.first else { return nil }
        let sizes = fits.keys.sorted()
        let x = sizes.map { Foundation.log($0) }
        let meanX = x.reduce(0, +) / Double(x.count)
        let spread = x.map { ($0 - meanX) * ($0 - meanX) }.reduce(0, +)
        carried.parameters = carried.parameters.indices.map { index in
            let y = sizes.map { fits[$0]!.parameters[index] }
            let meanY = y.reduce(0, +) / Double(y.count)
            guard spread > 0 else { return meanY }
            let slope = zip(x, y).map { ($0 - meanX) * ($1 - meanY) }.reduce(0, +) / spread
            return meanY + slope * (Foundation.log(size) - meanX)
        }
        carried.selection = "carried from sizes " + sizes.map { String(format: "%.3g", $0) }.joined(separator: ", ")
        return carried
    }

    public func predict(run: Run, points: [TestPoint]) -> [PointPrediction?] {
        guard let size = run.modelSize, let report = report(forSize: size) else { return points.map { _ in nil } }
        // The law's points are the curve's points after warmup with a positive loss, in
        // order: match them to curve indices by step.
        let lawPoints = law.predict(report, run: run)
        let warmup = run.number(ConfigKey.warmupSteps) ?? 0
        let indices = run.curve.indices.filter {
            (run.curve[$0].step ?? 0) > warmup && (run.curve[$0].losses[run.targetLoss] ?? 0) > 0
        }
        guard indices.count == lawPoints.count else { return points.map { _ in nil } }
        let byIndex = Dictionary(uniqueKeysWithValues: zip(indices, lawPoints.map(\.predicted)))
        return points.map { point in byIndex[point.index].map { PointPrediction(loss: $0) } }
    }
}

public final class NeuralModel: BacktestModel {
    public let name: String
    public var limitation: String? { nil }
    let options: TrainingOptions
    public private(set) var predictor: Predictor?

    /// A checkpoint's predictor, already trained: `fit` leaves it as it is.
    let pretrained: Bool

    public init(options: TrainingOptions, name: String = "mlp") {
        self.options = options
        self.name = name
        pretrained = false
    }

    /// A trained predictor (from a checkpoint), scored as it is.
    public init(trained predictor: Predictor, name: String = "checkpoint") {
        options = TrainingOptions()
        self.name = name
        self.predictor = predictor
        pretrained = true
    }

    public func fit(train: [Run]) throws {
        guard !pretrained else { return }
        predictor = try Trainer.train(runs: train, options: options)
    }

    public func predict(run: Run, points: [TestPoint]) -> [PointPrediction?] {
        guard let predictor else { return points.map { _ in nil } }
        let contexts = StepContext.contexts(for: run)
        return predictor.predict(points.map { (run, contexts[$0.index]) }).map(PointPrediction.init)
    }
}
