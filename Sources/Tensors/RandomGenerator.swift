// Random tensors from the seeded generator (Sources/Randomness), which this module
// re-exports so that `import Tensors` still brings it.
@_exported import Randomness

extension Tensor {
    public static func randomUniform(
        shape: [Int], lower: Float = 0, upper: Float = 1,
        using generator: inout SeededGenerator
    ) -> Tensor {
        let values = (0..<shape.product).map { _ in lower + (upper - lower) * Float(generator.nextUniform()) }
        return Tensor(shape: shape, scalars: values)
    }

    public static func randomNormal(
        shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
        using generator: inout SeededGenerator
    ) -> Tensor {
        let values = (0..<shape.product).map { _ in mean + standardDeviation * Float(generator.nextNormal()) }
        return Tensor(shape: shape, scalars: values)
    }
}
