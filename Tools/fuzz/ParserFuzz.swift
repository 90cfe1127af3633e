// libFuzzer target for LossCast's log parsers: the CSV reader (quoted fields, CRLF, any
// bytes), the JSON-lines reader and the configuration reader (any JSON, as a user's
// proposal and as a log). Built with the Runs sources by Tools/fuzz/run.sh.
// Whatever the input, a parser either returns rows or throws an IngestError; a crash, a
// hang or a row with the wrong field count is a finding.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    do {
        let reader = try CSVReader(data: data, name: "fuzz.csv")
        var rows = 0
        while let record = try reader.nextRecord() {
            precondition(record.count <= reader.header.count, "a record with more fields than the header")
            rows += 1
            precondition(rows <= count + 1, "more rows than input bytes")
        }
    } catch is IngestError {
    } catch {
        preconditionFailure("the CSV reader threw something other than an IngestError: \(error)")
    }
    let lines = LineReader(data: data, name: "fuzz.jsonl")
    do {
        while let line = try lines.nextLine() {
            _ = try? JSONSerialization.jsonObject(with: Data(line.utf8))
        }
    } catch is IngestError {
    } catch {
        preconditionFailure("the line reader threw something other than an IngestError: \(error)")
    }
    if let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
        for strictness in [Configuration.Strictness.proposal, .log] {
            do {
                let configuration = try Configuration.read(json: object, origin: "fuzz.json", strictness: strictness)
                _ = configuration.completed()
                try configuration.checkPredictable()
            } catch is IngestError {
            } catch {
                preconditionFailure("the configuration reader threw something other than an IngestError: \(error)")
            }
        }
    }
    return 0
}
