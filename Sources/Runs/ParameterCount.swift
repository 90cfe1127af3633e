// A decoder-only transformer's parameter count from its shape, for recipes that state the
// architecture but not N. Per layer: attention's query and output projections (d x h dh
// each) and key and value projections (d x kv dh each), and the feed-forward block, two
// matrices of d x d_ff, or three for a gated one (SwiGLU, GeGLU). The token embedding is
// vocab x d, and the output head another unless the embeddings are tied. Norms and biases
// (a few d per layer) are left out: under 0.1% at the sizes here.
//
// Marin's 130M shape (32 layers, d 512, d_ff 1365, SwiGLU, vocab 32,000, untied) gives
// 133.5M; nanochat's depth 12 (d 768, 6 heads of 128, d_ff 3072, ReLU^2, vocab 8,192,
// untied) gives 97.5M.
import Foundation

public enum ParameterCount {
    /// Activations whose feed-forward block has a gate (three matrices).
    public static let gatedActivations: Set<String> = ["swiglu", "geglu", "reglu", "glu", "silu_glu", "gated_gelu"]

    /// N with embeddings, or nil when the shape is incomplete.
    public static func total(configuration: [String: ConfigValue]) -> Double? {
        guard let layers = configuration[ConfigKey.nLayers]?.number, let width = configuration[ConfigKey.dModel]?.number,
            let vocabulary = configuration[ConfigKey.vocabSize]?.number, layers > 0, width > 0, vocabulary > 0
        else { return nil }
        let heads = configuration[ConfigKey.nHeads]?.number
        let headWidth = configuration[ConfigKey.headDim]?.number ?? heads.map { width / $0 } ?? width
        let queryWidth = (heads ?? width / headWidth) * headWidth
        let keyValueWidth = (configuration[ConfigKey.keyValueHeads]?.number ?? heads ?? width / headWidth) * headWidth
        let attention = 2 * width * queryWidth + 2 * width * keyValueWidth
        let gated = gatedActivations.contains(configuration[ConfigKey.activation]?.text?.lowercased() ?? "")
        let hidden = configuration[ConfigKey.ffnDim]?.number ?? 4 * width
        let feedForward = (gated ? 3 : 2) * width * hidden
        let tied = configuration[ConfigKey.tiedEmbeddings]?.flag ?? false
        return layers * (attention + feedForward) + vocabulary * width * (tied ? 1 : 2)
    }
}
