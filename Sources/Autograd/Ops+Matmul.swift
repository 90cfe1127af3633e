// Matrix product with its backward. For C = op(A) op(B):
//   no transposes:  dA = dC B^T       dB = A^T dC
//   A transposed:   dA = B dC^T       dB = A dC
//   B transposed:   dA = dC B         dB = dC^T A
//   both:           dA = B^T dC^T     dB = dC^T A^T
// A rank-3+ `a` against a matrix folds its leading axes into rows, as the forward does.
import Tensors

public func matmul(
    _ a: Variable, _ b: Variable,
    transposeA: Bool = false, transposeB: Bool = false
) -> Variable {
    let output = Tensor.matmul(a.value, b.value, transposeA: transposeA, transposeB: transposeB)
    return Variable(value: output, parents: [a, b]) { gradient in
        let folded = a.value.rank > 2 && b.value.rank == 2
        let aMatrix = folded ? a.value.reshaped([a.value.count / a.shape.last!, a.shape.last!]) : a.value
        let dC = folded ? gradient.reshaped([gradient.count / gradient.shape.last!, gradient.shape.last!]) : gradient
        let bValue = b.value
        let product = { (x: Tensor, y: Tensor, tx: Bool, ty: Bool) in
            Tensor.matmul(x, y, transposeA: tx, transposeB: ty)
        }
        if a.requiresGradient {
            let dA: Tensor
            switch (transposeA, transposeB) {
            case (false, false): dA = product(dC, bValue, false, true)
            case (true, false): dA = product(bValue, dC, false, true)
            case (false, true): dA = product(dC, bValue, false, false)
            case (true, true): dA = product(bValue, dC, true, true)
            }
            a.accumulate(folded ? dA.reshaped(a.shape) : dA)
        }
        if b.requiresGradient {
            let dB: Tensor
            switch (transposeA, transposeB) {
            case (false, false): dB = product(aMatrix, dC, true, false)
            case (true, false): dB = product(aMatrix, dC, false, false)
            case (false, true): dB = product(dC, aMatrix, true, false)
            case (true, true): dB = product(dC, aMatrix, true, true)
            }
            b.accumulate(dB)
        }
    }
}

/// x W + b: a dense layer, computed as one sgemm with the bias as C's starting value.
/// x (..., In), weight (In, Out), bias (Out). Backward, with rows folded:
///   dx = dy W^T,  dW = x^T dy,  db = sum of dy over rows.
public func linear(_ input: Variable, weight: Variable, bias: Variable?) -> Variable {
    guard let bias else { return matmul(input, weight) }
    let output = Tensor.affine(input.value, weight: weight.value, bias: bias.value)
    return Variable(value: output, parents: [input, weight, bias]) { gradient in
        let inner = weight.shape[0], columns = weight.shape[1]
        let dy = gradient.reshaped([gradient.count / columns, columns])
        if input.requiresGradient {
            input.accumulate(Tensor.matmul(dy, weight.value, transposeB: true).reshaped(input.shape))
        }
        if weight.requiresGradient {
            let x = input.value.reshaped([input.value.count / inner, inner])
            weight.accumulate(Tensor.matmul(x, dy, transposeA: true))
        }
        bias.accumulate(dy.sum(alongAxis: 0))
    }
}
