// Layer norm, multi-head self-attention and the pre-norm transformer block, over sets of
// tokens (B, T, W). A key mask takes tokens out of attention (a field the run did not log),
// so a set of any size goes through the same weights.
import Autograd
import Foundation
import Tensors

/// (x - mean) / deviation * gain + bias over the last axis.
public struct LayerNorm: Layer {
    public let gain: Variable  // (W)
    public let bias: Variable  // (W)

    public init(width: Int) {
        gain = Variable(Tensor(shape: [width], scalars: [Float](repeating: 1, count: width)), requiresGradient: true, name: "gain")
        bias = Variable(Tensor(zeros: [width]), requiresGradient: true, name: "bias")
    }

    public var namedParameters: [(name: String, variable: Variable)] { [("gain", gain), ("bias", bias)] }

    public func callAsFunction(_ input: Variable) -> Variable { input.layerNorm(gain: gain, bias: bias) }
}

/// softmax(Q K^T / sqrt(d) + mask) V per head, then an output projection.
/// Q, K, V come from one (W, 3W) product; heads split W into H parts of d = W / H.
public struct MultiHeadSelfAttention: Layer {
    public let heads: Int
    public let projection: Dense  // (W, 3W)
    public let output: Dense  // (W, W)

    public init(width: Int, heads: Int, using generator: inout SeededGenerator) {
        precondition(width % heads == 0, "attention width \(width) must be a multiple of the head count \(heads)")
        self.heads = heads
        projection = Dense(inputSize: width, outputSize: 3 * width, using: &generator)
        output = Dense(inputSize: width, outputSize: width, using: &generator)
    }

    public var namedParameters: [(name: String, variable: Variable)] {
        projection.namedParameters.map { ("projection." + $0.name, $0.variable) }
            + output.namedParameters.map { ("output." + $0.name, $0.variable) }
    }

    /// x (B, T, W); keyMask (B * H, 1, T) of 0 (attend) or a large negative number (ignore),
    /// from `keyMask(_:heads:)`. Returns (B, T, W).
    public func callAsFunction(_ x: Variable, keyMask: Tensor?) -> Variable {
        let (batch, tokens, width) = (x.shape[0], x.shape[1], x.shape[2])
        let depth = width / heads
        let qkv = projection(x)  // (B, T, 3W)
        func split(_ part: Int) -> Variable {  // (B * H, T, d)
            qkv.slice(alongAxis: 2, (part * width)..<((part + 1) * width))
                .reshaped([batch, tokens, heads, depth]).permuted([0, 2, 1, 3]).reshaped([batch * heads, tokens, depth])
        }
        let (query, key, value) = (split(0), split(1), split(2))
        var scores = matmul(query, key, transposeB: true) * (1 / Float(depth).squareRoot())  // (B * H, T, T)
        if let keyMask { scores = scores + Variable(keyMask) }
        let mixed = matmul(scores.softmax(), value)  // (B * H, T, d)
        let merged = mixed.reshaped([batch, heads, tokens, depth]).permuted([0, 2, 1, 3]).reshaped([batch, tokens, width])
        return output(merged)
    }

    /// The additive mask for `present` (B, T) flags (1 = a real token): (B * H, 1, T).
    public static func keyMask(_ present: [[Bool]], heads: Int) -> Tensor {
        let tokens = present.first?.count ?? 0
        var scalars = [Float]()
        scalars.reserveCapacity(present.count * heads * tokens)
        for row in present {
            let line = row.map { $0 ? Float(0) : -1e4 }
            for _ in 0..<heads { scalars += line }
        }
        return Tensor(shape: [present.count * heads, 1, tokens], scalars: scalars)
    }
}

/// x + attention(norm(x)), then x + MLP(norm(x)) with a hidden width of `expansion` x W.
public struct TransformerBlock: Layer {
    public let attentionNorm: LayerNorm
    public let attention: MultiHeadSelfAttention
    public let feedForwardNorm: LayerNorm
    public let feedForward: MultilayerPerceptron  // W -> expansion W -> W

    public init(width: Int, heads: Int, expansion: Int = 2, activation: Activation = .gelu, using generator: inout SeededGenerator) {
        attentionNorm = LayerNorm(width: width)
        attention = MultiHeadSelfAttention(width: width, heads: heads, using: &generator)
        feedForwardNorm = LayerNorm(width: width)
        feedForward = MultilayerPerceptron(sizes: [width, expansion * width, width], activation: activation, using: &generator)
    }

    public var namedParameters: [(name: String, variable: Variable)] {
        attentionNorm.namedParameters.map { ("attention_norm." + $0.name, $0.variable) }
            + attention.namedParameters.map { ("attention." + $0.name, $0.variable) }
            + feedForwardNorm.namedParameters.map { ("feed_forward_norm." + $0.name, $0.variable) }
            + feedForward.namedParameters.map { ("feed_forward." + $0.name, $0.variable) }
    }

    /// (B, T, W) -> (B, T, W).
    public func callAsFunction(_ x: Variable, keyMask: Tensor?) -> Variable {
        let attended = x + attention(attentionNorm(x), keyMask: keyMask)
        return attended + feedForward(feedForwardNorm(attended))
    }
}
