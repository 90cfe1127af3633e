// A streaming CSV reader (RFC 4180: quoted fields, doubled quotes, commas and newlines
// inside quotes, CRLF or LF). It reads the file in 1 MiB chunks, so memory stays bounded by
// one chunk and one row whatever the file's size, and it reports the line each row starts on.
// Binary input (NUL bytes, invalid UTF-8) and an unterminated quote are errors.
import Foundation

public final class CSVReader {
    /// A row (or a line of `LineReader`) longer than this is refused: no log row is this long,
    /// and a file of one endless line would otherwise be held whole in memory.
    public static let maximumRowBytes = 8 << 20
    public let path: String
    /// Returns the next chunk of bytes, empty at the end.
    private let readChunk: () throws -> Data
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false
    private var line = 1
    /// The header row.
    public private(set) var header: [String] = []
    /// The line the last row returned by `nextRow()` started on.
    public private(set) var rowLine = 0
    /// Bytes read so far, for progress.
    public private(set) var bytesRead = 0

    public convenience init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IngestError(file: path, problem: "cannot open the file", expected: "a readable CSV file")
        }
        try self.init(name: path) { try handle.read(upToCount: 1 << 20) ?? Data() }
    }

    /// A reader over bytes already in memory (for tests and the fuzz target); `name` stands for the file in errors.
    /// `chunkSize` cuts the bytes into reads of that size, as a file's 1 MiB reads cut rows.
    public convenience init(data: Data, name: String = "<memory>", chunkSize: Int? = nil) throws {
        var remaining = data[...]
        try self.init(name: name) {
            let chunk = remaining.prefix(chunkSize ?? remaining.count)
            remaining = remaining.dropFirst(chunk.count)
            return Data(chunk)
        }
    }

    private init(name: String, readChunk: @escaping () throws -> Data) throws {
        self.path = name
        self.readChunk = readChunk
        guard let first = try nextRow() else {
            throw IngestError(file: path, line: 1, problem: "the file is empty", expected: "a header row")
        }
        header = first.map { $0.trimmingCharacters(in: .whitespaces) }
        if header.count == 1 && header[0].isEmpty {
            throw IngestError(file: path, line: 1, problem: "the header row is blank", expected: "column names")
        }
        var seen = Set<String>()
        for name in header where !seen.insert(name).inserted {
            throw IngestError(file: path, line: 1, field: name, problem: "the column name appears twice", expected: "unique column names")
        }
    }

    private func refill() throws -> Bool {
        if finished { return false }
        let chunk = try readChunk()
        if chunk.isEmpty {
            finished = true
            return false
        }
        bytesRead += chunk.count
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        buffer.append(contentsOf: chunk)
        return true
    }

    /// The next row's fields, or nil at the end of the file. Blank lines are skipped.
    public func nextRow() throws -> [String]? {
        if let fields = plainRow() { return fields }
        return try nextRowByteByByte()
    }

    /// The next row when it is plain, the common case of a log: a whole line already in the
    /// buffer with no quote, NUL or carriage return before its end, each field valid UTF-8.
    /// Its fields are cut straight from the buffer. Anything else (and every error) is left to
    /// the byte-by-byte reader, which reads the same row the same way.
    private func plainRow() -> [String]? {
        let start = position
        return buffer.withUnsafeBufferPointer { bytes -> [String]? in
            guard start < bytes.count, let base = bytes.baseAddress,
                let found = memchr(base + start, Int32(UInt8(ascii: "\n")), bytes.count - start)
            else { return nil }
            let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            var end = newline
            if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            guard end > start, end - start <= Self.maximumRowBytes else { return nil }
            var fields: [String] = []
            fields.reserveCapacity(header.count)
            var fieldStart = start
            var highBits: UInt8 = 0  // any byte of the field at or above 0x80: not ASCII
            for index in start...end {
                let byte = index < end ? bytes[index] : UInt8(ascii: ",")
                if byte == UInt8(ascii: "\"") || byte == 0 || byte == UInt8(ascii: "\r") { return nil }
                highBits |= byte
                guard byte == UInt8(ascii: ",") else { continue }
                let field = UnsafeBufferPointer(rebasing: bytes[fieldStart..<index])
                // ASCII is valid UTF-8 as it stands (decoding repairs nothing); anything else is validated.
                if highBits < 0x80 {
                    fields.append(String(decoding: field, as: UTF8.self))
                } else {
                    guard let text = String(validating: field, as: UTF8.self) else { return nil }
                    fields.append(text)
                }
                fieldStart = index + 1
                highBits = 0
            }
            rowLine = line
            line += 1
            position = newline + 1
            return fields
        }
    }

    private func nextRowByteByByte() throws -> [String]? {
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var quotedField = false
        var sawAnything = false
        var rowBytes = 0
        rowLine = line
        func finishField() throws {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw IngestError(
                    file: path, line: rowLine, field: fields.count < header.count ? header[fields.count] : nil,
                    problem: "the bytes are not valid UTF-8 text (binary data?)", expected: "a text CSV file")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            quotedField = false
        }
        while true {
            if position >= buffer.count {
                if try !refill() {
                    if inQuotes {
                        throw IngestError(
                            file: path, line: rowLine, problem: "a quoted field is never closed (truncated file?)",
                            expected: "a closing double quote")
                    }
                    if !sawAnything { return nil }
                    try finishField()
                    return fields
                }
            }
            let byte = buffer[position]
            position += 1
            rowBytes += 1
            if rowBytes > Self.maximumRowBytes {
                throw IngestError(
                    file: path, line: rowLine, problem: "the row is longer than \(Self.maximumRowBytes >> 20) MiB (one endless line?)",
                    expected: "a CSV of rows with line breaks")
            }
            if byte == 0 {
                throw IngestError(file: path, line: line, problem: "a NUL byte: this is binary data, not CSV", expected: "a text CSV file")
            }
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if position >= buffer.count { _ = try refill() }
                    if position < buffer.count && buffer[position] == UInt8(ascii: "\"") {
                        field.append(byte)
                        position += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                sawAnything = true
                try finishField()
            case UInt8(ascii: "\n"):
                line += 1
                if !sawAnything && field.isEmpty {
                    rowLine = line
                    continue
                }
                try finishField()
                return fields
            case UInt8(ascii: "\r"):
                continue
            case UInt8(ascii: "\"") where field.isEmpty && !quotedField:
                inQuotes = true
                quotedField = true
                sawAnything = true
            default:
                sawAnything = true
                field.append(byte)
            }
        }
    }

    /// The next row's fields, one for each column of the header; a row with a different
    /// number of fields is an error.
    public func nextFields() throws -> [String]? {
        guard let row = try nextRow() else { return nil }
        guard row.count == header.count else {
            throw IngestError(
                file: path, line: rowLine,
                problem: "the row has \(row.count) fields but the header has \(header.count)",
                expected: "\(header.count) comma-separated fields")
        }
        return row
    }

    /// The next row as a dictionary from column name to value; a row with a different
    /// number of fields than the header is an error.
    public func nextRecord() throws -> [String: String]? {
        try nextFields().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}

/// Reads a file line by line in chunks, for JSON lines.
public final class LineReader {
    public let path: String
    private let readChunk: () throws -> Data
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false
    public private(set) var lineNumber = 0
    public private(set) var bytesRead = 0

    public init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IngestError(file: path, problem: "cannot open the file", expected: "a readable file")
        }
        self.path = path
        readChunk = { try handle.read(upToCount: 1 << 20) ?? Data() }
    }

    public init(data: Data, name: String = "<memory>") {
        path = name
        var remaining: Data? = data
        readChunk = {
            defer { remaining = nil }
            return remaining ?? Data()
        }
    }

    /// The next line without its newline, or nil at the end.
    public func nextLine() throws -> String? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                let bytes = buffer[position..<newline]
                position = newline + 1
                lineNumber += 1
                return try decode(bytes)
            }
            if finished {
                if position >= buffer.count { return nil }
                let bytes = buffer[position...]
                position = buffer.count
                lineNumber += 1
                return try decode(bytes)
            }
            buffer.removeFirst(position)  // keep only the partial line
            position = 0
            if buffer.count > CSVReader.maximumRowBytes {
                throw IngestError(
                    file: path, line: lineNumber + 1,
                    problem: "the line is longer than \(CSVReader.maximumRowBytes >> 20) MiB (one endless line?)",
                    expected: "one record per line")
            }
            let chunk = try readChunk()
            if chunk.isEmpty { finished = true } else { bytesRead += chunk.count; buffer.append(contentsOf: chunk) }
        }
    }

    private func decode(_ bytes: ArraySlice<UInt8>) throws -> String {
        if bytes.contains(0) {
            throw IngestError(file: path, line: lineNumber, problem: "a NUL byte: binary data", expected: "UTF-8 text")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw IngestError(file: path, line: lineNumber, problem: "the bytes are not valid UTF-8 text", expected: "UTF-8 text")
        }
        return text.hasSuffix("\r") ? String(text.dropLast()) : text
    }
}
