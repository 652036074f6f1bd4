#ifndef CPNGDECODE_H
#define CPNGDECODE_H
#include <stddef.h>
#include <stdint.h>

/// libpng reports errors by longjmp, which Swift cannot survive; these functions keep every
/// setjmp inside C and hand back a status code and libpng's own message.

enum {
    T2I_PNG_OK = 0,
    T2I_PNG_ERROR = 1,        ///< libpng rejected the stream (corrupt, truncated, bad CRC, ...)
    T2I_PNG_BAD_ARGUMENT = 2, ///< the caller's buffer does not fit the image
};

/// What the IHDR chunk declares.
typedef struct {
    uint32_t width;
    uint32_t height;
    int bit_depth;
    int color_type;   ///< PNG_COLOR_TYPE_* (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA)
    int interlaced;   ///< 1 for Adam7
    char message[160];
} t2i_png_header;

/// Reads the signature and IHDR only; allocates nothing proportional to the image.
int t2i_png_read_header(const uint8_t *data, size_t size, t2i_png_header *header);

/// Decodes to 8-bit RGB (`width * height * 3` bytes in `rgb`, HWC), expanding palettes, low bit
/// depths and gray, scaling 16-bit samples to 8, and compositing any alpha (or tRNS) over white.
/// `capacity` must be at least `width * height * 4`: rows are read as RGBA and packed in place.
int t2i_png_decode_rgb(const uint8_t *data, size_t size, uint8_t *rgb, size_t capacity,
                       t2i_png_header *header);

/// Encodes 8-bit RGB (HWC) as a PNG. On success `*out` is a malloc'd buffer of `*out_size`
/// bytes that the caller frees with `t2i_png_free`.
int t2i_png_encode_rgb(const uint8_t *rgb, uint32_t width, uint32_t height,
                       uint8_t **out, size_t *out_size, char *message, size_t message_size);

void t2i_png_free(uint8_t *buffer);

#endif
