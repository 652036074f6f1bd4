import Tensor

/// What `discriminatorRefine` and `generatorRefine` add after a stage named `stage` with `channels`
/// channels: a 3x3 stride-1 conv (padding 1, same channels, `<stage>.refine`), batch norm
/// (`<stage>.refine.bn`) and `activation`.
func refineLayers(after stage: String, channels: Int, activation: Activation.Kind,
                  generator: inout SeededGenerator) -> [any Layer] {
    [Conv2d(channels, channels, kernel: 3, padding: 1, name: "\(stage).refine", generator: &generator),
     BatchNorm(channels, name: "\(stage).refine.bn"), Activation(activation)]
}
