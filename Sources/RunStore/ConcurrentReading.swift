// Reading a file on a thread of its own while the ingest transaction writes what it has
// read. Parsing and validating a run and writing it to SQLite each take a large share of an
// ingest (docs/DESIGN.md, Ingest), and the machine has two cores: one reads while the other
// writes. Between them waits at most `Handoff.capacity` records, so memory stays bounded by
// a few runs, as it is when one thread does both. The writer sees the records in the order
// the importer produced them; an error on either side stops both, and the transaction
// stores nothing of the file.
import Foundation
import Runs

/// What the reading thread hands the writing one.
enum HandedRecord {
    /// A run with its points' losses already written as JSON: work done on the reading side.
    case run(Run, LossTexts)
    case resource(ResourceRecord)
    case rejection(IngestError)
    case finished
    case failed(Error)
}

/// A bounded queue between the reading thread and the writing one.
final class Handoff: RunSink {
    static let capacity = 4
    private let condition = NSCondition()
    private var records: [HandedRecord] = []
    private var stopped = false

    /// The writer gave up (its own error): the reader's next hand-off throws this to unwind it.
    struct WriterStopped: Error {}

    func put(_ record: HandedRecord) throws {
        condition.lock()
        defer { condition.unlock() }
        while records.count >= Handoff.capacity && !stopped { condition.wait() }
        if stopped { throw WriterStopped() }
        records.append(record)
        condition.broadcast()
    }

    func take() -> HandedRecord {
        condition.lock()
        defer { condition.unlock() }
        while records.isEmpty { condition.wait() }
        let record = records.removeFirst()
        condition.broadcast()
        return record
    }

    /// Wakes and fails the reader's next hand-off; what was queued is dropped.
    func stop() {
        condition.lock()
        stopped = true
        records.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    func add(_ run: Run) throws { try put(.run(run, LossTexts(run.curve))) }
    func add(_ resource: ResourceRecord) throws { try put(.resource(resource)) }
    func reject(_ error: IngestError) { try? put(.rejection(error)) }
}

extension RunFile {
    /// Reads the file into `sink` with the reading on a second thread; returns when the
    /// reader has finished and every record is in the sink, throws the first error of either.
    /// `progress` is called on the reading thread.
    func readConcurrently(into sink: StoreSink, progress: ((Int) -> Void)?) throws {
        let handoff = Handoff()
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            defer { done.signal() }
            do {
                try self.read(into: handoff, progress: progress)
                try handoff.put(.finished)
            } catch is Handoff.WriterStopped {
                // The writer failed and said why; nothing to add.
            } catch {
                try? handoff.put(.failed(error))
            }
        }
        reader.stackSize = 8 << 20  // parsing recurses into nested JSON and YAML
        reader.start()
        defer { done.wait() }  // the reader never outlives the transaction it feeds
        do {
            while true {
                switch handoff.take() {
                case .run(let run, let losses): try sink.add(run, losses: losses)
                case .resource(let resource): try sink.add(resource)
                case .rejection(let error): sink.reject(error)
                case .finished: return
                case .failed(let error): throw error
                }
            }
        } catch {
            handoff.stop()
            throw error
        }
    }
}
