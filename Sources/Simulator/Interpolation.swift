// NE for any model size, between the reference curves, by parameter count. The coordinate
// is x = ln(parameters); a size outside the references takes the nearest one's curve (the
// seed gives no rule beyond them, and a flat continuation cannot run away).
// - linear: piecewise linear in x between the two neighbouring references.
// - cubic: a monotone cubic (Fritsch-Carlson / PCHIP tangents) through the three references,
//   so it never overshoots its neighbours.
// - gaussian: neighbours weighted by w = g(distance) - g(spacing), g(d) = exp(-d^2 / 2 sigma^2):
//   a smooth blend that is exactly the reference at a reference size.
// - grid-linear, grid-cubic, grid-nearest: a table of NE over (reference sizes x
//   `gridSufficiencyPoints` sufficiencies), read bilinearly, by monotone cubics along both
//   axes, or at the nearest node.
import Foundation

public enum InterpolationMethod: String, Codable, Sendable, CaseIterable {
    case linear, cubic, gaussian
    case gridLinear = "grid-linear"
    case gridCubic = "grid-cubic"
    case gridNearest = "grid-nearest"
}

public struct CurveInterpolator: Sendable {
    public let method: InterpolationMethod
    public let references: [ReferenceCurve]
    /// ln(parameters) of each reference, increasing.
    public let positions: [Double]
    let gaussianWidth: Double
    /// grid[reference][column]: NE at sufficiency column / (columns - 1).
    let grid: [[Double]]

    public init(configuration: SimulatorConfiguration, references: [ReferenceCurve]? = nil) throws {
        let references = references ?? configuration.referenceCurves
        let counted = try references.map { reference in
            (
                reference,
                try ParameterCount.of(
                    layers: reference.layers, inputDimension: configuration.inputDimension,
                    outputDimension: configuration.outputDimension, firstLayer: configuration.firstLayer)
            )
        }.sorted { $0.1 < $1.1 }
        self.method = configuration.interpolation
        self.references = counted.map(\.0)
        self.positions = counted.map { Foundation.log(Double($0.1)) }
        self.gaussianWidth = configuration.gaussianWidth
        let columns = configuration.gridSufficiencyPoints
        self.grid = self.references.map { reference in
            (0..<columns).map { reference.normalizedEntropy(sufficiency: Double($0) / Double(columns - 1)) }
        }
    }

    /// NE of a model with `parameters` trained to sufficiency `s`.
    public func normalizedEntropy(parameters: Double, sufficiency s: Double) -> Double {
        let x = min(max(Foundation.log(parameters), positions.first!), positions.last!)
        switch method {
        case .linear: return across(x: x, values: references.map { $0.normalizedEntropy(sufficiency: s) }, cubic: false)
        case .cubic: return across(x: x, values: references.map { $0.normalizedEntropy(sufficiency: s) }, cubic: true)
        case .gaussian: return gaussian(x: x, values: references.map { $0.normalizedEntropy(sufficiency: s) })
        case .gridNearest:
            let row = positions.indices.min { abs(positions[$0] - x) < abs(positions[$1] - x) }!
            let columns = grid[row].count
            return grid[row][Int((min(max(s, 0), 1) * Double(columns - 1)).rounded())]
        case .gridLinear: return across(x: x, values: grid.map { Self.along(row: $0, s: s, cubic: false) }, cubic: false)
        case .gridCubic: return across(x: x, values: grid.map { Self.along(row: $0, s: s, cubic: true) }, cubic: true)
        }
    }

    // MARK: Across sizes

    /// The segment [k, k+1] holding x and the position t in it.
    private func segment(_ x: Double) -> (index: Int, t: Double) {
        var index = 0
        while index < positions.count - 2 && x > positions[index + 1] { index += 1 }
        let width = positions[index + 1] - positions[index]
        return (index, width > 0 ? (x - positions[index]) / width : 0)
    }

    private func across(x: Double, values: [Double], cubic: Bool) -> Double {
        guard positions.count > 1 else { return values[0] }
        let (index, t) = segment(x)
        if !cubic { return values[index] + t * (values[index + 1] - values[index]) }
        let tangents = Self.monotoneTangents(positions: positions, values: values)
        return Self.hermite(
            t: t, width: positions[index + 1] - positions[index], values[index], values[index + 1],
            tangents[index], tangents[index + 1])
    }

    private func gaussian(x: Double, values: [Double]) -> Double {
        guard positions.count > 1 else { return values[0] }
        let (index, _) = segment(x)
        let g = { (d: Double) in Foundation.exp(-d * d / (2 * gaussianWidth * gaussianWidth)) }
        let spacing = g(positions[index + 1] - positions[index])
        let left = g(x - positions[index]) - spacing
        let right = g(positions[index + 1] - x) - spacing
        guard left + right > 0 else { return values[index] }
        return (left * values[index] + right * values[index + 1]) / (left + right)
    }

    // MARK: Along sufficiency (the grid's rows)

    static func along(row: [Double], s: Double, cubic: Bool) -> Double {
        let scaled = min(max(s, 0), 1) * Double(row.count - 1)
        let index = min(Int(scaled), row.count - 2)
        let t = scaled - Double(index)
        if !cubic { return row[index] + t * (row[index + 1] - row[index]) }
        // PCHIP tangents from the neighbouring columns only (unit spacing).
        func tangent(_ j: Int) -> Double {
            let before = j > 0 ? row[j] - row[j - 1] : row[1] - row[0]
            let after = j < row.count - 1 ? row[j + 1] - row[j] : row[j] - row[j - 1]
            return before * after <= 0 ? 0 : 2 / (1 / before + 1 / after)
        }
        return hermite(t: t, width: 1, row[index], row[index + 1], tangent(index), tangent(index + 1))
    }

    // MARK: Monotone cubic pieces

    /// Fritsch-Carlson tangents (PCHIP weights) at each knot: zero at a local extremum,
    /// a weighted harmonic mean of the neighbouring slopes otherwise, one-sided at the ends.
    static func monotoneTangents(positions: [Double], values: [Double]) -> [Double] {
        let n = positions.count
        let widths = (0..<n - 1).map { positions[$0 + 1] - positions[$0] }
        let slopes = (0..<n - 1).map { (values[$0 + 1] - values[$0]) / widths[$0] }
        var tangents = [Double](repeating: 0, count: n)
        tangents[0] = slopes[0]
        tangents[n - 1] = slopes[n - 2]
        for k in 1..<max(1, n - 1) where slopes[k - 1] * slopes[k] > 0 {
            let w1 = 2 * widths[k] + widths[k - 1], w2 = widths[k] + 2 * widths[k - 1]
            tangents[k] = (w1 + w2) / (w1 / slopes[k - 1] + w2 / slopes[k])
        }
        return tangents
    }

    static func hermite(t: Double, width: Double, _ y0: Double, _ y1: Double, _ m0: Double, _ m1: Double) -> Double {
        let t2 = t * t, t3 = t2 * t
        return (2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + t) * width * m0 + (-2 * t3 + 3 * t2) * y1 + (t3 - t2) * width * m1
    }
}
