// Central finite differences against autograd, in the manner of tinygrad's gradcheck.
//
// The network computes in Float32, so the check is built to keep Float32 rounding far
// below the bound. The scalar being differentiated is f = sum(output * R) with fixed
// random weights R, accumulated in Double. With step h = 1e-2 on inputs of order 1, the
// central difference has truncation error h^2/6 |f'''| ~ 2e-5 |f'''| and rounding error
// ~ eps32 * |f| / h ~ 6e-8 * |f| / 1e-2 ~ 1e-5 for |f| of a few units; both sit under the
// bound |analytic - numeric| <= 2e-3 + 2e-3 * |numeric| used below by a factor of 50 or more.
import Autograd
import Foundation
import Tensors
import XCTest

public func gradientCheck(
    _ inputs: [Tensor], step: Float = 1e-2, rtol: Double = 2e-3, atol: Double = 2e-3,
    _ label: String, file: StaticString = #filePath, line: UInt = #line,
    _ function: ([Variable]) -> Variable
) {
    let variables = inputs.map { Variable($0, requiresGradient: true) }
    let output = function(variables)
    var generator = SeededGenerator(seed: 99)
    let weights = Tensor.randomUniform(shape: output.shape, lower: 0.5, upper: 1.5, using: &generator)
    output.backward(seed: weights)

    func objective(_ values: [Tensor]) -> Double {
        let result = function(values.map { Variable($0) }).value
        return zip(result.scalars, weights.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    var worst = 0.0
    for (index, input) in inputs.enumerated() {
        let analytic = variables[index].gradient ?? Tensor(zeros: input.shape)
        for element in 0..<input.count {
            var plus = inputs, minus = inputs
            plus[index].updateScalars { $0[element] += step }
            minus[index].updateScalars { $0[element] -= step }
            let numeric = (objective(plus) - objective(minus)) / (2 * Double(step))
            let difference = abs(Double(analytic.scalars[element]) - numeric)
            worst = max(worst, difference)
            if difference > atol + rtol * abs(numeric) {
                XCTFail(
                    "\(label): input \(index) element \(element): autograd \(analytic.scalars[element]),"
                        + " finite difference \(numeric)", file: file, line: line)
                return
            }
        }
    }
    print("gradient check \(label): largest difference \(String(format: "%.2e", worst))")
}
