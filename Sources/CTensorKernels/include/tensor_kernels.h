#ifndef T2I_TENSOR_KERNELS_H
#define T2I_TENSOR_KERNELS_H
#include <stddef.h>

/// 1 when `t2i_conv_direct_sample` can run a convolution with `out_channels` outputs and
/// `patch` = kernelH * kernelW * inChannels weights per output: the CPU has AVX-512F, the
/// outputs are 16, 32, 48 or 64 and the `patch x out` weight fits in the L1 cache.
int t2i_conv_direct_supported(int patch, int out_channels);

/// One sample of a 2-D convolution in NHWC computed directly from the image (no im2col):
/// every output pixel is a sum over the patch in (ky, kx, c) order, one pixel per SIMD lane
/// group, so the result does not depend on how samples are spread over threads.
///
/// - image: `[height, width, channels]`; weight: `[kernelH, kernelW, channels, out]`;
///   output: `[outH, outW, out]` with outH = (height + 2 padding - kernelH) / stride + 1.
/// - scratch: at least `t2i_conv_direct_scratch_count(...)` floats (the zero-padded image); one
///   per thread.
/// Precondition: `t2i_conv_direct_supported(kernelH * kernelW * channels, out)`.
void t2i_conv_direct_sample(const float *image, int height, int width, int channels,
                            const float *weight, int kernel_h, int kernel_w, int out,
                            int stride, int padding, float *output, float *scratch);

/// Floats of scratch `t2i_conv_direct_sample` needs for this geometry.
size_t t2i_conv_direct_scratch_count(int height, int width, int channels, int stride, int padding);

#endif
