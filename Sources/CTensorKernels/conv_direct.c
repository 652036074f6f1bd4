// Direct (no im2col) convolution kernels on AVX-512: the images are zero-padded once per block of
// samples; each output pixel then reads its patch at fixed offsets, and a register tile of P pixels
// x V vectors of 16 outputs accumulates over the patch. Convolutions use it as is; the 4x4 stride-2
// transposed convolution as four 2x2 convolutions, one per output phase.
#include "tensor_kernels.h"
#include <stdlib.h>
#include <string.h>

enum { LANES = 16, MAX_TILE = 8, CHUNK = 64 };
enum { MAX_SLICE = 2048 * CHUNK };  // weight floats of one output slice: 512 KB, half a Zen 4 L2

static size_t padded_count(int height, int width, int channels, int padding) {
    return (size_t)(height + 2 * padding) * (size_t)(width + 2 * padding) * (size_t)channels;
}

static int clamp(int value, int low, int high) { return value < low ? low : value > high ? high : value; }

typedef struct {
    int first, end;
} range;

/// The taps [first, end) of a `kernel`-long patch that starts at padded position `start` and read
/// inside an image of `size` after `padding`: padding <= start + k < padding + size. The tiles
/// leave the others out (they multiply zero padding: bit-identical sums).
static range taps_inside(int start, int padding, int size, int kernel) {
    return (range){clamp(padding - start, 0, kernel), clamp(padding + size - start, 0, kernel)};
}

static size_t slack(int stride, int channels) { return (size_t)MAX_TILE * stride * channels; }


#if defined(__x86_64__)
#include <immintrin.h>

typedef float v16 __attribute__((vector_size(64), aligned(4)));

#define UNROLL _Pragma("clang loop unroll(full)")

/// Zero-pads `samples` images `[height, width, channels]` by `padding` on every side into `padded`,
/// and zeroes `slack` floats after them (for kernels whose short last tile reads past the end).
/// Only the padding is zeroed: the rows are copied over the rest (zeroing all of it first, then
/// copying, wrote every image float twice).
static void pad_images(const float *image, int samples, int height, int width, int channels, int padding,
                       size_t slack_floats, float *padded) {
    size_t row = (size_t)width * channels, padded_row = (size_t)(width + 2 * padding) * channels;
    size_t image_floats = padded_count(height, width, channels, padding), side = (size_t)padding * channels;
    size_t top = (size_t)padding * padded_row;
    for (int n = 0; n < samples; n++) {
        float *sample = padded + n * image_floats;
        memset(sample, 0, top * sizeof(float));
        for (int y = 0; y < height; y++) {
            float *left = sample + (size_t)(y + padding) * padded_row;
            memset(left, 0, side * sizeof(float));
            memcpy(left + side, image + ((size_t)n * height + y) * row, row * sizeof(float));
            memset(left + side + row, 0, side * sizeof(float));
        }
        memset(sample + image_floats - top, 0, top * sizeof(float));
    }
    memset(padded + (size_t)samples * image_floats, 0, slack_floats * sizeof(float));
}

/// Where a tile's patches meet the zero padding, so that the tile skips those products (each would
/// add exactly 0, so skipping them leaves every sum bit-identical): patch rows [`ky0`, `ky1`) of the
/// kernel lie in the image for every pixel of the tile; the first `lead` floats of each patch row of
/// pixel 0 and the last `trail` floats of each patch row of pixel P - 1 are left or right padding.
/// On a 4x4, stride-2, padding-1 layer these are 23% of the products of an 8x8 -> 4x4 convolution,
/// 12% at 16x16 and 6% at 32x32 (what oneDNN's direct convolutions skip too). Four ints, so the
/// window travels in two registers (six fields on the stack cost 4-10% on the small-channel layers).
typedef struct {
    int ky0, ky1, lead, trail;
} tile_window;

/// Pixels `first` .. `last` (inclusive) of the tile add x[p * step + j] * w for j in [`j0`, `j1`).
#define TILE_TAPS(P, V, first, last, j0, j1)                                                           \
    for (int j = (j0); j < (j1); j++) {                                                                 \
        const float *wj = wk + (long)j * V * LANES;                                                     \
        v16 w[V];                                                                                       \
        UNROLL for (int v = 0; v < V; v++) memcpy(&w[v], wj + v * LANES, 64);                           \
        UNROLL for (int p = (first); p <= (last); p++) {                                                \
            v16 b = (v16)_mm512_set1_ps(x[p * step + j]);                                               \
            UNROLL for (int v = 0; v < V; v++) acc[p][v] += b * w[v];                                   \
        }                                                                                               \
    }

/// P pixels (`step` floats apart in the padded image, `out_step` apart in the output) x V vectors of 16
/// outputs: acc[p][v] += the pixel's patch (kernel rows `row_stride` apart, each a contiguous run
/// of `run` floats) times weight[k][v] (rows of V * 16 floats; consecutive kernel rows `weight_row`
/// floats apart), in patch order, over the rows and columns `window` leaves. Pixels past `count`
/// read zeros after the image and are not stored.
#define DEFINE_TILE(P, V)                                                                              \
    __attribute__((target("avx512f"))) static void tile_##P##_##V(                                     \
        const float *first, long step, int count, long row_stride, tile_window window, int run,        \
        const float *weight, long weight_row, float *output, long out_step) {                           \
        v16 acc[P][V];                                                                                  \
        UNROLL for (int p = 0; p < P; p++)                                                              \
            UNROLL for (int v = 0; v < V; v++) acc[p][v] = (v16){0};                                    \
        int lead = window.lead < run ? window.lead : run;                                               \
        int body_end = run - window.trail > lead ? run - window.trail : lead;                           \
        for (int ky = window.ky0; ky < window.ky1; ky++) {                                              \
            const float *x = first + ky * row_stride, *wk = weight + ky * weight_row;                   \
            TILE_TAPS(P, V, 1, P - 1, 0, lead)                                                          \
            TILE_TAPS(P, V, 0, P - 1, lead, body_end)                                                   \
            TILE_TAPS(P, V, 0, P - 2, body_end, run)                                                    \
        }                                                                                               \
        UNROLL for (int p = 0; p < P; p++)                                                              \
            if (p < count)                                                                              \
                UNROLL for (int v = 0; v < V; v++) memcpy(output + p * out_step + v * LANES, &acc[p][v], 64); \
    }

// Tiles that keep every accumulator, weight vector and broadcast in the 32 vector registers (checked
// in the disassembly: larger tiles spill) and whose widths divide the GAN's 32- and 16-pixel rows.
DEFINE_TILE(8, 1)
DEFINE_TILE(8, 2)
DEFINE_TILE(8, 3)
DEFINE_TILE(4, 4)

typedef void (*tile_fn)(const float *, long, int, long, tile_window, int, const float *, long, float *, long);

static const tile_fn tiles[4] = {tile_8_1, tile_8_2, tile_8_3, tile_4_4};
static const int tile_pixels[4] = {8, 8, 8, 4};

/// AVX-512F present and not switched off by T2I_TENSOR_KERNELS=off (which sends every layer back to
/// im2col/col2im + OpenBLAS: for A/B measurements, or to rule the kernels out when chasing a bug).
static int has_avx512(void) {
    static int known = -1;  // racing first calls agree
    int k = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (k < 0) {
        const char *setting = getenv("T2I_TENSOR_KERNELS");
        k = __builtin_cpu_supports("avx512f") && !(setting && strcmp(setting, "off") == 0) ? 1 : 0;
        __atomic_store_n(&known, k, __ATOMIC_RELAXED);
    }
    return k;
}

/// Outputs per weight slice: 64, or 32 when a 64-output slice of a long patch would not fit beside
/// the inputs in L2 (D's 8x8x256 -> 4x4x512 layer at width 64).
static int slice_width(int patch, int out) {
    if (out <= CHUNK && (size_t)patch * out <= MAX_SLICE) return out;
    return (size_t)patch * CHUNK <= MAX_SLICE ? CHUNK : CHUNK / 2;
}

int t2i_conv_direct_supported(int patch, int out_channels) {
    if (!has_avx512() || out_channels <= 0 || out_channels % LANES != 0 || patch <= 0) return 0;
    int width = slice_width(patch, out_channels);
    return out_channels % width == 0 && (size_t)patch * width <= MAX_SLICE;
}

int t2i_conv_direct_slices(int patch, int out) { return out / slice_width(patch, out); }

void t2i_conv_direct_pack(const float *weight, int patch, int out, int slice, float *packed) {
    int width = slice_width(patch, out);
    packed += (size_t)slice * patch * width;
    for (int k = 0; k < patch; k++, packed += width)
        memcpy(packed, weight + (size_t)k * out + (size_t)slice * width, (size_t)width * sizeof(float));
}

/// Pixels per tile of the direct kernel for this weight.
static int direct_tile_pixels(int patch, int out) { return tile_pixels[slice_width(patch, out) / LANES - 1]; }

/// True when output rows are narrower than a tile, so tiles run over one output position in `per`
/// samples instead of along a row (where most of each tile would be pixels that are not stored).
static int tiles_over_samples(int patch, int out, int out_w) { return out_w < direct_tile_pixels(patch, out); }

int t2i_conv_direct_block_samples(int patch, int out, int out_w, int preferred) {
    int per = direct_tile_pixels(patch, out);
    if (!tiles_over_samples(patch, out, out_w) || preferred <= 0) return preferred > 0 ? preferred : 1;
    return (preferred + per - 1) / per * per;
}

size_t t2i_conv_direct_scratch_count(int samples, int height, int width, int channels, int stride, int padding) {
    // The padded images and zero slack for the pixels a short last tile of a row reads past its end.
    return (size_t)samples * padded_count(height, width, channels, padding) + slack(stride, channels);
}

void t2i_conv_direct_block(const float *image, int samples, int height, int width, int channels,
                           const float *weight, int kernel_h, int kernel_w, int out,
                           int stride, int padding, float *output, float *scratch) {
    int padded_w = width + 2 * padding;
    int out_h = (height + 2 * padding - kernel_h) / stride + 1, out_w = (padded_w - kernel_w) / stride + 1;
    size_t padded_row = (size_t)padded_w * channels;
    size_t image_floats = padded_count(height, width, channels, padding), out_floats = (size_t)out_h * out_w * out;
    int patch = kernel_h * kernel_w * channels, chunk_width = slice_width(patch, out), run = kernel_w * channels;
    tile_fn tile = tiles[chunk_width / LANES - 1];
    int per = tile_pixels[chunk_width / LANES - 1];
    if (kernel_h == 1 && kernel_w == 1 && stride == 1 && padding == 0) {
        // A 1x1 convolution is a matrix product: the block's pixels form one row, read in place.
        // Only the last short tile's pixels are copied, after zeros, so its extra pixels read zeros.
        int pixels = samples * height * width, full = pixels / per * per;
        memset(scratch, 0, (size_t)per * channels * sizeof(float));
        memcpy(scratch, image + (size_t)full * channels, (size_t)(pixels - full) * channels * sizeof(float));
        for (int chunk = 0; chunk < out / chunk_width; chunk++) {
            const float *w = weight + (size_t)chunk * patch * chunk_width;
            for (int p = 0; p < pixels; p += per)
                tile(p < full ? image + (size_t)p * channels : scratch, channels, p < full ? per : pixels - full, 0,
                     (tile_window){.ky0 = 0, .ky1 = 1}, channels, w, 0, output + (size_t)p * out + (size_t)chunk * chunk_width, out);
        }
        return;
    }
    // Over samples, a short last tile reads zero samples up to a whole tile (the caller's scratch
    // holds a block size that `t2i_conv_direct_block_samples` rounded to whole tiles).
    int over_samples = tiles_over_samples(patch, out, out_w);
    int rounded = over_samples ? (samples + per - 1) / per * per : samples;
    pad_images(image, samples, height, width, channels, padding,
               (size_t)(rounded - samples) * image_floats + slack(stride, channels), scratch);
    long step = (long)stride * channels;
    // Output slice outermost: its weights (patch x 32 or 64 floats) stay in L2 across the block's samples.
    for (int chunk = 0; chunk < out / chunk_width; chunk++) {
        const float *w = weight + (size_t)chunk * patch * chunk_width;
        if (over_samples) {
            // One output position in `per` samples: the same padding window for every pixel of the tile.
            for (int oy = 0; oy < out_h; oy++)
                for (int ox = 0; ox < out_w; ox++) {
                    // Floats [j0, j1) of each patch row lie in the image; the tile starts at float j0.
                    range rows = taps_inside(oy * stride, padding, height, kernel_h);
                    range cols = taps_inside(ox * stride, padding, width, kernel_w);
                    tile_window window = {.ky0 = rows.first, .ky1 = rows.end};
                    int j0 = cols.first * channels, j1 = cols.end * channels;
                    for (int n = 0; n < samples; n += per)
                        tile(scratch + n * image_floats + (size_t)oy * stride * padded_row + ox * step + j0,
                             (long)image_floats, samples - n < per ? samples - n : per, (long)padded_row, window,
                             j1 - j0, w + (size_t)j0 * chunk_width, (long)run * chunk_width,
                             output + n * out_floats + ((size_t)oy * out_w + ox) * out + (size_t)chunk * chunk_width,
                             (long)out_floats);
                }
            continue;
        }
        for (int n = 0; n < samples; n++)
            for (int oy = 0; oy < out_h; oy++) {
                const float *row_start = scratch + n * image_floats + (size_t)oy * stride * padded_row;
                float *out_row = output + n * out_floats + (size_t)oy * out_w * out + (size_t)chunk * chunk_width;
                range rows = taps_inside(oy * stride, padding, height, kernel_h);
                tile_window window = {.ky0 = rows.first, .ky1 = rows.end};
                for (int ox = 0; ox < out_w; ox += per) {
                    int count = out_w - ox < per ? out_w - ox : per, last = ox + per - 1;
                    // Padding columns: left of pixel 0; right of pixel per - 1 when that pixel is stored
                    // (a short tile's extra pixels are not stored, so their sums need no care).
                    window.lead = taps_inside(ox * stride, padding, width, kernel_w).first * channels;
                    window.trail = count == per ? (kernel_w - taps_inside(last * stride, padding, width, kernel_w).end) * channels : 0;
                    tile(row_start + ox * step, step, count, (long)padded_row, window, run, w, (long)run * chunk_width,
                         out_row + (size_t)ox * out, out);
                }
            }
    }
}

int t2i_conv_transpose_s2_supported(int out_channels) {
    return has_avx512() && out_channels > 0 && out_channels % LANES == 0 &&
           (out_channels <= CHUNK || out_channels % CHUNK == 0);
}

int t2i_conv_transpose_s2_pack_units(int out) { return 4 * (out < CHUNK ? 1 : out / CHUNK); }

void t2i_conv_transpose_s2_pack(const float *weight, int in, int out, int unit, float *packed) {
    int width = out < CHUNK ? out : CHUNK, chunk = unit / 4, py = unit % 4 / 2, px = unit % 2;
    packed += (size_t)unit * 4 * in * width;
    for (int t = 0; t < 2; t++)
        for (int u = 0; u < 2; u++)
            for (int ci = 0; ci < in; ci++) {
                int ky = 3 - py - 2 * t, kx = 3 - px - 2 * u;
                memcpy(packed, weight + (((size_t)ci * 4 + ky) * 4 + kx) * out + (size_t)chunk * width,
                       (size_t)width * sizeof(float));
                packed += width;
            }
}

size_t t2i_conv_transpose_s2_scratch_count(int samples, int height, int width, int in) {
    return (size_t)samples * padded_count(height, width, in, 1) + (size_t)MAX_TILE * in;
}

void t2i_conv_transpose_s2_block(const float *input, int samples, int height, int width, int in,
                                 const float *packed, int out, float *output, float *scratch) {
    size_t sample = padded_count(height, width, in, 1), padded_row = (size_t)(width + 2) * in;
    pad_images(input, samples, height, width, in, 1, (size_t)MAX_TILE * in, scratch);
    int chunk_width = out < CHUNK ? out : CHUNK, out_w = 2 * width;
    tile_fn tile = tiles[chunk_width / LANES - 1];
    int per = tile_pixels[chunk_width / LANES - 1];
    size_t phase_floats = (size_t)4 * in * chunk_width, out_sample = (size_t)4 * height * width * out;
    // Chunk and phase outermost: their weights (4 * in * 64 floats) stay in L2 across the block's samples.
    for (int chunk = 0; chunk < out / chunk_width; chunk++)
        for (int phase = 0; phase < 4; phase++) {
            int py = phase / 2, px = phase % 2;
            const float *w = packed + (size_t)(chunk * 4 + phase) * phase_floats;
            for (int n = 0; n < samples; n++)
                for (int m = 0; m < height; m++) {
                    const float *first = scratch + n * sample + (size_t)(m + py) * padded_row + (size_t)px * in;
                    float *out_row = output + n * out_sample + ((size_t)(2 * m + py) * out_w + px) * out +
                                     (size_t)chunk * chunk_width;
                    // Tap row t reads padded row m + py + t and tap column u padded column x + px + u;
                    // rows 0 and height + 1 and columns 0 and width + 1 are padding.
                    range rows = taps_inside(m + py, 1, height, 2);
                    tile_window window = {.ky0 = rows.first, .ky1 = rows.end};
                    for (int x = 0; x < width; x += per) {
                        int count = width - x < per ? width - x : per, last = x + per - 1;
                        window.lead = taps_inside(x + px, 1, width, 2).first * in;
                        window.trail = count == per ? (2 - taps_inside(last + px, 1, width, 2).end) * in : 0;
                        tile(first + (size_t)x * in, in, count, (long)padded_row, window, 2 * in, w, 2L * in * chunk_width,
                             out_row + (size_t)x * 2 * out, 2L * out);
                    }
                }
        }
}

/// acc[i][o] over a run of pixels: dw[i * dw_row + o] += sum over (n, p, q) of
/// s[n s_sample + p s_row + q s_col + i] * v[n v_sample + p v_row + q v_col + o], for P consecutive
/// channels i of `s` (broadcast) and V vectors of 16 channels o of `v`. The accumulators stay in
/// registers over every pixel of the block and are added to `dw` once.
#define DEFINE_OUTER(P, V)                                                                             \
    __attribute__((target("avx512f"))) static void outer_##P##_##V(                                    \
        const float *s, long s_sample, long s_row, long s_col, const float *v, long v_sample,          \
        long v_row, long v_col, int samples, int rows, int cols, float *dw, long dw_row) {              \
        v16 acc[P][V];                                                                                  \
        UNROLL for (int i = 0; i < P; i++)                                                              \
            UNROLL for (int o = 0; o < V; o++) acc[i][o] = (v16){0};                                    \
        for (int n = 0; n < samples; n++)                                                               \
            for (int p = 0; p < rows; p++) {                                                            \
                const float *sp = s + n * s_sample + p * s_row, *vp = v + n * v_sample + p * v_row;     \
                for (int q = 0; q < cols; q++, sp += s_col, vp += v_col) {                              \
                    v16 w[V];                                                                           \
                    UNROLL for (int o = 0; o < V; o++) memcpy(&w[o], vp + o * LANES, 64);               \
                    UNROLL for (int i = 0; i < P; i++) {                                                \
                        v16 b = (v16)_mm512_set1_ps(sp[i]);                                             \
                        UNROLL for (int o = 0; o < V; o++) acc[i][o] += b * w[o];                       \
                    }                                                                                   \
                }                                                                                       \
            }                                                                                           \
        UNROLL for (int i = 0; i < P; i++)                                                              \
            UNROLL for (int o = 0; o < V; o++) {                                                        \
                v16 d;                                                                                  \
                memcpy(&d, dw + i * dw_row + o * LANES, 64);                                            \
                d += acc[i][o];                                                                         \
                memcpy(dw + i * dw_row + o * LANES, &d, 64);                                            \
            }                                                                                           \
    }

// Accumulators + one row of V vectors + a broadcast fit the 32 registers.
DEFINE_OUTER(8, 1)
DEFINE_OUTER(8, 2)
DEFINE_OUTER(8, 3)
DEFINE_OUTER(4, 1)
DEFINE_OUTER(4, 2)
DEFINE_OUTER(4, 3)
DEFINE_OUTER(4, 4)

typedef void (*outer_fn)(const float *, long, long, long, const float *, long, long, long, int, int, int, float *, long);

/// Vectors of 16 per tile for `v_count` channels (0: unsupported).
static int outer_vectors(int v_count) {
    if (v_count <= 0 || v_count % LANES != 0) return 0;
    if (v_count % 64 == 0) return 4;
    if (v_count % 48 == 0) return 3;
    return v_count % 32 == 0 ? 2 : 1;
}

int t2i_outer_supported(int s_count, int v_count) {
    return has_avx512() && s_count > 0 && s_count % 4 == 0 && outer_vectors(v_count) > 0;
}

/// The outer-product sum over a block of pixels for every (channel of s, channel of v) pair, tile by
/// tile; each tile's sum runs over the pixels in (n, p, q) order, so the result depends only on the block.
static void outer_accumulate(const float *s, long s_sample, long s_row, long s_col, int s_count,
                             const float *v, long v_sample, long v_row, long v_col, int v_count,
                             int samples, int rows, int cols, float *dw, long dw_row) {
    int vectors = outer_vectors(v_count), per = vectors == 4 || s_count % 8 != 0 ? 4 : 8;
    static const outer_fn by_four[4] = {outer_4_1, outer_4_2, outer_4_3, outer_4_4};
    static const outer_fn by_eight[3] = {outer_8_1, outer_8_2, outer_8_3};
    outer_fn tile = per == 4 ? by_four[vectors - 1] : by_eight[vectors - 1];
    int width = vectors * LANES;
    for (int o = 0; o < v_count; o += width)
        for (int i = 0; i < s_count; i += per)
            tile(s + i, s_sample, s_row, s_col, v + o, v_sample, v_row, v_col, samples, rows, cols,
                 dw + (size_t)i * dw_row + o, dw_row);
}

/// The outputs o in [0, count) whose tap k reads inside the image: padding <= o * stride + k < padding + size.
/// The weight gradients sum only over those (the others multiply zero padding: bit-identical sums).
static range tap_outputs(int padding, int size, int k, int stride, int count) {
    int low = padding - k, high = padding + size - k;  // o * stride in [low, high)
    range r = {low <= 0 ? 0 : (low + stride - 1) / stride, high <= 0 ? 0 : (high + stride - 1) / stride};
    r.first = clamp(r.first, 0, count);
    r.end = clamp(r.end, r.first, count);
    return r;
}

size_t t2i_conv_weight_grad_scratch_count(int samples, int height, int width, int channels, int padding) {
    return (size_t)samples * padded_count(height, width, channels, padding);
}

void t2i_conv_weight_grad_block(const float *image, int samples, int height, int width, int channels,
                                const float *grad_output, int kernel_h, int kernel_w, int out, int stride,
                                int padding, float *dw, float *scratch) {
    int padded_w = width + 2 * padding;
    int out_h = (height + 2 * padding - kernel_h) / stride + 1, out_w = (padded_w - kernel_w) / stride + 1;
    long padded_row = (long)padded_w * channels, image_floats = (long)padded_count(height, width, channels, padding);
    pad_images(image, samples, height, width, channels, padding, 0, scratch);
    for (int ky = 0; ky < kernel_h; ky++) {
        range rows = tap_outputs(padding, height, ky, stride, out_h);
        for (int kx = 0; kx < kernel_w; kx++) {
            range cols = tap_outputs(padding, width, kx, stride, out_w);
            if (rows.end <= rows.first || cols.end <= cols.first) continue;
            outer_accumulate(scratch + (ky + (long)rows.first * stride) * padded_row + (long)(kx + cols.first * stride) * channels,
                             image_floats, (long)stride * padded_row, (long)stride * channels, channels,
                             grad_output + ((long)rows.first * out_w + cols.first) * out, (long)out_h * out_w * out,
                             (long)out_w * out, out, out, samples, rows.end - rows.first, cols.end - cols.first,
                             dw + ((size_t)ky * kernel_w + kx) * channels * out, out);
        }
    }
}

size_t t2i_conv_transpose_s2_weight_grad_scratch_count(int samples, int height, int width, int out) {
    return (size_t)samples * padded_count(2 * height, 2 * width, out, 1);
}

void t2i_conv_transpose_s2_weight_grad_block(const float *input, int samples, int height, int width, int in,
                                             const float *grad_output, int out, float *dw, float *scratch) {
    // dW[c, ky, kx, o] = sum over (i, j) of X[i, j, c] dY[2i - 1 + ky, 2j - 1 + kx, o]; with dY padded by
    // one pixel, dY[2i - 1 + ky] is padded row 2i + ky.
    int padded_w = 2 * width + 2;
    long padded_row = (long)padded_w * out, padded_floats = (long)padded_count(2 * height, 2 * width, out, 1);
    pad_images(grad_output, samples, 2 * height, 2 * width, out, 1, 0, scratch);
    for (int ky = 0; ky < 4; ky++) {
        range rows = tap_outputs(1, 2 * height, ky, 2, height);
        for (int kx = 0; kx < 4; kx++) {
            range cols = tap_outputs(1, 2 * width, kx, 2, width);
            if (rows.end <= rows.first || cols.end <= cols.first) continue;
            outer_accumulate(input + ((long)rows.first * width + cols.first) * in, (long)height * width * in,
                             (long)width * in, in, in,
                             scratch + (ky + 2L * rows.first) * padded_row + (long)(kx + 2 * cols.first) * out,
                             padded_floats, 2 * padded_row, 2L * out, out, samples, rows.end - rows.first,
                             cols.end - cols.first, dw + ((size_t)ky * 4 + kx) * out, 16L * out);
        }
    }
}
#else
int t2i_outer_supported(int s_count, int v_count) { (void)s_count; (void)v_count; return 0; }
size_t t2i_conv_weight_grad_scratch_count(int samples, int height, int width, int channels, int padding) {
    (void)samples; (void)height; (void)width; (void)channels; (void)padding;
    return 0;
}
void t2i_conv_weight_grad_block(const float *image, int samples, int height, int width, int channels,
                                const float *grad_output, int kernel_h, int kernel_w, int out, int stride,
                                int padding, float *dw, float *scratch) {
    (void)image; (void)samples; (void)height; (void)width; (void)channels; (void)grad_output; (void)kernel_h;
    (void)kernel_w; (void)out; (void)stride; (void)padding; (void)dw; (void)scratch;
    __builtin_trap();  // callers check t2i_outer_supported first
}
size_t t2i_conv_transpose_s2_weight_grad_scratch_count(int samples, int height, int width, int out) {
    (void)samples; (void)height; (void)width; (void)out;
    return 0;
}
void t2i_conv_transpose_s2_weight_grad_block(const float *input, int samples, int height, int width, int in,
                                             const float *grad_output, int out, float *dw, float *scratch) {
    (void)input; (void)samples; (void)height; (void)width; (void)in; (void)grad_output; (void)out; (void)dw;
    (void)scratch;
    __builtin_trap();
}
int t2i_conv_transpose_s2_supported(int out_channels) { (void)out_channels; return 0; }
int t2i_conv_transpose_s2_pack_units(int out) { (void)out; return 0; }
void t2i_conv_transpose_s2_pack(const float *weight, int in, int out, int unit, float *packed) {
    (void)weight; (void)in; (void)out; (void)unit; (void)packed;
    __builtin_trap();  // callers check t2i_conv_transpose_s2_supported first
}
size_t t2i_conv_transpose_s2_scratch_count(int samples, int height, int width, int in) {
    (void)samples; (void)height; (void)width; (void)in;
    return 0;
}
void t2i_conv_transpose_s2_block(const float *input, int samples, int height, int width, int in,
                                 const float *packed, int out, float *output, float *scratch) {
    (void)input; (void)samples; (void)height; (void)width; (void)in; (void)packed; (void)out; (void)output;
    (void)scratch;
    __builtin_trap();
}
int t2i_conv_direct_supported(int patch, int out_channels) { (void)patch; (void)out_channels; return 0; }
int t2i_conv_direct_block_samples(int patch, int out, int out_w, int preferred) {
    (void)patch; (void)out; (void)out_w;
    return preferred > 0 ? preferred : 1;
}
size_t t2i_conv_direct_scratch_count(int samples, int height, int width, int channels, int stride, int padding) {
    (void)samples; (void)height; (void)width; (void)channels; (void)stride; (void)padding;
    return 0;
}
int t2i_conv_direct_slices(int patch, int out) { (void)patch; (void)out; return 0; }
void t2i_conv_direct_pack(const float *weight, int patch, int out, int slice, float *packed) {
    (void)weight; (void)patch; (void)out; (void)slice; (void)packed;
    __builtin_trap();  // callers check t2i_conv_direct_supported first
}
void t2i_conv_direct_block(const float *image, int samples, int height, int width, int channels,
                           const float *weight, int kernel_h, int kernel_w, int out,
                           int stride, int padding, float *output, float *scratch) {
    (void)image; (void)samples; (void)height; (void)width; (void)channels; (void)weight; (void)kernel_h;
    (void)kernel_w; (void)out; (void)stride; (void)padding; (void)output; (void)scratch;
    __builtin_trap();
}
#endif
