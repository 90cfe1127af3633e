// The one canonical shape every pretraining log is turned into: a run with a stable id, its
// configuration (typed values under canonical keys, every other field under its own name),
// its curve of (step, tokens, learning rate, named losses) points, a status and where it
// came from. Importers produce these; the store keeps them; everything else reads them.
import Foundation

/// A configuration value: a number, a string or a boolean.
public enum ConfigValue: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    case number(Double)
    case text(String)
    case flag(Bool)

    public var number: Double? { if case .number(let value) = self { value } else { nil } }
    public var text: String? { if case .text(let value) = self { value } else { nil } }
    public var flag: Bool? { if case .flag(let value) = self { value } else { nil } }

    public var description: String {
        switch self {
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .text(let value): value
        case .flag(let value): String(value)
        }
    }

    /// A raw cell from a log: a number when it parses as one, true/false as a flag, else text.
    public static func parse(_ raw: String) -> ConfigValue {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if let number = Double(trimmed) { return .number(number) }
        switch trimmed.lowercased() {
        case "true": return .flag(true)
        case "false": return .flag(false)
        default: return .text(trimmed)
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        case .flag(let value): try container.encode(value)
        }
    }
}

/// Where a run came from: the file, the line or record, and the importer that read it.
public struct Provenance: Codable, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var importer: String
    public var note: String?
    /// Fields the log did not state, each with where its value came from (the last logged
    /// point, a value stated at ingest).
    public var assumed: [String: String]?

    public init(file: String, line: Int? = nil, importer: String, note: String? = nil, assumed: [String: String]? = nil) {
        self.file = file
        self.line = line
        self.importer = importer
        self.note = note
        self.assumed = assumed
    }
}

/// One logged point: at a step (and/or tokens seen), the learning rate if logged, and one or
/// more named losses.
public struct CurvePoint: Codable, Equatable, Sendable {
    public var step: Double?
    public var tokens: Double?
    public var learningRate: Double?
    public var losses: [String: Double]

    public init(step: Double? = nil, tokens: Double? = nil, learningRate: Double? = nil, losses: [String: Double]) {
        self.step = step
        self.tokens = tokens
        self.learningRate = learningRate
        self.losses = losses
    }
}

/// A curve's points' losses in key order, sorting the keys only when a point's names differ
/// from the point before's (they rarely do: a run logs the same losses at every step).
public struct LossOrder {
    /// The keys in order, as the last point had them.
    public private(set) var keys: [String] = []
    /// Whether the last call sorted anew (the keys changed).
    public private(set) var changed = false

    public init() {}

    /// The point's losses, sorted by name.
    public mutating func sorted(_ losses: [String: Double]) -> [(key: String, value: Double)] {
        changed = false
        if losses.count == keys.count {
            var values: [(key: String, value: Double)] = []
            values.reserveCapacity(keys.count)
            for key in keys {
                guard let value = losses[key] else { break }
                values.append((key, value))
            }
            if values.count == keys.count { return values }  // the same names: all found, none more
        }
        changed = true
        keys = losses.keys.sorted()
        return keys.map { ($0, losses[$0]!) }
    }
}

public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case ok, diverged, truncated
}

/// Which count a source's `params` is.
public enum ParameterConvention: String, Codable, Sendable {
    case total  // every parameter, embeddings included
    case nonEmbedding  // attention and feed-forward weights only
    case active  // parameters active per token (mixture of experts)
    case unknown
}

public struct Run: Codable, Equatable, Sendable {
    public var id: String
    public var source: String
    public var name: String
    public var configuration: [String: ConfigValue]
    public var curve: [CurvePoint]
    /// The loss the run is judged by (a key of every point's `losses`).
    public var targetLoss: String
    public var status: RunStatus
    public var statusReason: String?
    public var parameterConvention: ParameterConvention
    public var provenance: Provenance

    /// Builds a run and gives it its id (a hash of source, name, configuration and curve)
    /// and its status from its own curve.
    public init(
        source: String, name: String, configuration: [String: ConfigValue], curve: [CurvePoint],
        targetLoss: String, parameterConvention: ParameterConvention, provenance: Provenance
    ) {
        self.source = source
        self.name = name
        self.configuration = configuration
        self.curve = curve
        self.targetLoss = targetLoss
        self.parameterConvention = parameterConvention
        self.provenance = provenance
        self.id = ""
        self.status = .ok
        self.statusReason = nil
        self.id = Run.identifier(source: source, name: name, configuration: configuration, curve: curve)
        (status, statusReason) = Divergence.assess(self)
    }

    /// A run as stored: its id and status were computed when it was ingested (and the
    /// status may since have been set by the cross-run rule), so they are taken as given.
    public init(
        id: String, source: String, name: String, configuration: [String: ConfigValue], curve: [CurvePoint],
        targetLoss: String, status: RunStatus, statusReason: String?, parameterConvention: ParameterConvention,
        provenance: Provenance
    ) {
        self.id = id
        self.source = source
        self.name = name
        self.configuration = configuration
        self.curve = curve
        self.targetLoss = targetLoss
        self.status = status
        self.statusReason = statusReason
        self.parameterConvention = parameterConvention
        self.provenance = provenance
    }

    public func number(_ key: String) -> Double? { configuration[key]?.number }
    public var params: Double? { number(ConfigKey.params) }
    public var tokens: Double? { number(ConfigKey.tokens) }
    /// The model's size as splits and extrapolation distances measure it: N, else the
    /// non-embedding count, else 12 L d^2 from the shape (the non-embedding count of a standard
    /// transformer), for sources that log only some of these.
    public var modelSize: Double? {
        if let params = params ?? number(ConfigKey.paramsNonEmbedding) { return params }
        guard let width = number(ConfigKey.dModel), let layers = number(ConfigKey.nLayers) else { return nil }
        return 12 * layers * width * width
    }
    /// The target loss at the last point.
    public var finalLoss: Double? { curve.last?.losses[targetLoss] }

    /// The content hash behind `id`: equal for the same source, name, configuration and curve.
    public static func identifier(
        source: String, name: String, configuration: [String: ConfigValue],
        curve: [CurvePoint]
    ) -> String {
        var hash = ContentHash()
        hash.add(source)
        hash.add(name)
        for key in configuration.keys.sorted() {
            hash.add(key)
            hash.add(configuration[key]!.description)
        }
        var order = LossOrder()
        for point in curve {
            hash.add(point.step ?? -1)
            hash.add(point.tokens ?? -1)
            hash.add(point.learningRate ?? -1)
            for (key, loss) in order.sorted(point.losses) {
                hash.add(key)
                hash.add(loss)
            }
        }
        return hash.hexDigest
    }
}

/// A row of the resource table (Epoch's notable models): what training cost, for the cost side.
public struct ResourceRecord: Codable, Equatable, Sendable {
    public var model: String
    public var domain: String?
    public var organization: String?
    public var publicationDate: String?
    public var parameters: Double?
    public var trainingCompute: Double?  // FLOP
    public var datasetSize: Double?  // datapoints (tokens for language models)
    public var trainingHours: Double?
    public var hardware: String?
    public var hardwareQuantity: Double?
    public var costUSD2023: Double?
    public var provenance: Provenance

    public init(model: String, provenance: Provenance) {
        self.model = model
        self.provenance = provenance
    }
}

/// Whether a value from JSONSerialization is a JSON `true` or `false`. On Linux every
/// NSNumber bridges to Bool, so `value is Bool` is also true for the numbers 0 and 1; the
/// number's type code tells them apart ("c" for booleans).
public func isJSONBoolean(_ value: Any) -> Bool {
    if type(of: value) == Bool.self { return true }
    guard let number = value as? NSNumber, type(of: value) != Int.self, type(of: value) != Double.self else { return false }
    return String(cString: number.objCType) == "c"
}
