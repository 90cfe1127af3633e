// Runs the built `losscast` binary as a user would, for the command tests: no terminal on
// standard input, the test process's kernel variables removed (the binary settles its own
// OpenBLAS kernel), standard output and error written to files, so no pipe fills while it
// runs. Skips the test when no binary is built.
import Foundation
import XCTest

public enum LossCastBinary {
    public struct Result {
        public var output: String
        public var errors: String
        public var status: Int32
    }

    /// The release binary, else the debug one.
    public static func path() throws -> String {
        let candidates = [".build/release/losscast", ".build/debug/losscast"].map { repositoryRoot + "/" + $0 }
        guard let binary = candidates.first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("losscast is not built (swift build -c release)")
        }
        return binary
    }

    /// Standard output and standard error apart, and the exit status.
    public static func result(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path())
        process.arguments = arguments
        var inherited = ProcessInfo.processInfo.environment.filter { key, _ in
            key != "OPENBLAS_CORETYPE" && !key.hasPrefix("LOSSCAST_KERNEL") && key != "LOSSCAST_ASSUME_KERNEL"
        }
        inherited.merge(environment) { $1 }
        process.environment = inherited
        let base = NSTemporaryDirectory() + "losscast-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
        defer { for suffix in [".out", ".err"] { try? FileManager.default.removeItem(atPath: base + suffix) } }
        process.standardOutput = FileHandle(forWritingAtPath: base + ".out")
        process.standardError = FileHandle(forWritingAtPath: base + ".err")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let read = { (suffix: String) in (try? String(contentsOfFile: base + suffix, encoding: .utf8)) ?? "" }
        return Result(output: read(".out"), errors: read(".err"), status: process.terminationStatus)
    }

    /// Standard output (with `errors`, standard error after it) and the exit status;
    /// without `errors`, standard error is passed on to the test's own.
    public static func run(_ arguments: [String], environment: [String: String] = [:], errors: Bool = false) throws -> (String, Int32) {
        let result = try result(arguments, environment: environment)
        if !errors && !result.errors.isEmpty { FileHandle.standardError.write(Data(result.errors.utf8)) }
        return (errors ? result.output + result.errors : result.output, result.status)
    }
}
