// Training losses, each a weighted mean over elements with its gradient written beside it.
// `weights` (same shape as the prediction, or nil for all ones) masks or reweights
// elements: a run marked diverged can be left out of the regression loss this way.
// Each returns a scalar: sum(w * loss) / sum(w).
import Foundation
import Tensors

/// The per-element loss and its derivatives with respect to (at most two) inputs, folded
/// into a weighted mean. `terms(i)` returns (loss, d/d input 0, d/d input 1) for element i.
private func weightedMean(
    inputs: [Variable], weights: Tensor?, name: String,
    terms: (Int) -> (Float, Float, Float)
) -> Variable {
    let count = inputs[0].value.count
    for input in inputs {
        precondition(
            input.shape == inputs[0].shape,
            "\(name): inputs have shapes \(inputs.map(\.shape))")
    }
    if let weights {
        precondition(weights.shape == inputs[0].shape, "\(name): weights \(weights.shape) vs \(inputs[0].shape)")
    }
    let w = weights?.scalars ?? [Float](repeating: 1, count: count)
    let totalWeight = max(w.reduce(0, +), Float.leastNormalMagnitude)
    var total: Double = 0
    var firstDerivative = [Float](repeating: 0, count: count)
    var secondDerivative = [Float](repeating: 0, count: inputs.count > 1 ? count : 0)
    firstDerivative.withUnsafeMutableBufferPointer { first in
        secondDerivative.withUnsafeMutableBufferPointer { second in
            for i in 0..<count where w[i] != 0 {
                let (loss, d0, d1) = terms(i)
                total += Double(w[i] * loss)
                first[i] = w[i] * d0 / totalWeight
                if inputs.count > 1 { second[i] = w[i] * d1 / totalWeight }
            }
        }
    }
    let derivatives = [firstDerivative, secondDerivative]
    let value = Tensor(Float(total / Double(totalWeight)))
    return Variable(value: value, parents: inputs) { gradient in
        for (k, input) in inputs.enumerated() {
            input.accumulate(Tensor(shape: input.shape, scalars: derivatives[k]) * gradient.scalar)
        }
    }
}

/// Mean squared error: (p - t)^2, d/dp = 2 (p - t).
public func meanSquaredError(_ prediction: Variable, _ target: Tensor, weights: Tensor? = nil) -> Variable {
    let p = prediction.value.scalars, t = target.scalars
    precondition(target.shape == prediction.shape, "target \(target.shape) vs prediction \(prediction.shape)")
    return weightedMean(inputs: [prediction], weights: weights, name: "meanSquaredError") { i in
        let r = p[i] - t[i]
        return (r * r, 2 * r, 0)
    }
}

/// Huber: 0.5 r^2 for |r| <= delta, delta (|r| - 0.5 delta) beyond; d/dp = clamp(r, -delta, delta).
public func huberLoss(_ prediction: Variable, _ target: Tensor, delta: Float = 1, weights: Tensor? = nil) -> Variable {
    let p = prediction.value.scalars, t = target.scalars
    precondition(target.shape == prediction.shape, "target \(target.shape) vs prediction \(prediction.shape)")
    return weightedMean(inputs: [prediction], weights: weights, name: "huberLoss") { i in
        let r = p[i] - t[i]
        if abs(r) <= delta { return (0.5 * r * r, r, 0) }
        return (delta * (abs(r) - 0.5 * delta), r > 0 ? delta : -delta, 0)
    }
}

/// Gaussian negative log-likelihood with a mean head and a log-variance head s:
/// 0.5 (log 2 pi + s + (y - mu)^2 e^-s); d/dmu = -(y - mu) e^-s, d/ds = 0.5 (1 - (y - mu)^2 e^-s).
public func gaussianNegativeLogLikelihood(
    mean: Variable, logVariance: Variable, target: Tensor,
    weights: Tensor? = nil
) -> Variable {
    let mu = mean.value.scalars, s = logVariance.value.scalars, y = target.scalars
    precondition(target.shape == mean.shape, "target \(target.shape) vs mean \(mean.shape)")
    let logTwoPi = Float(Foundation.log(2 * Double.pi))
    return weightedMean(inputs: [mean, logVariance], weights: weights, name: "gaussianNegativeLogLikelihood") { i in
        let r = y[i] - mu[i]
        let precision = Foundation.exp(-s[i])
        return (0.5 * (logTwoPi + s[i] + r * r * precision), -r * precision, 0.5 * (1 - r * r * precision))
    }
}

/// Binary cross-entropy on logits z with targets y in [0, 1], in the stable form
/// max(z, 0) - z y + log(1 + e^-|z|); d/dz = sigmoid(z) - y.
public func binaryCrossEntropyWithLogits(_ logits: Variable, _ target: Tensor, weights: Tensor? = nil) -> Variable {
    let z = logits.value.scalars, y = target.scalars
    precondition(target.shape == logits.shape, "target \(target.shape) vs logits \(logits.shape)")
    return weightedMean(inputs: [logits], weights: weights, name: "binaryCrossEntropyWithLogits") { i in
        let loss = max(z[i], 0) - z[i] * y[i] + Foundation.log1p(Foundation.exp(-abs(z[i])))
        return (loss, Tensor.sigmoid(z[i]) - y[i], 0)
    }
}
