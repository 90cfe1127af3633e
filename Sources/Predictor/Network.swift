// The predictor networks. Both read the encoded numbers (B, 2F: values, then missing flags)
// and one index per categorical field, and return three heads per row (B, 3): the mean of
// the normalised residual, its log-variance, and the divergence logit.
//   mlp:         category embeddings concatenated with the numbers, through an MLP.
//   transformer: one token per field (see FieldTransformer.swift), attention, pooled.
import Autograd
import Foundation
import Layers
import Tensors

/// The networks a predictor can be; the raw value is the name in checkpoints and options.
public enum NetworkKind: String, CaseIterable, Codable, Sendable {
    case mlp, transformer
}

public struct Architecture: Codable, Sendable, Equatable {
    public var model = NetworkKind.mlp
    /// mlp: the hidden widths.
    public var hidden = [256, 256, 256]
    /// mlp: the width of each category's embedding.
    public var embeddingWidth = 4
    public var activation = Activation.gelu
    /// transformer: token width, attention layers and heads.
    public var width = 64
    public var layers = 2
    public var heads = 4
    public init() {}

    enum CodingKeys: String, CodingKey { case model, hidden, embeddingWidth, activation, width, layers, heads }

    /// Checkpoints written before the transformer existed have no width, layers or heads.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        model = try container.decode(NetworkKind.self, forKey: .model)
        hidden = try container.decode([Int].self, forKey: .hidden)
        embeddingWidth = try container.decode(Int.self, forKey: .embeddingWidth)
        activation = try container.decode(Activation.self, forKey: .activation)
        width = try container.decodeIfPresent(Int.self, forKey: .width) ?? 64
        layers = try container.decodeIfPresent(Int.self, forKey: .layers) ?? 2
        heads = try container.decodeIfPresent(Int.self, forKey: .heads) ?? 4
    }
}

/// A network the predictor can hold: numbers and categories in, (B, 3) out.
protocol PredictorModel: Layer {
    /// numeric (B, 2F); categories[feature][row]. Returns (B, 3).
    func callAsFunction(numeric: Tensor, categories: [[Int]]) -> Variable
}

enum PredictorNetworks {
    static func make(encoder: FeatureEncoder, architecture: Architecture, using generator: inout SeededGenerator) -> any PredictorModel {
        switch architecture.model {
        case .transformer: FieldTransformer(encoder: encoder, architecture: architecture, using: &generator)
        case .mlp: PredictorNetwork(encoder: encoder, architecture: architecture, using: &generator)
        }
    }
}

final class PredictorNetwork: PredictorModel {
    let embeddings: [Variable]  // (vocabulary + 1, E) each
    let body: MultilayerPerceptron  // (inputs + E * categories) -> hidden -> 3

    init(encoder: FeatureEncoder, architecture: Architecture, using generator: inout SeededGenerator) {
        embeddings = encoder.categorical.map { feature in
            Variable(
                Tensor.randomNormal(
                    shape: [feature.vocabulary.count + 1, architecture.embeddingWidth], standardDeviation: 0.1,
                    using: &generator), requiresGradient: true)
        }
        let width = encoder.inputWidth + architecture.embeddingWidth * encoder.categorical.count
        body = MultilayerPerceptron(sizes: [width] + architecture.hidden + [3], activation: architecture.activation, using: &generator)
    }

    var namedParameters: [(name: String, variable: Variable)] {
        embeddings.enumerated().map { ("embedding.\($0.offset)", $0.element) }
            + body.namedParameters.map { ("body." + $0.name, $0.variable) }
    }

    func callAsFunction(numeric: Tensor, categories: [[Int]]) -> Variable {
        let rows = numeric.shape[0]
        var parts = [Variable(numeric)]
        for (table, indices) in zip(embeddings, categories) {
            parts.append(gather(table, indices: indices, indexShape: [rows]))
        }
        return body(parts.count == 1 ? parts[0] : concatenate(parts, alongAxis: 1))
    }
}
