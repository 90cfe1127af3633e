// The producer price index for data processing and hosting (FRED PCU518210518210), monthly:
// it turns a cost in one month's dollars into another's (the paper reports 2023 dollars).
import Foundation

public struct PriceIndex: Sendable {
    public static let fileName = "PCU518210518210.csv"
    /// Index values by month, "YYYY-MM".
    public var monthly: [String: Double]

    public init(monthly: [String: Double]) { self.monthly = monthly }

    public static func load(directory: String) throws -> PriceIndex {
        let table = try EpochTable(path: directory + "/" + fileName)
        var monthly: [String: Double] = [:]
        for row in table.rows {
            guard let date = row["observation_date"], date.count >= 7, let value = EpochTable.number(row["PCU518210518210"]) else {
                continue
            }
            monthly[String(date.prefix(7))] = value
        }
        guard !monthly.isEmpty else {
            throw CostError(field: fileName, problem: "no index values", hint: "expected observation_date,PCU518210518210 rows")
        }
        return PriceIndex(monthly: monthly)
    }

    /// The index in a month, or the nearest month the series has (it ends mid-2025).
    public func value(at day: CalendarDay) -> Double {
        let (year, month, _) = day.components
        let key = String(format: "%04d-%02d", year, month)
        if let value = monthly[key] { return value }
        let keys = monthly.keys.sorted()
        return monthly[key < keys.first! ? keys.first! : keys.last!]!
    }

    /// The mean over a year's months: "2023 dollars".
    public func value(year: Int) -> Double {
        let months = monthly.filter { $0.key.hasPrefix(String(format: "%04d-", year)) }.map(\.value)
        return months.isEmpty ? value(at: CalendarDay(year: year, month: 6, day: 1)) : months.reduce(0, +) / Double(months.count)
    }
}
