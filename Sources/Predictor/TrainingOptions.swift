// How the predictor is trained: the network, the ensemble, the optimizer's settings, the
// baseline law, the validation split or cross-fitting, and which parts of the interval are
// calibrated. The defaults are the MLP's; `init(model:)` gives the transformer's.
import Foundation

public struct TrainingOptions: Sendable {
    public var architecture = Architecture()
    public var ensemble = 1
    public var epochs = 300
    public var batchSize = 128
    public var learningRate: Float = 2e-3
    public var weightDecay: Float = 1e-4
    public var patience = 40
    public var seed: UInt64 = 0
    /// The law the networks predict a residual over, or `auto` (chosen on the largest training size).
    public var baseline = BaselineChoice.auto
    public var maxPointsPerRun = 16
    public var validationFraction = 0.2
    /// 0: every member early-stops on one validation split of `validationFraction` of the runs.
    /// K >= 2: cross-fitting. The runs are dealt into K folds and member k trains on the other
    /// folds and early-stops on fold k, so the ensemble learns from every run and each run still
    /// validates a member that never trained on it. `ensemble` deals are made, each with its own
    /// seed, so the ensemble has K x `ensemble` members; deal r's fold k is member r K + k.
    /// Not used when the caller gives the validation runs.
    public var folds = 0
    public var split = "random"
    /// Whether the interval widens with the distance outside the training range, at a slope
    /// set by auxiliary ensembles trained without the largest sizes (training again, on most
    /// of the runs). Off, the interval is the calibrated network spread alone: for predicting
    /// inside the range, or for runs that judge points and never read an interval.
    public var calibratesExtrapolation = true
    /// Whether the interval of a source the predictor never trained on carries the doubt about
    /// its loss level, measured by leaving each training source out (one more one-member
    /// training per source with five healthy runs or more; at least three such sources).
    public var calibratesNewSources = false
    /// During training, each configuration field other than N, D and the learning rate is
    /// marked missing with this probability, so that a configuration that leaves fields out
    /// is not outside what the network has seen.
    public var featureDropout: Float = 0.15
    public init() {}

    /// The defaults for a network: the transformer's epochs cost about ten of the MLP's, and
    /// it reaches its best validation error in fewer of them at a lower learning rate.
    public init(model: NetworkKind) {
        architecture.model = model
        if model == .transformer {
            epochs = 60
            patience = 12
            learningRate = 1e-3
            weightDecay = 1e-2
        }
    }
}
