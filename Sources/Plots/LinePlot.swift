// LinePlot: a small SVG chart writer (lines, markers, shaded intervals, log axes, legend).
// It draws; it computes nothing about the data beyond the axis ranges.
import Foundation

public struct LinePlot {
    public enum Style: Sendable { case line, markers, dashed }

    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var style: Style
        /// A shaded band, (x, lower, upper), drawn under the series.
        public var band: [(x: Double, lower: Double, upper: Double)]

        public init(
            name: String, points: [(x: Double, y: Double)], style: Style = .line,
            band: [(x: Double, lower: Double, upper: Double)] = []
        ) {
            self.name = name
            self.points = points
            self.style = style
            self.band = band
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series] = []
    public var logX = false
    public var logY = false
    public var width = 720.0
    public var height = 440.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// The chart as an SVG document.
    public func svg() -> String {
        let margin = (left: 72.0, right: 170.0, top: 40.0, bottom: 56.0)
        let plotWidth = width - margin.left - margin.right
        let plotHeight = height - margin.top - margin.bottom
        let transformX: (Double) -> Double = { logX ? log10($0) : $0 }
        let transformY: (Double) -> Double = { logY ? log10($0) : $0 }
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            for p in s.points where p.x.isFinite && p.y.isFinite { xs.append(transformX(p.x)); ys.append(transformY(p.y)) }
            for b in s.band where b.lower.isFinite && b.upper.isFinite {
                ys.append(transformY(b.lower)); ys.append(transformY(b.upper))
            }
        }
        let xRange = Axis.paddedRange(xs), yRange = Axis.paddedRange(ys)
        let px = { (x: Double) in margin.left + (transformX(x) - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth }
        let py = { (y: Double) in
            margin.top + plotHeight - (transformY(y) - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plotHeight
        }

        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(margin.left)" y="24" font-size="15" font-weight="bold">\(escape(title))</text>

            """
        out +=
            "<rect x=\"\(margin.left)\" y=\"\(margin.top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\" fill=\"none\" stroke=\"#444\"/>\n"
        for tick in Axis.ticks(xRange, log: logX) {
            let x = margin.left + (tick.position - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth
            out += "<line x1=\"\(f(x))\" y1=\"\(f(margin.top))\" x2=\"\(f(x))\" y2=\"\(f(margin.top + plotHeight))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(f(x))\" y=\"\(f(margin.top + plotHeight + 16))\" text-anchor=\"middle\">\(tick.label)</text>\n"
        }
        for tick in Axis.ticks(yRange, log: logY) {
            let y = margin.top + plotHeight - (tick.position - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plotHeight
            out +=
                "<line x1=\"\(f(margin.left))\" y1=\"\(f(y))\" x2=\"\(f(margin.left + plotWidth))\" y2=\"\(f(y))\" stroke=\"#e5e5e5\"/>\n"
            out += "<text x=\"\(f(margin.left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(tick.label)</text>\n"
        }
        out += "<text x=\"\(f(margin.left + plotWidth / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        out +=
            "<text transform=\"translate(18 \(f(margin.top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"

        for (index, s) in series.enumerated() {
            let color = LinePlot.palette[index % LinePlot.palette.count]
            let band = s.band.filter { $0.lower.isFinite && $0.upper.isFinite }
            if !band.isEmpty {
                let upper = band.map { "\(f(px($0.x))),\(f(py($0.upper)))" }
                let lower = band.reversed().map { "\(f(px($0.x))),\(f(py($0.lower)))" }
                out +=
                    "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.18\" stroke=\"none\"/>\n"
            }
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            switch s.style {
            case .line, .dashed:
                let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                let dash = s.style == .dashed ? " stroke-dasharray=\"6 4\"" : ""
                out += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash)/>\n"
            case .markers:
                for p in points {
                    out += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"2.6\" fill=\"\(color)\" fill-opacity=\"0.75\"/>\n"
                }
            }
            let legendY = margin.top + 14 + Double(index) * 18
            let legendX = margin.left + plotWidth + 14
            out += "<rect x=\"\(f(legendX))\" y=\"\(f(legendY - 9))\" width=\"14\" height=\"10\" fill=\"\(color)\"/>\n"
            out += "<text x=\"\(f(legendX + 20))\" y=\"\(f(legendY))\">\(escape(s.name))</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    public func write(to path: String) throws {
        try svg().write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

/// Axis ranges and tick marks.
enum Axis {
    static func paddedRange(_ values: [Double]) -> ClosedRange<Double> {
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        if low == high { return (low - 1)...(high + 1) }
        let pad = (high - low) * 0.05
        return (low - pad)...(high + pad)
    }

    /// About six round-numbered ticks; on a log axis, the powers of ten (in log space).
    static func ticks(_ range: ClosedRange<Double>, log: Bool) -> [(position: Double, label: String)] {
        if log {
            let first = Int(range.lowerBound.rounded(.up)), last = Int(range.upperBound.rounded(.down))
            guard first <= last else { return [] }
            return (first...last).map { (Double($0), "1e\($0)") }
        }
        let span = range.upperBound - range.lowerBound
        let raw = span / 6
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [(Double, String)] = []
        var value = (range.lowerBound / step).rounded(.up) * step
        while value <= range.upperBound + step * 1e-9 {
            ticks.append((value, label(value, step: step)))
            value += step
        }
        return ticks
    }

    static func label(_ value: Double, step: Double) -> String {
        if abs(value) < step * 1e-6 { return "0" }
        if abs(value) >= 1e5 || abs(value) < 1e-3 { return String(format: "%.2g", value) }
        let decimals = max(0, -Int(floor(log10(step))))
        return String(format: "%.\(decimals)f", value)
    }
}
