/// A trainable tensor and the gradient accumulated into it by `backward` calls.
///
/// Not Sendable: a parameter belongs to one training loop, which serialises its use.
public final class Parameter {
    /// A name unique within a model, used as the key in parameter files.
    public var name: String
    public var value: Tensor
    /// Same shape as `value`; `backward` adds into it, `zeroGrad` clears it.
    public var grad: Tensor

    public init(_ name: String, _ value: Tensor) {
        self.name = name
        self.value = value
        self.grad = Tensor(zeros: value.shape)
    }

    /// Sets the gradient to zero, keeping its storage.
    public func zeroGrad() {
        grad.data.withUnsafeMutableBufferPointer { g in
            g.update(repeating: 0)
        }
    }
}

/// A layer of the training loop: `forward` caches what `backward` needs; `backward` takes the
/// gradient of the loss with respect to the output, adds parameter gradients into
/// `parameters[i].grad` and returns the gradient with respect to the input.
public protocol Layer: AnyObject {
    func forward(_ input: Tensor) -> Tensor
    func backward(_ gradOutput: Tensor) -> Tensor
    /// The trainable tensors, in a fixed order.
    var parameters: [Parameter] { get }
}

extension Layer {
    public var parameters: [Parameter] { [] }
}

/// Layers applied one after another.
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }

    public func forward(_ input: Tensor) -> Tensor {
        layers.reduce(input) { $1.forward($0) }
    }

    public func backward(_ gradOutput: Tensor) -> Tensor {
        layers.reversed().reduce(gradOutput) { $1.backward($0) }
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
}
