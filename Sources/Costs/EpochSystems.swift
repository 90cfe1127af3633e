// Epoch's database of ML systems, as much of it as costing a system's training needs, and the
// paper's estimate of each system's costs from what the database says about its training.
import Foundation

public struct SystemRecord: Sendable {
    public var model: String
    public var organization: String
    public var published: CalendarDay?
    public var hardware: String?
    public var quantity: Double?
    public var hours: Double?
    public var compute: Double?
    public var utilization: Double?
    public var baseModel: String?
    /// A fine-tune's own compute, "Finetune compute (FLOP)".
    public var finetuneCompute: Double?
    /// Epoch's own figure, "Training compute cost (2023 USD)".
    public var epochCost: Double?
    public var parameters: Double?
    public var datasetSize: Double?
    public var organizationKind: String?
    public var computeRank: Double?

    /// When training started, by the paper's rule: publication less the training time and
    /// 60 days, with its dates for systems whose gap it knows to be unusual.
    public var trainingStart: CalendarDay? {
        if model.contains("Gemini 1.0 Ultra") { return CalendarDay(year: 2023, month: 5, day: 10) }
        if model == "GPT-4", let hours { return CalendarDay(year: 2022, month: 8, day: 15) + -Int((hours / 24).rounded(.down)) }
        if model.contains("GPT-3.5") { return CalendarDay(year: 2022, month: 3, day: 14) }
        if model.contains("GPT-3") { return CalendarDay(year: 2019, month: 10, day: 1) }
        guard let published, let hours else { return nil }
        return published + -(Int((hours / 24).rounded(.down)) + 60)
    }
}

public enum EpochSystems {
    public static let fileName = "All ML Systems - full view.csv"

    public static func load(directory: String) throws -> [SystemRecord] { try load(path: directory + "/" + fileName) }

    /// Any table with the database's column names (Epoch's notable-models export has them).
    public static func load(path: String) throws -> [SystemRecord] {
        let table = try EpochTable(path: path)
        return table.rows.compactMap { row in
            guard let model = row["Model"], !model.isEmpty else { return nil }
            func text(_ key: String) -> String? { row[key].flatMap { $0.isEmpty ? nil : $0 } }
            return SystemRecord(
                model: model, organization: row["Organization"] ?? "",
                published: text("Publication date").flatMap(CalendarDay.init(parsing:)),
                hardware: text("Training hardware"), quantity: EpochTable.number(row["Hardware quantity"]),
                hours: EpochTable.number(row["Training time (hours)"]), compute: EpochTable.number(row["Training compute (FLOP)"]),
                utilization: EpochTable.number(row["Hardware utilization (MFU)"]), baseModel: text("Base model"),
                finetuneCompute: EpochTable.number(row["Finetune compute (FLOP)"]),
                epochCost: EpochTable.number(row["Training compute cost (2023 USD)"]), parameters: EpochTable.number(row["Parameters"]),
                datasetSize: EpochTable.number(row["Training dataset size (datapoints)"]),
                organizationKind: text("Organization categorization"), computeRank: EpochTable.number(row["Compute rank when published"]))
        }
    }
}

extension CostModel {
    /// A system's costs as the paper estimates them from the database: its hardware, count and
    /// training time (not imputed), training from the paper's start date, counted in the
    /// dollars of its publication month and converted to `dollars`. Nil for a system the
    /// database does not give these (and its compute) for, trained on several kinds of chip, or fine-tuned.
    public func estimate(system: SystemRecord, dollars: DollarBasis) throws -> CostEstimate? {
        guard system.baseModel == nil, let name = system.hardware, !name.contains(","), let quantity = system.quantity, quantity >= 1,
            let hours = system.hours, hours > 0, let flop = system.compute, let start = system.trainingStart,
            let published = system.published,
            let chip = try? chips.chip(named: name, field: "Training hardware")
        else { return nil }
        // Chip-hours are count x time; the FLOP only give the utilization this implies.
        let plan = TrainingPlan(
            flop: flop, chip: chip, chips: Int(quantity.rounded()), hours: hours, start: start, organization: system.organization,
            vendor: Self.cloudVendor(organization: system.organization))
        var costed = self
        // The paper prices electricity in the year of publication.
        costed.assumptions.energyPrice = CostAssumptions.energyPrices[published.year]
        return try costed.estimate(plan, dollars: dollars, pricedAt: published)
    }

    /// The cloud an organization rents from, as the paper assigns them (else the default).
    static func cloudVendor(organization: String) -> String? {
        let vendors = [
            ("google", "Google Cloud"), ("deepmind", "Google Cloud"), ("microsoft", "Microsoft Azure"), ("openai", "Microsoft Azure")
        ]
        for part in organization.lowercased().split(separator: ",") {
            if let vendor = vendors.first(where: { part.contains($0.0) }) { return vendor.1 }
        }
        return nil
    }
}
