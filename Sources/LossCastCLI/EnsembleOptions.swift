// The options `losscast train` and `losscast eval` share, declared once: how the networks
// are trained (members, folds, epochs, seed, baseline law) and the split's parameters.
import ArgumentParser
import Backtest
import Predictor

struct EnsembleOptions: ParsableArguments {
    @Option(help: "Ensemble members (seeds); with --folds, the number of deals of the folds.") var ensemble = 1
    @Option(
        help:
            "Cross-fitting: deal the training runs into K folds; member k trains on the others and early-stops on fold k (K x --ensemble members: that many deals of the folds). 0: one shared validation split."
    ) var folds = 0
    @Option(
        help:
            "The share of the runs held out to early-stop on and set the interval's scale, without --folds (default \(TrainingOptions().validationFraction))."
    ) var validationFraction: Double?
    @Option(help: "Maximum epochs (default: 300 for mlp, 60 for transformer; early stopping on a validation split ends sooner).")
    var epochs: Int?
    @Option(help: "Random seed for splits and training.") var seed: UInt64 = 0
    @Option(
        help:
            "The law the network predicts a residual over; auto: of chinchilla and chinchilla-gamma, the form that best extrapolates the frontier to the largest training size."
    ) var baseline = BaselineChoice.auto

    func validate() throws {
        guard (epochs ?? 1) >= 1 else { throw ValidationError("--epochs \(epochs!): expected at least 1") }
        guard validationFraction.map({ $0 > 0 && $0 < 1 }) ?? true else {
            throw ValidationError("--validation-fraction \(validationFraction!): expected a share between 0 and 1, such as 0.2")
        }
        guard ensemble >= 1 && ensemble <= 16 else { throw ValidationError("--ensemble \(ensemble): expected 1 to 16") }
        guard folds == 0 || (2...16).contains(folds) else {
            throw ValidationError("--folds \(folds): expected 0 (one validation split) or 2 to 16")
        }
        guard folds * ensemble <= 32 else {
            throw ValidationError("--folds \(folds) with --ensemble \(ensemble) makes \(folds * ensemble) members; expected at most 32")
        }
    }

    /// `options` with these members, folds, epochs (when given), seed and baseline.
    func applied(to options: TrainingOptions) -> TrainingOptions {
        var options = options
        options.ensemble = ensemble
        options.folds = folds
        options.epochs = epochs ?? options.epochs
        options.validationFraction = validationFraction ?? options.validationFraction
        options.seed = seed
        options.baseline = baseline
        return options
    }
}

/// What a split needs besides its name (`--split`, whose default differs: `train` holds
/// nothing out unless asked, `eval` needs a test side).
struct SplitOptions: ParsableArguments {
    @Option(help: "by-size: the smallest N on the test side (default: the two largest sizes).") var threshold: Double?
    @Option(help: "by-source: the source on the test side.") var testSource: String?

    /// The split `text` names, seeded; an error names the option.
    func split(_ text: String, seed: UInt64) throws -> Split {
        try InputErrors.asUsage { try Split.parse(text, seed: seed, threshold: threshold, testSource: testSource) }
    }
}
