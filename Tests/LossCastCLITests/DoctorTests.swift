// The `losscast` binary itself: doctor's JSON, the user's kernel choice, and the
// re-execution that replaces a generic kernel.
import Foundation
import Tensors
import TestSupport
import XCTest

final class DoctorTests: XCTestCase {
    func doctor(_ environment: [String: String]) throws -> [String: Any] {
        let (output, status) = try LossCastBinary.run(["doctor", "--json"], environment: environment)
        XCTAssertEqual(status, 0)
        return try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
    }

    func testReportsTheSelectedKernel() throws {
        let report = try doctor([:])
        XCTAssertEqual(report["openblasVersion"] as? String, BLAS.version)
        XCTAssertGreaterThan(report["threads"] as? Int ?? 0, 0)
        XCTAssertNotNil(report["store"] as? String)
        // The rule itself is tested on table cases (KernelSelectionTests); here, that the
        // binary applies it to this CPU and what OpenBLAS detected on it by itself.
        let detected = try XCTUnwrap(report["detectedKernel"] as? String, "\(report)")
        let vendor = KernelSelection.cpuVendor(), flags = KernelSelection.cpuFlags()
        XCTAssertEqual(report["cpuVendor"] as? String, vendor)
        let expected = KernelSelection.selectedCoreType(vendor: vendor, cpuFlags: flags, detected: detected)
        XCTAssertEqual(report["kernel"] as? String, expected, "\(report["kernelReason"] ?? "")")
        if KernelSelection.recommendedCoreType(vendor: vendor, cpuFlags: flags) != nil {
            XCTAssertNotEqual(report["kernel"] as? String, "Prescott")
        }
    }

    func testUserChoiceIsLeftAlone() throws {
        let report = try doctor(["OPENBLAS_CORETYPE": "Haswell"])
        XCTAssertEqual(report["kernel"] as? String, "Haswell")
        XCTAssertTrue((report["kernelReason"] as? String ?? "").contains("set by the user"))
    }

    func testGenericKernelIsReplacedByReexecution() throws {
        let vendor = KernelSelection.cpuVendor(), flags = KernelSelection.cpuFlags()
        guard let recommended = KernelSelection.recommendedCoreType(vendor: vendor, cpuFlags: flags) else {
            throw XCTSkip("this CPU has nothing better than the generic kernel")
        }
        let report = try doctor(["LOSSCAST_ASSUME_KERNEL": "Prescott"])
        XCTAssertEqual(report["kernel"] as? String, recommended)
        XCTAssertEqual(report["detectedKernel"] as? String, "Prescott")
        XCTAssertTrue((report["kernelReason"] as? String ?? "").contains("re-executed"), "\(report["kernelReason"] ?? "")")
    }
}
