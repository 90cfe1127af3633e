// `losscast cost`: what a configuration's training run costs on given hardware: FLOP, time,
// chip-hours, energy, and dollars rented, bought, and amortized (the Costs module over
// Epoch's chip and price tables).
import ArgumentParser
import Costs
import Foundation
import Runs

extension NumberFormat: ExpressibleByArgument {}

/// Which dollar figures to print.
enum PriceView: String, CaseIterable, ExpressibleByArgument {
    case cloud, amortized, both
}

/// The hardware options `cost`, `predict` and `rank` share.
struct HardwareOptions: ParsableArguments {
    @Option(help: "The chip, by its name in Epoch's chip table, e.g. \"NVIDIA H100 SXM5 80GB\".") var hardware: String?
    @Option(help: "How many chips (default: from --hours, else estimated from Epoch's systems of the run's scale and date).") var chips:
        Int?
    @Option(help: "Model FLOP utilization, in (0, 1] (default: estimated from Epoch's systems, with an interval).") var mfu: Double?
    @Option(help: "Wall-clock hours, instead of --mfu: the utilization then follows.") var hours: Double?
    @Option(
        help:
            "The number format for the chip's peak: \(NumberFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: bf16, else tf32, else fp32)."
    )
    var format: NumberFormat?
    @Option(help: "When training starts, YYYY-MM-DD: it dates the prices (default: the latest price in the table).") var start: String?
    @Option(
        help: "Who trains, for the data centre's efficiency: a hyperscaler (Google, Meta, Microsoft, Amazon) runs at PUE 1.1, others 1.25.")
    var organization: String?
    @Option(help: "The cloud to price first (default: Amazon Web Services; Google Cloud for TPUs).") var vendor: String?
    @Option(help: "Electricity, dollars per kWh (default: the average US industrial price of the start's year).") var energyPrice: Double?
    @Option(help: "The folder of Epoch's tables (default: $LOSSCAST_EPOCH_DATA, else ../shared/datasets/epoch_training_costs).")
    var epochData: String?

    func model() throws -> CostModel {
        var assumptions = CostAssumptions()
        if let energyPrice {
            guard energyPrice.isFinite, energyPrice > 0 else {
                throw ValidationError("--energy-price \(energyPrice): give a positive price per kWh, e.g. 0.08")
            }
            assumptions.energyPrice = energyPrice
        }
        return try CostModel.load(
            directory: Paths.epochData(epochData), assumptions: assumptions, estimating: mfu == nil || (chips == nil && hours == nil))
    }

    /// The cost of `flop` on this hardware; bad input as a validation error naming the option.
    func estimate(flop: Double) throws -> CostEstimate {
        do {
            let model = try model()
            return try model.estimate(try plan(flop: flop, model: model))
        } catch let error as CostError {
            throw ValidationError(error.description)
        }
    }

    /// Whether a cost was asked for.
    var isGiven: Bool { hardware != nil || chips != nil }

    func plan(flop: Double, model: CostModel) throws -> TrainingPlan {
        guard let hardware else {
            throw ValidationError("--hardware: which chip? e.g. --hardware \"NVIDIA H100 SXM5 80GB\" (with --chips)")
        }
        let chip = try model.chips.chip(named: hardware)
        if let vendor {
            let vendors = Set(model.prices.records.map(\.vendor).filter { !$0.isEmpty })
            guard vendors.contains(vendor) else {
                throw ValidationError(
                    "--vendor \(vendor.prefix(60)): no prices from it in Epoch's table\(NearMatch.hint(for: vendor, in: vendors)); "
                        + "e.g. \(["Amazon Web Services", "Google Cloud", "Microsoft Azure", "Lambda Labs"].joined(separator: ", "))")
            }
        }
        var day = model.prices.span?.upperBound ?? CalendarDay.today
        if let start {
            guard let parsed = CalendarDay(parsing: start) else {
                throw ValidationError("--start \(start.prefix(40)): expected a date YYYY-MM-DD, e.g. 2025-03-01")
            }
            day = parsed
        }
        return TrainingPlan(
            flop: flop, chip: chip, chips: chips, utilization: mfu, hours: hours, format: format, start: day,
            organization: organization, vendor: vendor)
    }
}

struct Cost: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "What a training run costs on given hardware: FLOP, time, chip-hours, energy and dollars (cloud, amortized, bought).",
        discussion: """
            The method is Cottier et al., "The rising costs of training frontier AI models" (2024): cloud prices per chip-hour \
            from Epoch's table (the closest on or before the date, else after), and the hardware's value amortized over the run \
            plus its electricity. Dollars are 2023 dollars through the producer price index for data processing.
            Example: losscast cost --config '{"params": 1e9, "tokens": 1e12}' --hardware "NVIDIA H100 SXM5 80GB" --chips 1024 --mfu 0.4
            """)
    @Option(help: "The configuration: a JSON object or a file with params and tokens (training FLOP = 6 N D).") var config: String?
    @Option(help: "Training FLOP, instead of --config.") var flop: Double?
    @OptionGroup var hardwareOptions: HardwareOptions
    @Option(help: "Which dollar figures: cloud, amortized or both.") var price: PriceView = .both
    @Flag(help: "Print JSON.") var json = false
    @Flag(
        help:
            "Instead of a run: how well Epoch's systems' training costs are predicted from what is known before training (cross-validated)."
    )
    var regression = false
    @Option(
        help:
            "With --regression: Epoch's notable-models table (default: epoch_notable_models/notable_ai_models.csv beside the cost tables).")
    var systems: String?

    func run() throws {
        if regression { return try printRegression() }
        let flop = try Self.trainingFLOP(config: config, flop: flop)
        let estimate = try hardwareOptions.estimate(flop: flop.value)
        if json {
            for note in estimate.assumed { printNote("assumed " + note, json: true) }
            try printJSON(estimate)
            return
        }
        print("training: \(Self.scientific(flop.value)) FLOP (\(flop.source))")
        print(
            String(
                format: "hardware: %d x %@, %.1f TFLOP/s %@ at %.1f%% MFU", estimate.chips, estimate.chip, estimate.peakFLOPs / 1e12,
                estimate.format,
                estimate.utilization * 100))
        let spread =
            estimate.estimated["hours"].map { " (90%: \(Self.duration($0.lower * 3600)) to \(Self.duration($0.upper * 3600)))" } ?? ""
        print("time: \(Self.duration(estimate.seconds)) wall-clock\(spread), \(Self.grouped(estimate.chipHours)) chip-hours")
        if let kilowattHours = estimate.energyKWh, let cost = estimate.energyCost {
            print("energy: \(Self.grouped(kilowattHours)) kWh at the facility, $\(Self.grouped(cost))")
        }
        print("dollars of \(estimate.dollarsOf):")
        if price != .amortized {
            for commitment in Commitment.allCases {
                guard let cloud = estimate.cloud[commitment.rawValue] else { continue }
                let converted = cloud.quote.convertedFrom.map { ", from its \($0.rawValue) price" } ?? ""
                let label = ("cloud, " + commitment.rawValue).padding(toLength: 18, withPad: " ", startingAt: 0)
                print(
                    "  \(label) $\(Self.grouped(cloud.cost.adjusted))\(Self.range(estimate.interval(of: cloud.cost.adjusted)))  ("
                        + String(format: "$%.2f", cloud.quote.dollars)
                        + " per chip-hour: \(cloud.quote.vendor), \(cloud.quote.date)\(converted))")
            }
        }
        if price != .cloud, let amortized = estimate.amortized {
            print(
                "  amortized          $\(Self.grouped(amortized.total.adjusted))\(Self.range(estimate.interval(of: amortized.total.adjusted)))  (hardware $\(Self.grouped(amortized.hardware)), "
                    + "interconnect $\(Self.grouped(amortized.interconnect)), energy $\(Self.grouped(amortized.energy)), in dollars of the start)"
            )
            print(
                "    a chip's server share cost $\(Self.grouped(amortized.purchase.dollars)) (\(amortized.purchase.hardware), \(amortized.purchase.date)), "
                    + "worth $\(Self.grouped(amortized.valueAtStart)) at the start")
            if let acquisition = estimate.acquisition { print("  buying the cluster $\(Self.grouped(acquisition.adjusted))") }
        }
        for note in estimate.assumed { print("assumed: " + note) }
    }

    /// The regression of Epoch's training compute cost, five fold assignments of 5-fold CV.
    func printRegression() throws {
        let folder = try Paths.epochData(hardwareOptions.epochData)
        let path =
            systems
            ?? URL(fileURLWithPath: folder).appendingPathComponent("../epoch_notable_models/notable_ai_models.csv").standardized.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("--systems: no file at \(path); give the path of Epoch's notable_ai_models.csv")
        }
        let regression = CostRegression(
            systems: try EpochSystems.load(path: path), model: try CostModel.load(directory: folder, estimating: false))
        let report = regression.report()
        func figures(_ values: [Double]) -> String {
            let sorted = values.sorted()
            return String(format: "%.3f (%.3f-%.3f)", sorted[sorted.count / 2], sorted.first!, sorted.last!)
        }
        if json { return try printJSON(report) }
        print(
            "training compute cost (2023 USD) of \(report.systems) systems in \(URL(fileURLWithPath: path).lastPathComponent), "
                + "log10, 5-fold CV by system, median (range) over 5 fold assignments:")
        print("  R^2, least squares on what is known before training: " + figures(report.full))
        print("  R^2, baseline (log10 compute alone, same folds):      " + figures(report.baseline))
        print("  R^2, adding the finished run's chip-hours (ceiling):  " + figures(report.withChipHours))
        print("  what each feature adds (R^2 lost without it):")
        let median = report.full.sorted()[report.full.count / 2]
        let effects = report.without.map { (group: $0.group, effect: median - $0.r2.sorted()[$0.r2.count / 2]) }
        for (group, effect) in effects.sorted(by: { $0.effect > $1.effect }) { print(String(format: "    %+.3f  %@", effect, group)) }
    }

    /// Training FLOP from --flop, or 6 N D from the configuration, and how it was found.
    static func trainingFLOP(config: String?, flop: Double?) throws -> (value: Double, source: String) {
        if let flop {
            guard config == nil else { throw ValidationError("give --config or --flop, not both") }
            guard flop.isFinite, flop > 0 else { throw ValidationError("--flop \(flop): give a positive number of FLOP, e.g. 6e21") }
            return (flop, "as given")
        }
        guard let config else {
            throw ValidationError("give --config with params and tokens, or --flop, e.g. --config '{\"params\": 1e9, \"tokens\": 1e12}'")
        }
        let configuration = try ConfigurationInput.read(config)
        guard let parameters = configuration.parameters, parameters > 0 else {
            throw ValidationError("--config: no params (N), and no architecture to count them from; give \"params\": 1e9, or --flop")
        }
        guard let tokens = configuration.tokens, tokens > 0 else {
            throw ValidationError("--config: no tokens (D), nor steps and batch to get them from; give \"tokens\": 2e10, or --flop")
        }
        return (
            CostModel.trainingFLOP(parameters: parameters, tokens: tokens), "6 N D: N \(scientific(parameters)), D \(scientific(tokens))"
        )
    }

    /// " (90%: $a to $b)", or nothing without an interval.
    static func range(_ interval: ClosedRange<Double>?) -> String {
        interval.map { " (90%: $\(grouped($0.lowerBound)) to $\(grouped($0.upperBound)))" } ?? ""
    }

    static func scientific(_ value: Double) -> String { String(format: "%.3g", value) }

    /// 1234567.8 -> "1,234,568"; below 10, two decimals.
    static func grouped(_ value: Double) -> String {
        if abs(value) < 10 { return String(format: "%.2f", value) }
        let digits = String(format: "%.0f", value.rounded())
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0, character != "-" { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }

    static func duration(_ seconds: Double) -> String {
        let hours = seconds / 3600
        if hours < 48 { return String(format: "%.1f h", hours) }
        return String(format: "%.1f days", hours / 24)
    }
}
