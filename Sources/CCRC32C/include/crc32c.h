#ifndef T2I_CRC32C_H
#define T2I_CRC32C_H
#include <stddef.h>
#include <stdint.h>

/// Extends a CRC32C (Castagnoli, reflected polynomial 0x82F63B78) over `length` bytes.
/// Start with crc = 0; the value returned is the finished CRC of everything fed so far, so
/// t2i_crc32c_update(t2i_crc32c_update(0, a), b) == CRC32C(a || b).
/// Uses the SSE4.2 crc32 instruction when the CPU has it, else a slice-by-8 table.
uint32_t t2i_crc32c_update(uint32_t crc, const void *data, size_t length);

/// 1 when the hardware path is in use (for benchmarks and reports).
int t2i_crc32c_hardware(void);

/// The portable slice-by-8 path, exposed so tests can compare it with the hardware path.
uint32_t t2i_crc32c_update_portable(uint32_t crc, const void *data, size_t length);

#endif
