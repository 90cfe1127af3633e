// A small MLP learns sin(x) on [-3, 3], and the same seed trains it bit for bit the same.
import Autograd
import Foundation
import Layers
import Optimization
import Runs
import Tensors
import XCTest

final class SineRegressionTests: XCTestCase {
    /// Trains a 1-32-32-1 tanh MLP with AdamW, warmup-cosine and clipping; returns the
    /// error on a 601-point grid and every parameter's final values.
    func train(seed: UInt64) -> (error: Float, parameters: [[Float]]) {
        var generator = SeededGenerator(seed: seed)
        let model = MultilayerPerceptron(sizes: [1, 32, 32, 1], activation: .tanh, using: &generator)
        let optimizer = AdamW(parameters: model.parameters, learningRate: 0, weightDecay: 1e-4)
        let steps = 2500
        let schedule = RateSchedule(shape: .cosine, peak: 1e-2, warmupSteps: 100, totalSteps: Double(steps), finalRatio: 1e-3)
        for step in 0..<steps {
            let x = Tensor.randomUniform(shape: [64, 1], lower: -3, upper: 3, using: &generator)
            let loss = meanSquaredError(model(Variable(x)), x.map { Foundation.sin($0) })
            optimizer.zeroGradients()
            loss.backward()
            clipGradientNorm(model.parameters, maxNorm: 1)
            optimizer.learningRate = Float(schedule.rate(at: Double(step + 1)))
            optimizer.step()
        }
        let grid = (0...600).map { -3 + 6 * Double($0) / 600 }
        let prediction = model(Variable(Tensor(shape: [601, 1], scalars: grid.map(Float.init)))).value.scalars
        // The error against sin computed in Double, independently of the library's loss.
        let error = zip(prediction, grid).map { pow(Double($0) - sin($1), 2) }.reduce(0, +) / 601
        return (Float(error), model.parameters.map(\.value.scalars))
    }

    func testLearnsSineAndIsDeterministic() {
        let first = train(seed: 2024)
        XCTAssertLessThan(first.error, 1e-3)
        let second = train(seed: 2024)
        XCTAssertEqual(first.error.bitPattern, second.error.bitPattern)
        XCTAssertEqual(first.parameters.count, second.parameters.count)
        for (a, b) in zip(first.parameters, second.parameters) {
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "parameters differ between two runs of one seed")
        }
        let other = train(seed: 2025)
        XCTAssertNotEqual(first.parameters[0], other.parameters[0], "a different seed should train differently")
    }
}
