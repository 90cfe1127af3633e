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

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let field { text += " field '\(field)'" }
        text += ": \(problem)"
        if let expected { text += " (expected \(expected))" }
        return text
    }
}
