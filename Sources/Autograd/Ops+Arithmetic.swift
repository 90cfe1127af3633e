// Broadcasting arithmetic and elementwise functions, each forward beside its backward.
// A broadcast input gets its gradient summed back down to its own shape.
import Tensors

public func + (a: Variable, b: Variable) -> Variable {
    Variable(value: a.value + b.value, parents: [a, b]) { gradient in
        a.accumulate(gradient.reduced(toShape: a.shape))
        b.accumulate(gradient.reduced(toShape: b.shape))
    }
}

public func - (a: Variable, b: Variable) -> Variable {
    Variable(value: a.value - b.value, parents: [a, b]) { gradient in
        a.accumulate(gradient.reduced(toShape: a.shape))
        b.accumulate((-gradient).reduced(toShape: b.shape))
    }
}

public func * (a: Variable, b: Variable) -> Variable {
    Variable(value: a.value * b.value, parents: [a, b]) { gradient in
        a.accumulate((gradient * b.value).reduced(toShape: a.shape))
        b.accumulate((gradient * a.value).reduced(toShape: b.shape))
    }
}

public func / (a: Variable, b: Variable) -> Variable {
    let quotient = a.value / b.value
    return Variable(value: quotient, parents: [a, b]) { gradient in
        a.accumulate((gradient / b.value).reduced(toShape: a.shape))
        b.accumulate((-(gradient * quotient) / b.value).reduced(toShape: b.shape))
    }
}

public func * (a: Variable, scale: Float) -> Variable {
    Variable(value: a.value * scale, parents: [a]) { gradient in a.accumulate(gradient * scale) }
}

public func * (scale: Float, a: Variable) -> Variable { a * scale }

public func + (a: Variable, shift: Float) -> Variable {
    Variable(value: a.value + shift, parents: [a]) { gradient in a.accumulate(gradient) }
}

public func - (a: Variable, shift: Float) -> Variable { a + (-shift) }

public prefix func - (a: Variable) -> Variable { a * -1 }

extension Variable {
    public func exp() -> Variable {
        let output = value.exp()
        return Variable(value: output, parents: [self]) { gradient in
            self.accumulate(gradient * output)
        }
    }

    public func log() -> Variable {
        Variable(value: value.log(), parents: [self]) { gradient in
            self.accumulate(gradient / self.value)
        }
    }

    public func tanh() -> Variable {
        let output = value.tanh()
        return Variable(value: output, parents: [self]) { gradient in
            self.accumulate(gradient * output.map { 1 - $0 * $0 })
        }
    }

    public func sigmoid() -> Variable {
        let output = value.sigmoid()
        return Variable(value: output, parents: [self]) { gradient in
            self.accumulate(gradient * output.map { $0 * (1 - $0) })
        }
    }

    public func relu() -> Variable {
        Variable(value: value.relu(), parents: [self]) { gradient in
            self.accumulate(Tensor.reluBackward(gradient, input: self.value))
        }
    }

    public func gelu() -> Variable {
        Variable(value: value.gelu(), parents: [self]) { gradient in
            self.accumulate(gradient * self.value.map(Tensor.geluDerivative))
        }
    }

    public func softplus() -> Variable {
        Variable(value: value.softplus(), parents: [self]) { gradient in
            self.accumulate(gradient * self.value.sigmoid())  // d softplus = sigmoid
        }
    }

    public func square() -> Variable {
        Variable(value: value.square(), parents: [self]) { gradient in
            self.accumulate(gradient * self.value * 2)
        }
    }

    public func sqrt() -> Variable {
        let output = value.sqrt()
        return Variable(value: output, parents: [self]) { gradient in
            self.accumulate(gradient / (output * 2))
        }
    }
}
