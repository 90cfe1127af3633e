// Elementwise arithmetic and functions, forward only (Autograd adds the backward).
//
// Binary ops broadcast as NumPy does: shapes align at the right, an extent of 1 stretches.
// Three layouts take a fast path (same shape, a scalar side, a suffix such as a bias row);
// anything else goes through the general index walk.
import Foundation

extension Tensor {
    /// Applies `body` to every element. Inlined within the module so loops vectorize.
    @inline(__always)
    func mapScalars(_ body: (Float) -> Float) -> Tensor {
        let source = scalars
        let result = [Float](unsafeUninitializedCapacity: source.count) { buffer, initialized in
            source.withUnsafeBufferPointer { input in
                for i in 0..<input.count { buffer[i] = body(input[i]) }
            }
            initialized = source.count
        }
        return Tensor(shape: shape, scalars: result)
    }

    /// Combines two tensors of the same shape element by element.
    @inline(__always)
    static func zipScalars(_ a: Tensor, _ b: Tensor, _ body: (Float, Float) -> Float) -> Tensor {
        precondition(a.shape == b.shape, "shapes \(a.shape) and \(b.shape) differ")
        let left = a.scalars, right = b.scalars
        let result = [Float](unsafeUninitializedCapacity: left.count) { buffer, initialized in
            left.withUnsafeBufferPointer { l in
                right.withUnsafeBufferPointer { r in
                    for i in 0..<l.count { buffer[i] = body(l[i], r[i]) }
                }
            }
            initialized = left.count
        }
        return Tensor(shape: a.shape, scalars: result)
    }

    /// The shape two shapes broadcast to, or nil when they cannot.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let x = axis < rank - a.count ? 1 : a[axis - (rank - a.count)]
            let y = axis < rank - b.count ? 1 : b[axis - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else { return nil }
            result[axis] = x == 1 ? y : x
        }
        return result
    }

    /// Element strides of `shape` seen inside `target` (0 along stretched axes).
    static func broadcastStrides(_ shape: [Int], in target: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: target.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            let targetAxis = axis + target.count - shape.count
            strides[targetAxis] = shape[axis] == 1 ? 0 : running
            running *= shape[axis]
        }
        return strides
    }

    /// `a` and `b` combined elementwise after broadcasting.
    @inline(__always)
    static func broadcasting(_ a: Tensor, _ b: Tensor, _ body: (Float, Float) -> Float) -> Tensor {
        if a.shape == b.shape { return zipScalars(a, b, body) }
        guard let shape = broadcastShape(a.shape, b.shape) else {
            preconditionFailure("shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let count = shape.product
        let left = a.scalars, right = b.scalars
        var result = [Float](repeating: 0, count: count)
        if b.count == 1 && a.shape == shape {
            let y = right[0]
            left.withUnsafeBufferPointer { l in
                for i in 0..<count { result[i] = body(l[i], y) }
            }
        } else if a.count == 1 && b.shape == shape {
            let x = left[0]
            right.withUnsafeBufferPointer { r in
                for i in 0..<count { result[i] = body(x, r[i]) }
            }
        } else if a.shape == shape && b.count > 0 && shape.suffix(b.rank).elementsEqual(b.shape) {
            let width = b.count  // (rows, width) + (width): a bias row
            left.withUnsafeBufferPointer { l in
                right.withUnsafeBufferPointer { r in
                    result.withUnsafeMutableBufferPointer { out in
                        for row in 0..<(count / width) {
                            let base = row * width
                            for j in 0..<width { out[base + j] = body(l[base + j], r[j]) }
                        }
                    }
                }
            }
        } else {
            let aStrides = broadcastStrides(a.shape, in: shape)
            let bStrides = broadcastStrides(b.shape, in: shape)
            var index = [Int](repeating: 0, count: shape.count)
            var aFlat = 0, bFlat = 0
            for i in 0..<count {
                result[i] = body(left[aFlat], right[bFlat])
                // Advance the multi-index like an odometer, moving both flat offsets.
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    aFlat += aStrides[axis]
                    bFlat += bStrides[axis]
                    if index[axis] < shape[axis] { break }
                    aFlat -= aStrides[axis] * shape[axis]
                    bFlat -= bStrides[axis] * shape[axis]
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return Tensor(shape: shape, scalars: result)
    }

    // MARK: Arithmetic

    public static func + (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, +) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, -) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, *) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, /) }
    public static func + (a: Tensor, b: Float) -> Tensor { a.mapScalars { $0 + b } }
    public static func - (a: Tensor, b: Float) -> Tensor { a.mapScalars { $0 - b } }
    public static func * (a: Tensor, b: Float) -> Tensor { a.mapScalars { $0 * b } }
    public static func * (a: Float, b: Tensor) -> Tensor { b.mapScalars { a * $0 } }
    public static func / (a: Tensor, b: Float) -> Tensor { a.mapScalars { $0 / b } }
    public static prefix func - (a: Tensor) -> Tensor { a.mapScalars { -$0 } }

    /// In-place sum of a tensor of the same shape: how gradients accumulate.
    public static func += (a: inout Tensor, b: Tensor) {
        precondition(a.shape == b.shape, "cannot add \(b.shape) into \(a.shape)")
        let right = b.scalars
        a.scalars.withUnsafeMutableBufferPointer { l in
            right.withUnsafeBufferPointer { r in
                for i in 0..<l.count { l[i] += r[i] }
            }
        }
    }

    // MARK: Functions

    public func exp() -> Tensor { mapScalars { Foundation.exp($0) } }
    public func log() -> Tensor { mapScalars { Foundation.log($0) } }
    public func tanh() -> Tensor { mapScalars { Foundation.tanh($0) } }
    public func sqrt() -> Tensor { mapScalars { $0.squareRoot() } }
    public func square() -> Tensor { mapScalars { $0 * $0 } }
    public func relu() -> Tensor { mapScalars { max($0, 0) } }
    public func sigmoid() -> Tensor { mapScalars { Tensor.sigmoid($0) } }
    public func softplus() -> Tensor { mapScalars { Tensor.softplus($0) } }
    public func gelu() -> Tensor { mapScalars { Tensor.gelu($0) } }

    /// 1 / (1 + e^-x), computed without overflow on either side.
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
        let e = Foundation.exp(x)
        return e / (1 + e)
    }

    /// log(1 + e^x) = max(x, 0) + log1p(e^-|x|), stable for large |x|.
    @inline(__always)
    public static func softplus(_ x: Float) -> Float {
        max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x)))
    }

    /// GELU, tanh approximation (as in GPT-2): 0.5 x (1 + tanh(c (x + 0.044715 x^3))).
    @inline(__always)
    public static func gelu(_ x: Float) -> Float {
        let inner = geluScale * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1 + fastTanh(inner))
    }

    /// d gelu / dx for the tanh approximation.
    @inline(__always)
    public static func geluDerivative(_ x: Float) -> Float {
        let inner = geluScale * (x + 0.044715 * x * x * x)
        let t = fastTanh(inner)
        let dInner = geluScale * (1 + 3 * 0.044715 * x * x)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dInner
    }

    static let geluScale: Float = 0.7978845608  // sqrt(2 / pi)

    /// tanh as a rational function, x P(x^2) / Q(x^2) with P of degree 6 and Q of degree 3
    /// in x^2, on x clamped to [-7.9053, 7.9053] (where tanh rounds to +-1 in Float): the
    /// approximation Eigen uses for float tanh. No branch and no library call, so a loop
    /// over it vectorizes, where libm's tanhf and expm1f dominated ranking (docs/DESIGN.md).
    /// Its largest difference from tanh in Double is measured in ElementwiseTests.
    @inline(__always)
    public static func fastTanh(_ x: Float) -> Float {
        let clamped = min(max(x, -7.90531110763549805), 7.90531110763549805)
        let square = clamped * clamped
        var numerator: Float = -2.76076847742355e-16
        numerator = numerator * square + 2.00018790482477e-13
        numerator = numerator * square + -8.60467152213735e-11
        numerator = numerator * square + 5.12229709037114e-08
        numerator = numerator * square + 1.48572235717979e-05
        numerator = numerator * square + 6.37261928875436e-04
        numerator = numerator * square + 4.89352455891786e-03
        var denominator: Float = 1.19825839466702e-06
        denominator = denominator * square + 1.18534705686654e-04
        denominator = denominator * square + 2.26843463243900e-03
        denominator = denominator * square + 4.89352518554385e-03
        return clamped * numerator / denominator
    }
}

extension Tensor {
    /// Applies a function to every element (not inlined across modules: for the hot
    /// activations, use the named ops).
    public func map(_ body: (Float) -> Float) -> Tensor { mapScalars(body) }

    /// gradient where the input was positive, 0 elsewhere: ReLU's backward, in one pass.
    public static func reluBackward(_ gradient: Tensor, input: Tensor) -> Tensor {
        zipScalars(gradient, input) { g, x in x > 0 ? g : 0 }
    }
}
