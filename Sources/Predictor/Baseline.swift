// The law the networks predict a residual over, fitted on the healthy training runs' final
// points: Chinchilla, Chinchilla with a shared exponent gamma (with one exponent for N and D,
// or two), or chosen between the first two by how well each, fitted on the frontier below the
// largest training size, predicts that size's. When the runs come from several sources, each
// source with enough runs gets its own law (a dataset, tokenizer and eval set set the loss
// level and its slopes; one pooled law pulls each source toward the others), and the pooled
// law serves the rest; a source with one or two sizes borrows alpha (see `fitted`). At
// step 0 (no tokens seen) the baseline is ln(vocabulary), the loss of a uniform prediction,
// where the vocabulary is known.
import Foundation
import Laws
import Runs
import Scoring

/// The laws a baseline can be; the raw value is the name in checkpoints and options. Adding
/// a law is adding a case here and its lines in `Baseline.predict` and `Baseline.fit`.
public enum BaselineLaw: String, CaseIterable, Codable, Sendable {
    case chinchilla
    case chinchillaGamma = "chinchilla-gamma"
    /// One exponent for N and D.
    case chinchillaGammaTied = "chinchilla-gamma-tied"
    /// No law: the networks predict the raw loss.
    case none

    /// The forms `auto` chooses between.
    static let automatic: [BaselineLaw] = [.chinchilla, .chinchillaGamma]
}

/// What `--baseline` asks for: a law, or `auto`, the better of `BaselineLaw.automatic` at
/// the largest training size.
public enum BaselineChoice: Hashable, Sendable, CaseIterable, RawRepresentable {
    case auto
    case law(BaselineLaw)

    public static var allCases: [BaselineChoice] { [.auto] + BaselineLaw.allCases.map(BaselineChoice.law) }

    public init?(rawValue: String) {
        if rawValue == "auto" {
            self = .auto
        } else if let law = BaselineLaw(rawValue: rawValue) {
            self = .law(law)
        } else {
            return nil
        }
    }

    public var rawValue: String {
        switch self {
        case .auto: "auto"
        case .law(let law): law.rawValue
        }
    }
}

public struct Baseline: Codable, Sendable {
    /// The law the residuals are over (`none`: the raw loss).
    public var law: BaselineLaw
    public var parameters: [Double]
    /// The normalised target is (loss - baseline - mean) / deviation.
    public var mean: Double
    public var deviation: Double
    /// How the law was chosen, for people: the held-out size's error of each candidate.
    public var selection: String?
    /// One law per source, for runs of those sources (absent in checkpoints from before them).
    public var sources: [String: SourceLaw]?

    public struct SourceLaw: Codable, Sendable, Equatable {
        public var law: BaselineLaw
        public var parameters: [Double]
        public var selection: String?
    }

    /// A source's own law needs this many healthy runs; smaller sources use the pooled law.
    static let minimumSourceRuns = 40

    /// Whether the law gives a run's final loss (`value` at its end is not 0): there is a law,
    /// and the run states its N and D. The interval's lever applies only to such runs' sources
    /// (Trainer.lawCarriedSources).
    func carries(finalOf run: Run) -> Bool { law != .none && (run.params ?? 0) > 0 && (run.tokens ?? 0) > 0 }

    /// The baseline loss for a run at a point: the law at (N, tokens seen), or 0.
    public func value(run: Run, context: StepContext) -> Double {
        if context.isInitialisation { return run.number(ConfigKey.vocabSize).map { Foundation.log($0) } ?? 0 }
        guard let n = run.params, n > 0 else { return 0 }
        guard let seen = context.tokensSeen ?? run.tokens, seen > 0 else { return 0 }
        let own = sources?[run.source]
        return Self.predict(law: own?.law ?? law, own?.parameters ?? parameters, SizePoint(params: n, tokens: seen, loss: 1)) ?? 0
    }

    public static func predict(law: BaselineLaw, _ parameters: [Double], _ point: SizePoint) -> Double? {
        switch law {
        case .chinchilla: ChinchillaLaw().predict(parameters, point)
        case .chinchillaGamma: ChinchillaGammaLaw().predict(parameters, point)
        case .chinchillaGammaTied: ChinchillaGammaTiedLaw().predict(parameters, point)
        case .none: nil
        }
    }

    /// The lowest-loss run of each (N, D): where a grid of learning rates and batch sizes was
    /// run, the law's frontier; elsewhere every run.
    static func frontierRuns(_ runs: [Run]) -> [Run] {
        let groups = Dictionary(grouping: runs.filter { $0.finalLoss != nil }, by: { [$0.params ?? 0, $0.tokens ?? 0] })
        return groups.values.map { $0.min { $0.finalLoss! < $1.finalLoss! }! }.sorted {
            ($0.params ?? 0, $0.tokens ?? 0) < ($1.params ?? 0, $1.tokens ?? 0)
        }
    }

    /// The coarse grids of starts: the predictor refits per member and per source on every
    /// training, and a full grid of starts changes the fit by little (docs/DESIGN.md, Laws).
    public static func fit(law: BaselineLaw, runs: [Run]) throws -> [Double] {
        let coarse = cartesianGrid([[0, 0.5, 1], [4, 8, 12], [4, 8, 12], [0.3, 0.6], [0.3, 0.6]])
        switch law {
        case .chinchilla:
            return try LawFitting.fit(ChinchillaLaw(startingPoints: coarse), runs: runs).parameters
        case .chinchillaGamma:
            return try LawFitting.fit(
                ChinchillaGammaLaw(startingPoints: coarse.map { $0 + [0] } + coarse.map { $0 + [log(0.25)] }), runs: runs
            ).parameters
        case .chinchillaGammaTied:
            let tied = cartesianGrid([[0, 0.5, 1], [4, 8, 12], [4, 8, 12], [0.3, 0.6], [0, log(0.25)]])
            return try LawFitting.fit(ChinchillaGammaTiedLaw(startingPoints: tied), runs: runs).parameters
        case .none:
            return []
        }
    }

    /// Fits the chosen law on the healthy runs (final points). "auto" chooses the form by how
    /// well it extrapolates the frontier: each law is fitted on the best run of every (N, D)
    /// below the largest size and scored (MAE) on the best runs of the largest; the better
    /// form is then fitted on all the runs. With fewer than three sizes it is Chinchilla.
    /// "none" predicts the raw loss. The frontier, not all runs: the runs' spread of learning
    /// rates swamps the difference between the forms (docs/DESIGN.md, Laws).
    public static func fitted(_ choice: BaselineChoice, healthy: [Run]) throws -> Baseline {
        var pooled = try fittedOnOneSource(choice, healthy: healthy)
        let bySource = Dictionary(grouping: healthy, by: \.source).filter { $0.value.count >= minimumSourceRuns }
        guard pooled.law != .none, bySource.count >= 2 else { return pooled }
        // A source with fewer than three sizes cannot tell alpha from E and A: it borrows alpha
        // from plain Chinchilla on the source with the most sizes (ties: the most runs).
        let sizeCounts = bySource.mapValues { Set($0.compactMap(\.params)).count }
        let richest = bySource.keys.filter { sizeCounts[$0]! >= 3 }
            .max { (sizeCounts[$0]!, bySource[$0]!.count, $1) < (sizeCounts[$1]!, bySource[$1]!.count, $0) }
        let borrowed = try richest.map { source in (source, try fit(law: .chinchilla, runs: bySource[source]!)[3]) }
        var laws: [String: SourceLaw] = [:]
        for (source, runs) in bySource {
            if sizeCounts[source]! < 3 {
                let alpha = borrowed?.1 ?? hoffmannAlpha
                let law = ChinchillaFixedAlphaLaw(alpha: alpha)
                guard let parameters = try? LawFitting.fit(law, runs: runs).parameters else { continue }
                let origin = borrowed.map { "plain Chinchilla on \($0.0)" } ?? "Hoffmann et al."
                laws[source] = SourceLaw(
                    law: .chinchilla, parameters: law.chinchilla(parameters),
                    selection: String(format: "chinchilla with alpha %.3f from %@ (%d sizes here)", alpha, origin, sizeCounts[source]!))
                continue
            }
            guard let own = try? fittedOnOneSource(choice, healthy: runs), own.law != .none else { continue }
            laws[source] = SourceLaw(law: own.law, parameters: own.parameters, selection: own.selection)
        }
        pooled.sources = laws.isEmpty ? nil : laws
        return pooled
    }

    /// A candidate's error at the held-out size for the selection note: four decimals, or, for
    /// a fit that runs away past the sizes it saw (plain Chinchilla on several sources' pooled
    /// frontier printed a 213-digit MAE), four significant digits and the word.
    static func describe(_ law: BaselineLaw, error: Double) -> String {
        guard error.isFinite, error < 100 else { return String(format: "%@ %.4g (runs away past the sizes fitted)", law.rawValue, error) }
        return String(format: "%@ %.4f", law.rawValue, error)
    }

    /// Hoffmann et al.'s parameter exponent (approach 3), when no source can give one.
    static let hoffmannAlpha = 0.34

    static func fittedOnOneSource(_ choice: BaselineChoice, healthy: [Run]) throws -> Baseline {
        guard choice != .law(.none), healthy.count >= 8 else { return Baseline(law: .none, parameters: [], mean: 0, deviation: 1) }
        if case .law(let law) = choice {
            return Baseline(law: law, parameters: try fit(law: law, runs: healthy), mean: 0, deviation: 1)
        }
        let sizes = Set(healthy.compactMap(\.params)).sorted()
        let frontier = frontierRuns(healthy)
        guard sizes.count >= 3, let largest = sizes.last, frontier.count >= 8 else {
            return Baseline(
                law: .chinchilla, parameters: try fit(law: .chinchilla, runs: healthy), mean: 0, deviation: 1,
                selection: "chinchilla: fewer than 3 sizes to choose on")
        }
        let inner = frontier.filter { $0.params! < largest }
        let held = frontier.filter { $0.params == largest }.compactMap { run in
            run.tokens.flatMap { tokens in run.finalLoss.map { SizePoint(params: largest, tokens: tokens, loss: $0) } }
        }
        var scores: [(law: BaselineLaw, error: Double)] = []
        for law in BaselineLaw.automatic {
            guard let parameters = try? fit(law: law, runs: inner) else { continue }
            let predicted = held.compactMap { predict(law: law, parameters, $0) }
            if predicted.count == held.count { scores.append((law, Metrics.meanAbsoluteError(predicted, held.map(\.loss)))) }
        }
        let best = scores.min { $0.error < $1.error }?.law ?? .chinchilla
        let note = scores.map { describe($0.law, error: $0.error) }.joined(separator: ", ")
        return Baseline(
            law: best, parameters: try fit(law: best, runs: healthy), mean: 0, deviation: 1,
            selection: "\(best.rawValue), by MAE on the largest training size's best runs per (N, D) (\(note))")
    }
}
