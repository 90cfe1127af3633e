// Writing a campaign's results: a CSV per simulation, the summary as text, and SVG figures
// of the properties over time and of the doubling time by year, both runs on each plot.
import Foundation
import Plots

public enum CampaignReport {
    /// The simulation's state on its grid of years (or after every event, if it recorded
    /// them), one row each: year, then every property.
    public static func csv(_ trace: CampaignTrace) -> String {
        var lines = [(["year"] + CampaignProperty.allCases.map(\.rawValue)).joined(separator: ",")]
        let rows: [CampaignState] =
            trace.events.isEmpty
            ? zip(trace.years, trace.grid).compactMap { year, state in state.map { CampaignState(year: year, values: $0.values) } }
            : trace.events
        for row in rows {
            lines.append(([row.year] + row.values).map { "\($0)" }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The summary as a table: milestone years, then doubling times, median [p10, p90].
    public static func text(_ runs: [(name: String, summary: CampaignRunSummary)]) -> String {
        func cell(_ band: Band?) -> String {
            guard let band, let median = band.median else { return "not reached" }
            let low = band.p10.map { String(format: "%.2f", $0) } ?? "-", high = band.p90.map { String(format: "%.2f", $0) } ?? "never"
            return String(format: "%.2f [%@, %@]", median, low, high)
        }
        let header =
            "".padding(toLength: 22, withPad: " ", startingAt: 0)
            + runs.map { $0.name.padding(toLength: 30, withPad: " ", startingAt: 0) }.joined()
        var lines = ["year AE first reaches (median [p10, p90] over \(runs.first?.summary.simulations ?? 0) simulations)", header]
        for decade in [1, 3, 6, 9, 12] {
            let key = "1e\(decade)"
            lines.append(
                "  AE \(key)".padding(toLength: 22, withPad: " ", startingAt: 0)
                    + runs.map { cell($0.summary.milestones[key]).padding(toLength: 30, withPad: " ", startingAt: 0) }.joined())
        }
        lines.append("AE doubling time in years, by calendar year")
        let spans = Set(runs.flatMap { $0.summary.doublingTimes.keys }).sorted()
        for span in spans {
            lines.append(
                "  \(span)".padding(toLength: 22, withPad: " ", startingAt: 0)
                    + runs.map { run in
                        run.summary.doublingTimes[span].map { cell($0) } ?? "-"
                    }.map { $0.padding(toLength: 30, withPad: " ", startingAt: 0) }.joined())
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Figures, by file name: algorithmic efficiency, compute, the speedups, and the doubling time.
    public static func figures(_ runs: [(name: String, traces: [CampaignTrace])]) -> [String: LinePlot] {
        func series(_ property: CampaignProperty, _ name: String, _ traces: [CampaignTrace], dashed: Bool = false) -> LinePlot.Series {
            let bands = PropertyBands(traces, property)
            let points = zip(bands.years, bands.bands).compactMap { year, band in band.median.map { (x: year, y: $0) } }
            let band = zip(bands.years, bands.bands).compactMap { year, band -> (x: Double, lower: Double, upper: Double)? in
                guard let low = band.p10, let high = band.p90 else { return nil }
                return (year, low, high)
            }
            return LinePlot.Series(name: name, points: points, style: dashed ? .dashed : .line, band: band)
        }
        var figures: [String: LinePlot] = [:]

        var efficiency = LinePlot(title: "Algorithmic efficiency (median, 10th-90th percentile)", xLabel: "year", yLabel: "AE")
        efficiency.logY = true
        efficiency.series = runs.map { series(.algorithmicEfficiency, $0.name, $0.traces) }
        figures["algorithmic_efficiency.svg"] = efficiency

        var compute = LinePlot(title: "Effective and physical compute", xLabel: "year", yLabel: "FLOP")
        compute.logY = true
        compute.series =
            runs.map { series(.effectiveCompute, "effective, \($0.name)", $0.traces) }
            + runs.prefix(1).map { series(.physicalCompute, "physical", $0.traces, dashed: true) }
        figures["compute.svg"] = compute

        if let automated = runs.last {
            var speedups = LinePlot(title: "Speedups, \(automated.name)", xLabel: "year", yLabel: "speedup")
            speedups.logY = true
            speedups.series = [
                (CampaignProperty.experimentDesignSpeedup, "experiment design"), (.softwareDesignSpeedup, "software design"),
                (.softwareProgrammingSpeedup, "programming"), (.experimentAnalysisSpeedup, "analysis")
            ]
            .map { series($0.0, $0.1, automated.traces) }
            figures["speedups.svg"] = speedups
        }

        var doubling = LinePlot(
            title: "AE doubling time by calendar year (median, 10th-90th percentile)", xLabel: "year",
            yLabel: "doubling time (years)")
        doubling.series = runs.map { run in
            let summary = CampaignRunSummary(run.traces)
            let spans = summary.doublingSpans.compactMap { span -> (Double, Band)? in
                guard let start = Double(span.prefix(4)), let band = summary.doublingTimes[span] else { return nil }
                return (start + 0.5, band)
            }
            return LinePlot.Series(
                name: run.name, points: spans.compactMap { x, band in band.median.map { (x: x, y: $0) } },
                band: spans.compactMap { x, band in
                    guard let low = band.p10, let high = band.p90 else { return nil }
                    return (x, low, high)
                })
        }
        figures["doubling_time.svg"] = doubling
        return figures
    }
}
