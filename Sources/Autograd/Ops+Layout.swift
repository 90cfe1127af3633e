// Layout ops with backward: reshape, permute, concatenate, slice, and embedding gather.
import Tensors

extension Variable {
    public func reshaped(_ newShape: [Int]) -> Variable {
        Variable(value: value.reshaped(newShape), parents: [self]) { gradient in
            self.accumulate(gradient.reshaped(self.shape))
        }
    }

    /// Axes reordered; the backward applies the inverse permutation.
    public func permuted(_ axes: [Int]) -> Variable {
        var inverse = [Int](repeating: 0, count: axes.count)
        for (position, axis) in axes.enumerated() { inverse[axis] = position }
        return Variable(value: value.permuted(axes), parents: [self]) { gradient in
            self.accumulate(gradient.permuted(inverse))
        }
    }

    /// The last two axes swapped.
    public func transposed() -> Variable {
        var axes = Array(0..<value.rank)
        axes.swapAt(value.rank - 1, value.rank - 2)
        return permuted(axes)
    }

    public func slice(alongAxis axis: Int, _ range: Range<Int>) -> Variable {
        let resolved = value.resolve(axis: axis)
        return Variable(value: value.slice(alongAxis: resolved, range), parents: [self]) { gradient in
            self.accumulate(gradient.padded(toShape: self.shape, alongAxis: resolved, at: range))
        }
    }
}

/// Variables joined along `axis`; each part gets back its slice of the gradient.
public func concatenate(_ parts: [Variable], alongAxis axis: Int) -> Variable {
    let output = Tensor.concatenate(parts.map(\.value), alongAxis: axis)
    let resolved = output.resolve(axis: axis)
    return Variable(value: output, parents: parts) { gradient in
        var start = 0
        for part in parts {
            let extent = part.shape[resolved]
            part.accumulate(gradient.slice(alongAxis: resolved, start..<(start + extent)))
            start += extent
        }
    }
}

/// Rows of an embedding table (V, C) for each index: result (indexShape..., C).
/// Backward adds each output row's gradient into the row it came from.
public func gather(_ table: Variable, indices: [Int], indexShape: [Int]) -> Variable {
    Variable(value: table.value.gatherRows(indices, indexShape: indexShape), parents: [table]) { gradient in
        table.accumulate(gradient.scatterAddRows(indices, rows: table.shape[0]))
    }
}
