// `losscast demo`: the main job on the bundled default. Until the predictor exists it
// shows the kernel report and trains a small MLP on sin(x), printing a table and writing
// a plot and a checkpoint, so every layer below the predictor runs once.
import ArgumentParser
import Autograd
import Foundation
import Layers
import Optimization
import Plots
import SafeTensors
import Tensors

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the demonstration job and write its plot.")

    @Option(help: "Folder for the plot and checkpoint.") var output = "demo-output"
    @Option(help: "Random seed.") var seed: UInt64 = 7

    func run() throws {
        try Doctor.printReport(json: false)
        print("\nTraining a 1-64-64-1 tanh MLP on y = sin(x), x in [-3, 3] ...")
        let result = SineDemo.train(seed: seed)
        print(String(format: "final mean squared error on a 401-point grid: %.2e (%d steps, %.2f s)",
                     result.gridError, result.steps, result.seconds))
        print("\n     x    sin(x)   model    error")
        for x in stride(from: -3.0, through: 3.0, by: 0.75) {
            let predicted = result.predict(Float(x))
            print(String(format: "%6.2f  %7.4f  %7.4f  %+.4f", x, sin(x), predicted, Double(predicted) - sin(x)))
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        var plot = LinePlot(title: "MLP fit of sin(x)", xLabel: "x", yLabel: "y")
        let grid = stride(from: -3.0, through: 3.0, by: 0.05).map { $0 }
        plot.series.append(.init(name: "sin(x)", points: grid.map { ($0, sin($0)) }))
        plot.series.append(.init(name: "MLP", points: grid.map { ($0, Double(result.predict(Float($0)))) }, style: .dashed))
        let plotPath = output + "/sine.svg"
        try plot.write(to: plotPath)
        let checkpointPath = output + "/sine.safetensors"
        try SafeTensorsFile(tensors: result.namedTensors, metadata: ["model": "mlp 1-64-64-1 tanh", "task": "sin"])
            .save(path: checkpointPath)
        let reloaded = try SafeTensorsFile.load(path: checkpointPath)
        print("\nwrote \(plotPath) and \(checkpointPath) (\(reloaded.tensors.count) tensors, read back identical: \(reloaded.tensors == result.namedTensors))")
    }
}

/// The sine regression the demo runs.
enum SineDemo {
    struct Result {
        let model: MultilayerPerceptron
        let gridError: Double
        let steps: Int
        let seconds: Double
        func predict(_ x: Float) -> Float { model(Variable(Tensor(shape: [1, 1], scalars: [x]))).value.scalar }
        var namedTensors: [String: Tensor] {
            Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.variable.value) })
        }
    }

    static func train(seed: UInt64, steps: Int = 3000, batchSize: Int = 64) -> Result {
        let start = Date()
        var generator = SeededGenerator(seed: seed)
        let model = MultilayerPerceptron(sizes: [1, 64, 64, 1], activation: .tanh, using: &generator)
        let optimizer = AdamW(parameters: model.parameters, learningRate: 0, weightDecay: 0)
        let schedule = WarmupCosineSchedule(peak: 1e-2, minimum: 1e-5, warmupSteps: 100, totalSteps: steps)
        for step in 0..<steps {
            let x = Tensor.randomUniform(shape: [batchSize, 1], lower: -3, upper: 3, using: &generator)
            let loss = meanSquaredError(model(Variable(x)), x.map { Foundation.sin($0) })
            optimizer.zeroGradients()
            loss.backward()
            optimizer.learningRate = schedule.learningRate(at: step)
            optimizer.step()
        }
        let grid = Tensor(shape: [401, 1], scalars: (0...400).map { -3 + 6 * Float($0) / 400 })
        let error = meanSquaredError(model(Variable(grid)), grid.map { Foundation.sin($0) }).value.scalar
        return Result(model: model, gridError: Double(error), steps: steps, seconds: Date().timeIntervalSince(start))
    }
}
