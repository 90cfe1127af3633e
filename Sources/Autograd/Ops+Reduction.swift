// Sums and means, with backward: the gradient is spread back over what was summed.
import Tensors

extension Variable {
    public func sum(alongAxis axis: Int, keepingAxis: Bool = false) -> Variable {
        let resolved = value.resolve(axis: axis)
        return Variable(value: value.sum(alongAxis: resolved, keepingAxis: keepingAxis), parents: [self]) { gradient in
            var kept = self.shape
            kept[resolved] = 1
            self.accumulate(Tensor(zeros: self.shape) + gradient.reshaped(kept))
        }
    }

    public func mean(alongAxis axis: Int, keepingAxis: Bool = false) -> Variable {
        sum(alongAxis: axis, keepingAxis: keepingAxis) * (1 / Float(shape[value.resolve(axis: axis)]))
    }

    /// The sum of every element, a scalar.
    public func sum() -> Variable {
        Variable(value: value.sum(), parents: [self]) { gradient in
            self.accumulate(Tensor(repeating: gradient.scalar, shape: self.shape))
        }
    }

    public func mean() -> Variable { sum() * (1 / Float(value.count)) }
}
