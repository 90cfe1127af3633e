// The fields a training configuration may state: each canonical key with the recipe section
// it belongs to and the kind of value it takes. `Configuration.read` checks every field a
// user gives against this table (type, sign, range) and refuses a key it does not know,
// naming the nearest one. The names logs use for the same fields are ConfigKey.aliases.
//
// Not here: optimizer-specific extras (`preconditioner_lr`, `momentum`, ...), which any
// optimizer may add under its own section, and whatever an importer keeps from a log.
public struct ConfigurationField: Sendable {
    public enum Section: String, CaseIterable, Sendable {
        case model, optimizer, data, schedule, run
    }

    public enum Kind: Sendable, Equatable {
        /// A count or size: a number above zero.
        case positive
        /// A number, zero or more.
        case nonNegative
        /// A fraction from 0 to 1.
        case fraction
        case text
        case flag
    }

    public var key: String
    public var section: Section
    public var kind: Kind

    public init(_ key: String, _ section: Section, _ kind: Kind) {
        self.key = key
        self.section = section
        self.kind = kind
    }

    /// What a value of this kind looks like, for errors.
    public var expected: String {
        switch kind {
        case .positive: "a number above 0"
        case .nonNegative: "a number, 0 or more"
        case .fraction: "a number from 0 to 1"
        case .text: "a name (a string)"
        case .flag: "true or false"
        }
    }
}

extension ConfigurationField {
    /// Every field a configuration may state, by section.
    public static let all: [ConfigurationField] = [
        .init(ConfigKey.params, .model, .positive), .init(ConfigKey.paramsNonEmbedding, .model, .positive),
        .init(ConfigKey.paramsActive, .model, .positive), .init(ConfigKey.dModel, .model, .positive),
        .init(ConfigKey.nLayers, .model, .positive), .init(ConfigKey.nHeads, .model, .positive),
        .init(ConfigKey.ffnDim, .model, .positive), .init(ConfigKey.headDim, .model, .positive),
        .init(ConfigKey.keyValueHeads, .model, .positive), .init(ConfigKey.vocabSize, .model, .positive),
        .init(ConfigKey.numExperts, .model, .positive), .init(ConfigKey.expertsPerToken, .model, .positive),
        .init(ConfigKey.tiedEmbeddings, .model, .flag), .init(ConfigKey.activation, .model, .text),
        .init(ConfigKey.normType, .model, .text), .init("arch", .model, .text), .init("rope", .model, .flag),

        .init(ConfigKey.optimizer, .optimizer, .text), .init(ConfigKey.lr, .optimizer, .positive),
        .init(ConfigKey.minLR, .optimizer, .nonNegative), .init(ConfigKey.weightDecay, .optimizer, .nonNegative),
        .init(ConfigKey.beta1, .optimizer, .fraction), .init(ConfigKey.beta2, .optimizer, .fraction),
        .init(ConfigKey.eps, .optimizer, .nonNegative), .init(ConfigKey.gradClip, .optimizer, .nonNegative),

        .init(ConfigKey.dataset, .data, .text), .init(ConfigKey.tokenizer, .data, .text), .init(ConfigKey.evalDataset, .data, .text),
        .init(ConfigKey.seqLen, .data, .positive), .init(ConfigKey.batchSizeTokens, .data, .positive),
        .init(ConfigKey.batchSizeSeqs, .data, .positive), .init(ConfigKey.tokens, .data, .positive),
        .init(ConfigKey.uniqueTokens, .data, .positive),

        .init(ConfigKey.lrSchedule, .schedule, .text), .init(ConfigKey.warmupSteps, .schedule, .nonNegative),
        .init(ConfigKey.totalSteps, .schedule, .positive), .init(ConfigKey.cooldownSteps, .schedule, .nonNegative),
        .init(ConfigKey.decayFraction, .schedule, .fraction), .init(ConfigKey.finalLRRatio, .schedule, .nonNegative),

        .init(ConfigKey.evalInterval, .run, .positive), .init("precision", .run, .text), .init("source", .run, .text)
    ]

    /// The field for a canonical key, nil when the table does not know it.
    public static func named(_ key: String) -> ConfigurationField? { byKey[key] }

    static let byKey = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })

    /// Every name a user may type for a known field: the canonical keys and their aliases.
    public static let typeableNames: [String] = all.map(\.key) + ConfigKey.aliases.keys.filter { byKey[ConfigKey.aliases[$0]!] != nil }

    /// A section's own name for a field, where it differs from the key (`optimizer.name`).
    public static let namesInSections: [String: String] = [
        "optimizer.name": ConfigKey.optimizer, "optimizer.type": ConfigKey.optimizer,
        "schedule.name": ConfigKey.lrSchedule, "schedule.type": ConfigKey.lrSchedule, "schedule.shape": ConfigKey.lrSchedule,
        "data.name": ConfigKey.dataset, "model.name": "arch", "model.type": "arch"
    ]
}
