// Every parameter of a research campaign, with the reference model's defaults
// (takeoff modeling v2, `MadeUpParameters` at 491b969). A configuration is a value: one is
// read from a YAML or JSON file over these defaults (a file names only what it changes),
// checked field by field, and printed back with `losscast campaign --print-config`.
// The field table (CampaignConfiguration+Fields.swift) is the one list of names.
import ConfigTree
import Foundation
import Runs

public struct CampaignConfigurationError: Error, LocalizedError, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var errorDescription: String? { message }
}

public struct CampaignConfiguration: Sendable, Equatable {
    /// How a team picks its next experiments from the pool.
    public enum TasteRule: String, Sendable, CaseIterable {
        /// Sample a fraction `taste` of the pool, take the highest priority (the reference's default).
        case topK = "top-k"
        /// Weighted sampling without replacement, weight (priority + 1)^taste.
        case weighted
    }

    // MARK: Time and compute
    public var initialYear = 2024.0
    /// Physical compute (FLOP of the largest training run) by calendar year.
    public var computeSchedule = Schedule(
        [(2024, 9e25), (2025, 2.5e26), (2026, 2.5e27), (2027, 1e28), (2028, 9e28), (2031, 2e30), (2035, 5e31)], .linearLog)

    // MARK: Automation, by effective compute
    public var experimentDesignSpeedup = Schedule(
        [(9e25, 1), (1e27, 1.05), (1e28, 1.5), (1e30, 4), (3e31, 10), (1e33, 100), (1e35, 1000)], .logLog)
    public var softwareDesignSpeedup = Schedule(
        [(9e25, 1), (1e27, 1.02), (1e28, 1.3), (1e30, 2), (3e31, 7), (1e33, 25), (1e35, 100)], .logLog)
    public var softwareProgrammingSpeedup = Schedule(
        [(9e25, 1), (1e27, 1.3), (1e28, 5), (1e30, 15), (3e31, 50), (1e33, 500), (1e35, 5000)], .logLog)
    /// A multiplier on runtimes (below 1: automated monitoring shortens runs).
    public var experimentMonitoringEfficiency = Schedule(
        [(9e25, 1), (1e27, 0.98), (1e28, 0.95), (1e30, 0.85), (3e31, 0.75), (1e33, 0.65), (1e35, 0.5), (1e50, 0.5)], .logLinear)
    public var experimentAnalysisSpeedup = Schedule(
        [(9e25, 1), (1e27, 1.05), (1e28, 2), (1e30, 4), (3e31, 7), (1e33, 20), (1e35, 80)], .logLog)
    /// The fraction of the pool a team looks at before choosing.
    public var researchTaste = Schedule(
        [
            (9e25, 0.0025), (1e27, 0.003), (1e28, 0.005), (1e30, 0.01), (3e31, 0.02), (1e33, 0.04), (1e35, 0.06), (2e37, 0.08),
            (1e40, 0.1)
        ], .logLinear)
    /// Taste where there is no automation, and at the start.
    public var initialResearchTaste = 0.0025
    /// Experiments in their runtime at once, per team, by algorithmic efficiency.
    public var experimentsPerTeam = Schedule([(1, 3), (1e10, 3)], .logLinear)

    // MARK: The pool of experiments (times in weeks at the 2023 level)
    public var experimentDesignWeeks = Lognormal(mu: 0.2, sigma: 1)
    public var softwareDesignWeeks = Lognormal(mu: 0.3, sigma: 1)
    public var softwareProgrammingWeeks = Lognormal(mu: 1, sigma: 1)
    public var experimentAnalysisWeeks = Lognormal(mu: 0.5, sigma: 1)
    public var runtimeWeeksP5 = 1.0
    public var runtimeWeeksP95 = 20.0
    /// Percentiles of an experiment's gain AEM - 1 (it multiplies algorithmic efficiency by AEM).
    public var efficiencyGainP5 = 1e-4
    public var efficiencyGainP95 = 0.015
    /// Runtimes are ranked like the gains, then this fraction of the pool's size in random
    /// pairwise swaps loosens the correlation (the reference's "hardness correlation level").
    public var runtimeSwapFraction = 0.6
    public var experiments = 10_000

    // MARK: Teams and choice
    public var teams = 10
    public var prioritizationCadence = 50
    public var tasteRule = TasteRule.topK

    // MARK: Stopping
    public var stopYear = 2040.0
    public var stopEffectiveCompute = 1e50
    public var stopAlgorithmicEfficiency = 1e12
    public var stopExperimentsLeft = 0

    // MARK: Beyond the reference (its TODO list); the defaults leave the reference's model
    /// Standard deviation of ln(a team's taste multiplier): teams of different taste. 0: alike.
    public var teamTasteSpread = 0.0
    /// Experiments added to the pool each time physical compute doubles. 0: a fixed pool.
    public var poolGrowthPerDoubling = 0
    /// An experiment's priority divides its gain by its whole duration, runtime included.
    public var priorityCountsRuntime = false
    /// Standard deviation of the log-normal error with which teams see an experiment's gain
    /// AEM - 1 (fixed per experiment). 0: they see it exactly, as in the reference; infinity
    /// (not in files): they see nothing and choose at random among what they look at.
    public var estimateNoise = 0.0

    // MARK: The reference's quirks that change results, reproduced by default
    /// After each event the clock is set to the earliest time a team is free, which can be
    /// earlier than the time it had reached; false keeps the clock from going backwards.
    public var referenceTimeStepsBack = true
    /// Experiments already chosen but not started when the pool runs out are never run;
    /// false runs them.
    public var referenceDropsLastBatch = true

    public init() {}

    /// The reference's no-automation baseline: every speedup 1, taste fixed at its initial value.
    public var withoutAutomation: CampaignConfiguration {
        var copy = self
        copy.automation = false
        return copy
    }

    /// Whether speedups and taste follow effective compute (false: the baseline).
    public var automation = true

    public var runtimeWeeks: Lognormal { Lognormal(p5: runtimeWeeksP5, p95: runtimeWeeksP95) }
    public var efficiencyGain: Lognormal { Lognormal(p5: efficiencyGainP5, p95: efficiencyGainP95) }
}
