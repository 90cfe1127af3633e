// A proposed configuration as a run the predictor can read. When the configuration states
// its schedule (lr_schedule or warmup_steps), the learning rate is synthesised step by step
// from lr, min_lr, warmup_steps, total_steps and lr_schedule (cosine, constant, linear, wsd),
// so the encoder's schedule inputs (rate ratio, S1, S2) exist before the run does. When it
// does not, those inputs stay missing, as they are for the sources that log no schedule:
// a schedule the user did not state is not invented.
import Foundation
import Runs

public enum ConfigurationRun {
    /// The rate at a 1-based step.
    public static func rate(step: Double, peak: Double, minimum: Double, warmup: Double, total: Double, kind: String) -> Double {
        if step <= warmup { return peak * step / max(warmup, 1) }
        let progress = min(1, max(0, (step - warmup) / max(total - warmup, 1)))
        switch kind.lowercased() {
        case "constant": return peak
        case "linear": return peak + (minimum - peak) * progress
        case "wsd":  // stable, then a linear decay over the last 20%
            return progress < 0.8 ? peak : peak + (minimum - peak) * (progress - 0.8) / 0.2
        default: return minimum + (peak - minimum) * 0.5 * (1 + cos(Double.pi * progress))
        }
    }

    /// A run whose curve has points at `steps` (default: the last step), with the schedule's
    /// rate at each and placeholder losses (the predictor does not read them).
    public static func make(configuration: [String: ConfigValue], steps: [Double]? = nil, name: String = "candidate") -> Run {
        var configuration = configuration
        if configuration[ConfigKey.batchSizeTokens] == nil, let sequences = configuration[ConfigKey.batchSizeSeqs]?.number,
           let length = configuration[ConfigKey.seqLen]?.number {
            configuration[ConfigKey.batchSizeTokens] = .number(sequences * length)
        }
        let total = configuration[ConfigKey.totalSteps]?.number
            ?? configuration[ConfigKey.tokens]?.number.flatMap { tokens in configuration[ConfigKey.batchSizeTokens]?.number.map { (tokens / $0).rounded() } }
        if configuration[ConfigKey.totalSteps] == nil, let total { configuration[ConfigKey.totalSteps] = .number(total) }
        let peak = configuration[ConfigKey.lr]?.number
        let minimum = configuration[ConfigKey.minLR]?.number ?? (peak ?? 0) * 0.1
        let warmup = configuration[ConfigKey.warmupSteps]?.number ?? 0
        let kind = configuration[ConfigKey.lrSchedule]?.text ?? "cosine"
        let batch = configuration[ConfigKey.batchSizeTokens]?.number
        let wanted = steps ?? total.map { [$0] } ?? [1]
        var curve: [CurvePoint] = []
        let statesSchedule = configuration[ConfigKey.lrSchedule] != nil || configuration[ConfigKey.warmupSteps] != nil
        if let peak, let total, total >= 1, statesSchedule {
            // Log the rate every ~1% of training so the schedule rebuilds faithfully.
            let grid = Set(stride(from: 1.0, through: total, by: max(1, (total / 100).rounded())).map { $0 } + wanted + [total])
            for step in grid.sorted() where step <= total {
                let tokens = batch.map { step * $0 }
                let isWanted = wanted.contains(step)
                curve.append(CurvePoint(step: step, tokens: tokens,
                                        learningRate: rate(step: step, peak: peak, minimum: minimum, warmup: warmup, total: total, kind: kind),
                                        losses: isWanted ? ["loss": 1] : ["schedule": 1]))
            }
        } else {
            curve = wanted.map { step in
                CurvePoint(step: step, tokens: batch.map { step * $0 } ?? configuration[ConfigKey.tokens]?.number, losses: ["loss": 1])
            }
        }
        // A proposal has no log to hash or to judge: it is named, not identified, and not diverged.
        return Run(id: name, source: configuration["source"]?.text ?? "candidate", name: name, configuration: configuration, curve: curve,
                   targetLoss: "loss", status: .ok, statusReason: nil, parameterConvention: .unknown,
                   provenance: Provenance(file: "configuration", importer: "command line"))
    }

    /// The (run, context) pairs of the wanted points of a made run.
    public static func wantedPoints(_ run: Run) -> [(run: Run, context: StepContext)] {
        let contexts = StepContext.contexts(for: run)
        return run.curve.indices.filter { run.curve[$0].losses["loss"] != nil }.map { (run, contexts[$0]) }
    }
}
