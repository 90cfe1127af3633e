// The pool's distributions and the samplers, checked against what their definitions imply,
// over several seeds.
@testable import Campaign
import Randomness
import XCTest

final class PoolAndSamplingTests: XCTestCase {
    func ranks(_ values: [Double]) -> [Double] {
        var ranks = [Double](repeating: 0, count: values.count)
        for (rank, index) in values.indices.sorted(by: { values[$0] < values[$1] }).enumerated() { ranks[index] = Double(rank) }
        return ranks
    }

    func spearman(_ a: [Double], _ b: [Double]) -> Double {
        let ra = ranks(a), rb = ranks(b), n = Double(a.count)
        let d2 = zip(ra, rb).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        return 1 - 6 * d2 / (n * (n * n - 1))
    }

    func testGainsAndRuntimesHaveTheirPercentilesAndARankLink() {
        let configuration = CampaignConfiguration()
        for seed: UInt64 in 0..<5 {
            var generator = SeededGenerator(seed: seed), noise = SeededGenerator(seed: seed + 100)
            let pool = ExperimentPool.draw(10_000, configuration, generator: &generator, noise: &noise)
            XCTAssertEqual(pool.count, 10_000)
            // The sample 5th and 95th percentiles of ln(gain): their standard error is
            // sqrt(p (1 - p) / n) / phi(z95) x sigma = 0.0322 here; allow four.
            let logGains = pool.map { log($0.gain) }.sorted(), logRuntimes = pool.map { log($0.runtime) }.sorted()
            XCTAssertEqual(logGains[500], log(1e-4), accuracy: 0.13)
            XCTAssertEqual(logGains[9_500], log(0.015), accuracy: 0.13)
            XCTAssertEqual(logRuntimes[500], log(1), accuracy: 0.08)
            XCTAssertEqual(logRuntimes[9_500], log(20), accuracy: 0.08)
            XCTAssertTrue(pool.allSatisfy { $0.estimatedGain == $0.gain }, "no estimate noise by default")
            // 6,000 random swaps of 10,000 leave about exp(-1.2) = 30% of the runtimes in place.
            let link = spearman(pool.map(\.gain), pool.map(\.runtime))
            XCTAssertGreaterThan(link, 0.15, "seed \(seed)")
            XCTAssertLessThan(link, 0.6, "seed \(seed)")
        }
        var unswapped = CampaignConfiguration()
        unswapped.runtimeSwapFraction = 0
        var generator = SeededGenerator(seed: 1), noise = SeededGenerator(seed: 2)
        let aligned = ExperimentPool.draw(2_000, unswapped, generator: &generator, noise: &noise)
        XCTAssertEqual(spearman(aligned.map(\.gain), aligned.map(\.runtime)), 1, accuracy: 1e-12)
    }

    func testEstimateNoiseLeavesTheSpearmanCorrelationItsFormulaSays() {
        for noise in [0.5, 1.5, 3.0] {
            var configuration = CampaignConfiguration()
            configuration.estimateNoise = noise
            var generator = SeededGenerator(seed: 7), stream = SeededGenerator(seed: 8)
            let pool = ExperimentPool.draw(10_000, configuration, generator: &generator, noise: &stream)
            let expected = TasteNoise.spearman(noise: noise, gainSigma: configuration.efficiencyGain.sigma)
            // Standard error of a Spearman correlation near rho over n = 10,000 is below 0.01.
            XCTAssertEqual(spearman(pool.map(\.gain), pool.map(\.estimatedGain)), expected, accuracy: 0.03, "noise \(noise)")
        }
    }

    func testTasteNoiseRoundTrip() {
        for rho in [0.3, 0.6, 0.9, 0.99] {
            let noise = TasteNoise.noise(spearman: rho, gainSigma: 1.52312)
            XCTAssertEqual(TasteNoise.spearman(noise: noise, gainSigma: 1.52312), rho, accuracy: 1e-12)
        }
        // At Spearman 1, 2 sin(pi / 6) rounds to 1 - eps at worst, and sqrt(1 / r^2 - 1) to
        // sqrt(2 eps): the noise is 0 to within sigma sqrt(4 eps).
        XCTAssertEqual(TasteNoise.noise(spearman: 1, gainSigma: 1.5), 0, accuracy: 1.5 * (4 * Double.ulpOfOne).squareRoot())
    }

    func testDistinctIndicesAreDistinctAndUniform() {
        var generator = SeededGenerator(seed: 3)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<20_000 {
            let draw = Sampling.distinctIndices(3, below: 10, &generator)
            XCTAssertEqual(Set(draw).count, 3)
            for index in draw { counts[index] += 1 }
        }
        // Each index is drawn with probability 3/10: 6,000 expected, binomial sd 65.
        for count in counts { XCTAssertEqual(Double(count), 6_000, accuracy: 300) }
        XCTAssertEqual(Set(Sampling.distinctIndices(10, below: 10, &generator)), Set(0..<10))
    }

    func testWeightedSamplingPicksInProportionToWeight() {
        var generator = SeededGenerator(seed: 4)
        let weights = [1.0, 2, 3, 4]
        var first = [Int](repeating: 0, count: 4)
        for _ in 0..<20_000 {
            let draw = Sampling.weightedWithoutReplacement(2, weights: weights, &generator)
            XCTAssertEqual(Set(draw).count, 2)
            first[draw[0]] += 1
        }
        // The first pick has probability w / 10: expected 2,000 ... 8,000, sd at most 71.
        for (index, count) in first.enumerated() { XCTAssertEqual(Double(count), 2_000 * weights[index], accuracy: 350) }
    }
}
