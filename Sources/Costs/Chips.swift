// Accelerators from Epoch's chip table: peak FLOP/s by number format, TDP and release date,
// found by name with near matches offered for a name the table does not have.
import Foundation
import Runs

/// The number formats a training run computes in, by the table's column for each.
public enum NumberFormat: String, CaseIterable, Sendable, Codable {
    case fp8, bf16, tf32, fp16, fp32

    var column: String {
        switch self {
        case .fp8: "FP8 performance (FLOP/s)"
        case .bf16: "Tensor-FP16/BF16 performance (FLOP/s)"
        case .tf32: "TF32 (TensorFloat-32) performance (FLOP/s)"
        case .fp16: "FP16 (half precision) performance (FLOP/s)"
        case .fp32: "FP32 (single precision) performance (FLOP/s)"
        }
    }
}

public struct Chip: Sendable, Equatable {
    public var name: String
    public var manufacturer: String
    public var releaseDate: CalendarDay?
    /// Thermal design power, watts.
    public var thermalDesignPower: Double?
    /// Peak dense FLOP/s in each format the table gives.
    public var peak: [NumberFormat: Double]
    /// INT8 OP/s: the first TPU's only figure.
    public var int8: Double?

    public var isTPU: Bool { name.contains("TPU") }

    /// The peak a run in `format` gets; with no format, the paper's choice: tensor BF16/FP16,
    /// else TF32, else FP16 (TPUs only: older GPUs' FP16 figure misleads), else FP32 (INT8 for
    /// TPU v1). Nil when the table has none of them.
    public func peakFLOPs(_ format: NumberFormat?) -> (flops: Double, format: String)? {
        if let format { return peak[format].map { ($0, format.rawValue) } }
        if name.contains("TPU v1"), let int8 { return (int8, "int8") }
        for candidate in [NumberFormat.bf16, .tf32, .fp16, .fp32] where candidate != .fp16 || isTPU {
            if let value = peak[candidate] { return (value, candidate.rawValue) }
        }
        return nil
    }
}

public struct ChipCatalog: Sendable {
    public static let fileName = "Chip dataset-Grid view.csv"
    public private(set) var chips: [String: Chip]

    public init(chips: [Chip]) {
        self.chips = Dictionary(chips.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public static func load(directory: String) throws -> ChipCatalog {
        let table = try EpochTable(path: directory + "/" + fileName)
        var chips: [Chip] = []
        for row in table.rows {
            guard let name = row["Hardware name"], !name.isEmpty else { continue }
            var peak: [NumberFormat: Double] = [:]
            for format in NumberFormat.allCases { peak[format] = EpochTable.number(row[format.column]).flatMap { $0 > 0 ? $0 : nil } }
            chips.append(
                Chip(
                    name: name, manufacturer: row["Manufacturer"] ?? "",
                    releaseDate: row["Release date"].flatMap(CalendarDay.init(parsing:)),
                    thermalDesignPower: EpochTable.number(row["TDP (W)"]).flatMap { $0 > 0 ? $0 : nil },
                    peak: peak, int8: EpochTable.number(row["INT8 performance (OP/s)"])))
        }
        return ChipCatalog(chips: chips)
    }

    /// The chip of that name: exact, else ignoring case, else the one chip whose name holds
    /// every word given ("H100 SXM5"). An error lists near names otherwise.
    public func chip(named name: String, field: String = "--hardware") throws -> Chip {
        if let chip = chips[name] { return chip }
        let lowered = name.lowercased()
        if let chip = chips.values.first(where: { $0.name.lowercased() == lowered }) { return chip }
        let words = lowered.split(separator: " ").map(String.init)
        let holding = chips.values.filter { chip in words.allSatisfy { chip.name.lowercased().contains($0) } }
        if holding.count == 1 { return holding[0] }
        let near = nearNames(to: name, holding: holding)
        throw CostError(
            field: field,
            problem: holding.count > 1 ? "'\(name)' names \(holding.count) chips" : "no chip named '\(name)' in Epoch's chip table",
            hint: near.isEmpty
                ? "give a name from \(Self.fileName), e.g. 'NVIDIA H100 SXM5 80GB'"
                : "did you mean " + near.map { "'\($0)'" }.joined(separator: ", ") + "?")
    }

    /// Up to five names: those holding every word (ML chips first: the ones with a tensor
    /// figure), else the closest by edit distance.
    func nearNames(to name: String, holding: [Chip]) -> [String] {
        if !holding.isEmpty {
            return holding.sorted { ($0.peak[.bf16] == nil ? 1 : 0, $0.name) < ($1.peak[.bf16] == nil ? 1 : 0, $1.name) }.prefix(5).map(
                \.name)
        }
        if let nearest = NearMatch.nearest(to: name, in: chips.keys, limit: 6) { return [nearest] }
        let words = name.lowercased().split(separator: " ").filter { $0.count >= 3 }
        return chips.values.filter { chip in chip.peak[.bf16] != nil && words.contains { chip.name.lowercased().contains($0) } }
            .map(\.name).sorted().prefix(5).map { $0 }
    }
}
