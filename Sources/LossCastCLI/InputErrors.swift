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
        do { return try body() } catch let error as IngestError {
            throw ValidationError(prefix + error.description)
        } catch let error as PredictorError {
            throw ValidationError(prefix + error.description)
        } catch let error as ConfigurationFileError {
            throw ValidationError(prefix + error.description)
        } catch let error as BacktestError {
            throw ValidationError(prefix + error.message)
        } catch let error as StoreError {
            throw ValidationError(prefix + error.description)
        }
    }
}
