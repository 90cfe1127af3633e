// How much faster AI makes each part of an experiment at a level of effective compute, and
// the research taste that comes with it.
import Foundation

struct Speedups {
    var experimentDesign = 1.0
    var softwareDesign = 1.0
    var softwareProgramming = 1.0
    /// A multiplier on runtime (1 at first, lower with automated monitoring).
    var monitoringEfficiency = 1.0
    var experimentAnalysis = 1.0
    /// The fraction of the pool a team looks at before choosing.
    var taste: Double

    /// The start of a campaign: no speedup, the initial taste.
    init(_ configuration: CampaignConfiguration) {
        taste = configuration.initialResearchTaste
    }

    /// The schedules read at `effectiveCompute`; without automation nothing changes.
    mutating func update(effectiveCompute: Double, _ configuration: CampaignConfiguration) {
        guard configuration.automation else { return }
        experimentDesign = configuration.experimentDesignSpeedup.value(at: effectiveCompute)
        softwareDesign = configuration.softwareDesignSpeedup.value(at: effectiveCompute)
        softwareProgramming = configuration.softwareProgrammingSpeedup.value(at: effectiveCompute)
        monitoringEfficiency = configuration.experimentMonitoringEfficiency.value(at: effectiveCompute)
        experimentAnalysis = configuration.experimentAnalysisSpeedup.value(at: effectiveCompute)
        taste = configuration.researchTaste.value(at: effectiveCompute)
    }
}
