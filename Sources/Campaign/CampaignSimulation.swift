// One research campaign, event by event, as the reference model (takeoff modeling v2) runs
// it. Teams choose experiments from the pool; an experiment's pre-run work (design,
// software design, programming) occupies a team, its runtime occupies one of the slots for
// running experiments, and its analysis occupies a team again; when the analysis ends,
// algorithmic efficiency AE multiplies by the experiment's AEM. Effective compute
// EC = AE x physical compute sets the speedups and the taste of what follows.
import Foundation
import Randomness

public enum StopReason: String, Sendable, Codable {
    case year, effectiveCompute = "effective_compute", algorithmicEfficiency = "algorithmic_efficiency", poolEmpty = "pool_empty"
}

/// What one simulation leaves: its state on a grid of years, the years at which AE first
/// reached each power of ten, and (when asked) its state after every event.
public struct CampaignTrace: Sendable {
    /// The grid's years, from the initial year to the stop year.
    public var years: [Double]
    /// The state just before the first event past each grid year; nil after the campaign stopped.
    public var grid: [CampaignState?]
    /// milestones[k - 1]: the year AE first reached 10^k, k = 1...12; nil if it did not.
    public var milestones: [Double?]
    public var stopReason: StopReason
    public var finalState: CampaignState
    /// After every event (the first row is the start), when the simulation recorded them.
    public var events: [CampaignState]
    /// How often the clock went back (the reference's quirk; 0 when it is switched off).
    public var clockStepsBack: Int

    /// AE at a grid year, nil past the stop.
    public func algorithmicEfficiency(atGridIndex index: Int) -> Double? {
        grid[index]?[.algorithmicEfficiency]
    }
}

public struct CampaignSimulation {
    let configuration: CampaignConfiguration
    var year: Double
    var algorithmicEfficiency = 1.0
    var physicalCompute: Double
    var speedups: Speedups
    var maximumRunning: Double
    var pool: [Experiment]
    /// Chosen, not yet started (the reference's `next_experiments`).
    var chosen: [Experiment] = []
    /// Started, by the year their runtime ends.
    var inProgress: [Experiment] = []
    var teamFreeYears: [Double]
    var teamTasteMultipliers: [Double]
    var started = 0, finished = 0
    var clockStepsBack = 0
    var chooser: SeededGenerator
    var poolGenerator: SeededGenerator
    var noiseGenerator: SeededGenerator
    var nextGrowthCompute: Double

    var effectiveCompute: Double { algorithmicEfficiency * physicalCompute }

    /// A campaign at its start. The seed fixes the pool (the same for runs with and without
    /// automation, and for any estimate noise), the teams' tastes and every choice.
    public init(_ configuration: CampaignConfiguration, seed: UInt64) {
        self.configuration = configuration
        poolGenerator = SeededGenerator(seed: seed)
        noiseGenerator = SeededGenerator(seed: seed ^ 0x0E57_1A7E_0000_0001)
        chooser = SeededGenerator(seed: seed ^ 0x0C40_05E0_0000_0002)
        var teamGenerator = SeededGenerator(seed: seed ^ 0x07EA_0000_0000_0003)
        pool = ExperimentPool.draw(configuration.experiments, configuration, generator: &poolGenerator, noise: &noiseGenerator)
        teamTasteMultipliers = (0..<configuration.teams).map { _ in
            configuration.teamTasteSpread > 0 ? exp(configuration.teamTasteSpread * teamGenerator.nextNormal()) : 1
        }
        year = configuration.initialYear
        physicalCompute = configuration.computeSchedule.value(at: configuration.initialYear)
        nextGrowthCompute = 2 * physicalCompute
        speedups = Speedups(configuration)
        maximumRunning = configuration.experimentsPerTeam.value(at: 1) * Double(configuration.teams)
        teamFreeYears = [Double](repeating: configuration.initialYear, count: configuration.teams)
    }

    /// Runs to a stop condition. `gridStep` is the spacing in years of the recorded grid.
    public static func run(
        _ configuration: CampaignConfiguration, seed: UInt64, gridStep: Double = 0.05,
        recordEvents: Bool = false
    ) -> CampaignTrace {
        var simulation = CampaignSimulation(configuration, seed: seed)
        return simulation.run(gridStep: gridStep, recordEvents: recordEvents)
    }

    mutating func run(gridStep: Double, recordEvents: Bool) -> CampaignTrace {
        let span = configuration.stopYear - configuration.initialYear
        let years = (0...Int((span / gridStep).rounded(.down))).map { configuration.initialYear + Double($0) * gridStep }
        var grid = [CampaignState?](repeating: nil, count: years.count)
        var gridIndex = 0, latestYear = year
        var milestones = [Double?](repeating: nil, count: 12)
        var state = self.state()
        var events = recordEvents ? [state] : []
        while stopReason() == nil {
            guard researchStep() else { break }
            latestYear = max(latestYear, year)
            while gridIndex < years.count && years[gridIndex] < latestYear {
                grid[gridIndex] = state
                gridIndex += 1
            }
            state = self.state()
            if recordEvents { events.append(state) }
            for decade in 1...12 where milestones[decade - 1] == nil && algorithmicEfficiency >= pow(10, Double(decade)) {
                milestones[decade - 1] = year
            }
        }
        let reason = stopReason() ?? .poolEmpty
        if reason == .year {
            while gridIndex < years.count { grid[gridIndex] = state; gridIndex += 1 }
        }
        return CampaignTrace(
            years: years, grid: grid, milestones: milestones, stopReason: reason, finalState: state, events: events,
            clockStepsBack: clockStepsBack)
    }

    func state() -> CampaignState {
        let running = inProgress.filter { $0.startRuntime < year }.count
        let values: [Double] = [
            algorithmicEfficiency, effectiveCompute, physicalCompute, speedups.experimentDesign, speedups.softwareDesign,
            speedups.softwareProgramming, speedups.monitoringEfficiency, speedups.experimentAnalysis, speedups.taste,
            Double(started), Double(finished), Double(running)
        ]
        return CampaignState(year: year, values: values)
    }

    /// Experiments that can still be started.
    var canStart: Bool { !pool.isEmpty || (!configuration.referenceDropsLastBatch && !chosen.isEmpty) }

    func stopReason() -> StopReason? {
        let left = pool.count + inProgress.count + (configuration.referenceDropsLastBatch ? 0 : chosen.count)
        if left <= configuration.stopExperimentsLeft { return .poolEmpty }
        if year >= configuration.stopYear { return .year }
        if effectiveCompute > configuration.stopEffectiveCompute { return .effectiveCompute }
        if algorithmicEfficiency > configuration.stopAlgorithmicEfficiency { return .algorithmicEfficiency }
        return nil
    }

    /// Starts experiments until the next one to finish does, then finishes it; false when
    /// nothing is left to finish.
    mutating func researchStep() -> Bool {
        if inProgress.isEmpty && canStart { startNext() }
        while let first = inProgress.first, first.endRuntime > year, canStart {
            let now = year
            let running = inProgress.reduce(0) { $0 + ($1.startRuntime < now ? 1 : 0) }
            if Double(running) >= maximumRunning.rounded(.down) {
                year = first.endRuntime
            } else {
                startNext()
            }
        }
        guard !inProgress.isEmpty else { return false }
        let done = inProgress.removeFirst()
        let team = teamFreeYears.indices.min { teamFreeYears[$0] < teamFreeYears[$1] }!
        teamFreeYears[team] = max(teamFreeYears[team], done.endRuntime) + done.postRunWeeks(speedups) / 52
        setYear(teamFreeYears.min()!)
        physicalCompute = configuration.computeSchedule.value(at: year)
        algorithmicEfficiency *= 1 + done.gain
        speedups.update(effectiveCompute: effectiveCompute, configuration)
        maximumRunning = configuration.experimentsPerTeam.value(at: algorithmicEfficiency) * Double(configuration.teams)
        finished += 1
        growPool()
        return true
    }

    /// The clock after an event: the earliest time a team is free (the reference lets it go
    /// back; without that quirk it only moves forward).
    mutating func setYear(_ newYear: Double) {
        if newYear < year && configuration.referenceTimeStepsBack { clockStepsBack += 1 }
        year = configuration.referenceTimeStepsBack ? newYear : max(year, newYear)
    }

    mutating func startNext() {
        let team = teamFreeYears.indices.min { teamFreeYears[$0] < teamFreeYears[$1] }!
        if configuration.teamTasteSpread > 0 {
            // Each team chooses for itself with its own taste, when it starts.
            if started % configuration.prioritizationCadence == 0 { updatePriorities() }
            if chosen.isEmpty, !pool.isEmpty {
                chosen = choose(1, taste: speedups.taste * teamTasteMultipliers[team])
            }
        } else if chosen.isEmpty {
            updatePriorities()
            chosen = choose(configuration.prioritizationCadence, taste: speedups.taste)
        }
        guard !chosen.isEmpty else { return }
        var experiment = chosen.removeFirst()
        let preRun = experiment.preRunWeeks(speedups)
        experiment.startRuntime = year + preRun / 52
        experiment.endRuntime = year + (preRun + experiment.runWeeks(speedups)) / 52
        let position = inProgress.firstIndex { $0.endRuntime > experiment.endRuntime } ?? inProgress.count
        inProgress.insert(experiment, at: position)
        started += 1
        teamFreeYears[team] += preRun / 52
        setYear(teamFreeYears.min()!)
    }

    /// Priority: the estimated gain per week of work (runtime counted when configured).
    mutating func updatePriorities() {
        for index in pool.indices {
            let experiment = pool[index]
            var weeks = experiment.preRunWeeks(speedups) + experiment.postRunWeeks(speedups)
            if configuration.priorityCountsRuntime { weeks += experiment.runWeeks(speedups) }
            pool[index].priority = experiment.estimatedGain / weeks
        }
    }

    /// Takes `count` experiments out of the pool by the taste rule.
    mutating func choose(_ count: Int, taste: Double) -> [Experiment] {
        switch configuration.tasteRule {
        case .topK:
            var picked: [Experiment] = []
            for _ in 0..<count where !pool.isEmpty {
                let size = max(min(Int(taste * Double(pool.count)), pool.count), 1)
                let best = Sampling.distinctIndices(size, below: pool.count, &chooser).max { pool[$0].priority < pool[$1].priority }!
                picked.append(pool[best])
                pool.swapAt(best, pool.count - 1)
                pool.removeLast()
            }
            return picked
        case .weighted:
            let weights = pool.map { pow($0.priority + 1, taste) }
            let indices = Sampling.weightedWithoutReplacement(min(count, pool.count), weights: weights, &chooser)
            let picked = indices.map { pool[$0] }
            for index in indices.sorted(by: >) {
                pool.swapAt(index, pool.count - 1)
                pool.removeLast()
            }
            return picked
        }
    }

    /// New experiments each time physical compute doubles, when the pool grows.
    mutating func growPool() {
        guard configuration.poolGrowthPerDoubling > 0 else { return }
        while physicalCompute >= nextGrowthCompute {
            pool += ExperimentPool.draw(
                configuration.poolGrowthPerDoubling, configuration, generator: &poolGenerator,
                noise: &noiseGenerator)
            nextGrowthCompute *= 2
        }
    }
}
