// Inference without a graph: `withoutRecording` gives the same values and records nothing,
// and recording resumes after it.
import Autograd
import Tensors
import TestSupport
import XCTest

final class RecordingTests: XCTestCase {
    func testWithoutRecordingKeepsValuesAndDropsTheGraph() {
        var generator = SeededGenerator(seed: 11)
        let weight = Variable(
            Tensor.randomNormal(shape: [5, 3], standardDeviation: 1, using: &generator), requiresGradient: true, name: "weight")
        let bias = Variable(Tensor.randomNormal(shape: [3], standardDeviation: 1, using: &generator), requiresGradient: true, name: "bias")
        let input = Variable(Tensor.randomNormal(shape: [4, 5], standardDeviation: 1, using: &generator))
        func forward() -> Variable { (matmul(input, weight) + bias).relu() }

        let recorded = forward()
        let free = withoutRecording { forward() }
        XCTAssertEqual(free.value.scalars, recorded.value.scalars)  // the same arithmetic, bit for bit
        XCTAssertTrue(recorded.requiresGradient)
        XCTAssertFalse(free.requiresGradient)
        XCTAssertFalse(withoutRecording { Variable.isRecording })
        XCTAssertTrue(Variable.isRecording)

        // After the block, ops record again: the bias gradient of sum(relu(xW + b)) is the
        // number of rows where each column is positive.
        forward().sum().backward()
        let positive = (0..<3).map { column in Float((0..<4).filter { recorded.value[$0, column] > 0 }.count) }
        XCTAssertEqual(bias.gradient?.scalars, positive)
        // A gradient asked of an unrecorded output has nothing to flow into.
        weight.zeroGradient()
        withoutRecording { forward() }.sum().backward()
        XCTAssertNil(weight.gradient)
    }
}
