// Whole campaigns: invariants of one simulation, and the statistical bars of the issue over
// 20 seeds (the reference model, seeded 0-8, gives a median no-automation doubling time of
// 0.53 years over 2024-2025 and reaches AE 1e12 with automation in 2031.4 at the median).
@testable import Campaign
import Randomness
import XCTest

final class SimulationTests: XCTestCase {
    static let seeds = 20
    static let traces = CampaignRunner.run(
        [CampaignConfiguration().withoutAutomation, CampaignConfiguration()],
        simulations: seeds, seed: 0)

    func testTheSameSeedReplaysAndAnotherDiffers() {
        let configuration = CampaignConfiguration()
        let a = CampaignSimulation.run(configuration, seed: 11), b = CampaignSimulation.run(configuration, seed: 11)
        let c = CampaignSimulation.run(configuration, seed: 12)
        XCTAssertEqual(a.finalState, b.finalState)
        XCTAssertEqual(a.milestones, b.milestones)
        XCTAssertNotEqual(a.finalState, c.finalState)
    }

    func testEventsAreConsistent() {
        var configuration = CampaignConfiguration()
        configuration.experiments = 2_000
        let trace = CampaignSimulation.run(configuration, seed: 5, recordEvents: true)
        let events = trace.events
        XCTAssertEqual(events.first?[.algorithmicEfficiency], 1)
        for (before, after) in zip(events, events.dropFirst()) {
            // One experiment finishes per event; AE only grows; EC = AE x physical compute.
            XCTAssertEqual(after[.finishedExperiments], before[.finishedExperiments] + 1)
            XCTAssertGreaterThan(after[.algorithmicEfficiency], before[.algorithmicEfficiency])
            XCTAssertEqual(
                after[.effectiveCompute], after[.algorithmicEfficiency] * after[.physicalCompute],
                accuracy: after[.effectiveCompute] * 1e-12)
            XCTAssertGreaterThanOrEqual(after[.startedExperiments], after[.finishedExperiments])
        }
        // 2,000 experiments chosen in batches of 50: the start that chooses the last batch empties
        // the pool and starts its first experiment; the other 49 are never started (the
        // reference's quirk), and every started experiment has finished.
        XCTAssertEqual(trace.stopReason, .poolEmpty)
        XCTAssertEqual(trace.finalState[.startedExperiments], 2_000 - 49)
        XCTAssertEqual(trace.finalState[.finishedExperiments], 2_000 - 49)
    }

    func testWithoutAutomationNothingSpeedsUp() {
        for trace in Self.traces[0] {
            for state in trace.grid.compactMap({ $0 }) {
                XCTAssertEqual(state[.softwareProgrammingSpeedup], 1)
                XCTAssertEqual(state[.monitoringEfficiency], 1)
                XCTAssertEqual(state[.researchTaste], 0.0025)
            }
        }
    }

    func testNoAutomationDoublingTimeOver2024To2025() throws {
        let summary = CampaignRunSummary(Self.traces[0])
        let band = try XCTUnwrap(summary.doublingTimes["2024-2025"])
        let median = try XCTUnwrap(band.median)
        print(
            String(
                format: "no automation, 2024-2025: median doubling %.3f years [%.3f, %.3f] over %d seeds", median,
                band.p10 ?? .nan, band.p90 ?? .nan, band.count))
        XCTAssertEqual(band.count, Self.seeds)
        XCTAssertGreaterThanOrEqual(median, 0.4)
        XCTAssertLessThanOrEqual(median, 0.9)
    }

    func testAutomationReachesAE1e12Before2035() throws {
        let summary = CampaignRunSummary(Self.traces[1])
        let band = try XCTUnwrap(summary.milestones["1e12"])
        let median = try XCTUnwrap(band.median, "the median simulation did not reach AE 1e12")
        print(String(format: "automation: AE 1e12 at a median of %.2f [%.2f, %.2f]", median, band.p10 ?? .nan, band.p90 ?? .nan))
        XCTAssertLessThan(median, 2035)
        // Without automation it is far later, if at all.
        let slow = CampaignRunSummary(Self.traces[0]).milestones["1e12"]?.median ?? .infinity
        XCTAssertGreaterThan(slow, median + 3)
    }

    func testBetterTasteReachesMilestonesSooner() throws {
        var configuration = CampaignConfiguration()
        configuration.stopAlgorithmicEfficiency = 1e6
        let study = TasteStudy.run(configuration, spearman: 0.9, simulations: 10, seed: 1)
        let years = study.variants.map { $0.summary.milestones["1e6"]?.median ?? .infinity }
        XCTAssertLessThan(years[2], years[1], "oracle before the predictor")
        XCTAssertLessThan(years[1], years[0], "the predictor before uninformed teams")
        let saved = try XCTUnwrap(study.savings.first { $0.milestone == "1e6" }?.savedAgainstUninformed.median)
        XCTAssertGreaterThan(saved, 0)
    }

    func testQuirksCanBeSwitchedOff() {
        // With automation, pre-run work gets so fast that the cap on running experiments binds;
        // the clock then jumps to the next end of a run and, in the reference, goes back to
        // the earliest free team after it, so the next experiments start in its past.
        let reference = CampaignSimulation.run(CampaignConfiguration(), seed: 2)
        var forward = CampaignConfiguration()
        forward.referenceTimeStepsBack = false
        let fixed = CampaignSimulation.run(forward, seed: 2, recordEvents: true)
        XCTAssertGreaterThan(reference.clockStepsBack, 0)
        XCTAssertEqual(fixed.clockStepsBack, 0)
        for (before, after) in zip(fixed.events, fixed.events.dropFirst()) { XCTAssertGreaterThanOrEqual(after.year, before.year) }
        XCTAssertNotEqual(reference.milestones[11], fixed.milestones[11], "the quirk changes results")
        // Running the last chosen batch when the pool empties: more experiments finish.
        var small = CampaignConfiguration()
        small.experiments = 1_000
        small.stopYear = 2100
        var all = small
        all.referenceDropsLastBatch = false
        let dropped = CampaignSimulation.run(small, seed: 3), kept = CampaignSimulation.run(all, seed: 3)
        XCTAssertEqual(kept.finalState[.finishedExperiments], 1_000)
        XCTAssertLessThan(dropped.finalState[.finishedExperiments], 1_000)
    }
}
