// Epoch AI's notable models: a resource table (parameters, training compute, dataset size,
// time, hardware, cost) for the cost side; these are not loss curves and go in their own table.
import Foundation
import Runs

public struct EpochNotableModelsImporter: Importer {
    public let format = "epoch-notable"
    public let defaultSource = "epoch-notable-models"
    public init() {}

    public func importFile(_ path: String, source: String, into sink: RunSink, progress: ((Int) -> Void)?) throws {
        try forEachRecord(path, required: ["Model", "Parameters", "Training compute (FLOP)"], progress: progress) { record, line in
            let optional = { (field: String) -> Double? in
                guard let raw = record[field], !raw.isEmpty else { return nil }
                guard let value = Double(raw.replacingOccurrences(of: ",", with: "")), value.isFinite, value >= 0 else {
                    throw IngestError(
                        file: path, line: line, field: field, problem: "'\(raw.prefix(40))' is not a number",
                        expected: "a non-negative number or nothing")
                }
                return value
            }
            var resource = ResourceRecord(
                model: record["Model"] ?? "line \(line)",
                provenance: Provenance(file: path, line: line, importer: format))
            resource.domain = record["Domain"].flatMap { $0.isEmpty ? nil : $0 }
            resource.organization = record["Organization"].flatMap { $0.isEmpty ? nil : $0 }
            resource.publicationDate = record["Publication date"].flatMap { $0.isEmpty ? nil : $0 }
            resource.parameters = try optional("Parameters")
            resource.trainingCompute = try optional("Training compute (FLOP)")
            resource.datasetSize = try optional("Training dataset size (datapoints)")
            resource.trainingHours = try optional("Training time (hours)")
            resource.hardware = record["Training hardware"].flatMap { $0.isEmpty ? nil : $0 }
            resource.hardwareQuantity = try optional("Hardware quantity")
            resource.costUSD2023 = try optional("Training compute cost (2023 USD)")
            try sink.add(resource)
        }
    }
}
