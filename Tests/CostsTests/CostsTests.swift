// The cost model against hand-computed identities and against Epoch's published figures:
// Cottier et al.'s per-system costs, their growth rate, and Epoch's compute trend.
import Costs
import Foundation
import TestSupport
import XCTest

final class CostsTests: XCTestCase {
    static let directory = datasetsRoot + "/epoch_training_costs"
    static let model = Result { try CostModel.load(directory: directory) }

    func model() throws -> CostModel { try Self.model.get() }

    /// 6 N D, and the time, chip-hours and energy of a 1B model on 1T tokens on 1,024 H100s
    /// at 40% MFU, worked by hand from the chip table's 989.4 TFLOP/s (BF16) and 700 W.
    func testFLOPTimeAndEnergyOfAKnownRun() throws {
        let model = try model()
        XCTAssertEqual(CostModel.trainingFLOP(parameters: 1e9, tokens: 1e12), 6e21)
        let h100 = try model.chips.chip(named: "NVIDIA H100 SXM5 80GB")
        let plan = TrainingPlan(flop: 6e21, chip: h100, chips: 1024, utilization: 0.4, start: CalendarDay(year: 2024, month: 3, day: 1))
        let estimate = try model.estimate(plan)
        // 6e21 / (1024 x 989.4e12 x 0.4) = 6e21 / 4.0525824e17 = 14,805.37 s; x 1024 / 3600 = 4,211.31 chip-hours.
        XCTAssertEqual(estimate.seconds, 14_805.37, accuracy: 0.01)
        XCTAssertEqual(estimate.chipHours, 4_211.31, accuracy: 0.01)
        XCTAssertEqual(estimate.format, "bf16")
        // Server power per chip 0.7 kW x (10.2 / 8) / 0.7 = 1.275 kW, drawn at 75%, PUE 1.25
        // (not a hyperscaler): 1.1953 kW per chip-hour; 2024 electricity at $0.0771/kWh.
        XCTAssertEqual(estimate.energyKWh!, 1.275 * 0.75 * 1.25 * 4_211.31, accuracy: 1)
        XCTAssertEqual(estimate.energyCost!, estimate.energyKWh! * 0.0771, accuracy: 1e-6)
        // A hyperscaler's PUE, 1.1.
        var hyperscaler = plan
        hyperscaler.organization = "Meta AI"
        XCTAssertEqual(try model.estimate(hyperscaler).energyKWh!, 1.275 * 0.75 * 1.1 * 4_211.31, accuracy: 1)
        // The wall-clock time given instead: the utilization follows from it.
        var timed = plan
        timed.utilization = nil
        timed.hours = 14_805.37 / 3600
        XCTAssertEqual(try model.estimate(timed).utilization, 0.4, accuracy: 1e-5)
    }

    /// Renting: the table's only 3-year H100 SXM5 price is Google Cloud's $4.86 of 2025-03-17,
    /// so a run contracted before it takes that one (the closest after); on demand, AWS's.
    func testCloudPriceFollowsThePaperRule() throws {
        let model = try model()
        let h100 = try model.chips.chip(named: "NVIDIA H100 SXM5 80GB")
        let estimate = try model.estimate(
            TrainingPlan(flop: 6e21, chip: h100, chips: 1024, utilization: 0.4, start: CalendarDay(year: 2024, month: 3, day: 1)))
        let threeYear = try XCTUnwrap(estimate.cloud["3-year"])
        XCTAssertEqual(threeYear.quote.vendor, "Google Cloud")
        XCTAssertEqual(threeYear.quote.dollars, 4.86)
        XCTAssertEqual(threeYear.cost.nominal, 4.86 * estimate.chipHours, accuracy: 1e-6)
        let onDemand = try XCTUnwrap(estimate.cloud["on-demand"])
        XCTAssertEqual(onDemand.quote.vendor, "Amazon Web Services")
        XCTAssertEqual(onDemand.quote.dollars, 12.29)
        // Amortized: a value that declines 0.14 orders of magnitude a year, written off at
        // 0.14 ln 10 of it a year, plus 0.19 / 0.81 of that for the interconnect.
        let amortized = try XCTUnwrap(estimate.amortized)
        let years = Double(CalendarDay(year: 2024, month: 3, day: 1) - amortized.purchase.date) / 365.25
        let value = amortized.purchase.dollars * pow(10, -0.14 * max(0, years))
        XCTAssertEqual(amortized.hardware, value * 0.14 * log(10) / 8766 * estimate.chipHours, accuracy: 1e-6)
        XCTAssertEqual(amortized.interconnect, amortized.hardware * 0.19 / 0.81, accuracy: 1e-6)
    }

    /// Ranking prices one plan and scales it: the scaled estimate equals a fresh one at the
    /// other FLOP count, apart from buying the cluster, which does not depend on the run.
    func testScaledEstimateEqualsAFreshOne() throws {
        let model = try model()
        let chip = try model.chips.chip(named: "NVIDIA A100 SXM4 80 GB")
        let start = CalendarDay(year: 2023, month: 6, day: 1)
        let unit = try model.estimate(TrainingPlan(flop: 1e21, chip: chip, chips: 256, utilization: 0.45, start: start))
        let fresh = try model.estimate(TrainingPlan(flop: 3.7e23, chip: chip, chips: 256, utilization: 0.45, start: start))
        let scaled = unit.scaled(toFLOP: 3.7e23)
        XCTAssertEqual(scaled.seconds, fresh.seconds, accuracy: fresh.seconds * 1e-12)
        XCTAssertEqual(scaled.energyKWh!, fresh.energyKWh!, accuracy: fresh.energyKWh! * 1e-12)
        for payment in [Payment.cloud(.onDemand), .cloud(.oneYear), .cloud(.threeYear), .amortized] {
            let (a, b) = (try XCTUnwrap(scaled.dollars(payment)), try XCTUnwrap(fresh.dollars(payment)))
            XCTAssertEqual(a, b, accuracy: b * 1e-12, "\(payment)")
        }
        XCTAssertEqual(scaled.acquisition, fresh.acquisition)
    }

    /// Cottier et al.'s model_costs.csv, for every system whose hardware, count and training
    /// time the database gives: ours within a factor of 1.5 for at least 80% of them, both
    /// ways, in 2023 dollars.
    func testReproducesCottierCosts() throws {
        let model = try model()
        let systems = Dictionary(
            try EpochSystems.load(directory: Self.directory).map { ($0.model, $0) }, uniquingKeysWith: { first, _ in first })
        let reader = try String(contentsOfFile: Self.directory + "/model_costs.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        var amortized: [Double] = [], cloud: [Double] = [], costed: [(CalendarDay, Double)] = []
        for line in reader {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, let system = systems[fields[0]] else { continue }
            guard let estimate = try model.estimate(system: system, dollars: .year(2023)) else { continue }
            if let theirs = Double(fields[3]), let ours = estimate.amortized?.total.adjusted {
                amortized.append(ours / theirs)
                if let published = system.published, published.year >= 2016 { costed.append((published, ours)) }
            }
            if let theirs = Double(fields[1]), let ours = estimate.cloud["3-year"]?.cost.adjusted { cloud.append(ours / theirs) }
        }
        func summary(_ ratios: [Double]) -> (median: Double, within: Double) {
            let sorted = ratios.sorted()
            return (sorted[sorted.count / 2], Double(ratios.filter { $0 >= 1 / 1.5 && $0 <= 1.5 }.count) / Double(ratios.count))
        }
        let (amortizedMedian, amortizedWithin) = summary(amortized), (cloudMedian, cloudWithin) = summary(cloud)
        print(
            String(
                format:
                    "Cottier et al. reproduced: amortized %d systems, median ratio %.3f, %.0f%% within 1.5x; cloud %d, median %.3f, %.0f%% within 1.5x",
                amortized.count, amortizedMedian, amortizedWithin * 100, cloud.count, cloudMedian, cloudWithin * 100))
        // 37 systems have hardware, count and time; 35 of them a cloud price (two predate any).
        XCTAssertGreaterThanOrEqual(amortized.count, 30)
        XCTAssertGreaterThanOrEqual(cloud.count, 30)
        XCTAssertGreaterThanOrEqual(amortizedWithin, 0.8)
        XCTAssertGreaterThanOrEqual(cloudWithin, 0.8)
        // The paper: frontier training's amortized cost grew 2.4x a year since 2016 (95% CI 2.0x-3.1x).
        let growth = try XCTUnwrap(GrowthTrend.fit(costed.map { (date: $0.0, value: $0.1) }))
        print(
            String(
                format: "amortized cost growth since 2016: %.2fx a year (95%% CI %.2f-%.2f, %d systems)",
                growth.perYear, growth.interval.lowerBound, growth.interval.upperBound, growth.points))
        XCTAssertTrue((2.0...3.1).contains(growth.perYear), "\(growth.perYear)")
    }

    /// Epoch: training compute of notable systems since 2010 grows about 4.6x a year.
    func testComputeTrendOfNotableModels() throws {
        let path = datasetsRoot + "/epoch_notable_models/notable_ai_models.csv"
        let systems = try EpochSystems.load(path: path)
        let points = systems.compactMap { system -> (date: CalendarDay, value: Double)? in
            guard let date = system.published, date.year >= 2010, let compute = system.compute, compute > 0 else { return nil }
            return (date, compute)
        }
        let trend = try XCTUnwrap(GrowthTrend.fit(points))
        print(String(format: "notable models' training compute since 2010: %.2fx a year (%d systems)", trend.perYear, trend.points))
        XCTAssertEqual(trend.perYear, 4.6, accuracy: 0.1)
    }

    /// Bad input names the field: an unknown chip (with near names), an MFU of 0 or over 1,
    /// a chip count below one, a date outside the price data.
    func testBadInputNamesTheField() throws {
        let model = try model()
        XCTAssertThrowsError(try model.chips.chip(named: "NVIDIA H100 SMX5 80GB")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("--hardware:"), text)
            XCTAssertTrue(text.contains("NVIDIA H100 SXM5 80GB"), text)
        }
        XCTAssertThrowsError(try model.chips.chip(named: "H100")) { error in
            XCTAssertTrue("\(error)".contains("NVIDIA H100 PCIe"), "\(error)")
        }
        XCTAssertEqual(try model.chips.chip(named: "h100 sxm5 80gb").name, "NVIDIA H100 SXM5 80GB")
        let h100 = try model.chips.chip(named: "NVIDIA H100 SXM5 80GB")
        let day = CalendarDay(year: 2024, month: 3, day: 1)
        for (utilization, chips, start, field) in [
            (0.0, 8, day, "--mfu"), (1.5, 8, day, "--mfu"), (0.4, 0, day, "--chips"), (0.4, -3, day, "--chips"),
            (0.4, 8, CalendarDay(year: 2031, month: 1, day: 1), "--start"),
            (0.4, 8, CalendarDay(year: 2005, month: 1, day: 1), "--start")
        ] {
            XCTAssertThrowsError(
                try model.estimate(TrainingPlan(flop: 1e21, chip: h100, chips: chips, utilization: utilization, start: start))
            ) { error in
                XCTAssertEqual((error as? CostError)?.field, field, "\(error)")
            }
        }
    }

    /// The utilization learned from Epoch's systems: its 90% interval holds about 90% of the
    /// utilizations it was learned from (reported, else implied by FLOP, chips and time),
    /// counted here from the table; a run with everything given estimates nothing.
    func testLearnedUtilizationAndItsInterval() throws {
        let model = try model()
        let estimator = try XCTUnwrap(model.estimator)
        var inside = 0, total = 0
        for system in try EpochSystems.load(directory: Self.directory) {
            guard let name = system.hardware, let chip = model.chips.chips[name], let peak = chip.peakFLOPs(nil)?.flops,
                let flop = system.compute, let published = system.published
            else { continue }
            var utilization = system.utilization
            if utilization == nil, let count = system.quantity, let hours = system.hours {
                utilization = flop / (peak * count * hours * 3600)
            }
            guard let utilization, (0.01...1).contains(utilization) else { continue }
            let estimate = estimator.utilization(flop: flop, chip: chip, date: published)
            total += 1
            if (estimate.lower...estimate.upper).contains(utilization) { inside += 1 }
        }
        let coverage = Double(inside) / Double(total)
        print(String(format: "learned MFU: 90%% interval holds %.1f%% of %d systems", coverage * 100, total))
        XCTAssertGreaterThan(total, 200)
        XCTAssertTrue((0.85...0.95).contains(coverage), "\(coverage)")
        let h100 = try model.chips.chip(named: "NVIDIA H100 SXM5 80GB")
        let given = try model.estimate(
            TrainingPlan(flop: 1e24, chip: h100, chips: 1024, utilization: 0.4, start: CalendarDay(year: 2024, month: 6, day: 1)))
        XCTAssertTrue(given.estimated.isEmpty)
        // Chips and MFU both left out: both estimated, and the time's interval brackets it.
        let open = try model.estimate(TrainingPlan(flop: 1e24, chip: h100, chips: nil, start: CalendarDay(year: 2024, month: 6, day: 1)))
        let hours = try XCTUnwrap(open.estimated["hours"])
        XCTAssertNotNil(open.estimated["chips"])
        XCTAssertLessThan(hours.lower, open.seconds / 3600)
        XCTAssertGreaterThan(hours.upper, open.seconds / 3600)
    }

    func testCalendarDaysRoundTrip() {
        for text in ["1970-01-01", "2000-02-29", "2024-12-31", "2025-03-17"] {
            XCTAssertEqual(CalendarDay(parsing: text)?.description, text)
        }
        XCTAssertEqual(CalendarDay(parsing: "2024-03-01")! - CalendarDay(parsing: "2024-02-01")!, 29)
        XCTAssertNil(CalendarDay(parsing: "March 2024"))
        XCTAssertNil(CalendarDay(parsing: "2024-13-01"))
    }
}
