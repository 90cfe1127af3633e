// The pool of candidate experiments: each has four work times (design, software design,
// programming, analysis), a runtime, and a gain AEM - 1 by which it multiplies algorithmic
// efficiency. Runtimes are rank-aligned with gains (bigger gains take longer to run), then
// a fraction of random pairwise swaps loosens the link, as in the reference model.
import Foundation
import Randomness

struct Experiment {
    /// Weeks of human work at the 2023 level.
    var design, softwareDesign, programming, analysis: Double
    /// Weeks of runtime with 2023 monitoring.
    var runtime: Double
    /// AEM - 1.
    var gain: Double
    /// The gain as the teams see it (equal to `gain` when they see it exactly).
    var estimatedGain: Double
    /// Estimated gain per week of work, recomputed as the speedups change.
    var priority = 0.0
    /// Years at which the runtime starts and ends, once started.
    var startRuntime = 0.0, endRuntime = 0.0

    /// Weeks before the run starts, at today's speedups.
    func preRunWeeks(_ speedups: Speedups) -> Double {
        design / speedups.experimentDesign + softwareDesign / speedups.softwareDesign + programming / speedups.softwareProgramming
    }

    func runWeeks(_ speedups: Speedups) -> Double { runtime * speedups.monitoringEfficiency }

    func postRunWeeks(_ speedups: Speedups) -> Double { analysis / speedups.experimentAnalysis }
}

enum ExperimentPool {
    /// `count` experiments. `generator` draws the experiments themselves; `noise` draws the
    /// teams' estimation errors, a separate stream so that runs that differ only in the
    /// estimate noise share the same pool.
    static func draw(
        _ count: Int, _ configuration: CampaignConfiguration, generator: inout SeededGenerator,
        noise: inout SeededGenerator
    ) -> [Experiment] {
        let gains = (0..<count).map { _ in configuration.efficiencyGain.sample(&generator) }
        let runtimes = (0..<count).map { _ in configuration.runtimeWeeks.sample(&generator) }
        // The experiment with the i-th smallest gain gets the i-th shortest runtime.
        var aligned = [Double](repeating: 0, count: count)
        for (runtime, index) in zip(runtimes.sorted(), gains.indices.sorted { gains[$0] < gains[$1] }) {
            aligned[index] = runtime
        }
        if count >= 2 {
            for _ in 0..<Int(Double(count) * configuration.runtimeSwapFraction) {
                let first = Int(generator.next() % UInt64(count))
                var second = Int(generator.next() % UInt64(count - 1))
                if second >= first { second += 1 }
                aligned.swapAt(first, second)
            }
        }
        return (0..<count).map { index in
            // Infinite noise: the estimate says nothing about the gain (a choice at random).
            let z = configuration.estimateNoise > 0 ? noise.nextNormal() : 0
            let estimate = configuration.estimateNoise.isInfinite ? exp(z) : gains[index] * exp(configuration.estimateNoise * z)
            return Experiment(
                design: configuration.experimentDesignWeeks.sample(&generator),
                softwareDesign: configuration.softwareDesignWeeks.sample(&generator),
                programming: configuration.softwareProgrammingWeeks.sample(&generator),
                analysis: configuration.experimentAnalysisWeeks.sample(&generator),
                runtime: aligned[index], gain: gains[index], estimatedGain: estimate)
        }
    }
}
