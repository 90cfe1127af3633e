// What a training run costs on given hardware: FLOP, wall-clock time, chip-hours, energy,
// and dollars three ways (Cottier et al. 2024): renting the chips from a cloud, buying the
// cluster up front, and the hardware's amortized value over the run plus its electricity.
import Foundation

/// The run and the hardware it runs on. What is not given is estimated: the utilization
/// (MFU) from Epoch's systems (else the paper's median), the chip count from the wall-clock
/// hours when they are given, else from Epoch's systems of the run's scale and date.
public struct TrainingPlan: Sendable {
    public var flop: Double
    public var chip: Chip
    public var chips: Int?
    public var utilization: Double?
    public var hours: Double?
    /// The number format, for the chip's peak; nil for the paper's choice (BF16/FP16 tensor).
    public var format: NumberFormat?
    /// When training starts: it dates the prices, the hardware's age and the electricity.
    public var start: CalendarDay
    /// Who trains, for the data centre's PUE (hyperscalers run at 1.1).
    public var organization: String?
    /// The cloud vendor to price first (else Amazon Web Services; Google Cloud for TPUs).
    public var vendor: String?

    public init(
        flop: Double, chip: Chip, chips: Int?, utilization: Double? = nil, hours: Double? = nil, format: NumberFormat? = nil,
        start: CalendarDay, organization: String? = nil, vendor: String? = nil
    ) {
        self.flop = flop
        self.chip = chip
        self.chips = chips
        self.utilization = utilization
        self.hours = hours
        self.format = format
        self.start = start
        self.organization = organization
        self.vendor = vendor
    }
}

/// The money a run costs one way, in the dollars of the price date and in the target's.
public struct Dollars: Sendable, Codable, Equatable {
    public var nominal: Double
    public var adjusted: Double
}

public struct CostEstimate: Sendable, Codable {
    public var flop: Double
    public var chip: String
    public var chips: Int
    public var peakFLOPs: Double
    public var format: String
    public var utilization: Double
    public var seconds: Double
    public var chipHours: Double
    /// Facility energy, kWh (server power at the training draw, times PUE); nil without a TDP.
    public var energyKWh: Double?
    public var energyCost: Double?
    /// Renting: per commitment, the price per chip-hour found and the run's cost.
    public var cloud: [String: CloudCost]
    /// The hardware's amortized value over the run, its interconnect, and the electricity.
    public var amortized: AmortizedCost?
    /// Buying the cluster: chips x server price per chip, with the interconnect.
    public var acquisition: Dollars?
    /// The dollars `adjusted` figures are in, e.g. "2023".
    public var dollarsOf: String
    /// What was assumed rather than given, for people.
    public var assumed: [String]
    /// What was estimated, with its 90% interval: "utilization", "chips", "hours", "chip-hours".
    public var estimated: [String: Estimated] = [:]

    /// A dollar figure's 90% interval when the chip-hours were estimated (dollars grow with them).
    public func interval(of dollars: Double) -> ClosedRange<Double>? {
        estimated["chip-hours"].map { dollars * $0.lower / chipHours...dollars * $0.upper / chipHours }
    }

    public struct CloudCost: Sendable, Codable {
        public var quote: Quote
        public var cost: Dollars
    }

    public struct AmortizedCost: Sendable, Codable {
        public var purchase: Quote
        /// A chip's (server share's) value when training starts, after price-performance progress.
        public var valueAtStart: Double
        public var hardware: Double
        public var interconnect: Double
        public var energy: Double
        public var total: Dollars
    }
}

/// The dollars an estimate's adjusted figures are in: a year's average index or one month's.
public enum DollarBasis: Sendable {
    case year(Int)
    case month(CalendarDay)
}

public struct CostModel: Sendable {
    public var chips: ChipCatalog
    public var prices: PriceTable
    public var index: PriceIndex
    public var assumptions: CostAssumptions
    /// The utilization and chip count learned from Epoch's systems; nil: the paper's median MFU.
    public var estimator: HardwareEstimator?

    public init(
        chips: ChipCatalog, prices: PriceTable, index: PriceIndex, assumptions: CostAssumptions = CostAssumptions(),
        estimator: HardwareEstimator? = nil
    ) {
        self.chips = chips
        self.prices = prices
        self.index = index
        self.assumptions = assumptions
        self.estimator = estimator
    }

    /// Epoch's tables from one folder (../shared/datasets/epoch_training_costs), with the
    /// estimator learned from its database of systems unless `estimating` is false (reading
    /// the database is most of the load's second: skip it when MFU and chips are given).
    public static func load(directory: String, assumptions: CostAssumptions = CostAssumptions(), estimating: Bool = true) throws
        -> CostModel
    {
        let chips = try ChipCatalog.load(directory: directory)
        let estimator = estimating ? HardwareEstimator.fit(systems: try EpochSystems.load(directory: directory), chips: chips) : nil
        return CostModel(
            chips: chips, prices: try PriceTable.load(directory: directory), index: try PriceIndex.load(directory: directory),
            assumptions: assumptions, estimator: estimator)
    }

    /// Training FLOP of a dense transformer: 6 N D.
    public static func trainingFLOP(parameters: Double, tokens: Double) -> Double { 6 * parameters * tokens }

    /// The plan's cost. `pricedAt` is the month whose dollars the nominal figures count in
    /// (the start's by default; the paper counts from publication); `dollars` the target.
    public func estimate(_ plan: TrainingPlan, dollars basis: DollarBasis = .year(2023), pricedAt: CalendarDay? = nil) throws
        -> CostEstimate
    {
        guard plan.flop.isFinite, plan.flop > 0 else {
            throw CostError(
                field: "flop", problem: "\(plan.flop) is not a positive number of FLOP", hint: "give params and tokens (6 N D), or --flop")
        }
        if let chips = plan.chips, chips <= 0 {
            throw CostError(field: "--chips", problem: "\(chips) chips", hint: "give a positive count, e.g. --chips 1024")
        }
        if let utilization = plan.utilization, !(utilization > 0 && utilization <= 1) {
            throw CostError(field: "--mfu", problem: "\(utilization) is not a utilization", hint: "give a fraction in (0, 1], e.g. 0.4")
        }
        if let hours = plan.hours, !(hours.isFinite && hours > 0) {
            throw CostError(field: "--hours", problem: "\(hours) hours", hint: "give a positive wall-clock time")
        }
        guard let (peak, format) = plan.chip.peakFLOPs(plan.format) else {
            throw CostError(
                field: "--format",
                problem: "Epoch's table gives no \(plan.format?.rawValue ?? "BF16, TF32 or FP32") FLOP/s for \(plan.chip.name)",
                hint:
                    "give another --format (\(NumberFormat.allCases.filter { plan.chip.peak[$0] != nil }.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        if let span = prices.span, plan.start < CalendarDay(year: 2010, month: 1, day: 1) || plan.start > span.upperBound + 365 {
            throw CostError(
                field: "--start", problem: "\(plan.start) is outside the price data (\(span.lowerBound) to \(span.upperBound))",
                hint: "give a date from 2010 to a year after the last price")
        }
        var assumed: [String] = [], estimated: [String: Estimated] = [:]
        // The utilization: given, else learned from Epoch's systems, else the paper's median.
        let utilizationGuess: Estimated
        if let given = plan.utilization {
            utilizationGuess = Estimated(value: given, lower: given, upper: given, systems: 0)
        } else if let learned = estimator?.utilization(flop: plan.flop, chip: plan.chip, date: plan.start) {
            utilizationGuess = learned
        } else {
            utilizationGuess = Estimated(
                value: assumptions.utilization, lower: assumptions.utilization, upper: assumptions.utilization, systems: 33)
        }
        func chipSeconds(_ utilization: Double) -> Double { plan.flop / (peak * utilization) }
        let seconds: Double, utilization: Double, chips: Int
        if let hours = plan.hours {
            seconds = hours * 3600
            if let given = plan.chips {
                chips = given
                if plan.utilization != nil { assumed.append("--hours given: the utilization follows from it, --mfu is not used") }
            } else {
                // As many chips as reach the FLOP in the time at the utilization (rounded up).
                chips = max(1, Int((chipSeconds(utilizationGuess.value) / seconds).rounded(.up)))
                estimated["chips"] = Estimated(
                    value: Double(chips), lower: max(1, (chipSeconds(utilizationGuess.upper) / seconds).rounded(.up)),
                    upper: max(1, (chipSeconds(utilizationGuess.lower) / seconds).rounded(.up)), systems: utilizationGuess.systems)
                if plan.utilization == nil { estimated["utilization"] = utilizationGuess }
                let count = estimated["chips"]!
                estimated["chip-hours"] = Estimated(
                    value: Double(chips) * hours, lower: count.lower * hours, upper: count.upper * hours, systems: count.systems)
            }
            utilization = plan.flop / (Double(chips) * peak * seconds)
        } else {
            utilization = utilizationGuess.value
            if let given = plan.chips {
                chips = given
            } else if let learned = estimator?.chipCount(flop: plan.flop, chip: plan.chip, date: plan.start) {
                chips = Int(learned.value)
                estimated["chips"] = learned
            } else {
                throw CostError(
                    field: "--chips", problem: "no chip count, and no systems to estimate one from", hint: "give --chips N or --hours H")
            }
            seconds = chipSeconds(utilization) / Double(chips)
            if plan.utilization == nil {
                estimated["utilization"] = utilizationGuess
                estimated["hours"] = Estimated(
                    value: seconds / 3600, lower: chipSeconds(utilizationGuess.upper) / Double(chips) / 3600,
                    upper: chipSeconds(utilizationGuess.lower) / Double(chips) / 3600, systems: utilizationGuess.systems)
                estimated["chip-hours"] = Estimated(
                    value: chipSeconds(utilization) / 3600, lower: chipSeconds(utilizationGuess.upper) / 3600,
                    upper: chipSeconds(utilizationGuess.lower) / 3600, systems: utilizationGuess.systems)
            }
        }
        if estimated["utilization"] != nil {
            assumed.append(
                utilizationGuess.systems == 33 && estimator == nil
                    ? "utilization \(assumptions.utilization) (the median of the 33 systems in Epoch's table reporting one)"
                    : String(
                        format:
                            "utilization %.3f (90%%: %.3f-%.3f), learned from %d systems in Epoch's database of the date, scale and chip kind",
                        utilizationGuess.value, utilizationGuess.lower, utilizationGuess.upper, utilizationGuess.systems))
        }
        if let count = estimated["chips"] {
            assumed.append(
                String(
                    format: "%d chips (90%%: %.0f-%.0f), %@", chips, count.lower, count.upper,
                    plan.hours != nil
                        ? "to reach the FLOP in the hours given" : "learned from \(count.systems) systems of the scale and date"))
        }
        let chipHours = Double(chips) * seconds / 3600
        let pricedAt = pricedAt ?? plan.start
        let target: Double =
            switch basis {
            case .year(let year): index.value(year: year)
            case .month(let month): index.value(at: month)
            }
        let adjust = target / index.value(at: pricedAt)
        let dollarsOf: String =
            switch basis {
            case .year(let year): "\(year)"
            case .month(let month): String(month.description.prefix(7))
            }

        // Energy: the chips' TDP raised to the server's, at the training draw, times PUE.
        var energyKWh: Double?, energyCost: Double?
        let tdp = plan.chip.thermalDesignPower ?? (plan.chip.name.contains("TPU v4") ? 373 : nil)
        if let tdp {
            let fraction = plan.chip.isTPU ? assumptions.tpuPowerFraction : assumptions.gpuPowerFraction
            let kilowatts =
                tdp / 1000 * assumptions.serverPowerRatio(plan.chip.name) * fraction
                * assumptions.powerUsageEffectiveness(organization: plan.organization)
            energyKWh = kilowatts * chipHours
            energyCost = energyKWh! * (try assumptions.energyPrice(year: plan.start.year))
        } else {
            assumed.append("no TDP for \(plan.chip.name) in the chip table: energy left out")
        }

        var cloud: [String: CostEstimate.CloudCost] = [:]
        let contract = plan.start + (-assumptions.daysFromContractToTraining)
        for commitment in Commitment.allCases {
            guard
                let quote = prices.cloudPrice(
                    hardware: plan.chip.name, date: contract, commitment: commitment, vendor: plan.vendor,
                    discounts: CostAssumptions.discounts)
            else { continue }
            let nominal = quote.dollars * chipHours
            cloud[commitment.rawValue] = .init(quote: quote, cost: Dollars(nominal: nominal, adjusted: nominal * adjust))
        }

        var amortized: CostEstimate.AmortizedCost?, acquisition: Dollars?
        if let purchase = prices.purchasePrice(chip: plan.chip, assumptions: assumptions) {
            // GPUs are trained on only once bought; TPUs may have been used before their release.
            let start = plan.chip.isTPU ? plan.start : max(plan.start, purchase.date)
            let years = Double(start - purchase.date) / 365.25
            let value = purchase.dollars * pow(10, -assumptions.priceDeclineOrdersPerYear * years)
            let perChipHour = value * assumptions.priceDeclineOrdersPerYear * log(10) / (365.25 * 24)
            let hardware = perChipHour * chipHours
            let interconnect = hardware * assumptions.interconnectFraction / (1 - assumptions.interconnectFraction)
            let total = hardware + interconnect + (energyCost ?? 0)
            amortized = .init(
                purchase: purchase, valueAtStart: value, hardware: hardware, interconnect: interconnect, energy: energyCost ?? 0,
                total: Dollars(nominal: total, adjusted: total * adjust))
            let upfront = Double(chips) * purchase.dollars / (1 - assumptions.interconnectFraction)
            acquisition = Dollars(nominal: upfront, adjusted: upfront * adjust)
        } else {
            assumed.append("no purchase price for \(plan.chip.name) in \(PriceTable.fileName): no amortized or acquisition cost")
        }
        if cloud.isEmpty { assumed.append("no cloud price for \(plan.chip.name) in \(PriceTable.fileName)") }
        return CostEstimate(
            flop: plan.flop, chip: plan.chip.name, chips: chips, peakFLOPs: peak, format: format, utilization: utilization,
            seconds: seconds, chipHours: chipHours, energyKWh: energyKWh, energyCost: energyCost, cloud: cloud,
            amortized: amortized, acquisition: acquisition, dollarsOf: dollarsOf, assumed: assumed, estimated: estimated)
    }
}

extension CostEstimate {
    /// The same plan at another FLOP count. With the utilization fixed, time, chip-hours,
    /// energy and the cloud and amortized dollars grow in proportion to the FLOP (buying the
    /// cluster does not), so ranking many candidates on one cluster prices it once.
    public func scaled(toFLOP newFLOP: Double) -> CostEstimate {
        let factor = newFLOP / flop
        var scaled = self
        scaled.flop = newFLOP
        scaled.seconds *= factor
        scaled.chipHours *= factor
        for key in ["hours", "chip-hours"] {
            scaled.estimated[key] = estimated[key].map {
                Estimated(value: $0.value * factor, lower: $0.lower * factor, upper: $0.upper * factor, systems: $0.systems)
            }
        }
        scaled.energyKWh = energyKWh.map { $0 * factor }
        scaled.energyCost = energyCost.map { $0 * factor }
        scaled.cloud = cloud.mapValues { cost in
            CloudCost(quote: cost.quote, cost: Dollars(nominal: cost.cost.nominal * factor, adjusted: cost.cost.adjusted * factor))
        }
        scaled.amortized = amortized.map { cost in
            var cost = cost
            cost.hardware *= factor
            cost.interconnect *= factor
            cost.energy *= factor
            cost.total = Dollars(nominal: cost.total.nominal * factor, adjusted: cost.total.adjusted * factor)
            return cost
        }
        return scaled
    }

    /// The dollars (target year's) of one way of paying: a cloud commitment, or amortized.
    public func dollars(_ payment: Payment) -> Double? {
        switch payment {
        case .cloud(let commitment): cloud[commitment.rawValue]?.cost.adjusted
        case .amortized: amortized?.total.adjusted
        }
    }
}

/// How a run is paid for, for ranking within a budget.
public enum Payment: Sendable, Equatable {
    case cloud(Commitment)
    case amortized
}
