// Variable: a node of the reverse-mode autograd graph, in the style of micrograd.
//
// A variable holds a tensor value, the gradient accumulated into it, its parents and a
// closure that, given the gradient of the output, adds each parent's share into that
// parent (`+=`). Ops build these nodes in Ops+*.swift, each with its backward closure
// written right after its forward. `backward()` walks the graph once in reverse
// topological order. This file is the graph; it knows no op.
import Tensors

/// Runs `body` without recording the graph: its ops' outputs need no gradient and hold no
/// parents (as torch.no_grad and tinygrad's Tensor.no_grad). The values are the same.
public func withoutRecording<Result>(_ body: () throws -> Result) rethrows -> Result {
    try Variable.$isRecording.withValue(false, operation: body)
}

public final class Variable {
    /// The value; parameters are updated in place by optimizers.
    public var value: Tensor
    /// d(root) / d(self) after `backward()`, nil before or when nothing flowed here.
    public var gradient: Tensor?
    /// Leaves that are parameters, and any node that depends on one.
    public let requiresGradient: Bool
    /// A name for checkpoints and messages; parameters have one.
    public var name: String?

    let parents: [Variable]
    let backwardFunction: ((Tensor) -> Void)?

    /// A leaf: an input (no gradient) or a parameter (`requiresGradient: true`).
    public init(_ value: Tensor, requiresGradient: Bool = false, name: String? = nil) {
        self.value = value
        self.requiresGradient = requiresGradient
        self.name = name
        self.parents = []
        self.backwardFunction = nil
    }

    /// Whether ops record the graph `backward()` walks. Off inside `withoutRecording` (for
    /// inference: predict, rank, the simulator, validation), where no gradient is asked for,
    /// so an op's output keeps neither its parents nor its backward closure, and each
    /// intermediate tensor is freed as soon as the next op has read it.
    @TaskLocal public static var isRecording = true

    /// An op's output. The backward closure is kept only when a parent needs a gradient and
    /// the graph is being recorded.
    init(value: Tensor, parents: [Variable], backward: @escaping (Tensor) -> Void) {
        self.value = value
        self.name = nil
        guard Variable.isRecording else {
            self.parents = []
            self.requiresGradient = false
            self.backwardFunction = nil
            return
        }
        self.parents = parents
        self.requiresGradient = parents.contains { $0.requiresGradient }
        self.backwardFunction = requiresGradient ? backward : nil
    }

    public var shape: [Int] { value.shape }

    /// Adds `incoming` to this variable's gradient (the `+=` of micrograd).
    func accumulate(_ incoming: Tensor) {
        guard requiresGradient else { return }
        precondition(
            incoming.shape == value.shape,
            "gradient of shape \(incoming.shape) for a value of shape \(value.shape)")
        if gradient == nil { gradient = incoming } else { gradient! += incoming }
    }

    /// Back-propagates from this variable, which must be a scalar unless `seed` is given.
    public func backward(seed: Tensor? = nil) {
        let start = seed ?? Tensor(ones: value.shape)
        precondition(
            seed != nil || value.count == 1,
            "backward() from a non-scalar of shape \(value.shape) needs a seed")
        let order = topologicalOrder()
        accumulate(start)
        for node in order.reversed() {
            guard let function = node.backwardFunction, let outgoing = node.gradient else { continue }
            function(outgoing)
        }
    }

    /// Every node this one depends on, parents before children, found without recursion.
    func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(node: Variable, expanded: Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard node.requiresGradient, !visited.contains(ObjectIdentifier(node)) else { continue }
            visited.insert(ObjectIdentifier(node))
            stack.append((node, true))
            for parent in node.parents { stack.append((parent, false)) }
        }
        return order
    }

    /// Forgets the gradient before the next step.
    public func zeroGradient() { gradient = nil }
}
