// Dense layers and the multilayer perceptron built from them.
import Autograd
import Tensors

/// Anything with named trainable parameters, which is what optimisers and checkpoints see.
public protocol Layer {
    /// Parameters with names unique within the layer ("weight", "layers.0.bias", ...).
    var namedParameters: [(name: String, variable: Variable)] { get }
}

extension Layer {
    public var parameters: [Variable] { namedParameters.map(\.variable) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
}

public enum Activation: String, Sendable, Codable, CaseIterable {
    case relu, gelu, tanh, sigmoid, softplus

    public func apply(_ x: Variable) -> Variable {
        switch self {
        case .relu: x.relu()
        case .gelu: x.gelu()
        case .tanh: x.tanh()
        case .sigmoid: x.sigmoid()
        case .softplus: x.softplus()
        }
    }
}

/// y = x W + b with W (In, Out) and b (Out).
public struct Dense: Layer {
    public let weight: Variable  // (In, Out)
    public let bias: Variable  // (Out)

    public init(
        inputSize: Int, outputSize: Int, initializer: Initializer = .xavierUniform,
        using generator: inout SeededGenerator
    ) {
        weight = Variable(
            initializer.weight(fanIn: inputSize, fanOut: outputSize, using: &generator),
            requiresGradient: true, name: "weight")
        bias = Variable(Tensor(zeros: [outputSize]), requiresGradient: true, name: "bias")
    }

    public var namedParameters: [(name: String, variable: Variable)] {
        [("weight", weight), ("bias", bias)]
    }

    public func callAsFunction(_ input: Variable) -> Variable {  // (..., In) -> (..., Out)
        linear(input, weight: weight, bias: bias)
    }
}

/// Dense layers with an activation between them (none after the last).
public struct MultilayerPerceptron: Layer {
    public let layers: [Dense]
    public let activation: Activation

    /// `sizes` = [input, hidden..., output].
    public init(sizes: [Int], activation: Activation = .relu, using generator: inout SeededGenerator) {
        precondition(sizes.count >= 2, "an MLP needs an input and an output size, got \(sizes)")
        let initializer: Initializer = activation == .relu ? .heNormal : .xavierUniform
        layers = zip(sizes, sizes.dropFirst()).enumerated().map { index, pair in
            Dense(
                inputSize: pair.0, outputSize: pair.1,
                initializer: index == sizes.count - 2 ? .xavierUniform : initializer, using: &generator)
        }
        self.activation = activation
    }

    public var namedParameters: [(name: String, variable: Variable)] {
        layers.enumerated().flatMap { index, layer in
            layer.namedParameters.map { ("layers.\(index).\($0.name)", $0.variable) }
        }
    }

    public func callAsFunction(_ input: Variable) -> Variable {  // (B, In) -> (B, Out)
        var x = input
        for (index, layer) in layers.enumerated() {
            x = layer(x)
            if index < layers.count - 1 { x = activation.apply(x) }
        }
        return x
    }
}
