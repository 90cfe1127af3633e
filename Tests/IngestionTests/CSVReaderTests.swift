// The CSV reader's two paths read every row alike: plain rows are cut straight from the
// buffer, the rest (quotes, stray carriage returns, rows cut by a read) byte by byte.
import Foundation
import Runs
import XCTest

final class CSVReaderTests: XCTestCase {
    func testPlainAndQuotedRowsReadAlikeWhereverTheReadsCut() throws {
        let text =
            "run,step,note,loss\r\n"  // CRLF header
            + "alpha,1,,3.5\n"  // an empty field
            + "alpha,2,\"a, quoted\"\"note\",3.25\n"  // a quoted comma and a doubled quote
            + "\n"  // a blank line, skipped
            + "beta,1,plain,3.0\r\n"
            + "beta,2,\"two\nlines\",2.9\n"  // a newline inside quotes
            + "gamma,1,x\ry,2.8\n"  // a stray carriage return, dropped
            + "gamma,2,ünïcode,2.7"  // no final newline
        let expected: [[String]] = [
            ["alpha", "1", "", "3.5"], ["alpha", "2", "a, quoted\"note", "3.25"], ["beta", "1", "plain", "3.0"],
            ["beta", "2", "two\nlines", "2.9"], ["gamma", "1", "xy", "2.8"], ["gamma", "2", "ünïcode", "2.7"]
        ]
        let lines = [2, 3, 5, 6, 8, 9]  // where each row starts, counted by hand above
        for chunkSize in [nil, 1, 3, 7, 16] {
            let reader = try CSVReader(data: Data(text.utf8), chunkSize: chunkSize)
            XCTAssertEqual(reader.header, ["run", "step", "note", "loss"])
            var rows: [[String]] = [], starts: [Int] = []
            while let row = try reader.nextRow() {
                rows.append(row)
                starts.append(reader.rowLine)
            }
            XCTAssertEqual(rows, expected, "chunks of \(chunkSize.map(String.init) ?? "all")")
            XCTAssertEqual(starts, lines, "chunks of \(chunkSize.map(String.init) ?? "all")")
        }
        // Invalid UTF-8 in a plain row is still refused at its line.
        var bad = Data("a,b\n1,2\n".utf8)
        bad.append(contentsOf: [0x33, 0x2C, 0xFF, 0x0A])
        let reader = try CSVReader(data: bad, name: "bad.csv")
        XCTAssertEqual(try reader.nextRow(), ["1", "2"])
        XCTAssertThrowsError(try reader.nextRow()) { XCTAssertTrue("\($0)".contains("bad.csv:3") && "\($0)".contains("UTF-8"), "\($0)") }
    }
}

final class ContentHashTests: XCTestCase {
    /// The published FNV-1a 64-bit test vectors (Fowler, Noll, Vo).
    func testFNV1aMatchesThePublishedVectors() {
        XCTAssertEqual(ContentHash.fnv1a(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(ContentHash.fnv1a("a"), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(ContentHash.fnv1a("foobar"), 0x8594_4171_f739_67e8)
    }
}
