// Every differentiable op and loss, checked against central finite differences.
import Autograd
import Tensors
import TestSupport
import XCTest

final class GradientCheckTests: XCTestCase {
    var generator = SeededGenerator(seed: 5)

    func normal(_ shape: [Int], scale: Float = 1) -> Tensor {
        Tensor.randomNormal(shape: shape, standardDeviation: scale, using: &generator)
    }

    /// Values bounded away from zero, for log, sqrt, division and the ReLU kink.
    func awayFromZero(_ shape: [Int]) -> Tensor {
        normal(shape).map { $0 >= 0 ? $0 + 0.5 : $0 - 0.5 }
    }

    func positive(_ shape: [Int]) -> Tensor {
        Tensor.randomUniform(shape: shape, lower: 0.5, upper: 2, using: &generator)
    }

    func testArithmeticWithBroadcasting() {
        gradientCheck([normal([3, 4]), normal([3, 4])], "add") { $0[0] + $0[1] }
        gradientCheck([normal([3, 4]), normal([4])], "add bias row") { $0[0] + $0[1] }
        gradientCheck([normal([3, 4]), normal([3, 1])], "subtract column") { $0[0] - $0[1] }
        gradientCheck([normal([2, 3, 4]), normal([3, 1])], "multiply general broadcast") { $0[0] * $0[1] }
        gradientCheck([normal([3, 4]), awayFromZero([4])], "divide by row") { $0[0] / $0[1] }
        gradientCheck([normal([3, 4]), normal([])], "multiply by scalar tensor") { $0[0] * $0[1] }
        gradientCheck([normal([5])], "scale and shift") { ($0[0] * 2.5 + 1) - 3 }
        gradientCheck([normal([5])], "negate") { -$0[0] }
    }

    func testElementwiseFunctions() {
        gradientCheck([normal([3, 5])], "exp") { $0[0].exp() }
        gradientCheck([positive([3, 5])], "log") { $0[0].log() }
        gradientCheck([normal([3, 5])], "tanh") { $0[0].tanh() }
        gradientCheck([normal([3, 5])], "sigmoid") { $0[0].sigmoid() }
        gradientCheck([awayFromZero([3, 5])], "relu") { $0[0].relu() }
        gradientCheck([normal([3, 5], scale: 2)], "gelu") { $0[0].gelu() }
        gradientCheck([normal([3, 5], scale: 2)], "softplus") { $0[0].softplus() }
        gradientCheck([normal([3, 5])], "square") { $0[0].square() }
        gradientCheck([positive([3, 5])], "sqrt") { $0[0].sqrt() }
    }

    func testMatrixProducts() {
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = normal(transposeA ? [4, 3] : [3, 4]), b = normal(transposeB ? [5, 4] : [4, 5])
            gradientCheck([a, b], "matmul tA \(transposeA) tB \(transposeB)") {
                matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB)
            }
            let batchA = normal(transposeA ? [2, 4, 3] : [2, 3, 4]), batchB = normal(transposeB ? [2, 5, 4] : [2, 4, 5])
            gradientCheck([batchA, batchB], "batched matmul tA \(transposeA) tB \(transposeB)") {
                matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB)
            }
        }
        gradientCheck([normal([2, 3, 4]), normal([4, 5])], "folded matmul") { matmul($0[0], $0[1]) }
        gradientCheck([normal([2, 3, 4]), normal([5, 4])], "folded matmul tB") { matmul($0[0], $0[1], transposeB: true) }
        gradientCheck([normal([3, 4]), normal([4, 2]), normal([2])], "linear") {
            linear($0[0], weight: $0[1], bias: $0[2])
        }
        gradientCheck([normal([2, 3, 4]), normal([4, 2]), normal([2])], "linear on rank 3") {
            linear($0[0], weight: $0[1], bias: $0[2])
        }
    }

    func testReductions() {
        gradientCheck([normal([2, 3, 4])], "sum axis 1") { $0[0].sum(alongAxis: 1) }
        gradientCheck([normal([2, 3, 4])], "sum last axis kept") { $0[0].sum(alongAxis: -1, keepingAxis: true) }
        gradientCheck([normal([2, 3, 4])], "mean axis 0") { $0[0].mean(alongAxis: 0) }
        gradientCheck([normal([2, 3])], "sum all") { $0[0].sum() }
        gradientCheck([normal([2, 3])], "mean all") { $0[0].mean() }
    }

    func testSoftmaxAndLayerNorm() {
        gradientCheck([normal([3, 5])], "softmax") { $0[0].softmax() }
        gradientCheck([normal([2, 3, 4])], "softmax rank 3") { $0[0].softmax() }
        gradientCheck([normal([4, 6]), normal([6]), normal([6])], "layer norm") {
            $0[0].layerNorm(gain: $0[1], bias: $0[2])
        }
    }

    func testLayoutOps() {
        gradientCheck([normal([2, 6])], "reshape") { $0[0].reshaped([3, 4]) }
        gradientCheck([normal([2, 3, 4])], "permute") { $0[0].permuted([2, 0, 1]) }
        gradientCheck([normal([3, 4])], "transpose") { $0[0].transposed() }
        gradientCheck([normal([2, 3]), normal([2, 2])], "concatenate axis 1") { concatenate($0, alongAxis: 1) }
        gradientCheck([normal([2, 3]), normal([1, 3])], "concatenate axis 0") { concatenate($0, alongAxis: 0) }
        gradientCheck([normal([3, 5])], "slice") { $0[0].slice(alongAxis: 1, 1..<4) }
        gradientCheck([normal([4, 3])], "gather with repeats") { gather($0[0], indices: [3, 0, 3, 1], indexShape: [2, 2]) }
    }

    func testLosses() {
        let target = normal([6, 1])
        let weights = Tensor(shape: [6, 1], scalars: [1, 0, 2, 1, 0.5, 1])
        gradientCheck([normal([6, 1])], "mean squared error") { meanSquaredError($0[0], target) }
        gradientCheck([normal([6, 1])], "weighted mean squared error") { meanSquaredError($0[0], target, weights: weights) }
        // Residuals away from +-delta, where Huber's second derivative jumps.
        let prediction = Tensor(shape: [6, 1], scalars: [0.1, -0.3, 2.0, -1.7, 0.6, 3.1])
        gradientCheck([prediction], "huber") { huberLoss($0[0], Tensor(zeros: [6, 1]), delta: 1) }
        gradientCheck([normal([6, 1]), normal([6, 1], scale: 0.5)], "gaussian nll") {
            gaussianNegativeLogLikelihood(mean: $0[0], logVariance: $0[1], target: target, weights: weights)
        }
        let labels = Tensor(shape: [6, 1], scalars: [0, 1, 1, 0, 1, 0])
        gradientCheck([normal([6, 1], scale: 3)], "bce with logits") {
            binaryCrossEntropyWithLogits($0[0], labels, weights: weights)
        }
    }

    func testComposedNetworkGradient() {
        // Two layers with shared use of an input: gradients must add up where paths meet.
        gradientCheck([normal([3, 4]), normal([4, 4]), normal([4])], "shared input") { v in
            let hidden = linear(v[0], weight: v[1], bias: v[2]).tanh()
            return (hidden * v[0]).layerNorm(gain: Variable(Tensor(ones: [4])), bias: Variable(Tensor(zeros: [4])))
        }
    }
}

final class LossValueTests: XCTestCase {
    func testLossValuesByHand() {
        let prediction = Variable(Tensor([1, 2, 4]))
        XCTAssertEqual(meanSquaredError(prediction, Tensor([0, 2, 2])).value.scalar, 5.0 / 3.0, accuracy: 1e-6)
        // Huber delta 1: residuals 1 -> 0.5, 0 -> 0, 2 -> 1.5; mean 2/3.
        XCTAssertEqual(huberLoss(prediction, Tensor([0, 2, 2])).value.scalar, 2.0 / 3.0, accuracy: 1e-6)
        // BCE of logit 0 is log 2 whatever the label.
        XCTAssertEqual(
            binaryCrossEntropyWithLogits(Variable(Tensor([0, 0])), Tensor([0, 1])).value.scalar,
            Float(log(2.0)), accuracy: 1e-6)
        // Gaussian NLL of a standard normal at its mean: 0.5 log(2 pi).
        XCTAssertEqual(
            gaussianNegativeLogLikelihood(
                mean: Variable(Tensor([3])), logVariance: Variable(Tensor([0])),
                target: Tensor([3])
            ).value.scalar,
            Float(0.5 * log(2 * Double.pi)), accuracy: 1e-6)
        // Weights: the zero-weighted element is ignored.
        XCTAssertEqual(
            meanSquaredError(prediction, Tensor([0, 2, 100]), weights: Tensor([1, 1, 0])).value.scalar,
            0.5, accuracy: 1e-6)
    }
}
