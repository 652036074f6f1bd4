#include "CPNGDecode.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t position;
    char *message;
    size_t message_size;
} reader_state;

static void copy_message(char *destination, size_t capacity, const char *text) {
    if (capacity == 0) return;
    strncpy(destination, text ? text : "unknown libpng error", capacity - 1);
    destination[capacity - 1] = '\0';
}

static void on_error(png_structp png, png_const_charp text) {
    reader_state *state = (reader_state *)png_get_error_ptr(png);
    if (state) copy_message(state->message, state->message_size, text);
    png_longjmp(png, 1);
}

/// Warnings (bad gamma chunks, unknown critical-looking ancillaries) do not make pixels wrong.
static void on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void read_bytes(png_structp png, png_bytep out, size_t count) {
    reader_state *state = (reader_state *)png_get_io_ptr(png);
    if (count > state->size - state->position) png_error(png, "unexpected end of PNG data (truncated file)");
    memcpy(out, state->data + state->position, count);
    state->position += count;
}

static int begin(const uint8_t *data, size_t size, reader_state *state, t2i_png_header *header) {
    memset(header, 0, sizeof(*header));
    state->data = data;
    state->size = size;
    state->position = 0;
    state->message = header->message;
    state->message_size = sizeof(header->message);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        copy_message(header->message, sizeof(header->message), "not a PNG signature");
        return T2I_PNG_ERROR;
    }
    return T2I_PNG_OK;
}

static void fill_header(png_structp png, png_infop info, t2i_png_header *header) {
    header->width = png_get_image_width(png, info);
    header->height = png_get_image_height(png, info);
    header->bit_depth = png_get_bit_depth(png, info);
    header->color_type = png_get_color_type(png, info);
    header->interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
}

/// Creates the read and info structs over `data`; nothing here can longjmp.
static int create_reader(const uint8_t *data, size_t size, reader_state *state, t2i_png_header *header,
                         png_structp *png, png_infop *info) {
    if (begin(data, size, state, header) != T2I_PNG_OK) return T2I_PNG_ERROR;
    *png = png_create_read_struct(PNG_LIBPNG_VER_STRING, state, on_error, on_warning);
    *info = *png ? png_create_info_struct(*png) : NULL;
    if (!*info) {
        png_destroy_read_struct(png, NULL, NULL);
        copy_message(header->message, sizeof(header->message), "out of memory");
        return T2I_PNG_ERROR;
    }
    png_set_read_fn(*png, state, read_bytes);
    // The caller enforces its own pixel limit from the header; lift libpng's so it reports the size.
    png_set_user_limits(*png, 0x7fffffff, 0x7fffffff);
    return T2I_PNG_OK;
}

int t2i_png_read_header(const uint8_t *data, size_t size, t2i_png_header *header) {
    reader_state state;
    png_structp png;
    png_infop info;
    if (create_reader(data, size, &state, header, &png, &info) != T2I_PNG_OK) return T2I_PNG_ERROR;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return T2I_PNG_ERROR;
    }
    png_read_info(png, info);
    fill_header(png, info, header);
    png_destroy_read_struct(&png, &info, NULL);
    return T2I_PNG_OK;
}

int t2i_png_decode_rgb(const uint8_t *data, size_t size, uint8_t *rgb, size_t capacity,
                       t2i_png_header *header) {
    reader_state state;
    png_structp png;
    png_infop info;
    if (create_reader(data, size, &state, header, &png, &info) != T2I_PNG_OK) return T2I_PNG_ERROR;
    png_bytep *volatile rows = NULL; // volatile: read after longjmp
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return T2I_PNG_ERROR;
    }
    png_read_info(png, info);
    fill_header(png, info, header);
    size_t width = header->width, height = header->height;
    if (width == 0 || height == 0 || capacity / 4 / width < height) {
        copy_message(header->message, sizeof(header->message), "output buffer smaller than width x height x 4");
        png_destroy_read_struct(&png, &info, NULL);
        return T2I_PNG_BAD_ARGUMENT;
    }
    // Every colour type and depth becomes 8-bit RGBA: palette and low depths expand, tRNS becomes
    // alpha, gray is replicated, 16-bit samples are scaled (rounded, not truncated) to 8.
    png_set_expand(png);
    png_set_scale_16(png);
    png_set_gray_to_rgb(png);
    png_set_filler(png, 0xff, PNG_FILLER_AFTER);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != width * 4) {
        copy_message(header->message, sizeof(header->message), "unexpected row size after transforms");
        png_destroy_read_struct(&png, &info, NULL);
        return T2I_PNG_ERROR;
    }
    rows = malloc(height * sizeof(png_bytep));
    if (!rows) png_error(png, "out of memory for row pointers");
    for (size_t y = 0; y < height; y++) rows[y] = rgb + y * width * 4;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    rows = NULL;
    png_destroy_read_struct(&png, &info, NULL);

    // Composite over white and pack RGBA -> RGB in place (the write index never passes the read index).
    size_t count = width * height;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *source = rgb + i * 4;
        unsigned alpha = source[3];
        uint8_t *target = rgb + i * 3;
        for (int c = 0; c < 3; c++) {
            unsigned value = source[c] * alpha + 255u * (255u - alpha);
            target[c] = (uint8_t)((value + 127u) / 255u);
        }
    }
    return T2I_PNG_OK;
}

typedef struct {
    uint8_t *buffer;
    size_t size;
    size_t capacity;
    char *message;
    size_t message_size;
} writer_state;

static void on_write_error(png_structp png, png_const_charp text) {
    writer_state *state = (writer_state *)png_get_error_ptr(png);
    if (state) copy_message(state->message, state->message_size, text);
    png_longjmp(png, 1);
}

static void write_bytes(png_structp png, png_bytep bytes, size_t count) {
    writer_state *state = (writer_state *)png_get_io_ptr(png);
    if (count > state->capacity - state->size) {
        size_t wanted = state->capacity ? state->capacity : 4096;
        while (wanted - state->size < count) wanted *= 2;
        uint8_t *grown = realloc(state->buffer, wanted);
        if (!grown) png_error(png, "out of memory while encoding PNG");
        state->buffer = grown;
        state->capacity = wanted;
    }
    memcpy(state->buffer + state->size, bytes, count);
    state->size += count;
}

static void flush_bytes(png_structp png) { (void)png; }

int t2i_png_encode_rgb(const uint8_t *rgb, uint32_t width, uint32_t height,
                       uint8_t **out, size_t *out_size, char *message, size_t message_size) {
    *out = NULL;
    *out_size = 0;
    if (width == 0 || height == 0) {
        copy_message(message, message_size, "cannot encode an empty image");
        return T2I_PNG_BAD_ARGUMENT;
    }
    writer_state state = { NULL, 0, 0, message, message_size };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_write_error, on_warning);
    if (!png) { copy_message(message, message_size, "out of memory"); return T2I_PNG_ERROR; }
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        copy_message(message, message_size, "out of memory");
        return T2I_PNG_ERROR;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(state.buffer);
        return T2I_PNG_ERROR;
    }
    png_set_write_fn(png, &state, write_bytes, flush_bytes);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (uint32_t y = 0; y < height; y++) png_write_row(png, rgb + (size_t)y * width * 3);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out = state.buffer;
    *out_size = state.size;
    return T2I_PNG_OK;
}

void t2i_png_free(uint8_t *buffer) { free(buffer); }
