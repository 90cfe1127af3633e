// Layout ops: axis permutation, concatenation, slicing, and row gathering (embeddings).
extension Tensor {
    /// The axes reordered: result.shape[i] == shape[axes[i]].
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "\(axes) is not a permutation of \(rank) axes")
        if axes == Array(0..<rank) { return self }
        let newShape = axes.map { shape[$0] }
        var sourceStrides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) {
            sourceStrides[axis] = sourceStrides[axis + 1] * shape[axis + 1]
        }
        let strides = axes.map { sourceStrides[$0] }
        var result = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: rank)
        var flat = 0
        for i in 0..<count {
            result[i] = scalars[flat]
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                flat += strides[axis]
                if index[axis] < newShape[axis] { break }
                flat -= strides[axis] * newShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(shape: newShape, scalars: result)
    }

    /// The last two axes swapped.
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transposed needs rank 2 or more, got \(shape)")
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return permuted(axes)
    }

    /// Tensors joined along `axis`; all other extents must agree.
    public static func concatenate(_ parts: [Tensor], alongAxis axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenate of no tensors")
        let axis = parts[0].resolve(axis: axis)
        let reference = parts[0].shape
        for part in parts {
            precondition(
                part.rank == reference.count
                    && zip(part.shape, reference).enumerated().allSatisfy { $0.offset == axis || $0.element.0 == $0.element.1 },
                "cannot concatenate \(part.shape) with \(reference) along axis \(axis)")
        }
        let outer = Array(reference[..<axis]).product
        var result = [Float]()
        result.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for o in 0..<outer {
            for part in parts {
                let block = part.count / max(outer, 1)
                result.append(contentsOf: part.scalars[(o * block)..<((o + 1) * block)])
            }
        }
        var shape = reference
        shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        return Tensor(shape: shape, scalars: result)
    }

    /// The elements at positions `range` along `axis`.
    public func slice(alongAxis axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = resolve(axis: axis)
        precondition(
            range.lowerBound >= 0 && range.upperBound <= shape[axis],
            "slice \(range) out of range for axis \(axis) of \(shape)")
        let (outer, extent, inner) = splitAround(axis: axis)
        var result = [Float]()
        result.reserveCapacity(outer * range.count * inner)
        for o in 0..<outer {
            let base = o * extent * inner
            result.append(contentsOf: scalars[(base + range.lowerBound * inner)..<(base + range.upperBound * inner)])
        }
        var newShape = shape
        newShape[axis] = range.count
        return Tensor(shape: newShape, scalars: result)
    }

    /// Inverse of `slice`: a zero tensor of `shape` with `self` written at `range`.
    public func padded(toShape fullShape: [Int], alongAxis axis: Int, at range: Range<Int>) -> Tensor {
        var full = Tensor(zeros: fullShape)
        let (outer, extent, inner) = full.splitAround(axis: axis)
        for o in 0..<outer {
            let target = o * extent * inner + range.lowerBound * inner
            let source = o * range.count * inner
            for i in 0..<(range.count * inner) { full.scalars[target + i] = scalars[source + i] }
        }
        return full
    }

    /// Rows of a (V, C) table picked by `indices`: an embedding lookup. Result (I..., C)
    /// where `indexShape` is the shape of the indices.
    public func gatherRows(_ indices: [Int], indexShape: [Int]) -> Tensor {
        precondition(rank == 2, "gatherRows reads a (rows, width) table, got \(shape)")
        precondition(indices.count == indexShape.product, "\(indices.count) indices for shape \(indexShape)")
        let width = shape[1]
        var result = [Float]()
        result.reserveCapacity(indices.count * width)
        for index in indices {
            precondition(index >= 0 && index < shape[0], "row \(index) outside a table of \(shape[0])")
            result.append(contentsOf: scalars[(index * width)..<((index + 1) * width)])
        }
        return Tensor(shape: indexShape + [width], scalars: result)
    }

    /// Adds each row of `self` (I..., C) into row `indices[i]` of a zero (rows, C) table:
    /// the backward of `gatherRows`.
    public func scatterAddRows(_ indices: [Int], rows: Int) -> Tensor {
        let width = shape[rank - 1]
        var table = [Float](repeating: 0, count: rows * width)
        for (position, index) in indices.enumerated() {
            for j in 0..<width { table[index * width + j] += scalars[position * width + j] }
        }
        return Tensor(shape: [rows, width], scalars: table)
    }
}
