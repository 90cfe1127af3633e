// The laws by name, behind one type-erased interface for the command line: fit a selection
// of runs, report parameters and errors, save the fit as JSON, and predict from it.
import Foundation
import Scoring
import Runs

/// A fitted law as saved to a file and printed.
public struct LawReport: Codable, Sendable {
    public var law: String
    public var formula: String
    public var parameterNames: [String]
    public var parameters: [Double]
    public var natural: [String: Double]
    public var naturalOrder: [String]
    public var intervals: [String: [Double]]?
    public var bootstrapResamples: Int
    public var rSquared: Double
    public var meanAbsoluteError: Double
    public var rootMeanSquaredError: Double
    public var points: Int
    public var runs: Int
    public var huberDelta: Double
    public var selection: String
}

public protocol AnyLaw {
    var name: String { get }
    var formula: String { get }
    func fit(runs: [Run], options: FitOptions, selection: String) throws -> LawReport
    /// Predicted loss at each of the run's law points (its final point for N, D laws).
    func predict(_ report: LawReport, run: Run) -> [(actual: Double, predicted: Double)]
    /// Whether its points are a curve's, read with the logged learning-rate schedule, rather
    /// than a run's N and D.
    var readsSchedule: Bool { get }
}

// Every law is an AnyLaw through this extension: each concrete law's conformance gets its
// own specialised copy of the fitting code (a generic wrapper type would run unspecialised
// generic code, several times slower, through its witness table).
extension ScalingLaw {
    public func fit(runs: [Run], options: FitOptions, selection: String) throws -> LawReport {
        let law = self
        let result = try LawFitting.fit(law, runs: runs, options: options)
        let points = runs.flatMap { law.points(from: $0) }
        let predicted = points.map { result.predict($0) }, actual = points.map(\.loss)
        let natural = result.natural
        var intervals: [String: [Double]]? = nil
        if let bounds = result.intervals {
            intervals = Dictionary(uniqueKeysWithValues: zip(natural.map(\.name), bounds.map { [$0.lower, $0.upper] }))
        }
        return LawReport(
            law: law.name, formula: law.formula, parameterNames: law.parameterNames, parameters: result.parameters,
            natural: Dictionary(uniqueKeysWithValues: natural.map { ($0.name, $0.value) }), naturalOrder: natural.map(\.name),
            intervals: intervals, bootstrapResamples: options.bootstrapResamples,
            rSquared: Metrics.rSquared(predicted, actual), meanAbsoluteError: Metrics.meanAbsoluteError(predicted, actual),
            rootMeanSquaredError: Metrics.rootMeanSquaredError(predicted, actual), points: result.pointCount,
            runs: result.runCount, huberDelta: options.huberDelta, selection: selection)
    }

    public func predict(_ report: LawReport, run: Run) -> [(actual: Double, predicted: Double)] {
        points(from: run).map { ($0.loss, predict(report.parameters, $0)) }
    }

    public var readsSchedule: Bool { Point.self != SizePoint.self }
}

extension ChinchillaLaw: AnyLaw {}
extension ChinchillaGammaLaw: AnyLaw {}
extension ChinchillaGammaTiedLaw: AnyLaw {}
extension KaplanLaw: AnyLaw {}
extension DataConstrainedLaw: AnyLaw {}
extension ParallelScalingLaw: AnyLaw {}
extension MultiPowerLaw: AnyLaw {}
extension AnnealingLaw: AnyLaw {}

public enum LawRegistry {
    public static let all: [AnyLaw] = [
        ChinchillaLaw(), ChinchillaGammaLaw(), ChinchillaGammaTiedLaw(), KaplanLaw(), DataConstrainedLaw(), ParallelScalingLaw(),
        MultiPowerLaw(), AnnealingLaw()
    ]

    public static func law(named name: String) throws -> AnyLaw {
        guard let law = all.first(where: { $0.name == name.lowercased() }) else {
            throw LawError("unknown law '\(name)': expected one of \(all.map(\.name).joined(separator: ", "))")
        }
        return law
    }
}
