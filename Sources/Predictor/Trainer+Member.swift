// One ensemble member's training: AdamW over shuffled batches, warmup then cosine decay,
// gradient clipping, the configuration fields dropped to missing now and then, and early
// stopping on the validation samples' error in loss units.
import Autograd
import Foundation
import Optimization
import Runs
import Tensors

extension Trainer {
    /// The training loss is the squared error of the loss, plus these weights times the
    /// Gaussian negative log-likelihood (which learns the variance, the interval's core) and
    /// the divergence classifier's cross-entropy.
    static let likelihoodWeight: Float = 0.5
    static let divergenceWeight: Float = 0.2
    /// The learning rate decays to this fraction of its peak (warmup, then cosine, as
    /// Runs.RateSchedule states a recipe's).
    static let finalRateRatio = 0.02

    /// Trains one network; returns it with the best validation parameters and that error.
    static func trainMember(
        train: SampleSet, check: SampleSet, encoder: FeatureEncoder, baseline: Baseline,
        options: TrainingOptions, seed: UInt64, progress: ((String) -> Void)?
    ) -> (any PredictorModel, Double) {
        var generator = SeededGenerator(seed: seed)
        let network = PredictorNetworks.make(encoder: encoder, architecture: options.architecture, using: &generator)
        let parameters = network.parameters
        let optimizer = AdamW(parameters: parameters, learningRate: options.learningRate, weightDecay: options.weightDecay)
        let batchesPerEpoch = max(1, (train.count + options.batchSize - 1) / options.batchSize)
        let schedule = RateSchedule(
            shape: .cosine, peak: Double(options.learningRate),
            warmupSteps: Double(min(200, batchesPerEpoch * min(5, options.epochs))),
            totalSteps: Double(batchesPerEpoch * options.epochs), finalRatio: Self.finalRateRatio)
        let width = encoder.inputWidth
        let core: Set<String> = [ConfigKey.params, ConfigKey.tokens, ConfigKey.lr]
        let droppable = encoder.numeric.indices.filter {
            !core.contains(encoder.numeric[$0].name) && !encoder.numeric[$0].name.hasPrefix("derived.")
        }
        // The fields that name the data are read as unknown as often too, so that the unknown
        // value (a source, dataset or eval set the checkpoint never saw) has been trained and
        // predicts what the known sources share, rather than an untrained embedding.
        let unknowable = Set(encoder.categorical.indices.filter { FeatureEncoder.dataKeys.contains(encoder.categorical[$0].key) })
        var best = (error: Double.infinity, values: parameters.map(\.value), epoch: 0)
        var step = 0
        var order = Array(0..<train.count)
        for epoch in 0..<options.epochs {
            generator.shuffle(&order)
            for batchStart in stride(from: 0, to: order.count, by: options.batchSize) {
                let rows = Array(order[batchStart..<min(batchStart + options.batchSize, order.count)])
                var numeric = [Float](repeating: 0, count: rows.count * width)
                for (position, row) in rows.enumerated() {
                    for j in 0..<width { numeric[position * width + j] = train.numeric[row * width + j] }
                    for feature in droppable where Float(generator.nextUniform()) < options.featureDropout {
                        numeric[position * width + feature] = 0
                        numeric[position * width + encoder.numeric.count + feature] = 1
                    }
                }
                let categories = train.categories.enumerated().map { feature, values in
                    rows.map { unknowable.contains(feature) && Float(generator.nextUniform()) < options.featureDropout ? 0 : values[$0] }
                }
                let output = network(numeric: Tensor(shape: [rows.count, width], scalars: numeric), categories: categories)
                let mean = output.slice(alongAxis: 1, 0..<1), logVariance = output.slice(alongAxis: 1, 1..<2)
                let logit = output.slice(alongAxis: 1, 2..<3)
                let target = Tensor(shape: [rows.count, 1], scalars: rows.map { train.targets[$0] })
                let weights = Tensor(shape: [rows.count, 1], scalars: rows.map { train.weights[$0] })
                let labels = Tensor(shape: [rows.count, 1], scalars: rows.map { train.diverged[$0] })
                var loss = binaryCrossEntropyWithLogits(logit, labels) * Self.divergenceWeight
                if weights.scalars.contains(where: { $0 > 0 }) {
                    loss =
                        loss + meanSquaredError(mean, target, weights: weights)
                        + gaussianNegativeLogLikelihood(mean: mean, logVariance: logVariance, target: target, weights: weights)
                        * Self.likelihoodWeight
                }
                optimizer.zeroGradients()
                loss.backward()
                clipGradientNorm(parameters, maxNorm: 5)
                optimizer.learningRate = Float(schedule.rate(at: Double(step + 1)))
                optimizer.step()
                step += 1
            }
            let error = validationError(network, check, encoder: encoder, baseline: baseline)
            if error < best.error { best = (error, parameters.map(\.value), epoch) }
            if epoch % 10 == 0 || epoch == options.epochs - 1 {
                progress?(
                    String(
                        format: "epoch %d/%d, validation MAE %.4f (best %.4f at %d)", epoch + 1, options.epochs, error, best.error,
                        best.epoch + 1))
            }
            if epoch - best.epoch >= options.patience { break }
        }
        for (parameter, value) in zip(parameters, best.values) { parameter.value = value }
        return (network, best.error)
    }

    /// MAE in loss units over the validation samples of non-diverged runs.
    static func validationError(_ network: any PredictorModel, _ set: SampleSet, encoder: FeatureEncoder, baseline: Baseline) -> Double {
        let keep = (0..<set.count).filter { set.weights[$0] > 0 }
        guard !keep.isEmpty else { return 0 }
        let width = encoder.inputWidth
        var numeric = [Float]()
        numeric.reserveCapacity(keep.count * width)
        for row in keep { numeric += set.numeric[(row * width)..<((row + 1) * width)] }
        let categories = set.categories.map { feature in keep.map { feature[$0] } }
        let output = Predictor.inference {
            network(numeric: Tensor(shape: [keep.count, width], scalars: numeric), categories: categories).value
        }
        var total = 0.0
        for (position, row) in keep.enumerated() {
            let predicted = set.baselines[row] + baseline.mean + baseline.deviation * Double(output[position, 0])
            total += abs(predicted - set.losses[row])
        }
        return total / Double(keep.count)
    }
}
