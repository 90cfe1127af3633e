// A learning-rate schedule stated in closed form, as a recipe states it: a shape (constant,
// cosine, linear, or warmup-stable-decay), the peak rate, warmup steps, total steps, the
// decay's length for WSD, and the final rate as a fraction of the peak. The rate at any
// step comes from the formula, so the areas S1 and S2 a curve law reads are exact sums of
// it (Laws.Schedule(rates:)), never a sampled curve re-interpolated.
//
//   warmup (step <= warmup):   peak * step / warmup
//   then, p = (step - warmup) / (total - warmup) in [0, 1], final = finalRatio * peak:
//   constant  peak
//   cosine    final + (peak - final) (1 + cos(pi p)) / 2
//   linear    peak + (final - peak) p
//   wsd       peak until total - decaySteps, then linear to final over the decay
import Foundation

public struct RateSchedule: Codable, Equatable, Sendable {
    public enum Shape: String, Codable, CaseIterable, Sendable {
        case constant, cosine, linear, wsd
    }

    public var shape: Shape
    public var peak: Double
    public var warmupSteps: Double
    public var totalSteps: Double
    /// The final rate over the peak (cosine, linear and wsd decay to it).
    public var finalRatio: Double
    /// WSD only: how many steps the decay takes, at the end of training.
    public var decaySteps: Double

    public init(
        shape: Shape, peak: Double, warmupSteps: Double = 0, totalSteps: Double, finalRatio: Double = 0,
        decaySteps: Double? = nil
    ) {
        self.shape = shape
        self.peak = peak
        self.warmupSteps = max(0, warmupSteps)
        self.totalSteps = totalSteps
        self.finalRatio = finalRatio
        self.decaySteps = decaySteps ?? RateSchedule.defaultDecayFraction * totalSteps
    }

    /// WSD's decay length when a recipe states none: the last 20% of training (Hägele et al. 2024).
    public static let defaultDecayFraction = 0.2
    /// The shape of a schedule a configuration implies (a warmup) without naming it.
    public static let unnamedShape = Shape.cosine

    /// The names recipes use for each shape, lowercased.
    public static let names: [String: Shape] = [
        "constant": .constant, "const": .constant, "fixed": .constant,
        "cosine": .cosine, "cos": .cosine, "cosine_with_warmup": .cosine, "warmup_cosine": .cosine,
        "linear": .linear, "linear_decay": .linear, "warmup_linear": .linear,
        "wsd": .wsd, "warmup_stable_decay": .wsd, "warmup_stable_warmdown": .wsd, "trapezoid": .wsd,
        "stable_decay": .wsd, "constant_with_cooldown": .wsd
    ]

    /// The shape a schedule name stands for, or an error naming the field with the known names.
    public static func shape(named name: String, field: String = ConfigKey.lrSchedule) throws -> Shape {
        let key = name.lowercased().replacingOccurrences(of: "-", with: "_").trimmingCharacters(in: .whitespaces)
        if let shape = names[key] { return shape }
        let hint = NearMatch.nearest(to: key, in: names.keys).map { " Did you mean '\($0)'?" } ?? ""
        throw IngestError(
            file: "configuration", field: field, problem: "unknown schedule '\(name)'",
            expected:
                "one of \(Shape.allCases.map(\.rawValue).joined(separator: ", ")) (or \(names.keys.sorted().joined(separator: ", "))).\(hint)"
        )
    }

    /// The rate at a step (1-based; step 0 is before the first update and has rate 0 in warmup).
    public func rate(at step: Double) -> Double {
        if warmupSteps > 0 && step <= warmupSteps { return peak * max(0, step) / warmupSteps }
        let final = finalRatio * peak
        switch shape {
        case .constant:
            return peak
        case .cosine, .linear:
            let span = max(totalSteps - warmupSteps, 1)
            let progress = min(1, max(0, (step - warmupSteps) / span))
            return shape == .cosine
                ? final + (peak - final) * 0.5 * (1 + cos(Double.pi * progress))
                : peak + (final - peak) * progress
        case .wsd:
            let decayStart = max(warmupSteps, totalSteps - decaySteps)
            guard step > decayStart else { return peak }
            let progress = min(1, (step - decayStart) / max(totalSteps - decayStart, 1))
            return peak + (final - peak) * progress
        }
    }

    /// The rate at every step 1...steps (index 0 is step 1).
    public func rates(through steps: Int) -> [Double] {
        (0..<max(steps, 0)).map { rate(at: Double($0 + 1)) }
    }
}

extension RateSchedule {
    /// The schedule a configuration states, nil when it states none: it needs the peak rate,
    /// the total steps (or tokens and batch tokens) and a schedule name or warmup. An unknown
    /// schedule name is an error, not a guess.
    public init?(configuration: [String: ConfigValue]) throws {
        guard let peak = configuration[ConfigKey.lr]?.number, peak > 0 else { return nil }
        guard let total = Configuration(configuration).totalSteps, total >= 1 else { return nil }
        let name = configuration[ConfigKey.lrSchedule]?.text
        guard name != nil || configuration[ConfigKey.warmupSteps] != nil else { return nil }
        let shape = try name.map { try RateSchedule.shape(named: $0) } ?? RateSchedule.unnamedShape
        var finalRatio = configuration[ConfigKey.finalLRRatio]?.number
        if finalRatio == nil, let minimum = configuration[ConfigKey.minLR]?.number { finalRatio = minimum / peak }
        var decay = configuration[ConfigKey.cooldownSteps]?.number.flatMap { $0 > 0 ? $0 : nil }
        if decay == nil, let fraction = configuration[ConfigKey.decayFraction]?.number { decay = fraction * total }
        self.init(
            shape: shape, peak: peak, warmupSteps: configuration[ConfigKey.warmupSteps]?.number ?? 0, totalSteps: total,
            finalRatio: finalRatio ?? (shape == .constant ? 1 : 0.1), decaySteps: decay)
    }
}
