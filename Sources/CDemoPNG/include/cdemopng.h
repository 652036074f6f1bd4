#ifndef CDEMOPNG_H
#define CDEMOPNG_H
#include <stddef.h>
#include <stdint.h>

/// What kind of PNG `cdemopng_encode` writes.
typedef enum {
    CDEMOPNG_RGB8 = 0,      ///< pixels: width*height*3 bytes
    CDEMOPNG_RGBA8 = 1,     ///< pixels: width*height*4 bytes
    CDEMOPNG_PALETTE8 = 2,  ///< pixels: width*height palette indices; palette: palette_count*3 bytes
    CDEMOPNG_RGB16 = 3,     ///< pixels: width*height*3 big-endian 16-bit samples (6 bytes per pixel)
} cdemopng_kind;

/// Encodes one PNG into a malloc'ed buffer (`*out`, `*out_size`; the caller frees it with free()).
/// libpng reports errors by longjmp; this function catches them and returns non-zero with the
/// library's message in `message` (NUL-terminated, at most `message_capacity` bytes).
/// `interlaced` non-zero writes Adam7.
int cdemopng_encode(const uint8_t *pixels, uint32_t width, uint32_t height, cdemopng_kind kind,
                    const uint8_t *palette, int palette_count, int interlaced,
                    uint8_t **out, size_t *out_size, char *message, size_t message_capacity);

#endif
