// Which OpenBLAS kernel a CPU's flags call for (the rule, on flag sets written by hand).
@testable import Tensors
import XCTest

final class KernelSelectionTests: XCTestCase {
    let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]

    func testRecommendationFollowsFlags() {
        XCTAssertEqual(KernelSelection.recommendedCoreType(cpuFlags: avx512.union(["avx512_bf16"])), "Cooperlake")
        XCTAssertEqual(KernelSelection.recommendedCoreType(cpuFlags: avx512), "SkylakeX")
        XCTAssertEqual(KernelSelection.recommendedCoreType(cpuFlags: ["avx", "avx2", "fma"]), "Haswell")
        XCTAssertEqual(KernelSelection.recommendedCoreType(cpuFlags: ["avx"]), "Sandybridge")
        XCTAssertNil(KernelSelection.recommendedCoreType(cpuFlags: ["sse3"]))
        // avx512f alone (Knights Landing) lacks the BW/VL/DQ that SkylakeX kernels use.
        XCTAssertEqual(KernelSelection.recommendedCoreType(cpuFlags: ["avx", "avx2", "fma", "avx512f"]), "Haswell")
    }

    func testUpgradeOrdering() {
        XCTAssertTrue(KernelSelection.isUpgrade(from: "Prescott", to: "Cooperlake"))
        XCTAssertTrue(KernelSelection.isUpgrade(from: "Zen", to: "SkylakeX"))
        XCTAssertFalse(KernelSelection.isUpgrade(from: "Cooperlake", to: "SkylakeX"))
        XCTAssertFalse(KernelSelection.isUpgrade(from: "Cooperlake", to: "Cooperlake"))
        XCTAssertFalse(KernelSelection.isUpgrade(from: "SomeFutureCore", to: "Cooperlake"))
    }

    func testUserChoiceIsReported() {
        let decision = KernelSelection.decision(environment: ["OPENBLAS_CORETYPE": "Haswell"])
        XCTAssertTrue(decision.reason.contains("set by the user"), decision.reason)
    }
}
