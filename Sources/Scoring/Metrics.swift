// Accuracy metrics shared by the law fits, the predictor and the evaluation: errors,
// R^2, rank correlations (ties handled), interval coverage and ROC AUC. Plain Double math.
import Foundation

public enum Metrics {
    public static func meanAbsoluteError(_ predicted: [Double], _ actual: [Double]) -> Double {
        precondition(predicted.count == actual.count && !actual.isEmpty, "metric on \(predicted.count) vs \(actual.count) values")
        return zip(predicted, actual).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(actual.count)
    }

    public static func rootMeanSquaredError(_ predicted: [Double], _ actual: [Double]) -> Double {
        precondition(predicted.count == actual.count && !actual.isEmpty, "metric on \(predicted.count) vs \(actual.count) values")
        return (zip(predicted, actual).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(actual.count)).squareRoot()
    }

    /// Mean of |predicted - actual| / |actual|.
    public static func meanRelativeError(_ predicted: [Double], _ actual: [Double]) -> Double {
        precondition(predicted.count == actual.count && !actual.isEmpty, "metric on \(predicted.count) vs \(actual.count) values")
        return zip(predicted, actual).reduce(0) { $0 + abs($1.0 - $1.1) / abs($1.1) } / Double(actual.count)
    }

    /// 1 - SS_residual / SS_total around the mean of `actual`.
    public static func rSquared(_ predicted: [Double], _ actual: [Double]) -> Double {
        precondition(predicted.count == actual.count && !actual.isEmpty, "metric on \(predicted.count) vs \(actual.count) values")
        let mean = actual.reduce(0, +) / Double(actual.count)
        let residual = zip(predicted, actual).reduce(0) { $0 + ($1.1 - $1.0) * ($1.1 - $1.0) }
        let total = actual.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return total > 0 ? 1 - residual / total : (residual == 0 ? 1 : -.infinity)
    }

    /// Ranks starting at 1, ties given the mean of the ranks they span.
    public static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = rank }
            start = end + 1
        }
        return ranks
    }

    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count && x.count >= 2, "correlation needs two or more pairs")
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : .nan
    }

    /// Spearman's rho: Pearson correlation of the (tie-averaged) ranks.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        pearson(ranks(x), ranks(y))
    }

    /// Kendall's tau-b, which corrects for ties in either variable.
    public static func kendall(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count && x.count >= 2, "correlation needs two or more pairs")
        var concordant = 0.0, discordant = 0.0, tiesX = 0.0, tiesY = 0.0
        for i in 0..<x.count {
            for j in (i + 1)..<x.count {
                let dx = x[i] - x[j], dy = y[i] - y[j]
                if dx == 0 && dy == 0 { continue }
                if dx == 0 { tiesX += 1; continue }
                if dy == 0 { tiesY += 1; continue }
                if (dx > 0) == (dy > 0) { concordant += 1 } else { discordant += 1 }
            }
        }
        let denominator = ((concordant + discordant + tiesX) * (concordant + discordant + tiesY)).squareRoot()
        return denominator > 0 ? (concordant - discordant) / denominator : .nan
    }

    /// The fraction of `actual` inside [lower, upper].
    public static func coverage(lower: [Double], upper: [Double], actual: [Double]) -> Double {
        precondition(lower.count == actual.count && upper.count == actual.count && !actual.isEmpty, "coverage on unequal arrays")
        return Double(zip(actual.indices, actual).filter { lower[$0.0] <= $0.1 && $0.1 <= upper[$0.0] }.count) / Double(actual.count)
    }

    /// The mean interval (Winkler) score of central intervals at level 1 - alpha: the width,
    /// plus 2 / alpha times how far the actual value falls outside. Lower is better; it rewards
    /// sharpness and punishes misses, so an interval too wide and one too narrow both lose
    /// (Gneiting and Raftery 2007, a proper score for the two quantiles).
    public static func intervalScore(lower: [Double], upper: [Double], actual: [Double], alpha: Double = 0.1) -> Double {
        precondition(lower.count == actual.count && upper.count == actual.count && !actual.isEmpty, "interval score on unequal arrays")
        let total = actual.indices.reduce(0.0) { sum, index in
            let (low, high, value) = (lower[index], upper[index], actual[index])
            return sum + (high - low) + 2 / alpha * (max(0, low - value) + max(0, value - high))
        }
        return total / Double(actual.count)
    }

    /// Area under the ROC curve: the probability that a random positive scores above a random
    /// negative, ties counting half (the Mann-Whitney statistic).
    public static func rocAUC(scores: [Double], labels: [Bool]) -> Double {
        precondition(scores.count == labels.count, "AUC on unequal arrays")
        let positives = labels.filter { $0 }.count, negatives = labels.count - positives
        guard positives > 0 && negatives > 0 else { return .nan }
        let rank = ranks(scores)
        let positiveRankSum = zip(rank, labels).filter { $0.1 }.reduce(0) { $0 + $1.0 }
        return (positiveRankSum - Double(positives * (positives + 1)) / 2) / Double(positives * negatives)
    }

    /// The q-quantile (0...1) by linear interpolation between order statistics.
    public static func quantile(_ values: [Double], _ q: Double) -> Double {
        precondition(!values.isEmpty, "quantile of nothing")
        let sorted = values.sorted()
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = min(low + 1, sorted.count - 1)
        return sorted[low] + (position - Double(low)) * (sorted[high] - sorted[low])
    }
}
