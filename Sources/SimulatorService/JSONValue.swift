// A JSON value and its writer. Responses are built as JSONValue rather than through
// JSONSerialization, which on Linux bridges every element through NSObject and was many
// times slower on a large budget report (docs/DESIGN.md, The simulator service).
import Foundation

enum JSONValue: Equatable {
    case number(Double)
    case integer(Int)
    case string(String)
    case bool(Bool)
    case null
    case array([JSONValue])
    /// Keys in the order given; writers below pass them sorted.
    case object([(String, JSONValue)])

    static func == (left: JSONValue, right: JSONValue) -> Bool { left.text == right.text }

    static func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }

    var text: String {
        var output = ""
        write(to: &output)
        return output
    }

    var data: Data { Data(text.utf8) }

    func write(to output: inout String) {
        switch self {
        case .number(let value):
            if !value.isFinite {
                output += "null"
            } else if value == value.rounded(), abs(value) < 1e15 {
                output += String(Int64(value))
            } else {
                output += "\(value)"
            }
        case .integer(let value): output += String(value)
        case .string(let value): Self.write(string: value, to: &output)
        case .bool(let value): output += value ? "true" : "false"
        case .null: output += "null"
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case .object(let fields):
            output += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { output += "," }
                Self.write(string: key, to: &output)
                output += ":"
                value.write(to: &output)
            }
            output += "}"
        }
    }

    static func write(string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20: output += String(format: "\\u%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
