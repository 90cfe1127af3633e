// The report's HTML: what a user named (runs, sources, the command) is text, never markup.
@testable import Backtest
import XCTest

final class ReportTests: XCTestCase {
    func testNamesAreEscapedAsHTML() {
        let name = #"<img src=x onerror="alert(1)">&co"#
        XCTAssertEqual(BacktestReport.escapeHTML(name), "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;co")
        let table = BacktestReport.html([["run", "MAE"], [name, "0.01"]])
        XCTAssertFalse(table.contains("<img"), table)
        XCTAssertTrue(table.contains("<td>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;co</td>"), table)
        // Every tag left is one the table writes itself.
        let tags = Set(table.matches(of: #/<\/?([a-z]+)/#).map { String($0.output.1) })
        XCTAssertEqual(tags, ["table", "tr", "th", "td"])
    }
}
