// A training configuration as one value: the recipe's fields under canonical keys, grouped
// into the sections a recipe has (model, optimizer, data, schedule), with the schedule in
// closed form and the quantities a prediction reads (N, D, batch tokens, total steps)
// derived once. Every way a configuration arrives (the flat JSON `--config` takes, the
// nested `config.json` of a run folder, YAML, an HTTP body) is read by
// `Configuration.read` (Configuration+Reading.swift) into this type.
//
// Not a run: a configuration has no losses. `ConfigurationRun` makes the run the predictor
// reads from it, with points at the steps asked for.
import Foundation

public struct Configuration: Equatable, Sendable {
    /// Every field under its canonical key (ConfigKey), extras under their own names.
    public private(set) var values: [String: ConfigValue]

    /// A configuration from canonical fields, as given; `completed()` derives what follows.
    public init(_ values: [String: ConfigValue] = [:]) {
        self.values = values
    }

    public subscript(key: String) -> ConfigValue? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// The fields of one section (fields the table does not know are the optimizer's extras
    /// when read under `optimizer`, else the run's).
    public func section(_ section: ConfigurationField.Section) -> [String: ConfigValue] {
        values.filter { key, _ in
            (ConfigurationField.named(key)?.section ?? extraSections[key] ?? .run) == section
        }
    }

    /// Where the reader found fields the table does not know (an optimizer's extras), so
    /// `section(_:)` files them under the section they came from.
    var extraSections: [String: ConfigurationField.Section] = [:]

    // MARK: - What a prediction reads

    /// N, the parameter count: stated, else from the architecture (ParameterCount).
    public var parameters: Double? { values[ConfigKey.params]?.number ?? ParameterCount.total(configuration: values) }
    /// Tokens per step: stated, else sequences x sequence length, else D over the stated
    /// total steps.
    public var batchTokens: Double? {
        values[ConfigKey.batchSizeTokens]?.number
            ?? values[ConfigKey.batchSizeSeqs]?.number.flatMap { sequences in values[ConfigKey.seqLen]?.number.map { sequences * $0 } }
            ?? values[ConfigKey.tokens]?.number.flatMap { tokens in
                values[ConfigKey.totalSteps]?.number.flatMap { steps in steps > 0 ? tokens / steps : nil }
            }
    }
    /// D, the training tokens: stated, else total steps x batch tokens.
    public var tokens: Double? {
        values[ConfigKey.tokens]?.number ?? values[ConfigKey.totalSteps]?.number.flatMap { steps in batchTokens.map { steps * $0 } }
    }
    /// Total steps: stated, else D over batch tokens, rounded. The one rule: the schedule
    /// (RateSchedule) and the encoder read total steps from here.
    public var totalSteps: Double? {
        values[ConfigKey.totalSteps]?.number
            ?? values[ConfigKey.tokens]?.number.flatMap { tokens in batchTokens.map { (tokens / $0).rounded() } }
    }
    public var optimizerName: String? { values[ConfigKey.optimizer]?.text }
    /// The learning-rate schedule in closed form, nil when the configuration states none.
    public var schedule: RateSchedule? { try? RateSchedule(configuration: completed().values) }

    /// The configuration with what follows from it filled in: batch tokens from sequences,
    /// total steps from D, D from steps, N from the architecture.
    public func completed() -> Configuration {
        var result = self
        if values[ConfigKey.batchSizeTokens] == nil, let batchTokens { result.values[ConfigKey.batchSizeTokens] = .number(batchTokens) }
        if values[ConfigKey.totalSteps] == nil, let totalSteps { result.values[ConfigKey.totalSteps] = .number(totalSteps) }
        if values[ConfigKey.tokens] == nil, let tokens { result.values[ConfigKey.tokens] = .number(tokens) }
        if values[ConfigKey.params] == nil, let parameters { result.values[ConfigKey.params] = .number(parameters) }
        return result
    }

    /// Refuses a configuration a prediction cannot be made from, naming what is missing: it
    /// needs N (or the architecture: d_model, n_layers, vocab_size) and D (or total steps
    /// and the batch), and a schedule it can read.
    public func checkPredictable(origin: String = "configuration") throws {
        guard parameters != nil else {
            throw IngestError(
                file: origin, field: ConfigKey.params, problem: "no parameter count",
                expected: "params (N, e.g. 1e9), or the architecture: d_model, n_layers and vocab_size")
        }
        guard tokens != nil else {
            throw IngestError(
                file: origin, field: ConfigKey.tokens, problem: "no training length",
                expected: "tokens (D, e.g. 2e10), or total_steps with batch_size_tokens (or batch_size_seqs and seq_len)")
        }
        _ = try RateSchedule(configuration: completed().values)
    }
}
