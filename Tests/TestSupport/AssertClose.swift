// Test helpers shared by the test targets: one closeness assertion that checks the shape
// first and then names the element that differs most, and the gradient check.
import Foundation
import Tensors
import XCTest

/// Asserts equal shapes and |actual - expected| <= atol + rtol * |expected| elementwise;
/// on failure, reports the worst element and the largest difference.
public func assertClose(
    _ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-5, atol: Float = 1e-6,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    guard actual.shape == expected.shape else {
        XCTFail("shape \(actual.shape) != expected \(expected.shape) \(message)", file: file, line: line)
        return
    }
    var worst = -1
    var worstExcess: Float = 0
    var largest: Float = 0
    for i in 0..<actual.count {
        let difference = abs(actual.scalars[i] - expected.scalars[i])
        largest = max(largest, difference)
        let excess = difference - (atol + rtol * abs(expected.scalars[i]))
        if !(excess <= 0) && (worst < 0 || excess > worstExcess || excess.isNaN) {
            worst = i
            worstExcess = excess
        }
    }
    if worst >= 0 {
        XCTFail(
            "element \(worst) of \(actual.shape): \(actual.scalars[worst]) vs expected \(expected.scalars[worst]);"
                + " largest difference \(largest) \(message)", file: file, line: line)
    }
}

public func assertClose(
    _ actual: Float, _ expected: Float, rtol: Float = 1e-5, atol: Float = 1e-6,
    _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
    assertClose(Tensor(actual), Tensor(expected), rtol: rtol, atol: atol, message, file: file, line: line)
}

/// The repository's top folder, found from this file's path.
public let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// ../shared/datasets beside the repository.
public let datasetsRoot: String = {
    URL(fileURLWithPath: repositoryRoot).deletingLastPathComponent().appendingPathComponent("shared/datasets").path
}()
