// Where ingested runs go. An importer reads a file into a sink; the store's sink writes
// inside the file's transaction, `CollectingSink` keeps everything in memory. A file
// ready to read (`RunFile`) says what it is and reads itself into a sink, so the store
// ingests it without knowing any importer.
import Foundation

public protocol RunSink: AnyObject {
    func add(_ run: Run) throws
    func add(_ resource: ResourceRecord) throws
    /// A record reported and left out; the file's other records are still stored.
    func reject(_ error: IngestError)
}

/// One file and how to read it: what the store records about an ingest, and the reading.
public protocol RunFile {
    var path: String { get }
    /// The `--format` name.
    var format: String { get }
    /// The source its runs carry.
    var source: String { get }
    /// What besides the file's bytes decides what it reads as (a mapping's text, fields
    /// stated at ingest): the same bytes read another way are another ingest.
    var readingKey: [String] { get }
    func read(into sink: RunSink, progress: ((Int) -> Void)?) throws
}

/// A sink that keeps everything in memory: for tests and for `--dry-run`.
public final class CollectingSink: RunSink {
    public var runs: [Run] = []
    public var resources: [ResourceRecord] = []
    public var rejected: [IngestError] = []
    public init() {}
    public func add(_ run: Run) throws { runs.append(run) }
    public func add(_ resource: ResourceRecord) throws { resources.append(resource) }
    public func reject(_ error: IngestError) { rejected.append(error) }
}
