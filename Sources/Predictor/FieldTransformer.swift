// The transformer-lite: each configuration field is a token, so a run that logs other
// fields than another still goes through the same weights, and sources that log different
// fields train one model. A token is a key embedding (which field) plus a value embedding:
// for a number, a small MLP of its normalised value (its first layer per field,
// gelu(v s_f + t_f), then a shared (W, W) layer), as NCPL embeds numbers; for a category,
// the category's embedding. A field the run did not log is masked out of attention. A
// summary token attends over the rest through pre-norm blocks and feeds the three heads.
import Autograd
import Foundation
import Layers
import Tensors

final class FieldTransformer: PredictorModel {
    let numericFields: Int
    let heads: Int
    let fieldKeys: Variable  // (F + C + 1, W): numeric fields, categorical fields, the summary token
    let valueScale: Variable  // (F, W)
    let valueShift: Variable  // (F, W)
    let valueOutput: Dense  // (W, W)
    let categoryTables: [Variable]  // (vocabulary + 1, W) each
    let blocks: [TransformerBlock]
    let finalNorm: LayerNorm
    let head: Dense  // (W, 3)

    init(encoder: FeatureEncoder, architecture: Architecture, using generator: inout SeededGenerator) {
        let width = architecture.width
        numericFields = encoder.numeric.count
        heads = architecture.heads
        let fields = numericFields + encoder.categorical.count + 1
        fieldKeys = Variable(Tensor.randomNormal(shape: [fields, width], standardDeviation: 0.1, using: &generator), requiresGradient: true)
        valueScale = Variable(
            Tensor.randomNormal(shape: [numericFields, width], standardDeviation: 1, using: &generator), requiresGradient: true)
        valueShift = Variable(
            Tensor.randomNormal(shape: [numericFields, width], standardDeviation: 0.5, using: &generator), requiresGradient: true)
        valueOutput = Dense(inputSize: width, outputSize: width, using: &generator)
        categoryTables = encoder.categorical.map { feature in
            Variable(
                Tensor.randomNormal(shape: [feature.vocabulary.count + 1, width], standardDeviation: 0.1, using: &generator),
                requiresGradient: true)
        }
        blocks = (0..<architecture.layers).map { _ in
            TransformerBlock(width: width, heads: architecture.heads, activation: architecture.activation, using: &generator)
        }
        finalNorm = LayerNorm(width: width)
        head = Dense(inputSize: width, outputSize: 3, using: &generator)
    }

    var namedParameters: [(name: String, variable: Variable)] {
        var named: [(name: String, variable: Variable)] = [
            ("field_keys", fieldKeys), ("value_scale", valueScale), ("value_shift", valueShift)
        ]
        named += valueOutput.namedParameters.map { ("value_output." + $0.name, $0.variable) }
        named += categoryTables.enumerated().map { ("category.\($0.offset)", $0.element) }
        for (index, block) in blocks.enumerated() { named += block.namedParameters.map { ("blocks.\(index)." + $0.name, $0.variable) } }
        named += finalNorm.namedParameters.map { ("final_norm." + $0.name, $0.variable) }
        named += head.namedParameters.map { ("head." + $0.name, $0.variable) }
        return named
    }

    func callAsFunction(numeric: Tensor, categories: [[Int]]) -> Variable {
        let (rows, fields, width) = (numeric.shape[0], numericFields, fieldKeys.shape[1])
        let tokenCount = fields + categories.count + 1
        // The numbers (B, F, 1) and which of them are present.
        var values = [Float](repeating: 0, count: rows * fields)
        var present = [[Bool]](repeating: [Bool](repeating: true, count: tokenCount), count: rows)
        let scalars = numeric.scalars
        for row in 0..<rows {
            for field in 0..<fields {
                values[row * fields + field] = scalars[row * 2 * fields + field]
                present[row][field] = scalars[row * 2 * fields + fields + field] == 0
            }
        }
        let numbers = Variable(Tensor(shape: [rows, fields, 1], scalars: values))
        let hidden = (numbers * valueScale + valueShift).gelu()  // (B, F, W)
        var parts = [valueOutput(hidden) + fieldKeys.slice(alongAxis: 0, 0..<fields)]  // (B, F, W)
        for (index, (table, indices)) in zip(categoryTables, categories).enumerated() {
            let key = fieldKeys.slice(alongAxis: 0, (fields + index)..<(fields + index + 1))  // (1, W)
            parts.append((gather(table, indices: indices, indexShape: [rows]) + key).reshaped([rows, 1, width]))
        }
        let summaryKey = fieldKeys.slice(alongAxis: 0, (tokenCount - 1)..<tokenCount).reshaped([1, 1, width])
        parts.append(Variable(Tensor(zeros: [rows, 1, width])) + summaryKey)  // (B, 1, W)
        var x = concatenate(parts, alongAxis: 1)  // (B, T, W)
        let mask = MultiHeadSelfAttention.keyMask(present, heads: heads)
        for block in blocks { x = block(x, keyMask: mask) }
        let summary = x.slice(alongAxis: 1, (tokenCount - 1)..<tokenCount).reshaped([rows, width])
        return head(finalNorm(summary))  // (B, 3)
    }
}
