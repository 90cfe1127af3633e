// Exponential growth fitted by least squares of log10 value on the date, as Epoch and
// Cottier et al. report trends ("4.6x a year"), with a 95% interval from the slope's
// standard error.
import Foundation

public struct GrowthTrend: Sendable, Equatable {
    /// The factor per year, and its 95% interval.
    public var perYear: Double
    public var interval: ClosedRange<Double>
    public var points: Int

    /// Nil with fewer than three points or a single date.
    public static func fit(_ points: [(date: CalendarDay, value: Double)]) -> GrowthTrend? {
        let usable = points.filter { $0.value > 0 && $0.value.isFinite }.map { ($0.date.fractionalYear, log10($0.value)) }
        guard usable.count >= 3 else { return nil }
        let count = Double(usable.count)
        let meanX = usable.reduce(0) { $0 + $1.0 } / count, meanY = usable.reduce(0) { $0 + $1.1 } / count
        let sxx = usable.reduce(0) { $0 + ($1.0 - meanX) * ($1.0 - meanX) }
        guard sxx > 0 else { return nil }
        let slope = usable.reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) } / sxx
        let residual = usable.reduce(0) { total, point in
            let error = point.1 - (meanY + slope * (point.0 - meanX))
            return total + error * error
        }
        let standardError = (residual / (count - 2) / sxx).squareRoot()
        return GrowthTrend(
            perYear: pow(10, slope), interval: pow(10, slope - 1.96 * standardError)...pow(10, slope + 1.96 * standardError),
            points: usable.count)
    }
}
