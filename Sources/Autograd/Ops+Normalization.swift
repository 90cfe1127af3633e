// Softmax and layer norm over the last axis, forward beside backward.
import Foundation
import Tensors

extension Variable {
    /// exp(x - max) / sum over the last axis. Backward: dx = y * (dy - sum(dy * y)).
    public func softmax() -> Variable {
        let width = shape.last!
        var output = value
        output.updateScalars { values in
            for start in stride(from: 0, to: values.count, by: width) {
                var largest = -Float.infinity
                for j in start..<(start + width) { largest = max(largest, values[j]) }
                var total: Float = 0
                for j in start..<(start + width) {
                    values[j] = Foundation.exp(values[j] - largest)
                    total += values[j]
                }
                for j in start..<(start + width) { values[j] /= total }
            }
        }
        return Variable(value: output, parents: [self]) { gradient in
            let weighted = (gradient * output).sum(alongAxis: -1, keepingAxis: true)
            self.accumulate(output * (gradient - weighted))
        }
    }

    /// (x - mean) / sqrt(variance + epsilon) * gain + bias over the last axis (C).
    /// Backward, with xhat the normalised input and s = 1/sqrt(variance + epsilon):
    ///   dgain = sum(dy * xhat), dbias = sum(dy), dx = s * (g - mean(g) - xhat * mean(g * xhat))
    ///   where g = dy * gain.
    public func layerNorm(gain: Variable, bias: Variable, epsilon: Float = 1e-5) -> Variable {
        let width = shape.last!
        precondition(
            gain.shape == [width] && bias.shape == [width],
            "layerNorm gain and bias must be (\(width)), got \(gain.shape) and \(bias.shape)")
        let rows = value.count / width
        var normalized = value
        var inverseDeviation = [Float](repeating: 0, count: rows)
        normalized.updateScalars { values in
            for row in 0..<rows {
                let start = row * width
                var mean: Float = 0
                for j in start..<(start + width) { mean += values[j] }
                mean /= Float(width)
                var variance: Float = 0
                for j in start..<(start + width) { variance += (values[j] - mean) * (values[j] - mean) }
                variance /= Float(width)
                let s = 1 / (variance + epsilon).squareRoot()
                inverseDeviation[row] = s
                for j in start..<(start + width) { values[j] = (values[j] - mean) * s }
            }
        }
        let output = normalized * gain.value + bias.value
        return Variable(value: output, parents: [self, gain, bias]) { gradient in
            gain.accumulate((gradient * normalized).reduced(toShape: [width]))
            bias.accumulate(gradient.reduced(toShape: [width]))
            guard self.requiresGradient else { return }
            let g = gradient * gain.value
            let meanG = g.mean(alongAxis: -1, keepingAxis: true)
            let meanGX = (g * normalized).mean(alongAxis: -1, keepingAxis: true)
            let scale = Tensor(shape: Array(self.shape.dropLast()) + [1], scalars: inverseDeviation)
            self.accumulate((g - meanG - normalized * meanGX) * scale)
        }
    }
}
