// A configuration file's plain tree of values: what ConfigTree makes of YAML or JSON, and
// what JSONSerialization's objects become (`init(json:)`). Quoted scalars stay strings, so a
// quoted number is a type error for the reader of the tree to name, not a silent
// conversion; keys keep the file's order.
import Foundation

public indirect enum ConfigNode: Sendable, Equatable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
    case list([ConfigNode])
    /// Keys in the order the file gives them.
    case object([Entry])

    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: ConfigNode
        public init(_ key: String, _ value: ConfigNode) {
            self.key = key
            self.value = value
        }
    }

    /// What kind of value this is, for error messages.
    public var kind: String {
        switch self {
        case .number: "a number"
        case .string(let text): "the string \"\(text.prefix(40))\""
        case .bool: "a boolean"
        case .null: "null"
        case .list: "a list"
        case .object: "an object"
        }
    }
}

extension ConfigNode {
    /// The value as JSONSerialization would give it: NSNumber, String, NSNull, arrays and
    /// dictionaries (a repeated key keeps its last value).
    public var jsonObject: Any {
        switch self {
        case .number(let number): NSNumber(value: number)
        case .string(let text): text
        case .bool(let flag): NSNumber(value: flag)
        case .null: NSNull()
        case .list(let items): items.map(\.jsonObject)
        case .object(let entries): Dictionary(entries.map { ($0.key, $0.value.jsonObject) }) { $1 }
        }
    }
}

extension ConfigNode {
    /// The value as Swift values: Double, String, Bool, NSNull, [Any] and [String: Any]
    /// (a repeated key keeps its last value), for readers written against a YAML loader's output.
    public var nativeObject: Any {
        switch self {
        case .number(let number): number
        case .string(let text): text
        case .bool(let flag): flag
        case .null: NSNull()
        case .list(let items): items.map(\.nativeObject)
        case .object(let entries): Dictionary(entries.map { ($0.key, $0.value.nativeObject) }) { $1 } as [String: Any]
        }
    }

    /// The tree of a JSONSerialization object (NSNumber booleans become booleans).
    public init(json object: Any) {
        if object is NSNull {
            self = .null
        } else if isJSONBoolean(object), let flag = object as? Bool {
            self = .bool(flag)
        } else if let number = object as? NSNumber {
            self = .number(number.doubleValue)
        } else if let text = object as? String {
            self = .string(text)
        } else if let list = object as? [Any] {
            self = .list(list.map(ConfigNode.init(json:)))
        } else if let dictionary = object as? [String: Any] {
            self = .object(dictionary.keys.sorted().map { ConfigNode.Entry($0, ConfigNode(json: dictionary[$0]!)) })
        } else {
            self = .string("\(object)")
        }
    }
}
