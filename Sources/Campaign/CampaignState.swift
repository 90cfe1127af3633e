// What a campaign looks like at a moment: the quantities the CSV, the summary and the
// figures report.
import Foundation

public enum CampaignProperty: String, CaseIterable, Sendable {
    case algorithmicEfficiency = "algorithmic_efficiency"
    case effectiveCompute = "effective_compute"
    case physicalCompute = "physical_compute"
    case experimentDesignSpeedup = "experiment_design_speedup"
    case softwareDesignSpeedup = "software_design_speedup"
    case softwareProgrammingSpeedup = "software_programming_speedup"
    case monitoringEfficiency = "experiment_monitoring_efficiency"
    case experimentAnalysisSpeedup = "experiment_analysis_speedup"
    case researchTaste = "research_taste"
    case startedExperiments = "started_experiments"
    case finishedExperiments = "finished_experiments"
    case runningExperiments = "running_experiments"

    /// Spans decades: plotted and summarised on a log axis.
    public var logarithmic: Bool {
        switch self {
        case .algorithmicEfficiency, .effectiveCompute, .physicalCompute, .experimentDesignSpeedup, .softwareDesignSpeedup,
            .softwareProgrammingSpeedup, .experimentAnalysisSpeedup:
            true
        default: false
        }
    }
}

public struct CampaignState: Sendable, Equatable {
    public var year: Double
    /// One value per `CampaignProperty`, in its order.
    public var values: [Double]

    public subscript(_ property: CampaignProperty) -> Double {
        values[CampaignProperty.allCases.firstIndex(of: property)!]
    }
}
