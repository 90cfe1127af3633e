// Forward-mode automatic differentiation for the small laws: a law is written once, generic
// over LawScalar, and evaluated in Double for its value or in Dual for its value and
// gradient with respect to up to eight parameters in one pass.
import Foundation

public protocol LawScalar {
    init(_ value: Double)
    var value: Double { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    static prefix func - (a: Self) -> Self
    func exp() -> Self
    func log() -> Self
}

extension LawScalar {
    /// a^b for a > 0, as exp(b log a).
    public func power(_ exponent: Self) -> Self { (exponent * log()).exp() }
    public static func + (a: Self, b: Double) -> Self { a + Self(b) }
    public static func - (a: Self, b: Double) -> Self { a - Self(b) }
    public static func * (a: Self, b: Double) -> Self { a * Self(b) }
    public static func / (a: Self, b: Double) -> Self { a / Self(b) }
    public static func * (a: Double, b: Self) -> Self { Self(a) * b }
    public static func - (a: Double, b: Self) -> Self { Self(a) - b }
    public static func + (a: Double, b: Self) -> Self { Self(a) + b }
    public static func / (a: Double, b: Self) -> Self { Self(a) / b }

    /// log(e^a + e^b), without overflow and without allocating.
    public static func logSumExp(_ a: Self, _ b: Self) -> Self {
        let largest = Swift.max(a.value, b.value)
        return ((a - largest).exp() + (b - largest).exp()).log() + largest
    }

    /// log(e^a + e^b + e^c), without overflow and without allocating.
    public static func logSumExp(_ a: Self, _ b: Self, _ c: Self) -> Self {
        let largest = Swift.max(a.value, b.value, c.value)
        return ((a - largest).exp() + (b - largest).exp() + (c - largest).exp()).log() + largest
    }

    /// log(e^a + e^b + ...), computed without overflow.
    public static func logSumExp(_ terms: [Self]) -> Self {
        let largest = terms.map(\.value).max() ?? 0
        var total = Self(0)
        for term in terms { total = total + (term - largest).exp() }
        return total.log() + largest
    }
}

extension Double: LawScalar {
    public var value: Double { self }
    public func exp() -> Double { Foundation.exp(self) }
    public func log() -> Double { Foundation.log(self) }
}

/// A value and its partial derivatives with respect to (at most 8) parameters.
public struct Dual: LawScalar {
    public var value: Double
    public var partials: SIMD8<Double>

    public init(_ value: Double) {
        self.value = value
        partials = .zero
    }

    public init(value: Double, partials: SIMD8<Double>) {
        self.value = value
        self.partials = partials
    }

    /// The parameter with index `index`: value and a unit partial.
    public static func variable(_ value: Double, index: Int) -> Dual {
        var partials = SIMD8<Double>.zero
        partials[index] = 1
        return Dual(value: value, partials: partials)
    }

    public static func + (a: Dual, b: Dual) -> Dual { Dual(value: a.value + b.value, partials: a.partials + b.partials) }
    public static func - (a: Dual, b: Dual) -> Dual { Dual(value: a.value - b.value, partials: a.partials - b.partials) }
    public static func * (a: Dual, b: Dual) -> Dual {
        Dual(value: a.value * b.value, partials: a.partials * b.value + b.partials * a.value)
    }
    public static func / (a: Dual, b: Dual) -> Dual {
        Dual(value: a.value / b.value, partials: (a.partials * b.value - b.partials * a.value) / (b.value * b.value))
    }
    public static prefix func - (a: Dual) -> Dual { Dual(value: -a.value, partials: -a.partials) }
    public func exp() -> Dual {
        let e = Foundation.exp(value)
        return Dual(value: e, partials: partials * e)
    }
    public func log() -> Dual { Dual(value: Foundation.log(value), partials: partials / value) }
}
