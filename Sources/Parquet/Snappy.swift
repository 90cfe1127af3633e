// Snappy decompression (google/snappy's format_description.txt), the codec pandas and
// pyarrow write Parquet with by default. A stream is the uncompressed length as a varint,
// then elements: literals (bytes as they are) and copies (length and offset back into what
// is already written; a copy may overlap its own output, which repeats a pattern). Every
// length and offset is checked against the input and the stated size.
enum Snappy {
    struct Malformed: Error { let problem: String }

    static func decompress(_ input: UnsafeBufferPointer<UInt8>, expectedSize: Int) throws -> [UInt8] {
        var position = 0
        func byte() throws -> Int {
            guard position < input.count else { throw Malformed(problem: "the stream ends inside an element") }
            defer { position += 1 }
            return Int(input[position])
        }
        func littleEndian(_ count: Int) throws -> Int {
            var value = 0
            for index in 0..<count { value |= try byte() << (8 * index) }
            return value
        }
        var length = 0
        for shift in stride(from: 0, through: 28, by: 7) {
            let next = try byte()
            length |= (next & 0x7f) << shift
            if next & 0x80 == 0 { break }
            if shift == 28 { throw Malformed(problem: "the stated length runs past 32 bits") }
        }
        guard length == expectedSize else {
            throw Malformed(problem: "the stream says \(length) bytes, the page header \(expectedSize)")
        }
        var output = [UInt8]()
        output.reserveCapacity(length)
        while position < input.count {
            let tag = try byte()
            switch tag & 3 {
            case 0:  // literal
                var count = tag >> 2
                if count >= 60 { count = try littleEndian(count - 59) }
                count += 1
                guard count <= input.count - position, output.count + count <= length else {
                    throw Malformed(problem: "a literal of \(count) bytes runs past the end")
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[position..<position + count]))
                position += count
            default:
                let count: Int, offset: Int
                switch tag & 3 {
                case 1:
                    count = 4 + ((tag >> 2) & 7)
                    offset = (tag >> 5) << 8 | (try byte())
                case 2:
                    count = 1 + (tag >> 2)
                    offset = try littleEndian(2)
                default:
                    count = 1 + (tag >> 2)
                    offset = try littleEndian(4)
                }
                guard offset > 0, offset <= output.count, output.count + count <= length else {
                    throw Malformed(problem: "a copy of \(count) bytes from \(offset) back is out of range")
                }
                let start = output.count - offset
                for index in 0..<count { output.append(output[start + index]) }
            }
        }
        guard output.count == length else { throw Malformed(problem: "the stream gives \(output.count) of its \(length) bytes") }
        return output
    }
}
