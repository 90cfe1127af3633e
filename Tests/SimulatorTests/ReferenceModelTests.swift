// The seed's formulas against values computed by hand (the literals below were worked
// out from the formulas in the issue, not read off the simulator).
import XCTest
@testable import Simulator

final class ReferenceModelTests: XCTestCase {
    func testReferenceCurvesAtSeveralSufficiencies() {
        // NE(s) = a - b / (1 + exp(-k (s - c))), e.g. small at s = 0: 0.62 - 0.04 / (1 + e^2).
        let expected: [(Double, Double, Double, Double)] = [
            (0.0, 0.6152318831, 0.6366923686, 0.6633654607),
            (0.2, 0.6000000000, 0.6003959170, 0.6179948962),
            (0.5, 0.5818970349, 0.5168770584, 0.5135963230),
            (1.0, 0.5800134140, 0.4905894784, 0.4807368480)
        ]
        for (s, small, medium, large) in expected {
            XCTAssertEqual(ReferenceCurve.small.normalizedEntropy(sufficiency: s), small, accuracy: 1e-9, "small at \(s)")
            XCTAssertEqual(ReferenceCurve.medium.normalizedEntropy(sufficiency: s), medium, accuracy: 1e-9, "medium at \(s)")
            XCTAssertEqual(ReferenceCurve.large.normalizedEntropy(sufficiency: s), large, accuracy: 1e-9, "large at \(s)")
        }
        // The midpoints: exactly half the drop.
        XCTAssertEqual(ReferenceCurve.medium.normalizedEntropy(sufficiency: 0.3), 0.57, accuracy: 1e-12)
        XCTAssertEqual(ReferenceCurve.large.normalizedEntropy(sufficiency: 0.3), 0.58, accuracy: 1e-12)
    }

    func testSufficiencyIsLinearInDaysUpToTheMaximum() {
        XCTAssertEqual(Sufficiency.of(days: 0, maximumDays: 60), 0)
        XCTAssertEqual(Sufficiency.of(days: 15, maximumDays: 60), 0.25)
        XCTAssertEqual(Sufficiency.of(days: 30, maximumDays: 60), 0.5)
        XCTAssertEqual(Sufficiency.of(days: 90, maximumDays: 60), 1)
        XCTAssertEqual(Sufficiency.of(days: 10, maximumDays: 20), 0.5)
    }

    func testParameterCountsByHand() throws {
        // [128, 128], in 512, out 10: (512*128 + 128) + (128*128 + 128) + (128*10 + 10) = 65664 + 16512 + 1290.
        XCTAssertEqual(try ParameterCount.of(layers: [128, 128]), 83_466)
        // [1024, 1024]: 525312 + 1049600 + 10250.
        XCTAssertEqual(try ParameterCount.of(layers: [1024, 1024]), 1_585_162)
        // [2048, 2048]: 1050624 + 4196352 + 20490.
        XCTAssertEqual(try ParameterCount.of(layers: [2048, 2048]), 5_267_466)
        // The squared rule: (128*128 + 128) + (128*128 + 128) + 1290.
        XCTAssertEqual(try ParameterCount.of(layers: [128, 128], firstLayer: .widthSquared), 34_314)
        // Other dimensions: 4 -> 10 -> 3 is (4*10 + 10) + (10*3 + 3).
        XCTAssertEqual(try ParameterCount.of(layers: [10], inputDimension: 4, outputDimension: 3), 83)
        XCTAssertThrowsError(try ParameterCount.of(layers: [])) { error in
            guard case SimulatorError.invalidField(let field, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "layers")
        }
        XCTAssertThrowsError(try ParameterCount.of(layers: [64, 0])) { error in
            guard case SimulatorError.invalidField(let field, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(field, "layers[1]")
        }
    }

    func testQueriesPerSecondAboveAndAtTheFloor() {
        let configuration = SimulatorConfiguration()
        // 5e12 / (1e8 + 100 * 1,585,162) = 5e12 / 258,516,200.
        XCTAssertEqual(Throughput.queriesPerSecond(parameters: 1_585_162, configuration: configuration), 19_341.147672757, accuracy: 1e-6)
        XCTAssertEqual(Throughput.queriesPerSecond(parameters: 83_466, configuration: configuration), 46_148.194774917, accuracy: 1e-6)
        // [8192, 8192, 8192] has 138,518,538 parameters: 5e12 / 1.395e10 = 358 < 500, so the floor.
        XCTAssertEqual(Throughput.queriesPerSecond(parameters: 138_518_538, configuration: configuration), 500)
        XCTAssertEqual(
            Throughput.queriesPerSecond(parameters: 138_518_538, configuration: SimulatorConfiguration(minimumQPS: 100)),
            358.375314971, accuracy: 1e-6)
    }

    func testEveryInterpolationReturnsTheReferenceAtAReferenceSize() throws {
        let sizes = try ReferenceCurve.all.map { Double(try ParameterCount.of(layers: $0.layers)) }
        for method in InterpolationMethod.allCases {
            let interpolator = try CurveInterpolator(configuration: SimulatorConfiguration(interpolation: method))
            for (reference, size) in zip(ReferenceCurve.all, sizes) {
                // On the grid's nodes every method is exact.
                for node in stride(from: 0, through: 100, by: 7) {
                    let s = Double(node) / 100
                    XCTAssertEqual(
                        interpolator.normalizedEntropy(parameters: size, sufficiency: s),
                        reference.normalizedEntropy(sufficiency: s), accuracy: 1e-12, "\(method) \(reference.name) at \(s)")
                }
                // Between nodes the grid methods are off by at most their interpolation error
                // (h = 0.01): nearest <= max|NE'| h/2, linear <= max|NE''| h^2/8, with
                // max|NE'| = drop rate / 4 and max|NE''| = drop rate^2 / (6 sqrt 3).
                let slope = reference.drop * reference.rate / 4
                let curvature = reference.drop * reference.rate * reference.rate / (6 * 3.0.squareRoot())
                let bound: Double =
                    switch method {
                    case .gridNearest: slope * 0.005
                    case .gridLinear, .gridCubic: curvature * 0.0001 / 8
                    default: 1e-12
                    }
                for s in [0.123, 0.2987, 0.555, 0.9031] {
                    XCTAssertEqual(
                        interpolator.normalizedEntropy(parameters: size, sufficiency: s),
                        reference.normalizedEntropy(sufficiency: s), accuracy: bound, "\(method) \(reference.name) at \(s)")
                }
            }
        }
    }

    func testBetweenReferencesEveryMethodLiesBetweenItsNeighbours() throws {
        // [512, 512] (524,810 parameters) lies between small and medium; [1536, 1536] between medium and large.
        let cases: [([Int], ReferenceCurve, ReferenceCurve)] = [
            ([512, 512], .small, .medium), ([1536, 1536], .medium, .large), ([200], .small, .medium)
        ]
        var distinct: Set<Double> = []
        for method in InterpolationMethod.allCases {
            let interpolator = try CurveInterpolator(configuration: SimulatorConfiguration(interpolation: method))
            for (layers, lower, upper) in cases {
                let size = Double(try ParameterCount.of(layers: layers))
                for node in stride(from: 0, through: 100, by: 5) {
                    let s = Double(node) / 100
                    let value = interpolator.normalizedEntropy(parameters: size, sufficiency: s)
                    let a = lower.normalizedEntropy(sufficiency: s), b = upper.normalizedEntropy(sufficiency: s)
                    XCTAssertGreaterThanOrEqual(value, min(a, b) - 1e-12, "\(method) \(layers) at \(s)")
                    XCTAssertLessThanOrEqual(value, max(a, b) + 1e-12, "\(method) \(layers) at \(s)")
                }
            }
            distinct.insert(interpolator.normalizedEntropy(parameters: 524_810, sufficiency: 0.6))
        }
        // linear, cubic and gaussian are different rules, so they give different values off the references.
        XCTAssertGreaterThanOrEqual(distinct.count, 3)
    }

    func testLinearInterpolationIsLinearInLogParameters() throws {
        let interpolator = try CurveInterpolator(configuration: SimulatorConfiguration())
        let small = 83_466.0, medium = 1_585_162.0
        let middle = (small * medium).squareRoot()  // halfway in ln(parameters)
        let s = 0.4
        let expected =
            (ReferenceCurve.small.normalizedEntropy(sufficiency: s) + ReferenceCurve.medium.normalizedEntropy(sufficiency: s)) / 2
        XCTAssertEqual(interpolator.normalizedEntropy(parameters: middle, sufficiency: s), expected, accuracy: 1e-12)
        // Beyond the references the nearest one's curve holds.
        XCTAssertEqual(
            interpolator.normalizedEntropy(parameters: 1e9, sufficiency: s), ReferenceCurve.large.normalizedEntropy(sufficiency: s),
            accuracy: 1e-12)
    }

    func testNoiseDeviationFollowsItsFormula() {
        let configuration = SimulatorConfiguration()
        // Untrained medium model: 0.02 x 0.7 x 1.
        XCTAssertEqual(NoiseModel.deviation(progress: 0, parameters: 1_585_162, configuration: configuration), 0.014, accuracy: 1e-15)
        // Half trained: 0.02 x 0.35; fully trained: the floor 0.02 x 0.01.
        XCTAssertEqual(NoiseModel.deviation(progress: 0.5, parameters: 1_585_162, configuration: configuration), 0.007, accuracy: 1e-15)
        XCTAssertEqual(NoiseModel.deviation(progress: 1, parameters: 1_585_162, configuration: configuration), 0.0002, accuracy: 1e-15)
        // Ten times the parameters: x 10^-0.1 = 0.794328.
        XCTAssertEqual(
            NoiseModel.deviation(progress: 0, parameters: 15_851_620, configuration: configuration), 0.014 * 0.7943282347, accuracy: 1e-9)
    }

    func testConfigurationIsCopiedNotShared() throws {
        let defaults = SimulatorConfiguration()
        let custom = defaults.with(budget: .some(25), seed: 9)
        XCTAssertEqual(defaults.budget, 1000)
        XCTAssertEqual(defaults.seed, 0)
        XCTAssertEqual(custom.budget, 25)
        XCTAssertEqual(custom.seed, 9)
        XCTAssertEqual(custom.inputDimension, 512)
        XCTAssertNil(defaults.with(budget: .some(nil)).budget)
        XCTAssertThrowsError(try SimulatorConfiguration(maximumTrainingDays: 0).validate())
        XCTAssertThrowsError(try Simulator(configuration: SimulatorConfiguration(failureProbability: 2)))
    }
}
