// AdamW (Loshchilov and Hutter 2019): Adam with weight decay decoupled from the gradient,
// matching torch.optim.AdamW step for step:
//   p <- p - lr * wd * p
//   m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g^2
//   p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
import Autograd
import Tensors

public final class AdamW {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    public let parameters: [Variable]
    /// Which parameters decay; by default the matrices, not biases or norm gains.
    let decays: [Bool]
    var firstMoments: [[Float]]
    var secondMoments: [[Float]]
    public private(set) var stepCount = 0

    public init(parameters: [Variable], learningRate: Float = 1e-3, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01,
                decays: ((Variable) -> Bool)? = nil) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decays = parameters.map { decays?($0) ?? ($0.value.rank >= 2) }
        firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        secondMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
    }

    /// One update from the parameters' current gradients (a parameter without one is left alone).
    public func step() {
        stepCount += 1
        let correction1 = 1 - Float(Double(beta1).power(stepCount))
        let correction2 = 1 - Float(Double(beta2).power(stepCount))
        let (lr, b1, b2, eps) = (learningRate, beta1, beta2, epsilon)
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.gradient?.scalars else { continue }
            let decayFactor = decays[index] ? 1 - lr * weightDecay : 1
            parameter.value.updateScalars { values in
                values.withUnsafeMutableBufferPointer { p in
                    firstMoments[index].withUnsafeMutableBufferPointer { m in
                        secondMoments[index].withUnsafeMutableBufferPointer { v in
                            gradient.withUnsafeBufferPointer { g in
                                for i in 0..<p.count {
                                    m[i] = b1 * m[i] + (1 - b1) * g[i]
                                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                                    let update = (m[i] / correction1) / ((v[i] / correction2).squareRoot() + eps)
                                    p[i] = p[i] * decayFactor - lr * update
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }
}

extension Double {
    func power(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= self }
        return result
    }
}
