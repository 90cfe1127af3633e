// Linear least squares for small designs (a handful of columns): the normal equations
// solved by Gauss-Jordan elimination with partial pivoting, with an optional ridge on every
// column but the first (the intercept) against nearly collinear columns.
import Foundation

public enum LeastSquares {
    /// b minimising |X b - y|^2 + ridge n |b[1...]|^2; nil when the system is singular: X
    /// without a ridge has fewer rows than columns or dependent columns.
    public static func solve(_ design: [[Double]], _ targets: [Double], ridge: Double = 0) -> [Double]? {
        let width = design.first?.count ?? 0
        guard width > 0, design.count >= (ridge > 0 ? 1 : width) else { return nil }
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: width + 1), count: width)
        for (row, target) in zip(design, targets) {
            for i in 0..<width {
                for j in 0..<width { matrix[i][j] += row[i] * row[j] }
                matrix[i][width] += row[i] * target
            }
        }
        for i in 1..<width { matrix[i][i] += ridge * Double(design.count) }
        for column in 0..<width {
            let pivot = (column..<width).max { abs(matrix[$0][column]) < abs(matrix[$1][column]) }!
            guard abs(matrix[pivot][column]) > 1e-12 else { return nil }
            matrix.swapAt(column, pivot)
            for row in 0..<width where row != column {
                let factor = matrix[row][column] / matrix[column][column]
                for j in column...width { matrix[row][j] -= factor * matrix[column][j] }
            }
        }
        return (0..<width).map { matrix[$0][width] / matrix[$0][$0] }
    }
}
