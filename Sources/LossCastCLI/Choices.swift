// The choices options take, typed: each is an enum that lists its own cases, so a value is
// checked when the command line is parsed and the help lists the values.
import ArgumentParser
import Backtest
import Predictor

extension NetworkKind: ExpressibleByArgument {}
extension BaselineChoice: ExpressibleByArgument {}

/// What `losscast eval` scores.
enum EvalTask: String, CaseIterable, ExpressibleByArgument {
    /// Regression metrics of the loss.
    case loss
    /// The regret of the hyperparameters each model would pick within (N, D) groups.
    case ranking
}

/// Where `losscast serve` gets its outcomes.
enum ServeBackend: String, CaseIterable, ExpressibleByArgument {
    /// The seed's reference curves.
    case reference
    /// A LossCast predictor checkpoint.
    case checkpoint
}
