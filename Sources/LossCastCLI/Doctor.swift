// `losscast doctor`: what this machine runs LossCast with.
import ArgumentParser
import Foundation
import Tensors

struct DoctorReport: Codable {
    var losscastVersion: String
    var swiftCompiler: String
    var operatingSystem: String
    var cpu: String
    var cpuVectorFlags: [String]
    var openblasVersion: String
    var openblasConfiguration: String
    var kernel: String
    var recommendedKernel: String?
    var detectedKernel: String?
    var cpuVendor: String
    var kernelReason: String
    var threads: Int
    var store: String
    var storeExists: Bool
    var defaultCheckpoint: String
    var defaultCheckpointExists: Bool
}

enum DoctorReporter {
    static func report() -> DoctorReport {
        let decision = KernelSelection.decision()
        let flags = KernelSelection.cpuFlags()
        let vector = flags.filter { $0.hasPrefix("avx") || $0 == "fma" || $0.hasPrefix("sse4") }.sorted()
        return DoctorReport(
            losscastVersion: "0.1.0",
            swiftCompiler: compilerVersion,
            operatingSystem: operatingSystem(),
            cpu: KernelSelection.cpuModel(),
            cpuVectorFlags: vector,
            openblasVersion: BLAS.version,
            openblasConfiguration: BLAS.configuration.trimmingCharacters(in: .whitespaces),
            kernel: decision.coreName,
            recommendedKernel: decision.recommended,
            detectedKernel: decision.detected,
            cpuVendor: KernelSelection.cpuVendor(),
            kernelReason: decision.reason,
            threads: BLAS.threadCount,
            store: Paths.defaultStore,
            storeExists: FileManager.default.fileExists(atPath: Paths.defaultStore),
            defaultCheckpoint: Paths.defaultCheckpoint,
            defaultCheckpointExists: FileManager.default.fileExists(atPath: Paths.defaultCheckpoint))
    }

    static var compilerVersion: String {
        #if compiler(>=6.4)
            return "Swift 6.4 or later"
        #elseif compiler(>=6.3)
            return "Swift 6.3"
        #elseif compiler(>=6.2)
            return "Swift 6.2"
        #elseif compiler(>=6.1)
            return "Swift 6.1"
        #else
            return "Swift 6.0"
        #endif
    }

    static func operatingSystem() -> String {
        if let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                return line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return ProcessInfo.processInfo.operatingSystemVersionString
    }
}

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report the toolchain, the OpenBLAS kernel and why, and where LossCast keeps its files.")

    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "Print only the kernel name, for scripts that run other programs under it.") var kernel = false

    func run() throws {
        if kernel {
            print(KernelSelection.decision().coreName)
            return
        }
        try Doctor.printReport(json: json)
    }

    static func printReport(json: Bool) throws {
        let report = DoctorReporter.report()
        if json {
            try printJSON(report)
            return
        }
        let rows: [(String, String)] = [
            ("LossCast", report.losscastVersion),
            ("compiler", report.swiftCompiler),
            ("system", report.operatingSystem),
            ("CPU", report.cpu + (report.cpuVendor.isEmpty ? "" : " (\(report.cpuVendor))")),
            ("vector flags", report.cpuVectorFlags.joined(separator: " ")),
            ("OpenBLAS", report.openblasVersion),
            ("kernel", report.kernel),
            ("why", report.kernelReason),
            ("threads", String(report.threads)),
            ("run store", report.store + (report.storeExists ? "" : " (not created yet)")),
            ("checkpoint", report.defaultCheckpoint + (report.defaultCheckpointExists ? "" : " (missing)"))
        ]
        let width = rows.map(\.0.count).max() ?? 0
        for (key, value) in rows {
            print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
    }
}
