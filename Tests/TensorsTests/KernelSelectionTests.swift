// Which OpenBLAS kernel a CPU calls for, as a function of (vendor, flags, OpenBLAS's own
// choice), on CPUs written out by hand so that every machine tests every vendor.
@testable import Tensors
import XCTest

final class KernelSelectionTests: XCTestCase {
    static let sse: Set<String> = ["sse", "sse2", "sse3", "ssse3", "sse4_1", "sse4_2"]
    static let avx2 = sse.union(["avx", "avx2", "fma", "f16c"])
    static let avx512 = avx2.union(["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"])

    /// A CPU, what OpenBLAS 0.3.21 detects on it by itself, and the kernel LossCast should run.
    struct Case {
        var name: String, vendor: String, flags: Set<String>, detected: String
        var recommended: String?, selected: String
    }

    static let cases: [Case] = [
        // AMD: OpenBLAS knows Zen 1-3 and picks `Zen`, which stays; it does not know Zen 4
        // and falls back to Prescott, where the AVX-512 kernels run.
        Case(
            name: "AMD EPYC 7B13 (Zen 3)", vendor: "AuthenticAMD", flags: avx2, detected: "Zen",
            recommended: "Zen", selected: "Zen"),
        Case(
            name: "AMD EPYC 9R14 (Zen 4)", vendor: "AuthenticAMD", flags: avx512.union(["avx512_bf16"]),
            detected: "Prescott", recommended: "Cooperlake", selected: "Cooperlake"),
        Case(
            name: "Hygon Dhyana (Zen 1)", vendor: "HygonGenuine", flags: avx2, detected: "Zen",
            recommended: "Zen", selected: "Zen"),
        Case(
            name: "AMD FX-8350 (Piledriver)", vendor: "AuthenticAMD", flags: sse.union(["avx", "fma"]),
            detected: "Piledriver", recommended: "Piledriver", selected: "Piledriver"),
        // A Zen CPU that OpenBLAS failed to recognise: the family kernel, not Intel's.
        Case(
            name: "AMD, unrecognised, AVX2", vendor: "AuthenticAMD", flags: avx2, detected: "Prescott",
            recommended: "Zen", selected: "Zen"),
        // Intel: by flags.
        Case(
            name: "Intel Xeon E5-2680 v3 (Haswell)", vendor: "GenuineIntel", flags: avx2, detected: "Haswell",
            recommended: "Haswell", selected: "Haswell"),
        Case(
            name: "Intel Xeon Platinum 8175M (Skylake-SP)", vendor: "GenuineIntel", flags: avx512,
            detected: "SkylakeX", recommended: "SkylakeX", selected: "SkylakeX"),
        Case(
            name: "Intel Xeon, Sapphire Rapids, unrecognised", vendor: "GenuineIntel",
            flags: avx512.union(["avx512_bf16", "amx_tile"]), detected: "Prescott",
            recommended: "Cooperlake", selected: "Cooperlake"),
        Case(
            name: "Intel Xeon 6248R (Cascade Lake), unrecognised", vendor: "GenuineIntel", flags: avx512,
            detected: "Prescott", recommended: "SkylakeX", selected: "SkylakeX"),
        Case(
            name: "Intel Core i7-2600 (Sandy Bridge)", vendor: "GenuineIntel", flags: sse.union(["avx"]),
            detected: "Sandybridge", recommended: "Sandybridge", selected: "Sandybridge"),
        // Knights Landing: avx512f without the BW/DQ/VL the SkylakeX kernels use.
        Case(
            name: "Intel Xeon Phi 7250 (Knights Landing)", vendor: "GenuineIntel", flags: avx2.union(["avx512f", "avx512cd"]),
            detected: "Haswell", recommended: "Haswell", selected: "Haswell"),
        Case(
            name: "an old SSE3-only CPU", vendor: "GenuineIntel", flags: sse, detected: "Prescott",
            recommended: nil, selected: "Prescott"),
        // A kernel name LossCast cannot rank is never replaced.
        Case(
            name: "a future kernel name", vendor: "GenuineIntel", flags: avx512, detected: "SomeFutureCore",
            recommended: "SkylakeX", selected: "SomeFutureCore")
    ]

    func testRuleOnAMDAndIntelCPUs() {
        for c in Self.cases {
            XCTAssertEqual(KernelSelection.recommendedCoreType(vendor: c.vendor, cpuFlags: c.flags), c.recommended, c.name)
            XCTAssertEqual(
                KernelSelection.selectedCoreType(vendor: c.vendor, cpuFlags: c.flags, detected: c.detected),
                c.selected, c.name)
        }
    }

    func testUpgradeOrdering() {
        XCTAssertTrue(KernelSelection.isUpgrade(from: "Prescott", to: "Cooperlake"))
        XCTAssertTrue(KernelSelection.isUpgrade(from: "Zen", to: "SkylakeX"))
        XCTAssertFalse(KernelSelection.isUpgrade(from: "Zen", to: "Haswell"), "the same level: OpenBLAS's family choice stays")
        XCTAssertFalse(KernelSelection.isUpgrade(from: "Cooperlake", to: "SkylakeX"))
        XCTAssertFalse(KernelSelection.isUpgrade(from: "Cooperlake", to: "Cooperlake"))
        XCTAssertFalse(KernelSelection.isUpgrade(from: "SomeFutureCore", to: "Cooperlake"))
    }

    func testUserChoiceIsReported() {
        let decision = KernelSelection.decision(environment: ["OPENBLAS_CORETYPE": "Haswell"])
        XCTAssertTrue(decision.reason.contains("set by the user"), decision.reason)
        XCTAssertNil(decision.detected)
    }
}
