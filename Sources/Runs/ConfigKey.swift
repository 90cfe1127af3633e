// The canonical configuration keys, their units and the names logs use for them.
// Every count is in plain units (tokens, not "B tokens"; parameters, not "M").
public enum ConfigKey {
    public static let params = "params"  // N, see the run's parameter convention
    public static let paramsNonEmbedding = "params_non_embedding"
    public static let paramsActive = "params_active"
    public static let tokens = "tokens"  // D, training tokens
    public static let uniqueTokens = "unique_tokens"
    public static let lr = "lr"  // peak learning rate
    public static let minLR = "min_lr"
    public static let lrSchedule = "lr_schedule"
    public static let warmupSteps = "warmup_steps"
    public static let totalSteps = "total_steps"
    public static let batchSizeTokens = "batch_size_tokens"
    public static let batchSizeSeqs = "batch_size_seqs"
    public static let seqLen = "seq_len"
    public static let weightDecay = "weight_decay"
    public static let beta1 = "beta1"
    public static let beta2 = "beta2"
    public static let gradClip = "grad_clip"
    public static let optimizer = "optimizer"
    public static let dModel = "d_model"
    public static let nLayers = "n_layers"
    public static let nHeads = "n_heads"
    public static let ffnDim = "ffn_dim"
    public static let headDim = "head_dim"
    public static let keyValueHeads = "n_kv_heads"
    public static let tiedEmbeddings = "tied_embeddings"
    public static let vocabSize = "vocab_size"
    public static let numExperts = "num_experts"
    public static let expertsPerToken = "experts_per_token"
    public static let dataset = "dataset"
    public static let evalDataset = "eval_dataset"
    public static let tokenizer = "tokenizer"
    public static let finalLRRatio = "final_lr_ratio"  // the final rate over the peak
    public static let cooldownSteps = "cooldown_steps"  // a WSD schedule's decay length
    public static let decayFraction = "decay_fraction"  // the same as a fraction of total steps
    public static let eps = "eps"
    public static let activation = "activation"
    public static let normType = "norm_type"
    public static let evalInterval = "eval_interval"

    /// Canonical keys that must be positive when present.
    public static let positive: Set<String> = [
        params, paramsNonEmbedding, paramsActive, tokens, uniqueTokens, lr, totalSteps,
        batchSizeTokens, batchSizeSeqs, seqLen, dModel, nLayers, nHeads, ffnDim, vocabSize, numExperts
    ]

    /// Names that logs and configs commonly use, mapped to the canonical key.
    public static let aliases: [String: String] = [
        "n_params": params, "num_params": params, "parameters": params, "model_params": params, "n": params,
        "non_embedding_params": paramsNonEmbedding, "params_no_embed": paramsNonEmbedding,
        "train_tokens": tokens, "num_tokens": tokens, "total_tokens": tokens, "d": tokens,
        "learning_rate": lr, "peak_lr": lr, "max_lr": lr, "lr_peak": lr, "learning_rate_peak": lr,
        "min_learning_rate": minLR, "lr_min": minLR, "final_lr": minLR,
        "scheduler": lrSchedule, "schedule": lrSchedule, "lr_scheduler": lrSchedule, "lr_decay_style": lrSchedule,
        "warmup": warmupSteps, "lr_warmup_steps": warmupSteps, "warmup_iters": warmupSteps,
        "max_steps": totalSteps, "train_steps": totalSteps, "max_iters": totalSteps, "train_iters": totalSteps,
        "batch_size_in_tokens": batchSizeTokens, "global_batch_size_tokens": batchSizeTokens,
        "batch_size": batchSizeSeqs, "global_batch_size": batchSizeSeqs, "global_bs_seqs": batchSizeSeqs,
        "sequence_length": seqLen, "max_seq_len": seqLen, "block_size": seqLen, "context_length": seqLen,
        "wd": weightDecay, "adam_beta1": beta1, "adam_beta2": beta2,
        "max_grad_norm": gradClip, "gradient_clipping": gradClip, "clip_grad": gradClip,
        "optim": optimizer, "hidden_size": dModel, "n_embd": dModel, "d_embed": dModel, "dim": dModel,
        "n_layer": nLayers, "num_layers": nLayers, "num_hidden_layers": nLayers, "depth": nLayers,
        "n_head": nHeads, "num_heads": nHeads, "num_attention_heads": nHeads,
        "intermediate_size": ffnDim, "ffn_hidden_size": ffnDim, "mlp_dim": ffnDim,
        "vocab": vocabSize, "padded_vocab_size": vocabSize, "n_experts": numExperts, "moe_num_experts": numExperts,
        "d_ff": ffnDim, "batch_tokens": batchSizeTokens, "tokens_total": tokens, "min_lr_ratio": finalLRRatio,
        "lr_final_ratio": finalLRRatio, "warmdown_ratio": decayFraction, "cooldown_ratio": decayFraction,
        "decay_ratio": decayFraction, "cooldown": cooldownSteps, "decay_steps": cooldownSteps, "warmdown_steps": cooldownSteps,
        "adam_eps": eps, "epsilon": eps, "eval_dataset_name": evalDataset, "eval_every": evalInterval
    ]

    /// The canonical key for a field name, or the name itself when it has none.
    public static func canonical(_ name: String) -> String {
        let lowered = name.lowercased()
        if positive.contains(lowered)
            || [
                minLR, lrSchedule, warmupSteps, weightDecay, beta1, beta2, gradClip,
                optimizer, dataset, expertsPerToken, evalDataset, tokenizer, finalLRRatio,
                cooldownSteps, decayFraction, eps, activation, normType, evalInterval
            ].contains(lowered)
        {
            return lowered
        }
        return aliases[lowered] ?? name
    }
}

/// Multipliers for the units a mapping file may give a count in.
public enum CountUnit {
    public static let multipliers: [String: Double] = [
        "": 1, "1": 1, "tokens": 1, "count": 1, "params": 1, "parameters": 1,
        "k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6,
        "b": 1e9, "g": 1e9, "billion": 1e9, "t": 1e12, "trillion": 1e12
    ]

    /// The factor for a unit name, or nil when the unit is unknown.
    public static func multiplier(_ unit: String) -> Double? {
        multipliers[unit.lowercased().trimmingCharacters(in: .whitespaces)]
    }
}
