#ifndef T2I_TENSOR_KERNELS_H
#define T2I_TENSOR_KERNELS_H
#include <stddef.h>

/// 1 when `t2i_conv_direct_block` can run a convolution with `out_channels` outputs and `patch` =
/// kernelH * kernelW * inChannels weights per output: the CPU has AVX-512F, the outputs are 16,
/// 32, 48, 64 or a multiple of 64 (of 32 for patches over 2048), and a slice of the weight
/// fits in L2. T2I_TENSOR_KERNELS=off in the environment turns every AVX-512 kernel off.
int t2i_conv_direct_supported(int patch, int out_channels);

/// Number of output slices the direct kernel splits `out` into (1 when it uses the weight as is).
int t2i_conv_direct_slices(int patch, int out);

/// Copies slice `slice` of a `[patch, out]` weight into `packed` (patch * out floats in all) as a
/// `[patch, out / slices]` block; slices may be packed on different threads. With one slice the
/// weight is used as it is.
void t2i_conv_direct_pack(const float *weight, int patch, int out, int slice, float *packed);

/// A 2-D convolution of `samples` NHWC images computed directly (no im2col): every output pixel
/// is a sum over its patch in (ky, kx, c) order, so the result does not depend on how samples are
/// spread over threads or blocks.
///
/// - image: `samples x [height, width, channels]`; weight: `[kernelH, kernelW, channels, out]` if
///   out <= 64, else packed by `t2i_conv_direct_pack`; output: `samples x [outH, outW, out]` with
///   outH = (height + 2 padding - kernelH) / stride + 1.
/// - scratch: at least `t2i_conv_direct_scratch_count(...)` floats (the zero-padded images); one
///   per thread.
/// Precondition: `t2i_conv_direct_supported(kernelH * kernelW * channels, out)`.
void t2i_conv_direct_block(const float *image, int samples, int height, int width, int channels,
                           const float *weight, int kernel_h, int kernel_w, int out,
                           int stride, int padding, float *output, float *scratch);

/// Samples per block of `t2i_conv_direct_block` for a block of about `preferred` samples: rounded
/// up to whole tiles of samples when the output rows (`out_w` pixels) are narrower than the kernel's
/// tile, which then runs over one output position in several samples (D's 8x8 -> 4x4 layer at
/// width 64); else `preferred`. Size the block's scratch for this many samples even when the
/// batch is smaller.
int t2i_conv_direct_block_samples(int patch, int out, int out_w, int preferred);

/// Floats of scratch `t2i_conv_direct_block` needs for this geometry.
size_t t2i_conv_direct_scratch_count(int samples, int height, int width, int channels, int stride, int padding);

/// 1 when the `t2i_conv_transpose_s2_*` functions can run a 4x4, stride 2, padding 1 transposed
/// convolution with `out_channels` outputs: the CPU has AVX-512F and the outputs are 16, 32, 48,
/// 64 or a multiple of 64.
int t2i_conv_transpose_s2_supported(int out_channels);

/// Number of independent units `t2i_conv_transpose_s2_pack` works in (4 per group of 64 outputs).
int t2i_conv_transpose_s2_pack_units(int out);

/// Rearranges unit `unit` of a transposed-convolution weight `[in, 4, 4, out]` into `packed` (16 *
/// in * out floats in all): per group of 64 outputs and per output phase (oy % 2, ox % 2), the
/// 2x2 taps that reach that phase, as `[tap row, tap column, in, outputs]`. Units write disjoint
/// parts of `packed`, so they may run on different threads.
void t2i_conv_transpose_s2_pack(const float *weight, int in, int out, int unit, float *packed);

/// Floats of scratch `t2i_conv_transpose_s2_block` needs (the zero-padded inputs).
size_t t2i_conv_transpose_s2_scratch_count(int samples, int height, int width, int in);

/// Forward of a 4x4, stride 2, padding 1 transposed convolution for `samples` NHWC samples
/// `[height, width, in]` into `[2 height, 2 width, out]`, as four 2x2 convolutions (one per
/// output phase) on the direct kernel: every output pixel is written once, with a sum over its
/// 2 x 2 x in taps in a fixed order (no col2im scatter).
/// Precondition: `t2i_conv_transpose_s2_supported(out)`; `packed` from `t2i_conv_transpose_s2_pack`.
void t2i_conv_transpose_s2_block(const float *input, int samples, int height, int width, int in,
                                 const float *packed, int out, float *output, float *scratch);

/// 1 when the weight-gradient kernels below can run with `s_count` channels on the side that is
/// broadcast (a convolution's inputs; a transposed convolution's inputs) and `v_count` on the side
/// read as vectors (the output gradient's channels): AVX-512F, s_count a multiple of 4 and v_count of 16.
int t2i_outer_supported(int s_count, int v_count);

/// Floats of scratch `t2i_conv_weight_grad_block` needs (the zero-padded images).
size_t t2i_conv_weight_grad_scratch_count(int samples, int height, int width, int channels, int padding);

/// Adds the weight gradient of a 2-D convolution over `samples` NHWC images to `dw`
/// `[kernelH, kernelW, channels, out]`: dW[ky, kx, c, o] += sum over the block's output pixels of
/// X[stride oy + ky - padding, stride ox + kx - padding, c] dY[oy, ox, o], with no patch matrix.
/// Each weight's sum runs over the pixels in (sample, row, column) order, so the result depends
/// only on the block. Precondition: `t2i_outer_supported(channels, out)`.
void t2i_conv_weight_grad_block(const float *image, int samples, int height, int width, int channels,
                                const float *grad_output, int kernel_h, int kernel_w, int out, int stride,
                                int padding, float *dw, float *scratch);

/// Floats of scratch `t2i_conv_transpose_s2_weight_grad_block` needs (the padded output gradients).
size_t t2i_conv_transpose_s2_weight_grad_scratch_count(int samples, int height, int width, int out);

/// Adds the weight gradient of a 4x4, stride-2, padding-1 transposed convolution of `samples` NHWC
/// inputs `[height, width, in]` to `dw` `[in, 4, 4, out]`: dW[c, ky, kx, o] += sum over input pixels
/// of X[i, j, c] dY[2i - 1 + ky, 2j - 1 + kx, o], in (sample, row, column) order.
/// Precondition: `t2i_outer_supported(in, out)`.
void t2i_conv_transpose_s2_weight_grad_block(const float *input, int samples, int height, int width, int in,
                                             const float *grad_output, int out, float *dw, float *scratch);

#endif
