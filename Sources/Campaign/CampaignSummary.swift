// What many simulations of a campaign say together: the years at which algorithmic
// efficiency first reaches each power of ten, its doubling time in each calendar year, and
// every property over time, each as a median with a 10th-90th percentile band.
import Foundation

/// A median with its 10th-90th percentile band over the simulations that have a value;
/// nil where the percentile is infinite (a milestone that fewer than that many reached).
public struct Band: Sendable, Codable, Equatable {
    public var median: Double?
    public var p10: Double?
    public var p90: Double?
    /// The simulations that had a value (reached, or were still running).
    public var count: Int

    /// `values` may hold +infinity for "never": it counts, and percentiles reaching it are nil.
    public init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? $0 : nil } }
        median = finite(Self.percentile(sorted, 0.5))
        p10 = finite(Self.percentile(sorted, 0.1))
        p90 = finite(Self.percentile(sorted, 0.9))
    }

    /// Linear interpolation between order statistics (numpy's default).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        if sorted[upper] == .infinity { return position == Double(lower) ? sorted[lower] : .infinity }
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }
}

/// One kind of run (with or without automation) over many simulations.
public struct CampaignRunSummary: Sendable, Codable, Equatable {
    public var simulations: Int
    /// "1e1" ... "1e12": the year AE first reached it.
    public var milestones: [String: Band]
    /// "2024-2025", ...: ln 2 / ln(AE at the end / AE at the start) of each calendar year, over
    /// the simulations still running at its end.
    public var doublingTimes: [String: Band]
    /// How many simulations stopped for each reason.
    public var stopReasons: [String: Int]

    enum CodingKeys: String, CodingKey {
        case simulations, milestones, doublingTimes = "doubling_times", stopReasons = "stop_reasons"
    }

    public init(_ traces: [CampaignTrace]) {
        simulations = traces.count
        milestones = [:]
        for decade in 1...12 {
            milestones["1e\(decade)"] = Band(traces.map { $0.milestones[decade - 1] ?? .infinity })
        }
        doublingTimes = [:]
        for span in Self.calendarSpans(traces) {
            let times = traces.compactMap { trace -> Double? in
                guard let start = trace.algorithmicEfficiency(atGridIndex: span.start),
                    let end = trace.algorithmicEfficiency(atGridIndex: span.end)
                else { return nil }
                return end > start ? log(2) / log(end / start) : .infinity
            }
            if !times.isEmpty { doublingTimes[span.name] = Band(times) }
        }
        stopReasons = Dictionary(grouping: traces, by: \.stopReason.rawValue).mapValues(\.count)
    }

    /// Whole calendar years inside the grid, as grid indices of their first and last day.
    static func calendarSpans(_ traces: [CampaignTrace]) -> [(name: String, start: Int, end: Int)] {
        guard let years = traces.first?.years, years.count >= 2 else { return [] }
        let step = years[1] - years[0]
        let index = { (year: Double) in Int(((year - years[0]) / step).rounded()) }
        var spans: [(String, Int, Int)] = []
        var year = years[0].rounded(.up)
        while year + 1 <= years.last! + step / 2 {
            let start = index(year), end = index(year + 1)
            if start >= 0, end < years.count, abs(years[start] - year) < step / 2, abs(years[end] - year - 1) < step / 2 {
                spans.append(("\(Int(year))-\(Int(year) + 1)", start, end))
            }
            year += 1
        }
        return spans
    }

    /// Doubling-time spans in calendar order.
    public var doublingSpans: [String] { doublingTimes.keys.sorted() }
}

/// A property over time: the band over the simulations at each grid year, where at least
/// half of them are still running.
public struct PropertyBands: Sendable {
    public var years: [Double] = []
    public var bands: [Band] = []

    public init(_ traces: [CampaignTrace], _ property: CampaignProperty) {
        guard let grid = traces.first?.years else { return }
        for (index, year) in grid.enumerated() {
            let values = traces.compactMap { $0.grid[index]?[property] }
            guard values.count * 2 >= traces.count, !values.isEmpty else { continue }
            years.append(year)
            bands.append(Band(values))
        }
    }
}
