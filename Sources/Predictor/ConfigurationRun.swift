// A proposed configuration as a run the predictor can read: its points are the steps asked
// for, with no losses (there is no log yet). Total steps come from D / batch tokens when
// not stated; without a batch size the run's one point is the end of training, known by its
// tokens (D) and no step, and asking for steps is an error. The schedule's inputs (rate ratio, S1, S2) come from the schedule the
// configuration states, in closed form (RateSchedule, read by StepContext.contexts); when it
// states none, they stay missing, as they are for the sources that log no schedule: a
// schedule the user did not state is not invented. An unknown schedule name is an error.
import Foundation
import Runs

public enum ConfigurationRun {
    /// The source of a proposal that states none: to a checkpoint that reads sources, one it
    /// does not know, whose level is a guess (Predictor.isNewSource).
    public static let candidateSource = "candidate"

    /// A run whose curve has points at `steps` (default: the last step).
    public static func make(configuration given: Configuration, steps: [Double]? = nil, name: String = "candidate") throws -> Run {
        let configuration = given.completed()
        _ = try RateSchedule(configuration: configuration.values)  // an unknown schedule name fails here, named
        let batch = configuration.batchTokens
        let curve: [CurvePoint]
        if let steps {
            // A step means nothing without the tokens it stands for.
            guard batch != nil else {
                throw PredictorError(
                    "configuration field '\(ConfigKey.batchSizeTokens)': steps asked for without a batch size (expected "
                        + "batch_size_tokens, or batch_size_seqs and seq_len, or tokens with total_steps; or no steps: the final loss needs D alone)"
                )
            }
            curve = steps.sorted().map { step in CurvePoint(step: step, tokens: batch.map { step * $0 }, losses: [:]) }
        } else if let total = configuration.totalSteps {
            curve = [CurvePoint(step: total, tokens: batch.map { total * $0 } ?? configuration.tokens, losses: [:])]
        } else {
            // The end of training, known by its tokens only: no step is made up.
            curve = [CurvePoint(step: nil, tokens: configuration.tokens, losses: [:])]
        }
        // A proposal has no log to hash or to judge: it is named, not identified, and not diverged.
        return Run(
            id: name, source: configuration["source"]?.text ?? candidateSource, name: name, configuration: configuration.values,
            curve: curve,
            targetLoss: "loss", status: .ok, statusReason: nil, parameterConvention: .unknown,
            provenance: Provenance(file: "configuration", importer: "command line"))
    }
}
