// What went wrong in a cost estimate: the field (an option, a column of Epoch's tables, or a
// system's name) and a hint, as the rest of LossCast reports bad input.
import Foundation

public struct CostError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The option or column at fault, e.g. "--mfu" or "Hardware prices.csv".
    public var field: String
    public var problem: String
    public var hint: String?

    public init(field: String, problem: String, hint: String? = nil) {
        self.field = field
        self.problem = problem
        self.hint = hint
    }

    public var description: String { "\(field): \(problem)" + (hint.map { "; \($0)" } ?? "") }
}
