// Elementwise ops, broadcasting, reductions and layout ops against values worked out by
// hand or by an independent loop in the test.
import Foundation
import Tensors
import TestSupport
import XCTest

final class ElementwiseTests: XCTestCase {
    func testBroadcastShapes() {
        XCTAssertEqual(Tensor.broadcastShape([4, 3], [3]), [4, 3])
        XCTAssertEqual(Tensor.broadcastShape([4, 1], [1, 5]), [4, 5])
        XCTAssertEqual(Tensor.broadcastShape([2, 1, 3], [4, 1]), [2, 4, 3])
        XCTAssertNil(Tensor.broadcastShape([4, 3], [4]))
    }

    func testBiasRowAndScalarAndColumn() {
        let x = Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        XCTAssertEqual(x + Tensor([10, 20, 30]), Tensor(rows: [[11, 22, 33], [14, 25, 36]]))
        XCTAssertEqual(x * Tensor(2), Tensor(rows: [[2, 4, 6], [8, 10, 12]]))
        XCTAssertEqual(x - Tensor(shape: [2, 1], scalars: [1, 4]), Tensor(rows: [[0, 1, 2], [0, 1, 2]]))
        XCTAssertEqual(
            Tensor(shape: [2, 1], scalars: [1, 2]) / Tensor(shape: [1, 2], scalars: [1, 4]),
            Tensor(rows: [[1, 0.25], [2, 0.5]]))
    }

    func testGeneralBroadcastAgainstLoop() {
        var generator = SeededGenerator(seed: 3)
        let a = Tensor.randomNormal(shape: [2, 1, 3], using: &generator)
        let b = Tensor.randomNormal(shape: [4, 1], using: &generator)
        let sum = a + b
        XCTAssertEqual(sum.shape, [2, 4, 3])
        for i in 0..<2 {
            for j in 0..<4 {
                for k in 0..<3 {
                    XCTAssertEqual(sum[i, j, k], a[i, 0, k] + b[j, 0])
                }
            }
        }
    }

    func testFunctionsAgainstFoundation() {
        let values: [Float] = [-4, -1.5, -0.2, 0, 0.3, 2, 5]
        let x = Tensor(values)
        for (index, v) in values.enumerated() {
            let d = Double(v)
            XCTAssertEqual(Double(x.exp().scalars[index]), Foundation.exp(d), accuracy: 1e-5 * Foundation.exp(d))
            XCTAssertEqual(Double(x.tanh().scalars[index]), Foundation.tanh(d), accuracy: 1e-6)
            XCTAssertEqual(Double(x.sigmoid().scalars[index]), 1 / (1 + Foundation.exp(-d)), accuracy: 1e-6)
            XCTAssertEqual(Double(x.softplus().scalars[index]), Foundation.log(1 + Foundation.exp(d)), accuracy: 1e-6)
            XCTAssertEqual(Double(x.relu().scalars[index]), max(d, 0))
            // GELU's tanh form at hand-checked points: gelu(2) = 1.95459769, gelu(-1.5) = -0.10042843.
            if v == 2 { XCTAssertEqual(Double(x.gelu().scalars[index]), 1.95459769, accuracy: 1e-5) }
            if v == -1.5 { XCTAssertEqual(Double(x.gelu().scalars[index]), -0.10042843, accuracy: 1e-5) }
        }
        XCTAssertEqual(Tensor([4, 9]).sqrt(), Tensor([2, 3]))
        XCTAssertEqual(Tensor([-3, 2]).square(), Tensor([9, 4]))
        XCTAssertEqual(Tensor([1]).log().scalar, 0)
        XCTAssertEqual(Tensor([-1000]).sigmoid().scalar, 0)  // no overflow
        XCTAssertEqual(Tensor([1000]).softplus().scalar, 1000)  // no overflow
    }

    func testReductions() {
        let x = Tensor(shape: [2, 3, 2], scalars: (1...12).map(Float.init))
        XCTAssertEqual(x.sum(alongAxis: 0), Tensor(shape: [3, 2], scalars: [8, 10, 12, 14, 16, 18]))
        XCTAssertEqual(x.sum(alongAxis: 1), Tensor(shape: [2, 2], scalars: [9, 12, 27, 30]))
        XCTAssertEqual(x.sum(alongAxis: -1, keepingAxis: true), Tensor(shape: [2, 3, 1], scalars: [3, 7, 11, 15, 19, 23]))
        XCTAssertEqual(x.mean(alongAxis: 2), Tensor(shape: [2, 3], scalars: [1.5, 3.5, 5.5, 7.5, 9.5, 11.5]))
        XCTAssertEqual(x.sum().scalar, 78)
        XCTAssertEqual(x.mean().scalar, 6.5)
        XCTAssertEqual(x.reduced(toShape: [2]), Tensor([36, 42]))
        XCTAssertEqual(x.reduced(toShape: [2, 1, 1]), Tensor(shape: [2, 1, 1], scalars: [21, 57]))
    }

    func testLayoutOps() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.transposed(), Tensor(rows: [[1, 4], [2, 5], [3, 6]]))
        let cube = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        let permuted = cube.permuted([2, 0, 1])
        XCTAssertEqual(permuted.shape, [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { XCTAssertEqual(permuted[k, i, j], cube[i, j, k]) } } }
        XCTAssertEqual(
            Tensor.concatenate([x, Tensor(rows: [[7], [8]])], alongAxis: 1),
            Tensor(rows: [[1, 2, 3, 7], [4, 5, 6, 8]]))
        XCTAssertEqual(Tensor.concatenate([x, x], alongAxis: 0).shape, [4, 3])
        XCTAssertEqual(x.slice(alongAxis: 1, 1..<3), Tensor(rows: [[2, 3], [5, 6]]))
        XCTAssertEqual(
            x.slice(alongAxis: 1, 1..<3).padded(toShape: [2, 3], alongAxis: 1, at: 1..<3),
            Tensor(rows: [[0, 2, 3], [0, 5, 6]]))
        let table = Tensor(rows: [[0, 0.5], [1, 1.5], [2, 2.5]])
        XCTAssertEqual(table.gatherRows([2, 0, 2], indexShape: [3]), Tensor(rows: [[2, 2.5], [0, 0.5], [2, 2.5]]))
        XCTAssertEqual(
            Tensor(rows: [[1, 1], [2, 2], [3, 3]]).scatterAddRows([2, 0, 2], rows: 3),
            Tensor(rows: [[2, 2], [0, 0], [4, 4]]))
    }

    func testSeededGeneratorIsRepeatableAndUniform() {
        var first = SeededGenerator(seed: 42), second = SeededGenerator(seed: 42)
        let a = (0..<1000).map { _ in first.nextUniform() }
        XCTAssertEqual(a, (0..<1000).map { _ in second.nextUniform() })
        var generator = SeededGenerator(seed: 1)
        let normals = (0..<20000).map { _ in generator.nextNormal() }
        let mean = normals.reduce(0, +) / 20000
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20000
        XCTAssertEqual(mean, 0, accuracy: 0.03)  // 4.2 standard errors
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }

    /// The rational tanh behind GELU against libm's tanh in Double, on a grid far finer than
    /// its polynomials' degree: within 1e-6 everywhere (Float's spacing near 1 is 6e-8), odd,
    /// and +-1 beyond the clamp; GELU built on it against the tanh formula in Double.
    func testFastTanhAgainstLibm() {
        var worst = 0.0
        for index in -200_000...200_000 {
            let x = Float(index) * 1e-4
            let error = abs(Double(Tensor.fastTanh(x)) - Foundation.tanh(Double(x)))
            worst = max(worst, error)
            XCTAssertEqual(Tensor.fastTanh(-x), -Tensor.fastTanh(x))
        }
        XCTAssertLessThan(worst, 1e-6, "largest difference from tanh")
        XCTAssertEqual(Tensor.fastTanh(100), 1, accuracy: 1e-6)
        for x in stride(from: -6.0, through: 6.0, by: 0.01) {
            let exact = 0.5 * x * (1 + Foundation.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
            XCTAssertEqual(Double(Tensor.gelu(Float(x))), exact, accuracy: 2e-6, "gelu(\(x))")
        }
    }
}
