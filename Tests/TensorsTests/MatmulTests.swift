// The matrix product against the naive triple loop (Double accumulation), in every
// transpose case, at odd sizes, under whatever kernel this process runs.
import Tensors
import TestSupport
import XCTest

final class MatmulTests: XCTestCase {
    var generator = SeededGenerator(seed: 11)

    func random(_ shape: [Int]) -> Tensor {
        Tensor.randomUniform(shape: shape, lower: -1, upper: 1, using: &generator)
    }

    /// (m, k) x (k, n) in all four transpose cases against the naive product.
    func checkAllTransposes(m: Int, k: Int, n: Int) {
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let a = random(transposeA ? [k, m] : [m, k])
                let b = random(transposeB ? [n, k] : [k, n])
                let fast = Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
                let reference = Tensor.naiveMatmul(a, b, transposeA: transposeA, transposeB: transposeB)
                // Float32 sums of k products of numbers in [-1, 1]: error grows like sqrt(k) * 2^-24.
                assertClose(
                    fast, reference, rtol: 1e-5, atol: 1e-5,
                    "\(m)x\(k)x\(n) transposeA \(transposeA) transposeB \(transposeB) kernel \(BLAS.coreName)")
            }
        }
    }

    func testSmallOddSizes() { checkAllTransposes(m: 7, k: 13, n: 5) }
    func testLargeOddSizes() { checkAllTransposes(m: 513, k: 257, n: 129) }
    func testDegenerateSizes() {
        checkAllTransposes(m: 1, k: 1, n: 1)
        checkAllTransposes(m: 1, k: 300, n: 1)
    }

    func testKnownProduct() {
        let a = Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        let b = Tensor(rows: [[7, 8], [9, 10], [11, 12]])
        XCTAssertEqual(Tensor.matmul(a, b), Tensor(rows: [[58, 64], [139, 154]]))
    }

    func testBatchedMatchesEachSlice() {
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = random(transposeA ? [3, 6, 4] : [3, 4, 6])
            let b = random(transposeB ? [3, 5, 6] : [3, 6, 5])
            let batched = Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
            XCTAssertEqual(batched.shape, [3, 4, 5])
            for index in 0..<3 {
                let slice = Tensor.naiveMatmul(
                    a.slice(alongAxis: 0, index..<(index + 1)).reshaped(Array(a.shape.dropFirst())),
                    b.slice(alongAxis: 0, index..<(index + 1)).reshaped(Array(b.shape.dropFirst())),
                    transposeA: transposeA, transposeB: transposeB)
                assertClose(batched.slice(alongAxis: 0, index..<(index + 1)).reshaped([4, 5]), slice)
            }
        }
    }

    func testFoldedLeadingAxes() {
        let a = random([2, 3, 4])
        let w = random([4, 6])
        let folded = Tensor.matmul(a, w)
        XCTAssertEqual(folded.shape, [2, 3, 6])
        assertClose(folded.reshaped([6, 6]), Tensor.naiveMatmul(a.reshaped([6, 4]), w))
    }

    func testRunsTheKernelMakeTestChose() throws {
        // `make test` names the kernel it runs the suite under (the one losscast selects, or
        // the user's OPENBLAS_CORETYPE); the products above must have run under it.
        guard let expected = ProcessInfo.processInfo.environment["LOSSCAST_EXPECT_KERNEL"] else {
            throw XCTSkip("run through `make test`, which names the kernel it runs the suite under")
        }
        XCTAssertEqual(
            BLAS.coreName.lowercased(), expected.lowercased(),
            "the matrix-product tests ran under \(BLAS.coreName), not \(expected)")
    }
}
