// The one way the commands write JSON: `--json` documents on standard output, JSON files
// (`fit --save`, a campaign's summary.json) and JSON lines (`runs export --format jsonl`),
// all through one encoder (sorted keys, slashes unescaped; pretty but for JSON lines).
// Notes beside a `--json` document go to standard error.
import Foundation

enum JSONOutput {
    static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func text<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        String(decoding: try encoder(pretty: pretty).encode(value), as: UTF8.self)
    }

    /// Writes the document to `path` whole or not at all.
    static func write<T: Encodable>(_ value: T, to path: String) throws {
        try encoder().encode(value).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// A `--json` document on standard output.
func printJSON<T: Encodable>(_ value: T) throws {
    print(try JSONOutput.text(value))
}

/// A note for the person reading: on standard output before a table, on standard error beside
/// `--json` (standard output stays one JSON document).
func printNote(_ text: String, json: Bool) {
    if json { FileHandle.standardError.write(Data(("note: " + text + "\n").utf8)) } else { print("note: " + text) }
}
