// Which importer reads a file: by --format when given, else by where the file sits in the
// known public datasets (../shared/datasets layout), else by a run folder's config.json +
// losses.json, else by extension (.csv, and .jsonl with a mapping: the mapped table importer;
// .jsonl without one: a W&B history). Folders are walked.
import Foundation
import Runs

public struct PlannedImport: RunFile {
    public var path: String
    public var importer: Importer
    public var source: String
    /// Fields stated at ingest (`--set`, `--config`) for what the file does not say; what the
    /// file says wins.
    public var stated: [String: ConfigValue] = [:]

    public init(path: String, importer: Importer, source: String, stated: [String: ConfigValue] = [:]) {
        self.path = path
        self.importer = importer
        self.source = source
        self.stated = stated
    }

    /// The sink that stores runs with the stated fields filled in where a run lacks them.
    public func stating(into sink: RunSink) -> RunSink {
        stated.isEmpty ? sink : StatedFieldsSink(inner: sink, stated: stated)
    }

    /// The stated fields as text, part of what a file reads as: the same bytes with other
    /// stated fields are another ingest.
    public var statedKey: String? {
        stated.isEmpty ? nil : stated.keys.sorted().map { "\($0)=\(stated[$0]!)" }.joined(separator: ";")
    }

    public var format: String { importer.format }
    public var readingKey: [String] { [importer.readingKey, statedKey].compactMap { $0 } }

    public func read(into sink: RunSink, progress: ((Int) -> Void)?) throws {
        try importer.importFile(path, source: source, into: stating(into: sink), progress: progress)
    }
}

/// Fills in the fields stated at ingest that a run does not have or only assumed (a D taken
/// from the last logged point gives way to a stated D), recording them as stated.
final class StatedFieldsSink: RunSink {
    let inner: RunSink
    let stated: [String: ConfigValue]
    init(inner: RunSink, stated: [String: ConfigValue]) {
        self.inner = inner
        self.stated = stated
    }

    func add(_ run: Run) throws {
        let missing = stated.filter { run.configuration[$0.key] == nil || run.provenance.assumed?[$0.key] != nil }
        guard !missing.isEmpty else { return try inner.add(run) }
        var configuration = run.configuration, provenance = run.provenance
        configuration.merge(missing) { _, stated in stated }
        var assumed = provenance.assumed ?? [:]
        for key in missing.keys { assumed[key] = "stated at ingest" }
        provenance.assumed = assumed
        var stated = Run(
            source: run.source, name: run.name, configuration: configuration, curve: run.curve, targetLoss: run.targetLoss,
            parameterConvention: run.parameterConvention, provenance: provenance)
        if run.status == .diverged && stated.status != .diverged {  // a verdict from the importer's own rules stands
            stated.status = run.status
            stated.statusReason = run.statusReason
        }
        try inner.add(stated)
    }
    func add(_ resource: ResourceRecord) throws { try inner.add(resource) }
    func reject(_ error: IngestError) { inner.reject(error) }
}

public enum Detection {
    public static let formats = [
        "steplaw", "steplaw-moe", "olmo-ladder", "multipowerlaw", "gadre-models", "gadre-grid",
        "chinchilla-epoch", "sldbench-data-constrained", "sldbench-vocab", "sldbench-moe",
        "sldbench-domain-mixture", "sldbench-lr", "epoch-notable", "csv", "jsonl", "parquet", "wandb", "run-folders"
    ]

    public static func importer(format: String, mapping: Mapping?, target: String?, stated: [String: ConfigValue] = [:]) throws -> Importer
    {
        switch format {
        case "steplaw": return StepLawImporter(moe: false)
        case "steplaw-moe": return StepLawImporter(moe: true)
        case "olmo-ladder": return OLMoLadderImporter(stated: stated)
        case "multipowerlaw": return MultiPowerLawImporter()
        case "gadre-models": return GadreModelsImporter()
        case "gadre-grid": return GadreGridImporter()
        case "chinchilla-epoch": return ChinchillaEpochImporter()
        case "epoch-notable": return EpochNotableModelsImporter()
        case "wandb": return WandbImporter(target: target)
        case "run-folders": return RunFolderImporter()
        case "csv", "jsonl", "parquet":
            guard let mapping else {
                throw IngestError(
                    file: "--mapping", problem: "the \(format) format needs a mapping file",
                    expected: "--mapping FILE (JSON or YAML)" + (format == "jsonl" ? ", or --format wandb for a W&B history export" : ""))
            }
            return MappedTableImporter(mapping: mapping, table: TableFormat(rawValue: format)!)
        default:
            if format.hasPrefix("sldbench-"), let task = SLDBenchImporter.Task(rawValue: String(format.dropFirst(9))) {
                return SLDBenchImporter(task: task)
            }
            throw IngestError(file: "--format", problem: "unknown format '\(format)'", expected: formats.joined(separator: ", "))
        }
    }

    /// The importer for a file in a known dataset's layout, nil when the file is not run data
    /// of a known dataset.
    static func known(_ path: String, stated: [String: ConfigValue] = [:]) -> Importer? {
        let parts = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let name = parts.last ?? ""
        let parent = parts.count >= 2 ? parts[parts.count - 2] : ""
        let grandparent = parts.count >= 3 ? parts[parts.count - 3] : ""
        switch (grandparent, parent, name) {
        case (_, "steplaw", "dense_lr_bs_loss.csv"): return StepLawImporter(moe: false)
        case (_, "steplaw", "moe_lr_bs_loss.csv"): return StepLawImporter(moe: true)
        case ("olmo_ladder", "runs", _), ("olmo_ladder", "decay", _), ("olmo_ladder", "const", _):
            return name.hasSuffix(".csv") ? OLMoLadderImporter(stated: stated) : nil
        case ("multipowerlaw", _, _) where parent.hasPrefix("csv_") && name.hasSuffix(".csv"): return MultiPowerLawImporter()
        case (_, "gadre2024", "models_flat.csv"): return GadreModelsImporter()
        case (_, "gadre2024", "grid_flat.csv"): return GadreGridImporter()
        case (_, "chinchilla_epoch", "svg_extracted_data.csv"): return ChinchillaEpochImporter()
        case (_, "epoch_notable_models", "notable_ai_models.csv"): return EpochNotableModelsImporter()
        case ("sldbench", "data_constrained_scaling_law", "data.csv"): return SLDBenchImporter(task: .dataConstrained)
        case ("sldbench", "vocab_scaling_law", "data.csv"): return SLDBenchImporter(task: .vocabulary)
        case ("sldbench", "moe_scaling_law", "data.csv"): return SLDBenchImporter(task: .moeCurves)
        case ("sldbench", "domain_mixture_scaling_law", "all_models_data.json"): return SLDBenchImporter(task: .domainMixture)
        case ("sldbench", "lr_scaling_law", "dense_lr_bs_loss.csv"): return SLDBenchImporter(task: .learningRate)
        default: return nil
        }
    }

    /// What to import for each path given on the command line.
    public static func plan(
        paths: [String], format: String?, mapping: Mapping?, source: String?, target: String?,
        stated: [String: ConfigValue] = [:]
    ) throws -> [PlannedImport] {
        var plans: [PlannedImport] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw IngestError(file: path, problem: "no such file or folder", expected: "a log file or a folder of logs")
            }
            let files: [String]
            if isFolder.boolValue {
                let enumerator = FileManager.default.enumerator(atPath: path)
                var found: [String] = []
                while let relative = enumerator?.nextObject() as? String {
                    let full = path + "/" + relative
                    var folder: ObjCBool = false
                    if FileManager.default.fileExists(atPath: full, isDirectory: &folder), !folder.boolValue { found.append(full) }
                }
                files = found.sorted()
            } else {
                // A device or a pipe (/dev/zero) never ends: hashing or reading it would hang.
                let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
                guard (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type] as? FileAttributeType == .typeRegular else {
                    throw IngestError(
                        file: path, problem: "not a regular file (a device, pipe or socket)", expected: "a log file or a folder of logs")
                }
                files = [path]
            }
            for file in files {
                let importer: Importer
                if RunFolderImporter.isRunConfig(file) && (format == nil || format == "run-folders") {
                    importer = RunFolderImporter()
                } else if format == "run-folders"
                    || file.hasSuffix("/" + RunFolderImporter.lossesName)
                        && RunFolderImporter.isRunConfig(
                            URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(RunFolderImporter.configName).path
                        )
                {
                    continue  // read with its config.json, or not part of a run folder
                } else if let format {
                    importer = try Detection.importer(format: format, mapping: mapping, target: target, stated: stated)
                } else if let known = known(file, stated: stated) {
                    importer = known
                } else if let mapping, file.hasSuffix(".csv") || TableFormat.of(file) != .csv {
                    importer = MappedTableImporter(mapping: mapping, table: TableFormat.of(file))
                } else if file.hasSuffix(".jsonl") {
                    importer = WandbImporter(target: target)
                } else if TableFormat.of(file) == .parquet {
                    throw IngestError(
                        file: file, problem: "a Parquet table of unknown layout", expected: "--mapping FILE describing its columns")
                } else if isFolder.boolValue {
                    continue  // a folder walk skips what it does not recognise
                } else if file.hasSuffix(".csv") {
                    throw IngestError(file: file, problem: "a CSV of unknown layout", expected: "--mapping FILE describing its columns")
                } else {
                    throw IngestError(
                        file: file, problem: "not a format LossCast recognises",
                        expected: "--format one of \(formats.joined(separator: ", "))")
                }
                let runSource =
                    source
                    ?? (importer is OLMoLadderImporter
                        ? OLMoLadderImporter.source(for: file)
                        : importer is RunFolderImporter ? RunFolderImporter.source(for: file) : importer.defaultSource)
                plans.append(PlannedImport(path: file, importer: importer, source: runSource, stated: stated))
            }
        }
        return plans
    }
}
