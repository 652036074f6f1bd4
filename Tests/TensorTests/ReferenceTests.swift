import Tensor
import TestSupport
import Testing

/// Forward and backward values against PyTorch (float64 reference on the same float32 data).
@Suite("PyTorch reference values", .tensorExclusive)
struct ReferenceTests {
    @Test func linear() throws {
        let c = try ReferenceCase("linear")
        var gen = SeededGenerator(seed: 1)
        let layer = Linear(5, 4, generator: &gen)
        layer.weight.value = try c.tensor("weight")
        layer.bias!.value = try c.tensor("bias")
        expectClose(layer.forward(try c.tensor("x")), try c.tensor("y"), "y")
        expectClose(layer.backward(try c.tensor("gy")), try c.tensor("gx"), "gx")
        expectClose(layer.weight.grad, try c.tensor("gweight"), "gweight")
        expectClose(layer.bias!.grad, try c.tensor("gbias"), "gbias")
    }

    @Test(arguments: ["conv_k3s2p1", "conv_k4s2p1", "conv_k4s1p0", "conv_k1", "conv_rgb_k4s2p1_out32"])
    func conv2d(_ name: String) throws {
        try checkConvolution(name) { w, stride, padding, bias, gen in
            Conv2d(w.shape[2], w.shape[3], kernel: w.shape[0], stride: stride, padding: padding, bias: bias, generator: &gen)
        }
    }

    @Test(arguments: ["convT_k4s2p1", "convT_k4s1p0_from1x1", "convT_k3s1p1", "convT_k1", "convT_k4s2p1_out16"])
    func convTranspose2d(_ name: String) throws {
        try checkConvolution(name) { w, stride, padding, bias, gen in
            ConvTranspose2d(w.shape[0], w.shape[3], kernel: w.shape[1], stride: stride, padding: padding, bias: bias,
                            generator: &gen)
        }
    }

    /// Nearest-neighbour upsampling and a 3x3 conv, against PyTorch's `interpolate` + `conv2d`.
    @Test(arguments: ["upconv_k3", "upconv_k3_out16"])
    func upsampleConv2d(_ name: String) throws {
        try checkConvolution(name) { w, _, _, bias, gen in
            UpsampleConv2d(w.shape[0], w.shape[3], bias: bias, generator: &gen)
        }
    }

    /// The same with the output blurred (`.bilinear`), against `interpolate` + `conv2d` + PyTorch's
    /// replicate-padded depthwise [1, 2, 1] x [1, 2, 1] / 16 conv; and that blur alone.
    @Test(arguments: ["upconv_k3_bilinear", "upconv_k3_bilinear_out16"])
    func bilinearUpsampleConv2d(_ name: String) throws {
        try checkConvolution(name) { w, _, _, bias, gen in
            UpsampleConv2d(w.shape[0], w.shape[3], bias: bias, interpolation: .bilinear, generator: &gen)
        }
    }

    @Test func blur() throws {
        let c = try ReferenceCase("blur")
        let layer = Blur2d()
        expectClose(layer.forward(try c.tensor("x")), try c.tensor("y"), "blur y")
        expectClose(layer.backward(try c.tensor("gy")), try c.tensor("gx"), "blur gx")
    }

    /// Loads the case's weight (and bias) into the layer `make` builds, then compares y, dx, dW, db.
    private func checkConvolution(_ name: String,
                                  _ make: (Tensor, Int, Int, Bool, inout SeededGenerator) -> any Layer) throws {
        let c = try ReferenceCase(name)
        let w = try c.tensor("weight")
        let hasBias = c.fields["bias"] != nil
        var gen = SeededGenerator(seed: 1)
        let layer = make(w, Int(try c.number("stride")), Int(try c.number("padding")), hasBias, &gen)
        let (weight, bias) = (layer.parameters[0], hasBias ? layer.parameters[1] : nil)
        weight.value = w
        if let bias { bias.value = try c.tensor("bias") }
        expectClose(layer.forward(try c.tensor("x")), try c.tensor("y"), "\(name) y")
        expectClose(layer.backward(try c.tensor("gy")), try c.tensor("gx"), "\(name) gx")
        expectClose(weight.grad, try c.tensor("gweight"), "\(name) gweight")
        if let bias { expectClose(bias.grad, try c.tensor("gbias"), "\(name) gbias") }
    }

    @Test(arguments: ["bn_train_nhwc", "bn_train_2d", "bn_eval_nhwc"])
    func batchNorm(_ name: String) throws {
        let c = try ReferenceCase(name)
        let gamma = try c.tensor("gamma")
        let layer = BatchNorm(gamma.count)
        layer.gamma.value = gamma
        layer.beta.value = try c.tensor("beta")
        let training = name.contains("train")
        layer.training = training
        if !training {
            layer.runningMean = try c.tensor("running_mean")
            layer.runningVar = try c.tensor("running_var")
        }
        expectClose(layer.forward(try c.tensor("x")), try c.tensor("y"), "\(name) y")
        expectClose(layer.backward(try c.tensor("gy")), try c.tensor("gx"), "\(name) gx")
        expectClose(layer.gamma.grad, try c.tensor("ggamma"), "\(name) ggamma")
        expectClose(layer.beta.grad, try c.tensor("gbeta"), "\(name) gbeta")
        if training {
            expectClose(layer.runningMean, try c.tensor("running_mean"), "\(name) running mean")
            expectClose(layer.runningVar, try c.tensor("running_var"), "\(name) running var")
        }
    }

    @Test(arguments: [("relu", Activation.Kind.relu), ("leaky_relu_0.2", .leakyReLU(slope: 0.2)),
                      ("tanh", .tanh), ("sigmoid", .sigmoid)])
    func activation(_ name: String, _ kind: Activation.Kind) throws {
        let c = try ReferenceCase(name)
        let layer = Activation(kind)
        expectClose(layer.forward(try c.tensor("x")), try c.tensor("y"), "\(name) y")
        expectClose(layer.backward(try c.tensor("gy")), try c.tensor("gx"), "\(name) gx")
    }

    @Test func binaryCrossEntropyWithLogits() throws {
        let c = try ReferenceCase("bce_with_logits")
        let (loss, grad) = BCEWithLogits.lossAndGradient(logits: try c.tensor("logits"), targets: try c.tensor("targets"))
        let expected = try c.number("loss")
        #expect(abs(Double(loss) - expected) <= 1e-4 * abs(expected))
        expectClose(grad, try c.tensor("gx"), "gx")
    }

    @Test func embedding() throws {
        let c = try ReferenceCase("embedding")
        let w = try c.tensor("weight")
        var gen = SeededGenerator(seed: 1)
        let layer = Embedding(w.shape[0], w.shape[1], generator: &gen)
        layer.weight.value = w
        expectClose(layer.forward(try c.ints("indices"), shape: try c.ints("index_shape")), try c.tensor("y"), "y")
        layer.backward(try c.tensor("gy"))
        expectClose(layer.weight.grad, try c.tensor("gweight"), "gweight")
    }

    private func loadGRU(_ cell: GRUCell, _ c: ReferenceCase) throws {
        cell.weightIH.value = try c.tensor("weight_ih")
        cell.weightHH.value = try c.tensor("weight_hh")
        cell.biasIH.value = try c.tensor("bias_ih")
        cell.biasHH.value = try c.tensor("bias_hh")
    }

    private func checkGRUGradients(_ cell: GRUCell, _ c: ReferenceCase) throws {
        expectClose(cell.weightIH.grad, try c.tensor("gweight_ih"), "gweight_ih")
        expectClose(cell.weightHH.grad, try c.tensor("gweight_hh"), "gweight_hh")
        expectClose(cell.biasIH.grad, try c.tensor("gbias_ih"), "gbias_ih")
        expectClose(cell.biasHH.grad, try c.tensor("gbias_hh"), "gbias_hh")
    }

    @Test func gruCell() throws {
        let c = try ReferenceCase("gru_cell")
        var gen = SeededGenerator(seed: 1)
        let cell = GRUCell(inputSize: 4, hiddenSize: 6, generator: &gen)
        try loadGRU(cell, c)
        expectClose(cell.forward(try c.tensor("x"), try c.tensor("h")), try c.tensor("y"), "y")
        let (gx, gh) = cell.backward(try c.tensor("gy"))
        expectClose(gx, try c.tensor("gx"), "gx")
        expectClose(gh, try c.tensor("gh"), "gh")
        try checkGRUGradients(cell, c)
    }

    @Test func gruMaskedSequence() throws {
        let c = try ReferenceCase("gru_sequence")
        var gen = SeededGenerator(seed: 1)
        let gru = GRU(inputSize: 4, hiddenSize: 6, generator: &gen)
        try loadGRU(gru.cell, c)
        expectClose(gru.forward(try c.tensor("x"), lengths: try c.ints("lengths")), try c.tensor("y"), "y")
        let (gx, _) = gru.backward(try c.tensor("gy"))
        expectClose(gx, try c.tensor("gx"), "gx")
        try checkGRUGradients(gru.cell, c)
    }

    @Test func replicateAndConcatenate() throws {
        let c = try ReferenceCase("replicate_concat")
        let replicate = SpatialReplicate(height: 4, width: 4), concat = ChannelConcat()
        let y = concat.forward([try c.tensor("image"), replicate.forward(try c.tensor("text"))])
        expectClose(y, try c.tensor("y"), "y")
        let grads = concat.backward(try c.tensor("gy"))
        expectClose(grads[0], try c.tensor("gimage"), "gimage")
        expectClose(replicate.backward(grads[1]), try c.tensor("gtext"), "gtext")
    }

    @Test func adamWithBeta1Half() throws {
        let c = try ReferenceCase("adam")
        let p = Parameter("p", try c.tensor("p"))
        let adam = Adam(parameters: [p], learningRate: Float(try c.number("lr")), beta1: Float(try c.number("beta1")),
                        beta2: Float(try c.number("beta2")), epsilon: Float(try c.number("eps")))
        let grads = try #require(c.fields["grads"] as? [[String: Any]])
        let after = try #require(c.fields["after"] as? [[String: Any]])
        for (step, (g, expected)) in zip(grads, after).enumerated() {
            p.grad = try ReferenceCase.decode(g, "grad")
            adam.update()
            expectClose(p.value, try ReferenceCase.decode(expected, "after"), "step \(step + 1)", relative: 1e-5)
        }
    }
}
