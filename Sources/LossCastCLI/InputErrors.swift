// The modules' errors about what a user gave (a configuration, a file, a selection) become
// the command line's usage errors: printed with the option they came through, exit code 64.
import ArgumentParser
import Backtest
import ConfigTree
import Predictor
import RunStore
import Runs

enum InputErrors {
    /// `body`'s result; an input error it throws comes back as a ValidationError starting with `prefix`.
    static func asUsage<T>(_ prefix: String = "", _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch
            where error is IngestError || error is PredictorError || error is ConfigurationFileError || error is BacktestError
            || error is StoreError
        {
            throw ValidationError(prefix + String(describing: error))
        }
    }
}
