// What can be wrong with a safetensors file, each case saying where and what, with a hint.
public struct SafeTensorsError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String
    public let hint: String

    public init(path: String, problem: String, hint: String) {
        self.path = path
        self.problem = problem
        self.hint = hint
    }

    public var description: String { "\(path): \(problem). \(hint)" }

    static func truncated(_ path: String, _ problem: String) -> SafeTensorsError {
        SafeTensorsError(
            path: path, problem: problem,
            hint: "The file is truncated: it was cut off while being copied or written; use an intact copy.")
    }

    static func corrupted(_ path: String, _ problem: String) -> SafeTensorsError {
        SafeTensorsError(
            path: path, problem: problem,
            hint: "The header is not a valid safetensors header: the file is corrupted or not a safetensors file.")
    }
}
