// From a list of hidden-layer widths to a parameter count. A fully connected network
// input -> w1 -> ... -> wk -> output, counting weights and biases of every layer:
//   P = first + sum_{i=2..k} (w_{i-1} w_i + w_i) + (w_k out + out)
//   first = in w1 + w1    (FirstLayerRule.inputTimesWidth, default, in = 512)
//   first = w1 w1 + w1    (FirstLayerRule.widthSquared, the seed's "input connections squared")
// The references: [128, 128] -> 83,466; [1024, 1024] -> 1,585,162; [2048, 2048] -> 5,267,466.
public enum ParameterCount {
    public static func of(
        layers: [Int], inputDimension: Int = 512, outputDimension: Int = 10,
        firstLayer: FirstLayerRule = .inputTimesWidth
    ) throws -> Int {
        guard let first = layers.first, let last = layers.last else {
            throw SimulatorError.invalidField(field: "layers", value: "[]", hint: "at least one hidden-layer width, e.g. [1024, 1024]")
        }
        for (index, width) in layers.enumerated() where width < 1 || width > 1 << 20 {
            throw SimulatorError.invalidField(field: "layers[\(index)]", value: "\(width)", hint: "a width between 1 and 1048576")
        }
        let fanIn = firstLayer == .inputTimesWidth ? inputDimension : first
        var total = fanIn * first + first
        for (previous, width) in zip(layers, layers.dropFirst()) { total += previous * width + width }
        total += last * outputDimension + outputDimension
        return total
    }
}
