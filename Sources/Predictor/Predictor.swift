// The trained predictor: an ensemble of networks with the encoder, the baseline law the
// networks predict a residual over, and the target's normalisation. It predicts a loss,
// a 90% interval and a divergence probability for any run (or configuration) at any
// point, and saves to and loads from a safetensors checkpoint that carries all of it.
import Autograd
import Foundation
import Laws
import Runs
import SafeTensors
import Tensors

/// How the network's deviation becomes a 90% interval: scaled so that 90% of validation
/// residuals fall inside, plus a term that grows with the run's distance outside its source's
/// sizes (FeatureEncoder.extrapolationDistance) over the span of sizes it trained on (`levers`),
/// at a slope fitted on auxiliary ensembles that hold out the largest training sizes: a
/// source's own slope where its own largest size was held out, else the slope of every
/// held-out point together.
public struct Calibration: Codable, Sendable, Equatable {
    public var scale: Double
    /// The slope for a source without its own (one with fewer than three sizes, or new).
    public var extrapolationSlope: Double
    /// Each source's own slope, from its held-out size (absent in checkpoints from before them).
    public var sourceSlopes: [String: Double]?
    /// The doubt about the loss level of a source the checkpoint never trained on, a deviation
    /// in loss units from leaving each training source out in turn (Trainer.newSourceDeviation);
    /// nil when the checkpoint was not calibrated for new sources.
    public var newSourceDeviation: Double?
    /// Each source's lever, the span of its training runs along the axis its calibration held
    /// out (SizeRange.lever): ln N, or ln D for a source with two sizes, whose longest runs are
    /// held out. The slope multiplies the distance in these units. A law fitted over a shorter
    /// span errs more at the same distance beyond it (a fitted line's error grows with the
    /// distance over the span it was fitted on), and an auxiliary without the largest size (or
    /// the longest runs) has the shorter span: in ln units its slope overstated the predictor's
    /// (NCPL's split: Marin 96.9-97.3% and StepLaw 94.5-96.3% of the final losses covered for
    /// 90% asked). 1 (ln units) for a source no law carries past its sizes (no N or no D:
    /// Trainer.lawCarriedSources). Nil in checkpoints from before them: ln units.
    public var levers: [String: Double]?

    public init(scale: Double = 1, extrapolationSlope: Double = 0, sourceSlopes: [String: Double]? = nil, newSourceDeviation: Double? = nil)
    {
        self.scale = scale
        self.extrapolationSlope = extrapolationSlope
        self.sourceSlopes = sourceSlopes
        self.newSourceDeviation = newSourceDeviation
    }

    public func slope(for source: String) -> Double { sourceSlopes?[source] ?? extrapolationSlope }

    /// A source without a lever (new, adapted, or an older checkpoint) measures in ln units.
    public func lever(for source: String) -> Double { levers?[source] ?? 1 }

    /// The deviation added for a run `distance` (ln N and ln D) beyond its source's sizes.
    public func widening(distance: Double, source: String) -> Double { slope(for: source) * distance / lever(for: source) }

    public func deviation(network: Double, distance: Double, source: String) -> Double {
        let widening = widening(distance: distance, source: source)
        return ((scale * network) * (scale * network) + widening * widening).squareRoot()
    }
}

public struct Prediction: Codable, Sendable, Equatable {
    public var loss: Double
    public var lower: Double  // 90% interval
    public var upper: Double
    public var deviation: Double
    public var divergenceProbability: Double
    /// True for a run or configuration of a source, dataset or eval set the checkpoint never
    /// trained on nor was adapted to: its loss level is a guess (nil otherwise).
    public var newSource: Bool? = nil
    /// The doubt about the source's loss level added to the interval (a new source's, or an
    /// adapted one's), and the interval's upper end without it; nil when none was added. Every
    /// run of the source shares that doubt, so it orders none of them (RiskRule).
    public var levelDoubt: Double? = nil
    public var ownUpper: Double? = nil

    /// The prediction with a further deviation `doubt` (in loss), the source's level doubt,
    /// added in quadrature to its own, and its 90% interval remade, kept under `ceiling`
    /// (Predictor.interval).
    public func widened(by doubt: Double, ceiling: Double?) -> Prediction {
        var widened = self
        widened.deviation = (deviation * deviation + doubt * doubt).squareRoot()
        (widened.lower, widened.upper) = Predictor.interval(loss: loss, deviation: widened.deviation, ceiling: ceiling)
        if doubt > 0 {
            widened.levelDoubt = doubt
            widened.ownUpper = Predictor.interval(loss: loss, deviation: deviation, ceiling: ceiling).upper
        }
        return widened
    }
}

public struct TrainingRecord: Codable, Sendable {
    public var sources: [String]
    public var runs: Int
    public var samples: Int
    public var epochs: Int
    public var seconds: Double
    public var seed: UInt64
    public var validationMAE: Double
    public var split: String
    /// The folds of a cross-fitted ensemble (validationMAE is then the members' mean on their
    /// own folds); nil for members sharing one validation split, and in older checkpoints.
    public var folds: Int? = nil
}

public final class Predictor {
    public let encoder: FeatureEncoder
    public let architecture: Architecture
    /// The law each member predicts a residual over: one shared, or one per member when the
    /// members were cross-fitted (each fitted on that member's training folds).
    public let baselines: [Baseline]
    public var baseline: Baseline { baselines[0] }
    /// The position in `baselines` of member `index`'s baseline.
    func baselineIndex(ofMember index: Int) -> Int { baselines.count == 1 ? 0 : index }
    /// How much the members' disagreement counts in a prediction's variance. Cross-fitted
    /// members are a grouped jackknife over the runs: the variance of their mean is about K - 1
    /// times their spread for K folds (each member saw (K - 1)/K of the runs), not the spread
    /// itself. Members that share their runs differ by seed only, and count once.
    var spreadWeight: Double { record.folds.map { Double(max($0 - 1, 1)) } ?? 1 }
    public var record: TrainingRecord
    public var calibration = Calibration()
    /// Sources learned after training from a few of their runs (`adapted(to:runs:)`).
    public var adaptations: [String: SourceAdaptation] = [:]
    let members: [any PredictorModel]
    public var memberCount: Int { members.count }

    init(encoder: FeatureEncoder, architecture: Architecture, baselines: [Baseline], record: TrainingRecord, members: [any PredictorModel])
    {
        precondition(baselines.count == 1 || baselines.count == members.count, "one baseline, or one per member")
        self.encoder = encoder
        self.architecture = architecture
        self.baselines = baselines
        self.record = record
        self.members = members
    }

    /// Predictions for many (run, context) pairs at once, in batches. The batches are encoded
    /// on all cores first (encoding is a large share of ranking's time, and pure), then go through
    /// the networks one after another (sgemm has the cores to itself there).
    public func predict(_ items: [(run: Run, context: StepContext)], batchSize: Int = 4096) -> [Prediction] {
        let starts = Array(stride(from: 0, to: items.count, by: batchSize))
        var encoded = [EncodedBatch?](repeating: nil, count: starts.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: starts.count) { index in
            let batch = encode(items[starts[index]..<min(starts[index] + batchSize, items.count)])
            lock.lock()
            encoded[index] = batch
            lock.unlock()
        }
        var results: [Prediction] = []
        results.reserveCapacity(items.count)
        for (index, start) in starts.enumerated() {
            results += predictBatch(items[start..<min(start + batchSize, items.count)], encoded[index]!)
        }
        return results
    }

    /// Runs the networks' forward passes without recording the graph; with
    /// LOSSCAST_RECORD_INFERENCE=1 it records, as before inference mode, for the ranking
    /// benchmark's same-run peer (Tools/bench/rank.sh).
    static func inference<Result>(_ body: () -> Result) -> Result {
        recordsInference ? body() : withoutRecording(body)
    }
    static let recordsInference = ProcessInfo.processInfo.environment["LOSSCAST_RECORD_INFERENCE"] == "1"

    /// A batch's network inputs, each row's distance outside the training range, and whether
    /// its source is new (neither trained on nor adapted to).
    struct EncodedBatch {
        var numeric: Tensor  // (B, 2F)
        var categories: [[Int]]  // [feature][row]
        var distances: [Double]  // (B)
        var isNew: [Bool]  // (B)
    }

    func encode(_ items: ArraySlice<(run: Run, context: StepContext)>) -> EncodedBatch {
        var numeric = [Float]()
        numeric.reserveCapacity(items.count * encoder.inputWidth)
        var categories = [[Int]](repeating: [], count: encoder.categorical.count)
        var distances = [Double](), isNew = [Bool]()
        distances.reserveCapacity(items.count)
        isNew.reserveCapacity(items.count)
        let sources = encoder.sources, all = encoder.sizeRangeOfAll
        for item in items {
            numeric += encoder.encoded(run: item.run, context: item.context, sources: sources)
            let adaptation = adaptations[item.run.source]
            distances.append(adaptation.map { $0.distance(run: item.run) } ?? encoder.extrapolationDistance(run: item.run, all: all))
            isNew.append(adaptation == nil && isNewSource(item.run))
            for (index, value) in encoder.categories(run: item.run).enumerated() { categories[index].append(value) }
        }
        return EncodedBatch(
            numeric: Tensor(shape: [items.count, encoder.inputWidth], scalars: numeric), categories: categories,
            distances: distances, isNew: isNew)
    }

    func predictBatch(_ items: ArraySlice<(run: Run, context: StepContext)>, _ batch: EncodedBatch) -> [Prediction] {
        let outputs = Predictor.inference { members.map { $0(numeric: batch.numeric, categories: batch.categories).value } }
        let spreadWeight = self.spreadWeight
        return zip(items.indices, 0..<items.count).map { itemIndex, row in
            // Each member's loss and variance in loss units, over its own baseline.
            let bases = baselines.map { $0.value(run: items[itemIndex].run, context: items[itemIndex].context) }
            var losses = [Double](), variances = [Double]()
            for (index, output) in outputs.enumerated() {
                let baseline = baselines[baselineIndex(ofMember: index)], base = bases[baselineIndex(ofMember: index)]
                losses.append(base + baseline.mean + baseline.deviation * Double(output[row, 0]))
                variances.append(baseline.deviation * baseline.deviation * Foundation.exp(Double(max(-12, min(6, output[row, 1])))))
            }
            let logits = outputs.map { Double($0[row, 2]) }
            let loss = losses.reduce(0, +) / Double(losses.count)
            let spread = losses.map { ($0 - loss) * ($0 - loss) }.reduce(0, +) / Double(losses.count)
            let variance = variances.reduce(0, +) / Double(variances.count) + spreadWeight * spread
            let run = items[itemIndex].run
            let deviation = calibration.deviation(network: variance.squareRoot(), distance: batch.distances[row], source: run.source)
            let probability = logits.map { 1 / (1 + Foundation.exp(-$0)) }.reduce(0, +) / Double(logits.count)
            // A source adapted to: its line moves the loss, its doubt widens the interval. A new
            // one: the level doubt widens it. Either way in quadrature with the network's own.
            let adaptation = adaptations[run.source]
            var prediction = Prediction(
                loss: loss + (adaptation?.offset(predicted: loss) ?? 0), lower: 0, upper: 0, deviation: deviation,
                divergenceProbability: probability, newSource: batch.isNew[row] ? true : nil)
            let doubt = adaptation?.deviation ?? (batch.isNew[row] ? calibration.newSourceDeviation ?? 0 : 0)
            prediction = prediction.widened(by: doubt, ceiling: Self.ceiling(run, at: items[itemIndex].context))
            return prediction
        }
    }

    /// Deviations either side of the mean a two-sided 90% normal interval spans (the
    /// standard normal's 95th percentile).
    static let halfWidth90 = 1.6449

    /// The 90% interval of a loss with this deviation, on the log of the loss: a loss is
    /// positive, so the interval never reaches 0 (a prediction far outside the training range
    /// gave -22.6 to 28.0). Where deviation / loss is small, as it is inside the range, this is
    /// loss -/+ 1.6449 deviation to first order.
    /// The upper end is kept at or below `ceiling` (the loss of a uniform guess over the
    /// vocabulary, which a run falls from at once) when it is given and the loss is below it;
    /// the caller gives none at initialisation (`ceiling(_:at:)`).
    public static func interval(loss: Double, deviation: Double, ceiling: Double? = nil) -> (lower: Double, upper: Double) {
        guard loss > 0 else { return (loss - halfWidth90 * deviation, loss + halfWidth90 * deviation) }
        let width = halfWidth90 * deviation / loss
        let upper = loss * Foundation.exp(width)
        guard let ceiling, loss < ceiling else { return (loss * Foundation.exp(-width), upper) }
        return (loss * Foundation.exp(-width), min(upper, ceiling))
    }

    /// The highest loss a run could end at: ln V, the cross-entropy of a uniform guess over
    /// its vocabulary of V tokens, or over a million tokens (more than any tokenizer in the
    /// data has) when it states none. A new source's interval (its level doubt above 1 in
    /// loss) reached 47 and 165 without it.
    public static func ceiling(_ run: Run) -> Double? {
        Foundation.log(run.number(ConfigKey.vocabSize).flatMap { $0 > 1 ? $0 : nil } ?? largestVocabulary)
    }

    /// The ceiling at one point: none at initialisation (StepContext.isInitialisation), where a
    /// run sits at or above ln V (its initial logits are not uniform: LossCast-Bench's Marin runs
    /// start 0.24 to 1.92 above it, its nanochat runs 0.0005); past it, ln V. Of the benchmark's 382,532 points past step 0, one
    /// lies above it, a Marin run that failed (10.64 at step 3000, ln V = 10.37). Capped only
    /// below 90% of ln V before, a new source's final loss predicted at 8.74 (vocabulary 8,192)
    /// printed an upper end of 9.04, above any loss the run could end at.
    static func ceiling(_ run: Run, at context: StepContext) -> Double? {
        context.isInitialisation ? nil : ceiling(run)
    }
    static let largestVocabulary = 1e6

    /// Some members alone, each over its own baseline: for a cross-fitted predictor, the members
    /// that held out a fold predict it as runs they never trained on.
    public func members(_ indices: [Int]) -> Predictor {
        let chosen = Predictor(
            encoder: encoder, architecture: architecture,
            baselines: baselines.count == 1 ? baselines : indices.map { baselines[$0] },
            record: record, members: indices.map { members[$0] })
        chosen.calibration = calibration
        chosen.adaptations = adaptations
        return chosen
    }

    /// The prediction at a run's last point.
    public func predictFinal(_ runs: [Run]) -> [Prediction] {
        predict(runs.map { ($0, StepContext.contexts(for: $0).last ?? StepContext()) })
    }

    // MARK: Checkpoints

    public func save(path: String) throws {
        var tensors: [String: Tensor] = [:]
        for (index, member) in members.enumerated() {
            for (name, variable) in member.namedParameters { tensors["member\(index).\(name)"] = variable.value }
        }
        let encoderJSON = JSONEncoder()
        encoderJSON.outputFormatting = [.sortedKeys]
        let text = { (value: any Encodable) in String(decoding: try encoderJSON.encode(value), as: UTF8.self) }
        var metadata = [
            "losscast.format": "losscast-predictor-1",
            "losscast.encoder": try text(encoder),
            "losscast.architecture": try text(architecture),
            "losscast.baseline": try text(baseline),
            "losscast.training": try text(record),
            "losscast.members": String(members.count),
            "losscast.calibration": try text(calibration)
        ]
        if baselines.count > 1 { metadata["losscast.baselines"] = try text(baselines) }
        if !adaptations.isEmpty { metadata["losscast.adaptations"] = try text(adaptations) }
        try SafeTensorsFile(tensors: tensors, metadata: metadata).save(path: path)
    }

    public static func load(path: String) throws -> Predictor {
        let file = try SafeTensorsFile.load(path: path)
        func field<T: Decodable>(_ key: String, _ type: T.Type) throws -> T {
            guard let text = file.metadata[key] else {
                throw PredictorError.checkpoint(
                    path, "the metadata has no '\(key)'",
                    hint: "This is not a LossCast predictor checkpoint; train one with `losscast train`.")
            }
            do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
                throw PredictorError.checkpoint(
                    path, "metadata '\(key)' is not valid (\(error))",
                    hint: "The checkpoint is corrupted or from another version of LossCast; train it again.")
            }
        }
        guard file.metadata["losscast.format"] == "losscast-predictor-1" else {
            throw PredictorError.checkpoint(
                path, "format '\(file.metadata["losscast.format"] ?? "none")'",
                hint: "Expected a LossCast predictor checkpoint (losscast-predictor-1).")
        }
        let encoder = try field("losscast.encoder", FeatureEncoder.self)
        let architecture = try field("losscast.architecture", Architecture.self)
        let record = try field("losscast.training", TrainingRecord.self)
        // Checkpoints before per-member baselines carry only the shared one.
        let key = file.metadata["losscast.baselines"] == nil ? "losscast.baseline" : "losscast.baselines"
        let baselines = key == "losscast.baseline" ? [try field(key, Baseline.self)] : try field(key, [Baseline].self)
        let count = Int(file.metadata["losscast.members"] ?? "") ?? 0
        guard count > 0 else { throw PredictorError.checkpoint(path, "no ensemble members", hint: "The checkpoint is corrupted.") }
        guard baselines.count == 1 || baselines.count == count else {
            throw PredictorError.checkpoint(
                path, "metadata '\(key)' has \(baselines.count) baselines for \(count) members",
                hint: "Expected one, or one per member; the checkpoint does not match its own metadata.")
        }
        var generator = SeededGenerator(seed: 0)
        var members: [any PredictorModel] = []
        for index in 0..<count {
            let member = PredictorNetworks.make(encoder: encoder, architecture: architecture, using: &generator)
            for (name, variable) in member.namedParameters {
                guard let tensor = file.tensors["member\(index).\(name)"] else {
                    throw PredictorError.checkpoint(
                        path, "tensor 'member\(index).\(name)' is missing", hint: "The checkpoint is incomplete.")
                }
                guard tensor.shape == variable.shape else {
                    throw PredictorError.checkpoint(
                        path, "tensor 'member\(index).\(name)' has shape \(tensor.shape), the architecture needs \(variable.shape)",
                        hint: "The checkpoint does not match its own metadata.")
                }
                // A NaN or infinite weight would predict nan for every configuration, silently.
                if let bad = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
                    throw PredictorError.checkpoint(
                        path, "tensor 'member\(index).\(name)' holds \(tensor.scalars[bad]) at element \(bad)",
                        hint: "The checkpoint is corrupted (or its training diverged); train it again.")
                }
                variable.value = tensor
            }
            members.append(member)
        }
        let predictor = Predictor(encoder: encoder, architecture: architecture, baselines: baselines, record: record, members: members)
        if file.metadata["losscast.calibration"] != nil { predictor.calibration = try field("losscast.calibration", Calibration.self) }
        if file.metadata["losscast.adaptations"] != nil {
            predictor.adaptations = try field("losscast.adaptations", [String: SourceAdaptation].self)
        }
        return predictor
    }
}
