// What is wrong with a piece of input, named by file, line and field, with what was expected.
public struct IngestError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var field: String?
    public var problem: String
    public var expected: String?

    public init(file: String, line: Int? = nil, field: String? = nil, problem: String, expected: String? = nil) {
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        self.expected = expected
    }

    /// Cut to a readable length: a field name or problem quoting input (a 200 MB header) is
    /// shortened, with its true length said.
    public var description: String {
        var text = Self.readable(file, 300)
        if let line { text += ":\(line)" }
        if let field { text += " field '\(Self.readable(field, 120))'" }
        text += ": \(Self.readable(problem, 600))"
        if let expected { text += " (expected \(Self.readable(expected, 600)))" }
        return text
    }

    /// `text`, or its first `limit` characters and how long it was.
    public static func readable(_ text: String, _ limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        return String(text.prefix(limit)) + "... (\(text.utf8.count) bytes)"
    }
}
