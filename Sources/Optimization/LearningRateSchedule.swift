// Learning-rate schedules for LossCast's own training (not the schedules of the runs it
// models, which live with the run data).
import Foundation

/// Linear warmup from 0 to `peak` over `warmupSteps`, then cosine decay to `minimum`
/// at `totalSteps`, and `minimum` after that.
public struct WarmupCosineSchedule: Sendable, Codable, Equatable {
    public var peak: Float
    public var minimum: Float
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(peak: Float, minimum: Float = 0, warmupSteps: Int, totalSteps: Int) {
        precondition(warmupSteps >= 0 && totalSteps >= warmupSteps,
                     "schedule needs 0 <= warmupSteps <= totalSteps, got \(warmupSteps), \(totalSteps)")
        self.peak = peak
        self.minimum = minimum
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// The learning rate for the 0-based `step`.
    public func learningRate(at step: Int) -> Float {
        if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
        if step >= totalSteps { return minimum }
        let progress = Double(step - warmupSteps) / Double(max(totalSteps - warmupSteps, 1))
        return minimum + (peak - minimum) * Float(0.5 * (1 + cos(Double.pi * progress)))
    }
}
