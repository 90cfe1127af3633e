// What can go wrong in training, adapting, loading a checkpoint or making a run from a
// configuration: one sentence that names what and where, with what to do.
public struct PredictorError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String

    public init(_ description: String) { self.description = description }

    /// A checkpoint that cannot be used: its path, what is wrong and a hint.
    public static func checkpoint(_ path: String, _ problem: String, hint: String) -> PredictorError {
        PredictorError("\(path): \(problem). \(hint)")
    }
}
