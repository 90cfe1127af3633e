// What a user planning a run may not know, estimated from the systems in Epoch's database
// that report it: the utilization (MFU) a run reaches, and how many chips it is trained on,
// each as a log-linear least-squares fit on the date, the scale (log10 FLOP) and the chip
// kind, with a 90% interval from the fit's residual spread.
import Foundation
import Scoring

/// An estimate and its 90% interval.
public struct Estimated: Sendable, Codable, Equatable {
    public var value: Double
    public var lower: Double
    public var upper: Double
    /// The systems it was learned from.
    public var systems: Int
}

/// Least squares of ln y on features, with a small ridge against collinear columns.
struct LogLinearFit: Sendable {
    var coefficients: [Double]
    /// The residuals' standard deviation, in ln units.
    var deviation: Double
    var count: Int

    static func fit(_ rows: [[Double]], _ targets: [Double], ridge: Double = 1e-6) -> LogLinearFit? {
        guard let width = rows.first?.count, rows.count > width + 2 else { return nil }
        let logs = targets.map { Foundation.log($0) }
        guard let coefficients = LeastSquares.solve(rows, logs, ridge: ridge) else { return nil }
        let residuals = zip(rows, logs).map { row, target in target - zip(row, coefficients).reduce(0) { $0 + $1.0 * $1.1 } }
        let deviation = (residuals.reduce(0) { $0 + $1 * $1 } / Double(rows.count - width)).squareRoot()
        return LogLinearFit(coefficients: coefficients, deviation: deviation, count: rows.count)
    }

    /// exp of the fitted ln y, with the 90% interval exp(fit +- 1.645 deviation).
    func predict(_ row: [Double]) -> Estimated {
        let center = zip(row, coefficients).reduce(0) { $0 + $1.0 * $1.1 }
        return Estimated(value: exp(center), lower: exp(center - 1.645 * deviation), upper: exp(center + 1.645 * deviation), systems: count)
    }
}

public struct HardwareEstimator: Sendable {
    var utilizationFit: LogLinearFit
    var chipsFit: LogLinearFit

    /// The features: the date (years from 2020), the scale (log10 FLOP - 23), a TPU or not.
    static func features(year: Double, flop: Double, isTPU: Bool) -> [Double] { [1, year - 2020, log10(flop) - 23, isTPU ? 1 : 0] }

    /// Learned from the systems trained on one kind of chip the catalog knows: the MFU they
    /// report, else the one their FLOP, chip count and training time imply (kept between 1%
    /// and 100%); their chip counts.
    public static func fit(systems: [SystemRecord], chips: ChipCatalog) -> HardwareEstimator? {
        var utilizationRows: [[Double]] = [], utilizations: [Double] = [], chipRows: [[Double]] = [], counts: [Double] = []
        for system in systems {
            guard let name = system.hardware, !name.contains(","), let chip = chips.chips[name], let peak = chip.peakFLOPs(nil)?.flops,
                let flop = system.compute, flop > 0, let published = system.published
            else { continue }
            let row = features(year: published.fractionalYear, flop: flop, isTPU: chip.isTPU)
            if let count = system.quantity, count >= 1 {
                chipRows.append(row)
                counts.append(count)
            }
            var utilization = system.utilization
            if utilization == nil, let count = system.quantity, let hours = system.hours, count >= 1, hours > 0 {
                utilization = flop / (peak * count * hours * 3600)
            }
            if let utilization, (0.01...1).contains(utilization) {
                utilizationRows.append(row)
                utilizations.append(utilization)
            }
        }
        guard let utilizationFit = LogLinearFit.fit(utilizationRows, utilizations), let chipsFit = LogLinearFit.fit(chipRows, counts) else {
            return nil
        }
        return HardwareEstimator(utilizationFit: utilizationFit, chipsFit: chipsFit)
    }

    public func utilization(flop: Double, chip: Chip, date: CalendarDay) -> Estimated {
        var estimate = utilizationFit.predict(Self.features(year: date.fractionalYear, flop: flop, isTPU: chip.isTPU))
        estimate.value = min(estimate.value, 1)
        estimate.upper = min(estimate.upper, 1)
        return estimate
    }

    public func chipCount(flop: Double, chip: Chip, date: CalendarDay) -> Estimated {
        var estimate = chipsFit.predict(Self.features(year: date.fractionalYear, flop: flop, isTPU: chip.isTPU))
        estimate.value = max(1, estimate.value.rounded())
        estimate.lower = max(1, estimate.lower.rounded(.down))
        estimate.upper = max(1, estimate.upper.rounded(.up))
        return estimate
    }
}
