// The predictor network: learned embeddings for the categorical fields, concatenated with
// the encoded numbers, through an MLP to three heads per row: the mean of the normalised
// residual, its log-variance, and the divergence logit.
import Autograd
import Foundation
import Layers
import Tensors

public struct Architecture: Codable, Sendable, Equatable {
    public var model = "mlp"
    public var hidden = [256, 256, 256]
    public var embeddingWidth = 4
    public var activation = Activation.gelu
    public init() {}
}

final class PredictorNetwork: Layer {
    let embeddings: [Variable]           // (vocabulary + 1, E) each
    let body: MultilayerPerceptron       // (inputs + E * categories) -> hidden -> 3

    init(encoder: FeatureEncoder, architecture: Architecture, using generator: inout SeededGenerator) {
        embeddings = encoder.categorical.map { feature in
            Variable(Tensor.randomNormal(shape: [feature.vocabulary.count + 1, architecture.embeddingWidth], standardDeviation: 0.1,
                                         using: &generator), requiresGradient: true)
        }
        let width = encoder.inputWidth + architecture.embeddingWidth * encoder.categorical.count
        body = MultilayerPerceptron(sizes: [width] + architecture.hidden + [3], activation: architecture.activation, using: &generator)
    }

    var namedParameters: [(name: String, variable: Variable)] {
        embeddings.enumerated().map { ("embedding.\($0.offset)", $0.element) } + body.namedParameters.map { ("body." + $0.name, $0.variable) }
    }

    /// numeric (B, F); categories[feature][row]. Returns (B, 3).
    func callAsFunction(numeric: Tensor, categories: [[Int]]) -> Variable {
        let rows = numeric.shape[0]
        var parts = [Variable(numeric)]
        for (table, indices) in zip(embeddings, categories) {
            parts.append(gather(table, indices: indices, indexShape: [rows]))
        }
        return body(parts.count == 1 ? parts[0] : concatenate(parts, alongAxis: 1))
    }
}
