// AdamW, clipping and the schedule against values worked out from their definitions.
import Autograd
import Foundation
import Optimization
import Tensors
import TestSupport
import XCTest

final class AdamWTests: XCTestCase {
    /// Two steps of AdamW (lr 0.1, betas 0.9/0.999, eps 1e-8, weight decay 0.1) from
    /// p = [1, -2] with gradients [0.5, -1] then [-0.25, 2], worked out by hand:
    ///   step 1: p <- 0.99 p; m = 0.1 g; v = 0.001 g^2; m/(1-0.9) = g; v/(1-0.999) = g^2;
    ///           p <- p - 0.1 g/|g|  =>  [0.89, -1.88]
    ///   step 2, element 0: p = 0.89 * 0.99 = 0.8811; m = 0.045 - 0.025 = 0.02;
    ///           v = 0.00024975 + 0.0000625 = 0.00031225; mhat = 0.02 / 0.19 = 0.1052632;
    ///           vhat = 0.00031225 / 0.001999 = 0.1562031; p = 0.8811 - 0.1 * 0.1052632 / 0.3952253 = 0.8544663
    ///   step 2, element 1: p = -1.8612; m = -0.09 + 0.2 = 0.11; v = 0.000999 + 0.004 = 0.004999;
    ///           mhat = 0.5789474; vhat = 2.5007504; p = -1.8612 - 0.1 * 0.5789474 / 1.5813761 = -1.8978104
    func testFirstStepsByHand() {
        let parameter = Variable(Tensor([1, -2]), requiresGradient: true)
        let optimizer = AdamW(
            parameters: [parameter], learningRate: 0.1, beta1: 0.9, beta2: 0.999,
            epsilon: 1e-8, weightDecay: 0.1, decays: { _ in true })
        parameter.gradient = Tensor([0.5, -1])
        optimizer.step()
        assertClose(parameter.value, Tensor([0.89, -1.88]), rtol: 1e-6)
        parameter.gradient = Tensor([-0.25, 2])
        optimizer.step()
        assertClose(parameter.value, Tensor([0.8544663, -1.8978104]), rtol: 1e-6)
    }

    func testBiasesDoNotDecayByDefault() {
        let bias = Variable(Tensor([1]), requiresGradient: true)
        let optimizer = AdamW(parameters: [bias], learningRate: 0.1, weightDecay: 0.5)
        bias.gradient = Tensor([0])  // no gradient signal: only decay could move it
        optimizer.step()
        XCTAssertEqual(bias.value.scalar, 1)
    }

    func testGradientClipping() {
        let a = Variable(Tensor([3, 0]), requiresGradient: true), b = Variable(Tensor([4]), requiresGradient: true)
        a.gradient = Tensor([3, 0])
        b.gradient = Tensor([4])
        let norm = clipGradientNorm([a, b], maxNorm: 1)
        XCTAssertEqual(norm, 5, accuracy: 1e-6)  // sqrt(9 + 16)
        assertClose(a.gradient!, Tensor([0.6, 0]), rtol: 1e-5)  // scaled by 1/5
        assertClose(b.gradient!, Tensor([0.8]), rtol: 1e-5)
        XCTAssertEqual(clipGradientNorm([a, b], maxNorm: 10), 1, accuracy: 1e-5)  // below: unchanged
        assertClose(b.gradient!, Tensor([0.8]), rtol: 1e-5)
    }
}
