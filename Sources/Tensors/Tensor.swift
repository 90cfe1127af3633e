// Tensor: a Float32, row-major, shape-checked value type.
//
// Storage is a Swift Array, so copies are cheap and copy-on-write, as in Swift for
// TensorFlow's ShapedArray. There are no strides and no views: an op that changes the
// layout (transpose, slice) writes a new array. This file holds the type and its
// constructors; the ops live in Tensor+*.swift, the BLAS calls in BLAS.swift.
//
// Dimension legend used in shape comments across LossCast:
//   B = batch, T = tokens (configuration fields), C = channels (width),
//   M, K, N = matrix-product dimensions, H = attention heads.

public struct Tensor: Equatable, Sendable, CustomStringConvertible {
    /// The extent of each axis; `[]` is a scalar.
    public internal(set) var shape: [Int]
    /// Row-major values; `scalars.count == shape.product` always holds.
    public internal(set) var scalars: [Float]

    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(
            scalars.count == shape.product,
            "\(scalars.count) scalars do not fill shape \(shape) (\(shape.product))")
        self.shape = shape
        self.scalars = scalars
    }

    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.product))
    }

    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    public init(ones shape: [Int]) {
        self.init(repeating: 1, shape: shape)
    }

    /// A rank-0 tensor holding one value.
    public init(_ value: Float) {
        self.init(shape: [], scalars: [value])
    }

    /// A rank-1 tensor.
    public init(_ values: [Float]) {
        self.init(shape: [values.count], scalars: values)
    }

    /// A rank-2 tensor from its rows, which must all have the same length.
    public init(rows: [[Float]]) {
        let width = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == width }, "rows of unequal length")
        self.init(shape: [rows.count, width], scalars: rows.flatMap { $0 })
    }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }

    /// The only value of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar of a tensor of shape \(shape)")
        return scalars[0]
    }

    public subscript(indices: Int...) -> Float {
        get { scalars[flatIndex(indices)] }
        set { scalars[flatIndex(indices)] = newValue }
    }

    func flatIndex(_ indices: [Int]) -> Int {
        precondition(indices.count == rank, "\(indices.count) indices into a rank-\(rank) tensor")
        var flat = 0
        for (axis, index) in indices.enumerated() {
            precondition(
                index >= 0 && index < shape[axis],
                "index \(index) out of range for axis \(axis) of shape \(shape)")
            flat = flat * shape[axis] + index
        }
        return flat
    }

    /// Changes the values in place; the count must not change.
    public mutating func updateScalars(_ body: (inout [Float]) throws -> Void) rethrows {
        let expected = scalars.count
        try body(&scalars)
        precondition(scalars.count == expected, "updateScalars changed the element count")
    }

    /// The same values under another shape of the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.product == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: newShape, scalars: scalars)
    }

    public var description: String {
        let preview = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(\(shape): [\(preview)\(count > 8 ? ", ..." : "")])"
    }
}

extension Array where Element == Int {
    /// The product of the extents: the element count of a shape.
    public var product: Int { reduce(1, *) }
}

import Foundation
