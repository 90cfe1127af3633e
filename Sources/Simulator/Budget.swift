// The session's budget in GPU-days. A run's cost is reserved when it is accepted (refused
// with BudgetExceeded if it does not fit), spent when it succeeds and released when it
// fails, so only successful runs consume budget and a running one cannot be double-booked.
// Amounts are kept in whole micro-GPU-days: sums are exact in any order, which is what
// "no lost or double-spent budget" needs under concurrent agents.
import Foundation

public struct BudgetLedger: Sendable {
    public enum EntryState: String, Codable, Sendable { case reserved, spent, released }
    public struct Entry: Codable, Sendable, Equatable {
        public var run: Int
        public var cost: Double
        public var state: EntryState
    }

    static let unitsPerGPUDay: Double = 1_000_000
    let total: Int64?
    private(set) var spentUnits: Int64 = 0
    private(set) var reservedUnits: Int64 = 0
    private(set) var entries: [Int: (units: Int64, state: EntryState)] = [:]

    public init(total: Double?) {
        self.total = total.map { Int64(($0 * Self.unitsPerGPUDay).rounded()) }
    }

    static func units(_ cost: Double) -> Int64 { Int64((cost * unitsPerGPUDay).rounded()) }

    var remainingUnits: Int64? { total.map { $0 - spentUnits - reservedUnits } }
    public var remaining: Double? { remainingUnits.map { Double($0) / Self.unitsPerGPUDay } }

    /// Reserves `cost` for `run`, or throws BudgetExceeded and changes nothing.
    public mutating func reserve(run: Int, cost: Double) throws {
        let units = Self.units(cost)
        if let left = remainingUnits, units > left {
            throw SimulatorError.budgetExceeded(requested: cost, remaining: Double(left) / Self.unitsPerGPUDay)
        }
        reservedUnits += units
        entries[run] = (units, .reserved)
    }

    /// Settles a reserved run: spent if it succeeded, released if it failed.
    public mutating func settle(run: Int, succeeded: Bool) {
        guard let entry = entries[run], entry.state == .reserved else { return }
        reservedUnits -= entry.units
        if succeeded { spentUnits += entry.units }
        entries[run] = (entry.units, succeeded ? .spent : .released)
    }

    public var totals: BudgetReport {
        BudgetReport(
            total: total.map { Double($0) / Self.unitsPerGPUDay }, spent: Double(spentUnits) / Self.unitsPerGPUDay,
            reserved: Double(reservedUnits) / Self.unitsPerGPUDay, remaining: remaining, runs: [])
    }

    public var report: BudgetReport {
        BudgetReport(
            total: total.map { Double($0) / Self.unitsPerGPUDay }, spent: Double(spentUnits) / Self.unitsPerGPUDay,
            reserved: Double(reservedUnits) / Self.unitsPerGPUDay, remaining: remaining,
            runs: entries.keys.sorted().map {
                Entry(run: $0, cost: Double(entries[$0]!.units) / Self.unitsPerGPUDay, state: entries[$0]!.state)
            })
    }
}

/// What an agent reads about its budget: spent, held by running runs, left, and per run.
public struct BudgetReport: Codable, Sendable, Equatable {
    public var total: Double?
    public var spent: Double
    public var reserved: Double
    public var remaining: Double?
    public var runs: [BudgetLedger.Entry]
}
