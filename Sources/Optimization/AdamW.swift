// AdamW (Loshchilov and Hutter 2019): Adam with weight decay decoupled from the gradient,
// matching torch.optim.AdamW step for step:
//   p <- p - lr * wd * p
//   m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g^2
//   p <- p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
import Autograd
import Foundation
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

    public init(
        parameters: [Variable], learningRate: Float = 1e-3, beta1: Float = 0.9,
        beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01,
        decays: ((Variable) -> Bool)? = nil
    ) {
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
        let rootCorrection2 = (1 - Float(Double(beta2).power(stepCount))).squareRoot()
        // As torch.optim.AdamW computes it: denominator = sqrt(v) / sqrt(1 - b2^t) + eps,
        // step size = lr / (1 - b1^t).
        let constants = Constants(
            beta1: beta1, beta2: beta2, epsilon: epsilon, stepSize: learningRate / correction1,
            rootCorrection2: rootCorrection2, decayFactor: 1)
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.gradient?.scalars else { continue }
            var own = constants
            own.decayFactor = decays[index] ? 1 - learningRate * weightDecay : 1
            parameter.value.updateScalars { values in
                values.withUnsafeMutableBufferPointer { p in
                    firstMoments[index].withUnsafeMutableBufferPointer { m in
                        secondMoments[index].withUnsafeMutableBufferPointer { v in
                            gradient.withUnsafeBufferPointer { g in
                                AdamW.update(p, m, v, g, own)
                            }
                        }
                    }
                }
            }
        }
    }

    struct Constants {
        var beta1, beta2, epsilon, stepSize, rootCorrection2, decayFactor: Float
    }

    /// The elementwise update, split over the cores for large parameters (each element is
    /// independent, so the split does not change a single bit of the result).
    static func update(
        _ p: UnsafeMutableBufferPointer<Float>, _ m: UnsafeMutableBufferPointer<Float>,
        _ v: UnsafeMutableBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>, _ c: Constants
    ) {
        let count = p.count
        let chunks = count >= 1 << 15 ? ProcessInfo.processInfo.activeProcessorCount : 1
        let chunkSize = (count + chunks - 1) / chunks
        let body = { (chunk: Int) in
            let start = chunk * chunkSize, end = min(count, start + chunkSize)
            guard start < end else { return }
            // Sixteen lanes at a time (the compiler does not vectorize the scalar loop over
            // four buffers it cannot prove distinct), then the tail one by one.
            let lanes = 16
            var i = start
            while i + lanes <= end {
                let gradient = load(g.baseAddress! + i)
                let first = c.beta1 * load(m.baseAddress! + i) + (1 - c.beta1) * gradient
                let second = c.beta2 * load(v.baseAddress! + i) + (1 - c.beta2) * gradient * gradient
                let denominator = second.squareRoot() / c.rootCorrection2 + c.epsilon
                store(first, m.baseAddress! + i)
                store(second, v.baseAddress! + i)
                store(load(p.baseAddress! + i) * c.decayFactor - c.stepSize * first / denominator, p.baseAddress! + i)
                i += lanes
            }
            while i < end {
                let gradient = g[i]
                let first = c.beta1 * m[i] + (1 - c.beta1) * gradient
                let second = c.beta2 * v[i] + (1 - c.beta2) * gradient * gradient
                m[i] = first
                v[i] = second
                p[i] = p[i] * c.decayFactor - c.stepSize * first / (second.squareRoot() / c.rootCorrection2 + c.epsilon)
                i += 1
            }
        }
        if chunks == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: chunks, execute: body) }
    }

    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }
}

@inline(__always)
private func load(_ pointer: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
private func load(_ pointer: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
private func store(_ value: SIMD16<Float>, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD16<Float>.self)
}

extension Double {
    func power(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= self }
        return result
    }
}
