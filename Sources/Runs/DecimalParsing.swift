// Reading a decimal number from a log's text without the C library when it is simple, as
// almost every logged number is: `[+-]digits[.digits][e[+-]digits]` with at most 19
// significant digits whose value is below 2^53 and whose decimal exponent is within 22.
// Then the mantissa and the power of ten are both exact doubles and one multiplication or
// division rounds correctly (Clinger's fast path, as fast_float and Go's strconv take it),
// so the result is bit for bit what strtod gives. Everything else (more digits, larger
// exponents, hexadecimal, inf, nan, spaces) goes to `Double(String)` as before.
// `DecimalParsingTests` checks it against `Double(String)` on every form it takes.
enum DecimalParsing {
    /// 10^0 ... 10^22, each an exact double.
    static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// The number `text` spells, or nil when it is not of the simple form (ask strtod then).
    static func simple(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { bytes -> Double? in
            var index = 0
            let count = bytes.count
            var negative = false
            if index < count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var mantissa: UInt64 = 0
            var digits = 0  // significant digits read (leading zeros do not count)
            var exponent = 0
            var sawDigit = false
            func digit(_ byte: UInt8) -> UInt64? { byte >= 48 && byte <= 57 ? UInt64(byte - 48) : nil }
            while index < count, let value = digit(bytes[index]) {
                if mantissa != 0 || value != 0 { digits += 1 }
                if digits > 19 { return nil }
                mantissa = mantissa * 10 + value
                sawDigit = true
                index += 1
            }
            if index < count && bytes[index] == UInt8(ascii: ".") {
                index += 1
                while index < count, let value = digit(bytes[index]) {
                    if mantissa != 0 || value != 0 { digits += 1 }
                    if digits > 19 { return nil }
                    mantissa = mantissa * 10 + value
                    exponent -= 1
                    sawDigit = true
                    index += 1
                }
            }
            guard sawDigit else { return nil }
            if index < count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
                index += 1
                var exponentNegative = false
                if index < count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                    exponentNegative = bytes[index] == UInt8(ascii: "-")
                    index += 1
                }
                var written = 0
                var sawExponentDigit = false
                while index < count, let value = digit(bytes[index]) {
                    written = written * 10 + Int(value)
                    if written > 10_000 { return nil }
                    sawExponentDigit = true
                    index += 1
                }
                guard sawExponentDigit else { return nil }
                exponent += exponentNegative ? -written : written
            }
            guard index == count, mantissa <= 1 << 53 else { return nil }
            var value = Double(mantissa)
            if mantissa != 0 {
                guard abs(exponent) <= 22 else { return nil }
                value = exponent < 0 ? value / powersOfTen[-exponent] : value * powersOfTen[exponent]
            }
            return negative ? -value : value
        }
    }
}
