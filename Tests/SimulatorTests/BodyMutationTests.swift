// Seeded mutations (TestSupport's Mutator) of valid request bodies for the service's two
// body parsers: a submitted run (TrainingRequest.parse) and a session's settings (PUT,
// SessionRegistry.configuration). Each parses or throws a SimulatorError, which the routes
// turn into a 400 naming the field; nothing crashes. LOSSCAST_MUTATIONS=N runs N of each.
import Foundation
import TestSupport
import XCTest
@testable import Simulator
@testable import SimulatorService

final class BodyMutationTests: XCTestCase {
    func testRunAndSessionBodies() throws {
        let registry = try SessionRegistry(defaults: SimulatorConfiguration())
        let runs = [
            #"{"layers": [1024, 1024], "days": 30, "gpus": 8}"#,
            #"{"configuration": {"params": 1e9, "batch_size_tokens": 1048576, "lr": 0.002, "optimizer": {"name": "adamw"}}, "tokens": 2e10, "reuse_cached_noise": true}"#
        ]
        let sessions = [
            #"{"budget": 400, "seed": 7, "noise_scale": 0, "maximum_training_days": 30, "interpolation": "cubic"}"#,
            #"{"budget": null, "reference_curves": [{"name": "s", "layers": [128], "start": 1, "drop": 0.5, "rate": 0.1, "midpoint": 20}, {"name": "l", "layers": [2048], "start": 1, "drop": 0.6, "rate": 0.1, "midpoint": 20}]}"#
        ]
        var mutator = Mutator(seed: 3)
        var parsed = 0
        for (what, seeds, parse) in [
            ("run", runs, { (data: Data) in _ = try TrainingRequest.parse(json: data) }),
            ("session", sessions, { (data: Data) in try registry.configuration(overrides: data).validate() })
        ] {
            try mutator.forEach(of: seeds, count: Mutator.count(standard: 4_000)) { data in
                do { try parse(data); parsed += 1 } catch is SimulatorError {} catch {
                    XCTFail(
                        "\(what) body: \(type(of: error)) \(error) for \(String(decoding: data.prefix(200), as: UTF8.self).debugDescription)"
                    )
                }
            }
        }
        XCTAssertGreaterThanOrEqual(parsed, 4, "the seeds themselves parse")
    }
}
