// Deciding from the data whether a run diverged or was cut short; nothing is assumed.
//
// Within a run (curves of three or more points):
//   - diverged when the last loss ends more than 20% and 0.1 nats above the run's own
//     minimum, or when a loss after the minimum climbs back above the run's first loss;
//   - truncated when the run declares its total steps (or tokens) and its curve stops
//     before 95% of them.
// Across runs (applied by the store to a whole source): a run whose final loss is more than
// 25% above the best final loss of the runs with the same N and D in the same source (at
// least 3 of them) diverged when it has no curve of its own to judge (under 3 points:
// StepLaw's diverged runs end at 6 to 11 where the best of their group is near 2.3); a run
// with a curve is only flagged, since a short run far above its group's best (a 130-step
// run whose loss falls from 9.0 to 4.29, against 3.32 for another learning rate) is
// sensitive to its hyperparameters, not diverged.
public enum Divergence {
    public static let ownMinimumRatio = 1.2
    public static let ownMinimumMargin = 0.1
    public static let groupRatio = 1.25
    public static let groupMinimumSize = 3
    public static let truncationFraction = 0.95

    public static func assess(_ run: Run) -> (RunStatus, String?) {
        let losses = run.curve.compactMap { $0.losses[run.targetLoss] }
        if losses.count >= 3 {
            let minimum = losses.min()!
            let minimumIndex = losses.firstIndex(of: minimum)!
            let last = losses.last!
            if last > minimum * ownMinimumRatio && last - minimum > ownMinimumMargin {
                return (.diverged, String(format: "final loss %.3f ends far above the run's minimum %.3f", last, minimum))
            }
            if let peak = losses[minimumIndex...].max(), peak > losses[0], minimumIndex > 0 {
                return (.diverged, String(format: "loss climbed back to %.3f, above its first value %.3f", peak, losses[0]))
            }
        }
        if let total = run.number(ConfigKey.totalSteps), let lastStep = run.curve.last?.step, run.curve.count >= 3,
            lastStep < truncationFraction * total
        {
            return (.truncated, String(format: "curve stops at step %.0f of %.0f", lastStep, total))
        }
        if let total = run.number(ConfigKey.tokens), let lastTokens = run.curve.last?.tokens, run.curve.count >= 3,
            lastTokens < truncationFraction * total
        {
            return (.truncated, String(format: "curve stops at %.3g of %.3g tokens", lastTokens, total))
        }
        return (.ok, nil)
    }
}
