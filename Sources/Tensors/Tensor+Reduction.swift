// Sums and means over an axis, and the reduction that undoes a broadcast.
extension Tensor {
    /// Views the shape as (outer, extent of `axis`, inner).
    func splitAround(axis: Int) -> (outer: Int, extent: Int, inner: Int) {
        precondition(axis >= 0 && axis < rank, "axis \(axis) out of range for shape \(shape)")
        return (Array(shape[..<axis]).product, shape[axis], Array(shape[(axis + 1)...]).product)
    }

    /// Normalises a negative axis (-1 = last).
    public func resolve(axis: Int) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "axis \(axis) out of range for shape \(shape)")
        return resolved
    }

    /// Sum over `axis`; the axis is kept with extent 1 when `keepingAxis` is set.
    public func sum(alongAxis axis: Int, keepingAxis: Bool = false) -> Tensor {
        let axis = resolve(axis: axis)
        let (outer, extent, inner) = splitAround(axis: axis)
        var result = [Float](repeating: 0, count: outer * inner)
        scalars.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { out in
                for o in 0..<outer {
                    for e in 0..<extent {
                        let base = (o * extent + e) * inner
                        for i in 0..<inner { out[o * inner + i] += input[base + i] }
                    }
                }
            }
        }
        var newShape = shape
        if keepingAxis { newShape[axis] = 1 } else { newShape.remove(at: axis) }
        return Tensor(shape: newShape, scalars: result)
    }

    public func mean(alongAxis axis: Int, keepingAxis: Bool = false) -> Tensor {
        let extent = shape[resolve(axis: axis)]
        return sum(alongAxis: axis, keepingAxis: keepingAxis) / Float(extent)
    }

    /// The sum of all elements, accumulated in Double.
    public func sum() -> Tensor {
        var total: Double = 0
        for value in scalars { total += Double(value) }
        return Tensor(Float(total))
    }

    public func mean() -> Tensor {
        precondition(count > 0, "mean of an empty tensor")
        return Tensor(sum().scalar / Float(count))
    }

    /// Sums a broadcast result back down to `target`, the shape it was broadcast from.
    public func reduced(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(
            Tensor.broadcastShape(target, shape) == shape,
            "shape \(target) does not broadcast to \(shape)")
        var result = self
        let offset = rank - target.count
        for _ in 0..<offset { result = result.sum(alongAxis: 0) }
        for axis in 0..<target.count where target[axis] == 1 && result.shape[axis] != 1 {
            result = result.sum(alongAxis: axis, keepingAxis: true)
        }
        return result.reshaped(target)
    }
}
