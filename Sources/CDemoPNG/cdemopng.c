#include "cdemopng.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
    int failed;
    char *message;
    size_t message_capacity;
} sink;

static void set_message(sink *s, const char *text) {
    if (s->message && s->message_capacity > 0) {
        strncpy(s->message, text, s->message_capacity - 1);
        s->message[s->message_capacity - 1] = 0;
    }
}

static void on_error(png_structp png, png_const_charp text) {
    sink *s = (sink *)png_get_error_ptr(png);
    set_message(s, text);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    (void)png; (void)text;
}

static void on_write(png_structp png, png_bytep bytes, png_size_t length) {
    sink *s = (sink *)png_get_io_ptr(png);
    if (s->failed) return;
    if (s->size + length > s->capacity) {
        size_t capacity = s->capacity ? s->capacity : 65536;
        while (capacity < s->size + length) capacity *= 2;
        uint8_t *grown = realloc(s->data, capacity);
        if (!grown) {
            s->failed = 1;
            png_error(png, "out of memory growing the PNG buffer");
        }
        s->data = grown;
        s->capacity = capacity;
    }
    memcpy(s->data + s->size, bytes, length);
    s->size += length;
}

static void on_flush(png_structp png) { (void)png; }

int cdemopng_encode(const uint8_t *pixels, uint32_t width, uint32_t height, cdemopng_kind kind,
                    const uint8_t *palette, int palette_count, int interlaced,
                    uint8_t **out, size_t *out_size, char *message, size_t message_capacity) {
    sink s = {0};
    s.message = message;
    s.message_capacity = message_capacity;
    *out = NULL;
    *out_size = 0;
    int color_type, bit_depth = 8;
    size_t bytes_per_pixel;
    switch (kind) {
    case CDEMOPNG_RGB8: color_type = PNG_COLOR_TYPE_RGB; bytes_per_pixel = 3; break;
    case CDEMOPNG_RGBA8: color_type = PNG_COLOR_TYPE_RGB_ALPHA; bytes_per_pixel = 4; break;
    case CDEMOPNG_PALETTE8:
        color_type = PNG_COLOR_TYPE_PALETTE; bytes_per_pixel = 1;
        if (!palette || palette_count < 1 || palette_count > 256) {
            set_message(&s, "a palette PNG needs 1 to 256 palette entries");
            return 1;
        }
        break;
    case CDEMOPNG_RGB16: color_type = PNG_COLOR_TYPE_RGB; bit_depth = 16; bytes_per_pixel = 6; break;
    default: set_message(&s, "unknown PNG kind"); return 1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &s, on_error, on_warning);
    if (!png) { set_message(&s, "png_create_write_struct failed"); return 1; }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        set_message(&s, "png_create_info_struct failed");
        return 1;
    }
    png_bytep *rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        free(s.data);
        return 1;
    }
    png_set_write_fn(png, &s, on_write, on_flush);
    png_set_IHDR(png, info, width, height, bit_depth, color_type,
                 interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (kind == CDEMOPNG_PALETTE8) {
        png_color entries[256];
        for (int i = 0; i < palette_count; i++) {
            entries[i].red = palette[3 * i];
            entries[i].green = palette[3 * i + 1];
            entries[i].blue = palette[3 * i + 2];
        }
        png_set_PLTE(png, info, entries, palette_count);
    }
    /* Level 3: these PNGs are a few percent of the demo images, but zlib at its default level
       cost more time than all the JPEGs together. */
    png_set_compression_level(png, 3);
    rows = malloc(sizeof(png_bytep) * height);
    if (!rows) png_error(png, "out of memory for row pointers");
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)(pixels + (size_t)y * width * bytes_per_pixel);
    png_set_rows(png, info, rows);
    png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    *out = s.data;
    *out_size = s.size;
    return 0;
}
