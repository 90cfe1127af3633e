// LossCast's compute benchmark (not a test): sgemm GFLOP/s at the shapes the predictor
// uses, and training throughput of a 4-layer, 256-wide MLP at batch 256 (forward,
// backward, AdamW), with the share of the step's matrix products against bare sgemm on
// the same shapes. Prints one JSON object; Tools/bench/run.sh compares it with PyTorch.
//
//   swift run -c release losscast-bench [--repeats R] [--steps S]
import Autograd
import Foundation
import Layers
import Optimization
import Tensors

KernelSelection.settle()

if CommandLine.arguments.count >= 3 && CommandLine.arguments[1] == "chinchilla" {
    try runChinchillaBenchmark(path: CommandLine.arguments[2], resamples: argument("--resamples", default: 1000))
    exit(0)
}

func argument(_ name: String, default value: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return value }
    return Int(arguments[index + 1]) ?? value
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

let repeats = argument("--repeats", default: 7)
let steps = argument("--steps", default: 200)
var generator = SeededGenerator(seed: 1)

// MARK: Bare sgemm

/// Median seconds of `calls` bare sgemm calls into preallocated buffers.
func bareGemmSeconds(_ calls: [(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool)], repeats: Int) -> Double {
    let buffers = calls.map { call in
        (
            a: [Float](repeating: 0.5, count: call.m * call.k), b: [Float](repeating: 0.25, count: call.k * call.n),
            c: [Float](repeating: 0, count: call.m * call.n)
        )
    }
    var outputs = buffers.map(\.c)
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = now()
        for (index, call) in calls.enumerated() {
            BLAS.gemm(
                transposeA: call.transposeA, transposeB: call.transposeB, m: call.m, n: call.n, k: call.k,
                a: buffers[index].a, b: buffers[index].b, c: &outputs[index])
        }
        times.append(now() - start)
    }
    return median(times)
}

_ = bareGemmSeconds([(m: 512, n: 512, k: 512, transposeA: false, transposeB: false)], repeats: 20)  // wake BLAS threads
var gemmResults: [[String: Any]] = []
let predictorShapes: [(label: String, m: Int, n: Int, k: Int)] = [
    ("MLP layer, batch 256 x 256 -> 256", 256, 256, 256),
    ("brief's reference 1024x256x256", 1024, 256, 256),
    ("transformer projection, 256 runs x 24 fields, width 128", 6144, 128, 128),
    ("transformer feed-forward, width 128 -> 512", 6144, 512, 128),
    ("input layer, batch 256, 64 features -> 256", 256, 256, 64)
]
for shape in predictorShapes {
    let call = (m: shape.m, n: shape.n, k: shape.k, transposeA: false, transposeB: false)
    let inner = max(1, Int(2e8 / (2 * Double(shape.m * shape.n * shape.k))))
    let seconds = bareGemmSeconds(Array(repeating: call, count: inner), repeats: repeats) / Double(inner)
    let gflops = 2 * Double(shape.m * shape.n * shape.k) / seconds / 1e9
    gemmResults.append(["shape": shape.label, "m": shape.m, "n": shape.n, "k": shape.k, "gflops": gflops])
}

// MARK: MLP training step

let width = 256, batch = 256
let model = MultilayerPerceptron(sizes: [width, width, width, width, width], activation: .relu, using: &generator)
let optimizer = AdamW(parameters: model.parameters, learningRate: 1e-3, weightDecay: 0.01)
let inputs = Tensor.randomNormal(shape: [batch, width], using: &generator)
let targets = Tensor.randomNormal(shape: [batch, width], using: &generator)

func trainingStep() {
    let loss = meanSquaredError(model(Variable(inputs)), targets)
    optimizer.zeroGradients()
    loss.backward()
    optimizer.step()
}

for _ in 0..<20 { trainingStep() }  // warm up caches and the allocator

let recorder = MatmulProfile()
recorder.recordsShapes = true
MatmulProfile.current = recorder
trainingStep()
MatmulProfile.current = nil
let stepShapes = recorder.shapes

var samplesPerSecond: [Double] = []
var matmulShares: [Double] = []
var matmulGflops: [Double] = []
for _ in 0..<repeats {
    let profile = MatmulProfile()
    MatmulProfile.current = profile
    let start = now()
    for _ in 0..<steps { trainingStep() }
    let elapsed = now() - start
    MatmulProfile.current = nil
    samplesPerSecond.append(Double(steps * batch) / elapsed)
    matmulShares.append(profile.seconds / elapsed)
    matmulGflops.append(profile.floatingPointOperations / profile.seconds / 1e9)
}
let bareStepSeconds = bareGemmSeconds(stepShapes, repeats: max(repeats * 10, 50))
let stepFlops = stepShapes.reduce(0.0) { $0 + 2 * Double($1.m * $1.n * $1.k) }
let bareGflops = stepFlops / bareStepSeconds / 1e9

let report: [String: Any] = [
    "implementation": "LossCast",
    "kernel": BLAS.coreName,
    "kernelReason": KernelSelection.decision().reason,
    "threads": BLAS.threadCount,
    "repeats": repeats,
    "stepsPerRepeat": steps,
    "sgemm": gemmResults,
    "mlp": [
        "layers": "4 x Linear(256, 256), ReLU between, MSE loss, AdamW",
        "batch": batch,
        "samplesPerSecondMedian": median(samplesPerSecond),
        "samplesPerSecond": samplesPerSecond,
        "matmulShareOfStepMedian": median(matmulShares),
        "matmulsPerStep": stepShapes.count,
        "inStepMatmulGflopsMedian": median(matmulGflops),
        "bareSgemmGflopsSameShapes": bareGflops,
        "inStepOverBareSgemm": median(matmulGflops) / bareGflops
    ]
]
let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
print(String(decoding: data, as: UTF8.self))
