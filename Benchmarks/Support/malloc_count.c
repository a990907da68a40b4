/* Counts heap allocations for `make bench-engines`: EngineBenchmarks runs with this library in
 * LD_PRELOAD and reads tf_malloc_count() before and after a loop, to print allocations per
 * operation beside the time. Every allocation entry point is counted, then passed to glibc. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>

static _Atomic uint64_t count;
uint64_t tf_malloc_count(void) { return atomic_load_explicit(&count, memory_order_relaxed); }

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static inline void counted(void) { atomic_fetch_add_explicit(&count, 1, memory_order_relaxed); }
void *malloc(size_t n) { counted(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { counted(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { counted(); return __libc_realloc(p, n); }
void *aligned_alloc(size_t align, size_t n) { counted(); return __libc_memalign(align, n); }
void *memalign(size_t align, size_t n) { counted(); return __libc_memalign(align, n); }
int posix_memalign(void **out, size_t align, size_t n) {
    counted();
    void *p = __libc_memalign(align, n);
    if (!p) return 12; /* ENOMEM */
    *out = p;
    return 0;
}
