// Choosing OpenBLAS's kernel before the numbers start.
//
// Debian 12's OpenBLAS 0.3.21 does not know recent CPUs (AMD Zen 4, for one) and falls back
// to its generic "Prescott" SSE3 kernel, four to six times slower than the AVX-512 kernels
// those CPUs can run. OpenBLAS picks its kernel once, when the library loads, from
// OPENBLAS_CORETYPE, so the only way to change it is to set that variable and start the
// process again. `KernelSelection.settle` does exactly that, once, unless the user has set
// the variable. It is not a benchmark: the choice follows the CPU's flags.
import Foundation

public struct KernelDecision: Sendable, Codable, Equatable {
    /// The kernel OpenBLAS runs in this process.
    public var coreName: String
    /// The kernel the CPU's vendor and flags call for, if OpenBLAS has one better than its
    /// generic.
    public var recommended: String?
    /// The kernel OpenBLAS chose by itself, before any re-execution; nil when the user chose.
    public var detected: String?
    /// Why this kernel runs, in a sentence.
    public var reason: String
}

public enum KernelSelection {
    /// Environment variable OpenBLAS reads at load time.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// Set by LossCast on the re-executed process, holding the kernel it asked for.
    static let reexecutedVariable = "LOSSCAST_KERNEL_REEXEC"
    /// Set by LossCast to tell the re-executed process what it replaced.
    static let replacedVariable = "LOSSCAST_KERNEL_REPLACED"
    /// Diagnostic: act as though OpenBLAS had detected this kernel. On a machine whose
    /// OpenBLAS recognises the CPU, `LOSSCAST_ASSUME_KERNEL=Prescott` exercises the
    /// re-execution path that Debian's generic fallback takes elsewhere.
    public static let assumeVariable = "LOSSCAST_ASSUME_KERNEL"

    /// The kernel OpenBLAS detected, or the one the diagnostic variable says to assume.
    static func detectedCoreName(_ environment: [String: String]) -> String {
        environment[assumeVariable] ?? BLAS.coreName
    }

    /// Instruction-set level of the OpenBLAS kernels for x86-64, lowest first. A kernel
    /// name not listed is never replaced: LossCast does not second-guess what it can't rank.
    static let kernelLevels: [String: Int] = [
        "Prescott": 0, "Core2": 1, "Penryn": 1, "Dunnington": 1, "Nehalem": 2,
        "Atom": 0, "Barcelona": 1, "Opteron": 1, "Bobcat": 1, "Bulldozer": 2, "Piledriver": 3,
        "Steamroller": 3, "Excavator": 3, "Sandybridge": 3, "Haswell": 4, "Zen": 4,
        "SkylakeX": 5, "Cooperlake": 6, "SapphireRapids": 7
    ]

    /// The best OpenBLAS 0.3.21 kernel that a CPU of this vendor (as /proc/cpuinfo's
    /// `vendor_id` spells it) with these flags can run, or nil when the generic one is all
    /// there is. The vendor matters where OpenBLAS has a kernel for the family: on an AMD
    /// CPU with AVX2 it is `Zen` (OpenBLAS's own choice there), on Intel `Haswell`.
    /// AVX-512 CPUs of either vendor (Intel since Skylake-SP, AMD since Zen 4, which 0.3.21
    /// does not recognise) run the SkylakeX kernels, Cooperlake where BF16 is there.
    public static func recommendedCoreType(vendor: String, cpuFlags flags: Set<String>) -> String? {
        let avx512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
        let amd = vendor == "AuthenticAMD" || vendor == "HygonGenuine"
        if avx512.allSatisfy(flags.contains) {
            return flags.contains("avx512_bf16") ? "Cooperlake" : "SkylakeX"
        }
        if flags.contains("avx2") && flags.contains("fma") { return amd ? "Zen" : "Haswell" }
        if flags.contains("avx") {
            guard amd else { return "Sandybridge" }
            return flags.contains("fma") ? "Piledriver" : "Bulldozer"
        }
        return nil
    }

    /// The kernel LossCast runs: OpenBLAS's own choice (`detected`) unless the CPU supports
    /// a kernel of a higher instruction-set level. A kernel OpenBLAS chose for the CPU's own
    /// family (`Zen` on an AMD EPYC) is kept against a generic one of the same level.
    public static func selectedCoreType(vendor: String, cpuFlags flags: Set<String>, detected: String) -> String {
        guard let recommended = recommendedCoreType(vendor: vendor, cpuFlags: flags),
            isUpgrade(from: detected, to: recommended)
        else { return detected }
        return recommended
    }

    /// The `vendor_id` line of /proc/cpuinfo (GenuineIntel, AuthenticAMD, ...), empty where
    /// there is none.
    public static func cpuVendor() -> String {
        cpuInfoField("vendor_id") ?? ""
    }

    /// The flags line of /proc/cpuinfo, empty where there is none (not Linux).
    public static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// The CPU's model name from /proc/cpuinfo.
    public static func cpuModel() -> String {
        cpuInfoField("model name") ?? "unknown"
    }

    /// The value of the first line of /proc/cpuinfo that starts with `name`.
    static func cpuInfoField(_ name: String) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// Whether `candidate` is a faster kernel than `current` by instruction-set level.
    static func isUpgrade(from current: String, to candidate: String) -> Bool {
        guard let have = kernelLevels[current], let want = kernelLevels[candidate] else { return false }
        return want > have
    }

    /// What kernel runs and why, without changing anything.
    public static func decision(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> KernelDecision
    {
        let running = BLAS.coreName
        let vendor = cpuVendor(), flags = cpuFlags()
        let recommended = recommendedCoreType(vendor: vendor, cpuFlags: flags)
        if let userChoice = environment[coreTypeVariable], environment[reexecutedVariable] == nil {
            return KernelDecision(
                coreName: running, recommended: recommended, detected: nil,
                reason: "\(coreTypeVariable)=\(userChoice) was set by the user; LossCast leaves it alone")
        }
        if let asked = environment[reexecutedVariable] {
            let replaced = environment[replacedVariable] ?? "the generic kernel"
            let outcome =
                running.caseInsensitiveCompare(asked) == .orderedSame
                ? "OpenBLAS now runs it"
                : "but OpenBLAS runs \(running) instead"
            return KernelDecision(
                coreName: running, recommended: recommended, detected: environment[replacedVariable],
                reason: "OpenBLAS detected \(replaced) on a CPU whose flags support \(asked); "
                    + "LossCast re-executed itself with \(coreTypeVariable)=\(asked), \(outcome)")
        }
        let detected = detectedCoreName(environment)
        let selected = selectedCoreType(vendor: vendor, cpuFlags: flags, detected: detected)
        if selected != detected {
            return KernelDecision(
                coreName: running, recommended: recommended, detected: detected,
                reason: "OpenBLAS runs \(detected) although the CPU supports \(selected); "
                    + "this process did not re-execute (call KernelSelection.settle first)")
        }
        return KernelDecision(
            coreName: running, recommended: recommended, detected: detected,
            reason: "OpenBLAS's own detection chose \(running), which matches the CPU")
    }

    /// Call first thing in `main`: when OpenBLAS runs a kernel below what the CPU supports
    /// and the user has not chosen one, set OPENBLAS_CORETYPE and re-execute this program
    /// with the same arguments. Returns (without re-executing) in every other case.
    public static func settle(arguments: [String] = CommandLine.arguments) {
        let environment = ProcessInfo.processInfo.environment
        guard environment[coreTypeVariable] == nil, environment[reexecutedVariable] == nil else { return }
        let running = detectedCoreName(environment)
        let recommended = selectedCoreType(vendor: cpuVendor(), cpuFlags: cpuFlags(), detected: running)
        guard recommended != running else { return }
        setenv(coreTypeVariable, recommended, 1)
        setenv(reexecutedVariable, recommended, 1)
        setenv(replacedVariable, running, 1)
        unsetenv(assumeVariable)
        let executable = "/proc/self/exe"
        var cArguments = arguments.map { strdup($0) }
        cArguments.append(nil)
        execv(executable, cArguments)
        // execv returns only on failure: carry on with the kernel we have.
        unsetenv(coreTypeVariable)
        unsetenv(reexecutedVariable)
        unsetenv(replacedVariable)
    }
}
