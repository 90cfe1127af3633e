// Seeded weight initialisers. Fan-in is the input width of a (In, Out) weight.
import Foundation
import Tensors

public enum Initializer: String, Sendable, Codable, CaseIterable {
    /// U(-a, a), a = sqrt(6 / (fanIn + fanOut)) (Glorot and Bengio 2010).
    case xavierUniform
    /// N(0, 2 / (fanIn + fanOut)).
    case xavierNormal
    /// N(0, 2 / fanIn) (He et al. 2015), for ReLU layers.
    case heNormal
    /// U(-a, a), a = sqrt(6 / fanIn).
    case heUniform
    case zeros

    /// A (fanIn, fanOut) weight drawn from this distribution.
    public func weight(fanIn: Int, fanOut: Int, using generator: inout SeededGenerator) -> Tensor {
        let shape = [fanIn, fanOut]
        switch self {
        case .xavierUniform:
            let bound = Float((6.0 / Double(fanIn + fanOut)).squareRoot())
            return .randomUniform(shape: shape, lower: -bound, upper: bound, using: &generator)
        case .xavierNormal:
            let deviation = Float((2.0 / Double(fanIn + fanOut)).squareRoot())
            return .randomNormal(shape: shape, standardDeviation: deviation, using: &generator)
        case .heNormal:
            let deviation = Float((2.0 / Double(fanIn)).squareRoot())
            return .randomNormal(shape: shape, standardDeviation: deviation, using: &generator)
        case .heUniform:
            let bound = Float((6.0 / Double(fanIn)).squareRoot())
            return .randomUniform(shape: shape, lower: -bound, upper: bound, using: &generator)
        case .zeros:
            return Tensor(zeros: shape)
        }
    }
}
