// A calendar day (UTC), for the dates Epoch's tables and the paper's rules work in: price
// dates, release dates, publication dates, and the buffers between them counted in days.
import Foundation

public struct CalendarDay: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var ordinal: Int

    public init(ordinal: Int) { self.ordinal = ordinal }

    public init(year: Int, month: Int, day: Int) {
        // Days from civil (Howard Hinnant's algorithm), proleptic Gregorian.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        ordinal = era * 146_097 + dayOfEra - 719_468
    }

    /// "YYYY-MM-DD", optionally followed by a time ("2023-03-15 00:00:00"), or "YYYY-MM"
    /// (the first of the month) or "YYYY" (the first of January); nil for anything else.
    public init?(parsing text: String) {
        let digits = text.trimmingCharacters(in: .whitespaces).prefix(10).split(separator: "-", omittingEmptySubsequences: false)
        guard (1...3).contains(digits.count), let year = Int(digits[0]), digits[0].count == 4 else { return nil }
        let month = digits.count > 1 ? Int(digits[1]) : 1, day = digits.count > 2 ? Int(digits[2].prefix(2)) : 1
        guard let month, let day, (1...12).contains(month), (1...31).contains(day) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = ordinal + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shifted = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shifted + 2) / 5 + 1
        let month = shifted < 10 ? shifted + 3 : shifted - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public var year: Int { components.year }

    /// The year with the days elapsed as a fraction of 365.25 (2024-07-02 is about 2024.5).
    public var fractionalYear: Double {
        Double(year) + Double(ordinal - CalendarDay(year: year, month: 1, day: 1).ordinal) / 365.25
    }

    public static func - (later: CalendarDay, earlier: CalendarDay) -> Int { later.ordinal - earlier.ordinal }
    public static func + (day: CalendarDay, days: Int) -> CalendarDay { CalendarDay(ordinal: day.ordinal + days) }
    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { a.ordinal < b.ordinal }

    public var description: String {
        let (year, month, day) = components
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// Today, in UTC.
    public static var today: CalendarDay { CalendarDay(ordinal: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down))) }
}
