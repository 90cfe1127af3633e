// Every number a cost estimate assumes, named, with the default Cottier et al. (2024) use
// (epoch-research/training-cost-trends, cost_analysis_standalone.py) and why.
import Foundation

public struct CostAssumptions: Sendable {
    /// Model FLOP utilization when none is given: the median of the 33 systems in Epoch's
    /// table that report one.
    public var utilization = 0.375
    /// The cluster's interconnect as a fraction of the whole cluster's cost.
    public var interconnectFraction = 0.19
    /// ML GPUs' price-performance improves by 0.14 orders of magnitude a year: hardware loses
    /// value at that rate, and is best replaced at 0.14 ln 10 of its value a year.
    public var priceDeclineOrdersPerYear = 0.14
    /// Data-centre power usage effectiveness: hyperscalers' and everyone else's.
    public var hyperscalerPUE = 1.1
    public var otherPUE = 1.25
    /// The fraction of the server's TDP drawn on average while training.
    public var gpuPowerFraction = 0.75
    public var tpuPowerFraction = 0.43
    /// A chip is bought no sooner than this long after its release.
    public var daysFromReleaseToPurchase = 90
    /// Cloud capacity is contracted this long before training starts.
    public var daysFromContractToTraining = 60
    /// The electricity price, $/kWh (average US industrial), by year; a given one overrides.
    public var energyPrice: Double?

    public init() {}

    /// US industrial electricity prices, $/kWh, 2010-2025 (the paper's table).
    public static let energyPrices: [Int: Double] = [
        2010: 0.0677, 2011: 0.0682, 2012: 0.0667, 2013: 0.0689, 2014: 0.0710, 2015: 0.0691, 2016: 0.0676, 2017: 0.0688,
        2018: 0.0692, 2019: 0.0681, 2020: 0.0667, 2021: 0.0718, 2022: 0.0832, 2023: 0.0806, 2024: 0.0771, 2025: 0.0826
    ]

    /// Committed-use discounts off on-demand, by vendor; `otherVendor` for the rest (the
    /// paper gives Lambda Labs the mean of the three big clouds').
    public static let otherVendor = "other"
    public static let discounts: [String: [Commitment: Double]] = [
        "Amazon Web Services": [.onDemand: 0, .oneYear: 0.41, .threeYear: 0.64],
        "Google Cloud": [.onDemand: 0, .oneYear: 0.37, .threeYear: 0.56],
        "Microsoft Azure": [.onDemand: 0, .oneYear: 0.25, .threeYear: 0.49],
        "Lambda Labs": [.onDemand: 0, .oneYear: 0.34, .threeYear: 0.56],
        otherVendor: [.onDemand: 0, .oneYear: 0.34, .threeYear: 0.56]
    ]

    /// Prices per TPU the paper estimates from comparable GPUs (Google sells none).
    public static let tpuEquivalentPrices: [String: Double] = [
        "Google TPU v1": 5463, "Google TPU v2": 5054, "Google TPU v3": 5276, "Google TPU v4": 5167
    ]

    /// A server's cost over its chips' (CPUs, memory, intra-node network).
    public func serverOverhead(_ chip: String) -> Double {
        chip.contains("A100") ? 1.66 : chip.contains("V100") ? 1.69 : chip.contains("P100") ? 1.54 : 1.64
    }

    /// A server's power over its chips' TDP (CPUs, memory, fans), from the paper's sources.
    public func serverPowerRatio(_ chip: String) -> Double {
        if chip.contains("TPU") {
            return chip.contains("v1") ? 2.93 : chip.contains("v2") ? 1.64 : chip.contains("v3") ? 1.47 : 1.56
        }
        if chip.contains("H100") { return (10.2 / 8) / 0.7 }
        if chip.contains("A100") { return (6.5 / 8) / 0.4 }
        if chip.contains("V100") { return ((10.0 / 16) / 0.3 + (1.5 / 4) / 0.3) / 2 }
        return 1.8
    }

    /// Whose data centres run at hyperscale PUE.
    public static let hyperscalers = ["google", "deepmind", "microsoft", "amazon", "meta", "facebook"]

    public func powerUsageEffectiveness(organization: String?) -> Double {
        let lowered = organization?.lowercased() ?? ""
        return Self.hyperscalers.contains { lowered.contains($0) } ? hyperscalerPUE : otherPUE
    }

    /// The electricity price in `year`: the given one, else the table's.
    public func energyPrice(year: Int) throws -> Double {
        if let energyPrice { return energyPrice }
        guard let price = Self.energyPrices[year] else {
            let years = Self.energyPrices.keys.sorted()
            throw CostError(
                field: "--start", problem: "no electricity price for \(year) (the table covers \(years.first!)-\(years.last!))",
                hint: "give a date in those years, or --energy-price DOLLARS_PER_KWH")
        }
        return price
    }
}
