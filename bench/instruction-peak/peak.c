// The CPU's arithmetic limit, measured: one thread per core runs independent chains of 512-bit
// fused multiply-adds (float32, vfmadd231ps: 16 lanes × 2 FLOP) or bfloat16 dot products
// (vdpbf16ps: 16 lanes × 2 pairs × 2 FLOP) on registers only, so nothing but the arithmetic units
// limits it. On CPUs with AMX (Sapphire Rapids and later) it also runs bfloat16 tile products
// (tdpbf16ps: a 16 × 32 by 32 × 16 product, 16384 FLOP each) on four independent accumulator
// tiles, the rate oneDNN's bfloat16 convolutions use there. libtorch's matrix multiply and
// convolutions can at best reach these rates.
//
// Build and run (see docs/performance.md):
//   gcc -O2 -mavx512f -mavx512bf16 -mamx-tile -mamx-bf16 -pthread bench/instruction-peak/peak.c -o /tmp/instruction-peak && /tmp/instruction-peak 2
#include <immintrin.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18
#define AMX_ROUNDS 20000000L

#define CHAINS 24 // independent accumulators, enough to hide the instructions' latency
#define ROUNDS 50000000L

static int use_bf16;
static int use_amx;
static volatile float sink;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// The tile configuration of palette 1: tiles 0-3 accumulate float32 (16 rows × 16), tiles 4-7 hold
// bfloat16 operands (16 rows × 32).
struct tile_config {
    uint8_t palette;
    uint8_t start_row;
    uint8_t reserved[14];
    uint16_t bytes_per_row[16];
    uint8_t rows[16];
};

static void *run_amx(void)
{
    static uint16_t ones[16 * 32];
    static float zeros[16 * 16];
    struct tile_config config;
    memset(&config, 0, sizeof config);
    config.palette = 1;
    for (int i = 0; i < 8; i++) {
        config.bytes_per_row[i] = 64;
        config.rows[i] = 16;
    }
    for (int i = 0; i < 16 * 32; i++)
        ones[i] = 0x3f80; // 1.0 in bfloat16
    _tile_loadconfig(&config);
    _tile_loadd(0, zeros, 64);
    _tile_loadd(1, zeros, 64);
    _tile_loadd(2, zeros, 64);
    _tile_loadd(3, zeros, 64);
    _tile_loadd(4, ones, 64);
    _tile_loadd(5, ones, 64);
    _tile_loadd(6, ones, 64);
    _tile_loadd(7, ones, 64);
    for (long r = 0; r < AMX_ROUNDS; r++) {
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
    }
    static float out[16 * 16];
    _tile_stored(0, out, 64);
    _tile_release();
    sink = out[0];
    return NULL;
}

static void *run(void *unused)
{
    (void)unused;
    if (use_amx)
        return run_amx();
    __m512 acc[CHAINS];
    for (int i = 0; i < CHAINS; i++)
        acc[i] = _mm512_set1_ps((float)i);
    if (use_bf16) {
        __m512bh a = (__m512bh)_mm512_set1_epi16(0x3f80), b = (__m512bh)_mm512_set1_epi16(0x3f80); // 1.0 in bfloat16
        for (long r = 0; r < ROUNDS; r++)
#pragma GCC unroll 24
            for (int i = 0; i < CHAINS; i++)
                acc[i] = _mm512_dpbf16_ps(acc[i], a, b);
    } else {
        __m512 a = _mm512_set1_ps(1.0000001f), b = _mm512_set1_ps(1e-9f);
        for (long r = 0; r < ROUNDS; r++)
#pragma GCC unroll 24
            for (int i = 0; i < CHAINS; i++)
                acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    float s = 0;
    for (int i = 0; i < CHAINS; i++)
        s += _mm512_reduce_add_ps(acc[i]);
    sink = s;
    return NULL;
}

static void measure(int threads, int bf16, int amx)
{
    pthread_t t[64];
    use_bf16 = bf16;
    use_amx = amx;
    double start = now();
    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, run, NULL);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    double seconds = now() - start;
    double flop = amx ? (double)threads * AMX_ROUNDS * 4 * 16384.0 : (double)threads * ROUNDS * CHAINS * (bf16 ? 64.0 : 32.0);
    printf("%-13s %2d thread(s): %7.1f GFLOP/s\n", amx ? "bfloat16 AMX" : bf16 ? "bfloat16" : "float32", threads, flop / seconds / 1e9);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > 64) {
        fprintf(stderr, "usage: peak [threads 1-64]\n");
        return 2;
    }
    // Linux hands out the AMX tile state only to a process that asks for it; it refuses where there is no AMX.
    int amx = syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
    for (int n = 1; n <= threads; n *= 2) {
        measure(n, 0, 0);
        measure(n, 1, 0);
        if (amx)
            measure(n, 1, 1);
    }
    if (!amx)
        printf("bfloat16 AMX: not available on this CPU (or not granted by the kernel)\n");
    return 0;
}
