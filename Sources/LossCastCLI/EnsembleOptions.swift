// The ensemble options `losscast train` and `losscast eval` share: how many members, and
// whether they share one validation split or are cross-fitted on folds of the runs.
import ArgumentParser
import Predictor

struct EnsembleOptions: ParsableArguments {
    @Option(help: "Ensemble members (seeds); with --folds, the number of deals of the folds.") var ensemble = 1
    @Option(
        help:
            "Cross-fitting: deal the training runs into K folds; member k trains on the others and early-stops on fold k (K x --ensemble members: that many deals of the folds). 0: one shared validation split."
    ) var folds = 0

    func validate() throws {
        guard ensemble >= 1 && ensemble <= 16 else { throw ValidationError("--ensemble \(ensemble): expected 1 to 16") }
        guard folds == 0 || (2...16).contains(folds) else {
            throw ValidationError("--folds \(folds): expected 0 (one validation split) or 2 to 16")
        }
        guard folds * ensemble <= 32 else {
            throw ValidationError("--folds \(folds) with --ensemble \(ensemble) makes \(folds * ensemble) members; expected at most 32")
        }
    }

    /// `options` with these members and folds.
    func applied(to options: TrainingOptions) -> TrainingOptions {
        var options = options
        options.ensemble = ensemble
        options.folds = folds
        return options
    }
}
