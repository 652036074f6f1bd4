/// A 2-D transposed convolution over NHWC images: one `cblas_sgemm` followed by col2im.
///
/// The weight is stored `[inChannels, kernelH, kernelW, outChannels]`, an `in x patch` matrix
/// (PyTorch's `[in, out, kH, kW]` permuted by (0, 2, 3, 1)). Output size is
/// `(H - 1) * stride - 2 * padding + kernel`, as PyTorch with `output_padding = 0`.
public final class ConvTranspose2d: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: Int, padding: Int
    private var geometry: ConvGeometry?
    private var input: Tensor?
    private var columns: [Float] = []
    /// Per-worker column and weight-gradient buffers of the blocked path (and the padded inputs of
    /// the phase kernel).
    var scratch: [Float] = []
    /// The weight rearranged for the phase kernel, refreshed by every forward that uses it.
    var packedWeight: [Float] = []

    /// A transposed convolution with N(0, std) weights and (if `bias`) zero bias.
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = false, std: Float = 0.02, name: String = "convT",
                generator: inout SeededGenerator) {
        (weight, self.bias) = _convolutionParameters(name, [inChannels, kernel, kernel, outChannels], kernel: kernel,
                                                     stride: stride, padding: padding, bias: bias, std: std,
                                                     generator: &generator)
        self.stride = stride
        self.padding = padding
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    /// - Parameter input: `[N, H, W, inChannels]`.
    /// - Returns: `[N, (H-1)*stride - 2*padding + kernel, ..., outChannels]`.
    /// - Complexity: O(N * H * W * kernel² * in * out).
    public func forward(_ input: Tensor) -> Tensor {
        let w = weight.value.shape
        precondition(input.rank == 4 && input.shape[3] == w[0], "ConvTranspose2d expects [N, H, W, \(w[0])], got \(input.shape)")
        let (n, h, wd) = (input.shape[0], input.shape[1], input.shape[2])
        let g = ConvGeometry(batch: n, height: (h - 1) * stride - 2 * padding + w[1],
                             width: (wd - 1) * stride - 2 * padding + w[2], channels: w[3],
                             kernelH: w[1], kernelW: w[2], stride: stride, padding: padding)
        precondition(g.height > 0 && g.width > 0 && g.outHeight == h && g.outWidth == wd,
                     "ConvTranspose2d geometry does not fit input \(input.shape)")
        geometry = g
        self.input = input
        let (m, k, cin) = (g.columnRows, g.patchSize, w[0])
        var y: [Float]
        if Self.usesPhaseKernel(g, out: g.channels) {
            y = forwardPhases(input, g)
        } else if let blocks = _SampleBlocks(g) {
            y = forwardBlocked(input, g, blocks)
        } else if g.isIdentity {
            y = [Float](repeating: 0, count: g.imageCount)
            _matmul(input.data, weight.value.data, into: &y, m: m, n: k, k: cin)
        } else {
            y = [Float](repeating: 0, count: g.imageCount)
            if columns.count != m * k { columns = [Float](repeating: 0, count: m * k) }
            _matmul(input.data, weight.value.data, into: &columns, m: m, n: k, k: cin)
            columns.withUnsafeBufferPointer { c in
                y.withUnsafeMutableBufferPointer { yp in g.col2im(c.baseAddress!, yp.baseAddress!) }
            }
        }
        if let bias { _addRowVector(bias.value.data, to: &y, rows: g.imageCount / g.channels) }
        return Tensor(shape: [n, g.height, g.width, g.channels], data: y)
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let g = geometry, let input else { preconditionFailure("ConvTranspose2d.backward before forward") }
        let (m, k, cin) = (g.columnRows, g.patchSize, weight.value.shape[0])
        precondition(gradOutput.count == g.imageCount, "ConvTranspose2d gradient shape \(gradOutput.shape) does not match output")
        if let bias { _addColumnSums(gradOutput.data, rows: g.imageCount / g.channels, columns: g.channels, into: &bias.grad.data) }
        let direct = Self.inputGradientUsesDirectKernel(g, cin: cin)
        let directWeight = Self.weightGradientUsesDirectKernel(g, cin: cin)
        if directWeight { weightGradientDirect(gradOutput, input, g) }
        if directWeight && direct { return inputGradientDirect(gradOutput, g, inputShape: input.shape) }
        if let blocks = _SampleBlocks(g) {
            let dx = backwardBlocked(gradOutput, input, g, blocks, weightGradient: !directWeight, inputGradient: !direct)
            return direct ? inputGradientDirect(gradOutput, g, inputShape: input.shape) : dx
        }
        if !g.isIdentity {
            // The forward columns are no longer needed: reuse their storage for im2col(dY).
            if columns.count != m * k { columns = [Float](repeating: 0, count: m * k) }
            gradOutput.data.withUnsafeBufferPointer { d in
                columns.withUnsafeMutableBufferPointer { c in g.im2col(d.baseAddress!, c.baseAddress!) }
            }
        }
        let dcol = g.isIdentity ? gradOutput.data : columns
        if !directWeight {
            _matmul(input.data, dcol, into: &weight.grad.data, m: cin, n: k, k: m, transA: true, accumulate: true)
        }
        if direct { return inputGradientDirect(gradOutput, g, inputShape: input.shape) }
        var dx = [Float](repeating: 0, count: m * cin)
        _matmul(dcol, weight.value.data, into: &dx, m: m, n: cin, k: k, transB: true)
        return Tensor(shape: input.shape, data: dx)
    }

    /// Forward by blocks of samples: each worker multiplies its block into columns and gathers them
    /// into its samples' output pixels while the columns are in cache.
    private func forwardBlocked(_ input: Tensor, _ g: ConvGeometry, _ blocks: _SampleBlocks) -> [Float] {
        let (k, cin) = (g.patchSize, weight.value.shape[0])
        let perWorker = blocks.maxRows * k
        return _withBlockBuffers(reading: [input.data, weight.value.data], scratch: &scratch,
                                 scratchCount: blocks.workers * perWorker, outputCount: g.imageCount) { p in
            blocks.forEach(dynamic: true) { b, worker in
                let rows = blocks.rows(b), samples = blocks.samples(b), cols = p.scratch + worker * perWorker
                _sgemm(m: rows.count, n: k, k: cin, a: p.inputs[0] + rows.lowerBound * cin, lda: cin,
                       b: p.inputs[1], ldb: k, c: cols, ldc: k)
                g.col2im(imageRows: samples.lowerBound * g.height..<samples.upperBound * g.height, cols,
                         firstSample: samples.lowerBound, p.output)
            }
        }
    }

    /// Backward by blocks of samples: each worker im2cols its samples' output gradient, adds the
    /// block's weight gradient into its own partial sum and writes the block's input gradient.
    /// Partials are added in worker order. Without `inputGradient` only the weight gradient is
    /// made (the input gradient comes from the direct kernel) and the returned tensor is empty;
    /// without `weightGradient` (made by the direct kernel) only the input gradient.
    private func backwardBlocked(_ gradOutput: Tensor, _ input: Tensor, _ g: ConvGeometry, _ blocks: _SampleBlocks,
                                 weightGradient: Bool, inputGradient: Bool) -> Tensor {
        let (k, cin) = (g.patchSize, weight.value.shape[0])
        let patch = blocks.maxRows * k, perWorker = patch + cin * k
        // One float of output when there is no input gradient to write (the buffers need a target).
        let dx = _withBlockBuffers(reading: [input.data, gradOutput.data, weight.value.data], scratch: &scratch,
                                   scratchCount: blocks.workers * perWorker, outputCount: inputGradient ? g.columnRows * cin : 1) { p in
            blocks.forEach { b, worker in
                let rows = blocks.rows(b), dcols = p.scratch + worker * perWorker, dw = dcols + patch
                g.im2col(rows: rows, p.inputs[1], dcols)
                if weightGradient {
                    _sgemm(transA: true, m: cin, n: k, k: rows.count, a: p.inputs[0] + rows.lowerBound * cin, lda: cin,
                           b: dcols, ldb: k, beta: b == worker ? 0 : 1, c: dw, ldc: k)
                }
                guard inputGradient else { return }
                _sgemm(transB: true, m: rows.count, n: cin, k: k, a: dcols, lda: k, b: p.inputs[2], ldb: k,
                       c: p.output + rows.lowerBound * cin, ldc: cin)
            }
        }
        if weightGradient {
            scratch.withUnsafeBufferPointer { sp in
                _addPartials(sp.baseAddress! + patch, stride: perWorker, workers: blocks.workers, count: cin * k,
                             into: &weight.grad.data)
            }
        }
        return inputGradient ? Tensor(shape: input.shape, data: dx) : Tensor(shape: [0], data: [])
    }
}
