// Epoch's hardware prices: cloud rental per chip-hour (on demand, 1- and 3-year commitments)
// by vendor and date, and purchase prices. The lookups follow Cottier et al. (2024): the
// closest price on or before the date (else the closest after), the preferred vendor first,
// a commitment converted from another by the vendors' usual discounts; a chip's purchase
// price from its family's earliest listing (a DGX server's where there is one).
import Foundation

/// How long the chips are rented for.
public enum Commitment: String, CaseIterable, Sendable, Codable {
    case onDemand = "on-demand", oneYear = "1-year", threeYear = "3-year"

    var column: String {
        switch self {
        case .onDemand: "Price per chip-hour (on-demand)"
        case .oneYear: "Price per chip-hour (1-year CUD)"
        case .threeYear: "Price per chip-hour (3-year CUD)"
        }
    }
}

public struct PriceRecord: Sendable, Equatable {
    public var date: CalendarDay
    public var hardware: String
    public var vendor: String
    public var perChipHour: [Commitment: Double]
    public var purchase: Double?
    public var notes: String
}

/// A price found for a run, and where it came from.
public struct Quote: Sendable, Equatable, Codable {
    public var dollars: Double
    public var vendor: String
    public var hardware: String
    public var date: CalendarDay
    /// The commitment the table quoted, when it was converted to another.
    public var convertedFrom: Commitment?
}

extension CalendarDay: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = CalendarDay(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected YYYY-MM-DD, got '\(text)'"))
        }
        self = day
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public struct PriceTable: Sendable {
    public static let fileName = "Hardware prices.csv"
    public var records: [PriceRecord]

    public init(records: [PriceRecord]) { self.records = records }

    public static func load(directory: String) throws -> PriceTable {
        let table = try EpochTable(path: directory + "/" + fileName)
        let records = table.rows.compactMap { row -> PriceRecord? in
            guard let date = row["Price date"].flatMap(CalendarDay.init(parsing:)), let hardware = row["Hardware model"], !hardware.isEmpty
            else { return nil }
            var perChipHour: [Commitment: Double] = [:]
            for commitment in Commitment.allCases {
                perChipHour[commitment] = EpochTable.number(row[commitment.column]).flatMap { $0 > 0 ? $0 : nil }
            }
            return PriceRecord(
                date: date, hardware: hardware, vendor: row["Vendor"] ?? "", perChipHour: perChipHour,
                purchase: EpochTable.number(row["Price (hardware purchase)"]).flatMap { $0 > 0 ? $0 : nil }, notes: row["Notes"] ?? "")
        }
        return PriceTable(records: records)
    }

    /// The first and last price dates.
    public var span: ClosedRange<CalendarDay>? {
        guard let first = records.map(\.date).min(), let last = records.map(\.date).max() else { return nil }
        return first...last
    }

    /// The big clouds, tried in this order after the preferred vendor.
    static let priorityVendors = ["Amazon Web Services", "Microsoft Azure", "Google Cloud"]

    /// The price per chip-hour of renting `hardware` around `date` on `commitment`: the
    /// preferred vendor first (Google Cloud only for a TPU), then the big clouds, then the
    /// rest; the wanted commitment first, then 3-year, 1-year and on-demand prices converted.
    public func cloudPrice(
        hardware: String, date: CalendarDay, commitment: Commitment, vendor preferred: String?,
        discounts: [String: [Commitment: Double]]
    ) -> Quote? {
        let isTPU = hardware.contains("TPU")
        var vendors: [String] = isTPU ? ["Google Cloud"] : [preferred ?? Self.priorityVendors[0]]
        if !isTPU {
            var seen = Set(vendors)
            for vendor in Self.priorityVendors + records.map(\.vendor) where !vendor.isEmpty && seen.insert(vendor).inserted {
                vendors.append(vendor)
            }
        }
        let names = Self.family(hardware)
        for quoted in [commitment] + [Commitment.threeYear, .oneYear, .onDemand].filter({ $0 != commitment }) {
            for vendor in vendors {
                let priced = records.filter { $0.vendor == vendor && $0.perChipHour[quoted] != nil }
                let matching =
                    priced.filter { $0.hardware == hardware }.isEmpty
                    ? priced.filter { names.contains($0.hardware) } : priced.filter { $0.hardware == hardware }
                guard let record = Self.closest(matching, to: date) else { continue }
                var dollars = record.perChipHour[quoted]!
                if quoted != commitment {
                    let discount = discounts[vendor] ?? discounts[CostAssumptions.otherVendor]!
                    dollars *= (1 - discount[commitment]!) / (1 - discount[quoted]!)
                }
                return Quote(
                    dollars: dollars, vendor: vendor, hardware: record.hardware, date: record.date,
                    convertedFrom: quoted == commitment ? nil : quoted)
            }
        }
        return nil
    }

    /// The record dated closest on or before `date`, else the closest after.
    static func closest(_ records: [PriceRecord], to date: CalendarDay) -> PriceRecord? {
        records.filter { $0.date <= date }.max { $0.date < $1.date } ?? records.filter { $0.date > date }.min { $0.date < $1.date }
    }

    /// Names priced as the same chip: the NVIDIA V100, A100 and H100 variants stand for one
    /// another (the paper's soft matching); any other chip only for itself.
    static func family(_ hardware: String) -> Set<String> {
        let families: [String: [String]] = [
            "V100": ["NVIDIA Tesla V100 DGXS 16 GB", "NVIDIA Tesla V100 DGXS 32 GB", "NVIDIA Tesla V100S PCIe 32 GB", "NVIDIA V100"],
            "A100": ["NVIDIA A100 PCIe", "NVIDIA A100 SXM4 40 GB", "NVIDIA A100 SXM4 80 GB", "NVIDIA A100"],
            "H100": ["NVIDIA H100 PCIe", "NVIDIA H100 SXM5 80GB", "NVIDIA H100 SXM5", "NVIDIA H100"]
        ]
        for (key, members) in families where hardware.contains(key) && hardware.hasPrefix("NVIDIA") { return Set(members + [hardware]) }
        return [hardware]
    }

    /// Names a GPU's purchase price is looked up by: its family's short name (the paper's
    /// aliases), else its own.
    static let purchaseAliases = ["A100", "V100", "H100", "P100", "K80", "K40", "Titan X", "GTX 580", "GTX TITAN", "Titan Black"]

    /// A GPU server's price per chip and when it could first be bought: the family's earliest
    /// listing, a DGX's where there is one, a single card's raised by the server overhead;
    /// bought no sooner than `afterRelease` days after the chip's release.
    public func purchasePrice(chip: Chip, assumptions: CostAssumptions) -> Quote? {
        if chip.isTPU {
            // Google sells no TPUs: the paper's equivalent prices, bought at release.
            guard let price = CostAssumptions.tpuEquivalentPrices[chip.name], let release = chip.releaseDate else { return nil }
            return Quote(
                dollars: price * assumptions.serverOverhead(chip.name), vendor: "equivalent price (Cottier et al.)", hardware: chip.name,
                date: release, convertedFrom: nil)
        }
        let alias = Self.purchaseAliases.first { chip.name.contains($0) }
        let listed = records.filter { record in
            record.purchase != nil && (alias.map { record.hardware.contains($0) } ?? (record.hardware == chip.name))
        }
        .sorted { ($0.date, $0.hardware) < ($1.date, $1.hardware) }
        guard let record = listed.first(where: { $0.notes.contains("DGX") }) ?? listed.first else { return nil }
        var price = record.purchase!
        if record.notes.lowercased().contains("single-unit") { price *= assumptions.serverOverhead(chip.name) }
        var acquired = record.date
        if let release = chip.releaseDate, acquired < release + assumptions.daysFromReleaseToPurchase {
            acquired = release + assumptions.daysFromReleaseToPurchase
        }
        return Quote(
            dollars: price, vendor: record.vendor.isEmpty ? "purchase" : record.vendor, hardware: record.hardware, date: acquired,
            convertedFrom: nil)
    }
}
