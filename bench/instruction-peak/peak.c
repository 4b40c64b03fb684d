// The CPU's arithmetic limit, measured: one thread per core runs independent chains of fused
// multiply-adds (float32: vfmadd231ps, 512-bit with 16 lanes × 2 FLOP where the CPU has AVX-512,
// otherwise 256-bit AVX2 with 8 lanes × 2 FLOP) or bfloat16 dot products (AVX-512 BF16 vdpbf16ps:
// 16 lanes × 2 pairs × 2 FLOP) on registers only, so nothing but the arithmetic units limits it.
// On CPUs with AMX (Sapphire Rapids and later) it also runs bfloat16 tile products (tdpbf16ps: a
// 16 × 32 by 32 × 16 product, 16384 FLOP each) on four independent accumulator tiles, the rate
// oneDNN's bfloat16 convolutions use there. libtorch's matrix multiply and convolutions can at best
// reach these rates. Each kind runs only where the CPU reports it, so the program runs on any
// x86-64 CPU with AVX2 and FMA; the kinds it lacks are listed as not available.
//
// Build and run (see docs/performance.md):
//   gcc -O2 -pthread bench/instruction-peak/peak.c -o /tmp/instruction-peak && /tmp/instruction-peak 2
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

#define CHAINS 24 // independent 512-bit accumulators, enough to hide the instructions' latency
#define CHAINS_AVX2 12 // AVX2 has 16 vector registers: 12 accumulators and the two operands
#define ROUNDS 50000000L

enum kind { FLOAT32_AVX2, FLOAT32_AVX512, BFLOAT16_AVX512, BFLOAT16_AMX };

static enum kind current;
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

__attribute__((target("amx-tile,amx-bf16"))) static void run_amx(void)
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
}

__attribute__((target("avx2,fma"))) static void run_float32_avx2(void)
{
    __m256 acc[CHAINS_AVX2];
    for (int i = 0; i < CHAINS_AVX2; i++)
        acc[i] = _mm256_set1_ps((float)i);
    __m256 a = _mm256_set1_ps(1.0000001f), b = _mm256_set1_ps(1e-9f);
    for (long r = 0; r < ROUNDS; r++)
#pragma GCC unroll 12
        for (int i = 0; i < CHAINS_AVX2; i++)
            acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    float lanes[8], s = 0;
    for (int i = 0; i < CHAINS_AVX2; i++) {
        _mm256_storeu_ps(lanes, acc[i]);
        for (int j = 0; j < 8; j++)
            s += lanes[j];
    }
    sink = s;
}

__attribute__((target("avx512f"))) static void run_float32_avx512(void)
{
    __m512 acc[CHAINS];
    for (int i = 0; i < CHAINS; i++)
        acc[i] = _mm512_set1_ps((float)i);
    __m512 a = _mm512_set1_ps(1.0000001f), b = _mm512_set1_ps(1e-9f);
    for (long r = 0; r < ROUNDS; r++)
#pragma GCC unroll 24
        for (int i = 0; i < CHAINS; i++)
            acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    float s = 0;
    for (int i = 0; i < CHAINS; i++)
        s += _mm512_reduce_add_ps(acc[i]);
    sink = s;
}

__attribute__((target("avx512f,avx512bf16"))) static void run_bfloat16_avx512(void)
{
    __m512 acc[CHAINS];
    for (int i = 0; i < CHAINS; i++)
        acc[i] = _mm512_set1_ps((float)i);
    __m512bh a = (__m512bh)_mm512_set1_epi16(0x3f80), b = (__m512bh)_mm512_set1_epi16(0x3f80); // 1.0 in bfloat16
    for (long r = 0; r < ROUNDS; r++)
#pragma GCC unroll 24
        for (int i = 0; i < CHAINS; i++)
            acc[i] = _mm512_dpbf16_ps(acc[i], a, b);
    float s = 0;
    for (int i = 0; i < CHAINS; i++)
        s += _mm512_reduce_add_ps(acc[i]);
    sink = s;
}

static void *run(void *unused)
{
    (void)unused;
    switch (current) {
    case FLOAT32_AVX2: run_float32_avx2(); break;
    case FLOAT32_AVX512: run_float32_avx512(); break;
    case BFLOAT16_AVX512: run_bfloat16_avx512(); break;
    case BFLOAT16_AMX: run_amx(); break;
    }
    return NULL;
}

static const char *names[] = { "float32 AVX2", "float32 AVX-512", "bfloat16 AVX-512", "bfloat16 AMX" };

static double flop_per_thread(enum kind kind)
{
    switch (kind) {
    case FLOAT32_AVX2: return ROUNDS * CHAINS_AVX2 * 16.0;
    case FLOAT32_AVX512: return ROUNDS * CHAINS * 32.0;
    case BFLOAT16_AVX512: return ROUNDS * CHAINS * 64.0;
    default: return AMX_ROUNDS * 4 * 16384.0;
    }
}

static void measure(int threads, enum kind kind)
{
    pthread_t t[64];
    current = kind;
    double start = now();
    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, run, NULL);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    double seconds = now() - start;
    printf("%-16s %2d thread(s): %7.1f GFLOP/s\n", names[kind], threads, threads * flop_per_thread(kind) / seconds / 1e9);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > 64) {
        fprintf(stderr, "usage: peak [threads 1-64]\n");
        return 2;
    }
    __builtin_cpu_init();
    int available[4];
    available[FLOAT32_AVX2] = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    available[FLOAT32_AVX512] = __builtin_cpu_supports("avx512f");
    available[BFLOAT16_AVX512] = available[FLOAT32_AVX512] && __builtin_cpu_supports("avx512bf16");
    // Linux hands out the AMX tile state only to a process that asks for it; it refuses where there is no AMX.
    available[BFLOAT16_AMX] = syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
    for (int n = 1; n <= threads; n *= 2)
        for (int kind = 0; kind < 4; kind++)
            if (available[kind])
                measure(n, kind);
    for (int kind = 0; kind < 4; kind++)
        if (!available[kind])
            printf("%-16s not available on this CPU%s\n", names[kind], kind == BFLOAT16_AMX ? " (or not granted by the kernel)" : "");
    return 0;
}
