// What can go wrong in a backtest: a split that cannot be made, a model that cannot be fitted
// on the training side, a predictions file that does not match the runs it scores.
import Foundation

public struct BacktestError: Error, LocalizedError, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var errorDescription: String? { message }
    public var description: String { message }
}
