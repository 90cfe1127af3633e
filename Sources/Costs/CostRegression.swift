// A system's training cost predicted from what is known before it trains (its planned
// compute, parameters, chip, date, organization, whether it fine-tunes a base model), as
// least squares of log10 cost, judged by cross-validation with whole systems held out.
// Epoch's "Training compute cost (2023 USD)" is the target; training time and chip count,
// which are known only after the run, are not features.
import Foundation
import Randomness
import Scoring

public struct CostRegression: Sendable {
    /// One system: its features and log10 of Epoch's cost.
    public struct Row: Sendable {
        public var model: String
        public var features: [Double]
        /// log10 of the table's training compute (a fine-tune's counts its base model's).
        public var logCompute: Double
        /// What only the finished run knows: log10 chip-hours (count x training time) and
        /// whether the table gives them; for the ceiling, never a feature of the regression.
        public var afterTraining: [Double]
        public var logCost: Double
    }

    /// The feature groups, in the order of a row's columns (after the intercept). A group
    /// may span a value and its "missing" indicator, and is dropped whole to measure it.
    public static let groups: [(name: String, columns: Int)] = [
        ("planned compute (log10 FLOP)", 1),
        ("dollars per FLOP at the chip's price and date", 2),
        ("date", 1),
        ("fine-tunes a base model", 1),
        ("organization (industry, academia)", 2),
        ("parameters (log10)", 2),
        ("TPU", 1)
    ]

    public var rows: [Row]

    /// The systems with a cost and compute, one row each (a model named twice is kept once).
    /// The dollars per FLOP are the cloud price of the system's chip at its date at the
    /// paper's utilization, from `model`; a system on an unknown or several chips has none.
    public init(systems: [SystemRecord], model: CostModel) {
        var seen = Set<String>()
        var rows: [Row] = []
        for system in systems {
            guard let cost = system.epochCost, cost > 0, let compute = system.compute, compute > 0, let published = system.published,
                seen.insert(system.model).inserted
            else { continue }
            // A fine-tune's cost is of the fine-tuning: its own compute where the table gives it.
            let planned = system.baseModel != nil ? (system.finetuneCompute.flatMap { $0 > 0 ? $0 : nil } ?? compute) : compute
            var perFLOP = (value: 0.0, missing: 1.0)
            if let name = system.hardware, !name.contains(","), let chip = try? model.chips.chip(named: name, field: "Training hardware"),
                let estimate = try? model.estimate(
                    TrainingPlan(
                        flop: planned, chip: chip, chips: 1, utilization: model.assumptions.utilization,
                        start: published, organization: system.organization)),
                let dollars = estimate.dollars(.cloud(.onDemand)) ?? estimate.dollars(.amortized), dollars > 0
            {
                perFLOP = (log10(dollars / planned) + 17, 0)
            }
            let kinds = system.organizationKind?.lowercased() ?? ""
            let parameters = system.parameters.flatMap { $0 > 0 ? log10($0) - 9 : nil }
            let tpu = system.hardware?.contains("TPU") == true
            let features = [
                log10(planned) - 22, perFLOP.value, perFLOP.missing, published.fractionalYear - 2020,
                system.baseModel != nil ? 1 : 0, kinds.contains("industry") ? 1 : 0, kinds.contains("academia") ? 1 : 0,
                parameters ?? 0, parameters == nil ? 1 : 0, tpu ? 1 : 0
            ]
            let chipHours = system.quantity.flatMap { count in system.hours.map { count * $0 } }.flatMap { $0 > 0 ? log10($0) : nil }
            rows.append(
                Row(
                    model: system.model, features: features, logCompute: log10(compute),
                    afterTraining: [chipHours ?? 0, chipHours == nil ? 1 : 0],
                    logCost: log10(cost)))
        }
        self.rows = rows
    }

    /// The columns of the groups kept (indices into a row's features).
    static func columns(keeping kept: [Bool]) -> [Int] {
        var columns: [Int] = [], start = 0
        for (group, keep) in zip(groups, kept) {
            if keep { columns += Array(start..<start + group.columns) }
            start += group.columns
        }
        return columns
    }

    /// Out-of-fold R^2 of log10 cost: systems shuffled by `seed` into `folds` folds, each
    /// predicted by least squares on `design` (an intercept added), fitted on the others,
    /// with `ridge` shrinking the slopes; R^2 of the pooled predictions about the mean.
    public func crossValidatedR2(folds: Int = 5, seed: UInt64, ridge: Double, design: (Row) -> [Double]) -> Double {
        var generator = SeededGenerator(seed: seed)
        let order = Array(rows.indices).shuffled(using: &generator)
        let inputs = rows.map { [1] + design($0) }
        var predictions = [Double](repeating: 0, count: rows.count)
        for fold in 0..<folds {
            let held = Set(order.indices.filter { $0 % folds == fold }.map { order[$0] })
            let training = rows.indices.filter { !held.contains($0) }
            guard let coefficients = LeastSquares.solve(training.map { inputs[$0] }, training.map { rows[$0].logCost }, ridge: ridge) else {
                return .nan
            }
            for index in held { predictions[index] = zip(inputs[index], coefficients).reduce(0.0) { $0 + $1.0 * $1.1 } }
        }
        let targets = rows.map(\.logCost)
        let mean = targets.reduce(0, +) / Double(targets.count)
        let residual = zip(targets, predictions).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let total = targets.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) }
        return 1 - residual / total
    }

    /// The slopes' shrinkage for the full design (ten columns on some 120 systems a fold).
    public static let ridge = 0.02

    /// The cross-validated R^2 over several fold assignments: every feature, the baseline
    /// (log10 compute alone, on the same folds), and every feature but one group.
    public struct Report: Sendable, Codable {
        public var systems: Int
        public var full: [Double]
        public var baseline: [Double]
        /// Every feature and the chip-hours the finished run reports: a ceiling, not a model.
        public var withChipHours: [Double]
        /// Per group: the R^2 without it, per fold assignment.
        public var without: [Without]

        public struct Without: Sendable, Codable {
            public var group: String
            public var r2: [Double]
        }
    }

    public func report(folds: Int = 5, seeds: [UInt64] = Array(0..<5)) -> Report {
        let all = [Bool](repeating: true, count: Self.groups.count)
        func r2(keeping kept: [Bool], seed: UInt64) -> Double {
            let columns = Self.columns(keeping: kept)
            return crossValidatedR2(folds: folds, seed: seed, ridge: Self.ridge) { row in columns.map { row.features[$0] } }
        }
        let full = seeds.map { r2(keeping: all, seed: $0) }
        let baseline = seeds.map { crossValidatedR2(folds: folds, seed: $0, ridge: 0) { [$0.logCompute] } }
        let withChipHours = seeds.map { seed in
            crossValidatedR2(folds: folds, seed: seed, ridge: Self.ridge) { $0.features + $0.afterTraining }
        }
        let without = Self.groups.indices.map { dropped in
            var kept = all
            kept[dropped] = false
            return Report.Without(group: Self.groups[dropped].name, r2: seeds.map { r2(keeping: kept, seed: $0) })
        }
        return Report(systems: rows.count, full: full, baseline: baseline, withChipHours: withChipHours, without: without)
    }
}
