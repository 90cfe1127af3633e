// The `--json` output every command shares: pretty, sorted keys, slashes unescaped; notes
// beside it go to standard error.
import Foundation

func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// A note for the person reading: on standard output before a table, on standard error beside
/// `--json` (standard output stays one JSON document).
func printNote(_ text: String, json: Bool) {
    if json { FileHandle.standardError.write(Data(("note: " + text + "\n").utf8)) } else { print("note: " + text) }
}
