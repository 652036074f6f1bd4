/// A 2-D convolution over NHWC images, as im2col followed by one `cblas_sgemm`.
///
/// The weight is stored `[kernelH, kernelW, inChannels, outChannels]`, i.e. a `patch x out`
/// matrix (PyTorch's `[out, in, kH, kW]` permuted by (2, 3, 1, 0)), so the product
/// `columns[N*OH*OW, patch] x weight[patch, out]` is the NHWC output directly.
public final class Conv2d: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: Int, padding: Int
    private var geometry: ConvGeometry?
    private var input: Tensor?
    private var columns: [Float] = []
    /// True when `columns` holds the patches of `input` (the plain path's forward made them).
    private var columnsHoldInput = false
    private var gradColumns: [Float] = []
    /// Per-worker patch, gradient-patch and weight-gradient buffers of the blocked path (and the
    /// padded images of the direct kernel).
    var scratch: [Float] = []
    /// The weight as a transposed convolution's, packed for the phase kernel of the input gradient.
    var packedTransposeWeight: [Float] = []
    /// False: `backward` returns the input gradient only and leaves the weight's and bias's
    /// gradients alone (for a pass whose parameter gradients would be thrown away).
    public var accumulatesParameterGradients = true
    /// False: `backward` makes the parameter gradients only and returns an empty tensor (for a
    /// first layer whose input is a constant, such as D's images in D's own step).
    public var computesInputGradient = true

    /// A convolution with N(0, std) weights and (if `bias`) zero bias.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = false, std: Float = 0.02, name: String = "conv",
                generator: inout SeededGenerator) {
        (weight, self.bias) = _convolutionParameters(name, [kernel, kernel, inChannels, outChannels], kernel: kernel,
                                                     stride: stride, padding: padding, bias: bias, std: std,
                                                     generator: &generator)
        self.stride = stride
        self.padding = padding
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    /// - Parameter input: `[N, H, W, inChannels]`.
    /// - Returns: `[N, OH, OW, outChannels]` with OH = (H + 2 padding - kernel) / stride + 1.
    /// - Complexity: O(N * OH * OW * kernel² * in * out).
    public func forward(_ input: Tensor) -> Tensor {
        let w = weight.value.shape
        precondition(input.rank == 4 && input.shape[3] == w[2], "Conv2d expects [N, H, W, \(w[2])], got \(input.shape)")
        let g = ConvGeometry(batch: input.shape[0], height: input.shape[1], width: input.shape[2], channels: w[2],
                             kernelH: w[0], kernelW: w[1], stride: stride, padding: padding)
        precondition(g.outHeight > 0 && g.outWidth > 0, "Conv2d kernel larger than padded input \(input.shape)")
        geometry = g
        self.input = input
        columnsHoldInput = false
        let (m, k, out) = (g.columnRows, g.patchSize, w[3])
        var y: [Float]
        if Self.usesDirectKernel(g, out: out) {
            y = forwardDirect(input, g)
        } else if let blocks = _SampleBlocks(g) {
            y = forwardBlocked(input, g, blocks)
        } else if g.isIdentity {
            y = [Float](repeating: 0, count: m * out)
            _matmul(input.data, weight.value.data, into: &y, m: m, n: out, k: k)
        } else {
            y = [Float](repeating: 0, count: m * out)
            makeColumns(input, g)
            _matmul(columns, weight.value.data, into: &y, m: m, n: out, k: k)
        }
        if let bias { _addRowVector(bias.value.data, to: &y, rows: m) }
        return Tensor(shape: [g.batch, g.outHeight, g.outWidth, out], data: y)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let g = geometry, let input else { preconditionFailure("Conv2d.backward before forward") }
        let (m, k, out) = (g.columnRows, g.patchSize, weight.value.shape[3])
        precondition(gradOutput.count == m * out, "Conv2d gradient shape \(gradOutput.shape) does not match output")
        let weights = accumulatesParameterGradients
        if let bias, weights { _addColumnSums(gradOutput.data, rows: m, columns: out, into: &bias.grad.data) }
        // The input gradient on a kernel: the phase kernel (4x4, stride 2) or the direct kernel
        // with the flipped weight (stride 1); elsewhere GEMM + col2im.
        let phases = Self.inputGradientUsesPhaseKernel(g)
        let flipped = !phases && Self.inputGradientUsesFlippedKernel(g, out: out)
        func inputGradientByKernel() -> Tensor {
            phases ? inputGradientByPhases(gradOutput, g) : inputGradientByFlippedKernel(gradOutput, g)
        }
        let byKernel = phases || flipped
        let directWeight = weights && Self.weightGradientUsesDirectKernel(g, out: out)
        if directWeight { weightGradientDirect(gradOutput, input, g) }
        if !computesInputGradient {
            if weights && !directWeight { weightGradientByGEMM(gradOutput, input, g) }
            return Tensor(shape: [0], data: [])
        }
        if byKernel && (directWeight || !weights) { return inputGradientByKernel() }
        if let blocks = _SampleBlocks(g) {
            let dx = backwardBlocked(gradOutput, input, g, blocks, weightGradient: weights && !directWeight, inputGradient: !byKernel)
            return byKernel ? inputGradientByKernel() : dx
        }
        if g.isIdentity {
            if weights {
                _matmul(input.data, gradOutput.data, into: &weight.grad.data, m: k, n: out, k: m, transA: true, accumulate: true)
            }
            var dx = [Float](repeating: 0, count: m * k)
            _matmul(gradOutput.data, weight.value.data, into: &dx, m: m, n: k, k: out, transB: true)
            return Tensor(shape: input.shape, data: dx)
        }
        if weights && !directWeight {
            if !columnsHoldInput { makeColumns(input, g) }  // the direct kernel's forward made none
            _matmul(columns, gradOutput.data, into: &weight.grad.data, m: k, n: out, k: m, transA: true, accumulate: true)
        }
        if byKernel { return inputGradientByKernel() }
        if gradColumns.count != m * k { gradColumns = [Float](repeating: 0, count: m * k) }
        _matmul(gradOutput.data, weight.value.data, into: &gradColumns, m: m, n: k, k: out, transB: true)
        var dx = [Float](repeating: 0, count: g.imageCount)
        gradColumns.withUnsafeBufferPointer { c in
            dx.withUnsafeMutableBufferPointer { x in g.col2im(c.baseAddress!, x.baseAddress!) }
        }
        return Tensor(shape: input.shape, data: dx)
    }

    /// The weight gradient alone on the GEMM paths (blocked, 1x1 or whole-batch patches), the same
    /// products in the same order as when the input gradient is made beside it.
    private func weightGradientByGEMM(_ gradOutput: Tensor, _ input: Tensor, _ g: ConvGeometry) {
        let (m, k, out) = (g.columnRows, g.patchSize, weight.value.shape[3])
        if let blocks = _SampleBlocks(g) {
            _ = backwardBlocked(gradOutput, input, g, blocks, weightGradient: true, inputGradient: false)
        } else if g.isIdentity {
            _matmul(input.data, gradOutput.data, into: &weight.grad.data, m: k, n: out, k: m, transA: true, accumulate: true)
        } else {
            if !columnsHoldInput { makeColumns(input, g) }
            _matmul(columns, gradOutput.data, into: &weight.grad.data, m: k, n: out, k: m, transA: true, accumulate: true)
        }
    }

    /// Fills `columns` with the whole patch matrix of `input`.
    private func makeColumns(_ input: Tensor, _ g: ConvGeometry) {
        if columns.count != g.columnRows * g.patchSize { columns = [Float](repeating: 0, count: g.columnRows * g.patchSize) }
        input.data.withUnsafeBufferPointer { x in
            columns.withUnsafeMutableBufferPointer { c in g.im2col(x.baseAddress!, c.baseAddress!) }
        }
        columnsHoldInput = true
    }

    /// Forward by blocks of samples: each worker im2cols its block and multiplies it while it is in cache.
    private func forwardBlocked(_ input: Tensor, _ g: ConvGeometry, _ blocks: _SampleBlocks) -> [Float] {
        let (k, out) = (g.patchSize, weight.value.shape[3])
        let perWorker = blocks.maxRows * k
        return _withBlockBuffers(reading: [input.data, weight.value.data], scratch: &scratch,
                                 scratchCount: blocks.workers * perWorker, outputCount: g.columnRows * out) { p in
            blocks.forEach(dynamic: true) { b, worker in
                let rows = blocks.rows(b), cols = p.scratch + worker * perWorker
                g.im2col(rows: rows, p.inputs[0], cols)
                _sgemm(m: rows.count, n: out, k: k, a: cols, lda: k, b: p.inputs[1], ldb: out,
                       c: p.output + rows.lowerBound * out, ldc: out)
            }
        }
    }

    /// Backward by blocks of samples: each worker recomputes its block's patches, adds their weight
    /// gradient into its own partial sum, and scatters the block's input gradient (whole samples, so
    /// no other block touches those pixels). Partials are added in worker order. Without
    /// `inputGradient` only the weight gradient is made (the input gradient comes from the phase
    /// kernel) and the returned tensor is empty; without `weightGradient` (made by the direct
    /// kernel) only the input gradient.
    private func backwardBlocked(_ gradOutput: Tensor, _ input: Tensor, _ g: ConvGeometry, _ blocks: _SampleBlocks,
                                 weightGradient: Bool, inputGradient: Bool) -> Tensor {
        let (k, out) = (g.patchSize, weight.value.shape[3])
        let patch = blocks.maxRows * k, perWorker = 2 * patch + k * out
        // One float of output when there is no input gradient to write (the buffers need a target).
        let dx = _withBlockBuffers(reading: [input.data, gradOutput.data, weight.value.data], scratch: &scratch,
                                   scratchCount: blocks.workers * perWorker, outputCount: inputGradient ? g.imageCount : 1) { p in
            blocks.forEach { b, worker in
                let rows = blocks.rows(b), samples = blocks.samples(b)
                let cols = p.scratch + worker * perWorker, dcols = cols + patch, dw = cols + 2 * patch
                let dy = p.inputs[1] + rows.lowerBound * out
                if weightGradient {
                    g.im2col(rows: rows, p.inputs[0], cols)
                    _sgemm(transA: true, m: k, n: out, k: rows.count, a: cols, lda: k, b: dy, ldb: out,
                           beta: b == worker ? 0 : 1, c: dw, ldc: out)
                }
                guard inputGradient else { return }
                _sgemm(transB: true, m: rows.count, n: k, k: out, a: dy, lda: out, b: p.inputs[2], ldb: out,
                       c: dcols, ldc: k)
                g.col2im(imageRows: samples.lowerBound * g.height..<samples.upperBound * g.height, dcols,
                         firstSample: samples.lowerBound, p.output)
            }
        }
        if weightGradient {
            scratch.withUnsafeBufferPointer { sp in
                _addPartials(sp.baseAddress! + 2 * patch, stride: perWorker, workers: blocks.workers, count: k * out,
                             into: &weight.grad.data)
            }
        }
        return inputGradient ? Tensor(shape: input.shape, data: dx) : Tensor(shape: [0], data: [])
    }
}

/// Adds `vector` (length = columns) to every row of the row-major matrix `matrix`.
/// - Complexity: O(rows * columns), parallel over rows.
func _addRowVector(_ vector: [Float], to matrix: inout [Float], rows: Int) {
    let c = vector.count
    precondition(matrix.count == rows * c, "row-vector add shape mismatch")
    vector.withUnsafeBufferPointer { v in
        matrix.withUnsafeMutableBufferPointer { mp in
            let vb = _SendableConstPointer(v.baseAddress!), mb = _SendablePointer(mp.baseAddress!)
            _parallelChunks(rows, chunk: _chunkSize(itemCost: c)) { range in
                for r in range {
                    let row = mb.base + r * c
                    for j in 0..<c { row[j] += vb.base[j] }
                }
            }
        }
    }
}

/// The weight (N(0, std)) and optional zero bias of a convolution whose weight has `shape`,
/// the output channels being its last extent.
func _convolutionParameters(_ name: String, _ shape: [Int], kernel: Int, stride: Int, padding: Int, bias: Bool,
                            std: Float, generator: inout SeededGenerator) -> (Parameter, Parameter?) {
    precondition(kernel > 0 && stride > 0 && padding >= 0, "bad convolution geometry for \(name)")
    let weight = Parameter("\(name).weight", .normal(shape, std: std, using: &generator))
    return (weight, bias ? Parameter("\(name).bias", Tensor(zeros: [shape[shape.count - 1]])) : nil)
}
