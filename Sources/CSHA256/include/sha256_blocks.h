#ifndef ANALYZE_SHA256_BLOCKS_H
#define ANALYZE_SHA256_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

/// The 64 round constants of SHA-256 (FIPS 180-4, 4.2.2), for the portable code too.
const uint32_t *sha256_round_constants(void);

/// Whether this CPU has the x86 SHA extensions (and SSSE3/SSE4.1) that sha256_blocks_x86 needs.
int sha256_x86_available(void);

/// SHA-256 compression of `blocks` 64-byte blocks into `state` (a, b, ..., h) with the SHA extensions.
/// Call only when sha256_x86_available() returned 1.
void sha256_blocks_x86(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
