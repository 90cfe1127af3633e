// Global gradient-norm clipping, as torch.nn.utils.clip_grad_norm_ does it.
import Autograd
import Tensors

/// Scales every gradient by maxNorm / norm when the global L2 norm exceeds maxNorm.
/// Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Variable], maxNorm: Float) -> Float {
    var total: Double = 0
    for parameter in parameters {
        guard let gradient = parameter.gradient else { continue }
        for value in gradient.scalars { total += Double(value) * Double(value) }
    }
    let norm = Float(total.squareRoot())
    if norm > maxNorm {
        let scale = maxNorm / (norm + 1e-6)
        for parameter in parameters where parameter.gradient != nil {
            parameter.gradient = parameter.gradient! * scale
        }
    }
    return norm
}
