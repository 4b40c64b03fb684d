// The CPU's arithmetic limit, measured: one thread per core runs independent chains of 512-bit
// fused multiply-adds (float32, vfmadd231ps: 16 lanes × 2 FLOP) or bfloat16 dot products
// (vdpbf16ps: 16 lanes × 2 pairs × 2 FLOP) on registers only, so nothing but the arithmetic units
// limits it. libtorch's matrix multiply and convolutions can at best reach these rates.
//
// Build and run (see docs/performance.md):
//   gcc -O2 -mavx512f -mavx512bf16 -pthread bench/instruction-peak/peak.c -o /tmp/instruction-peak && /tmp/instruction-peak 2
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 24 // independent accumulators, enough to hide the instructions' latency
#define ROUNDS 50000000L

static int use_bf16;
static volatile float sink;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *run(void *unused)
{
    (void)unused;
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

static void measure(int threads, int bf16)
{
    pthread_t t[64];
    use_bf16 = bf16;
    double start = now();
    for (int i = 0; i < threads; i++)
        pthread_create(&t[i], NULL, run, NULL);
    for (int i = 0; i < threads; i++)
        pthread_join(t[i], NULL);
    double seconds = now() - start;
    double flop = (double)threads * ROUNDS * CHAINS * (bf16 ? 64.0 : 32.0);
    printf("%-8s %2d thread(s): %7.1f GFLOP/s\n", bf16 ? "bfloat16" : "float32", threads, flop / seconds / 1e9);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > 64) {
        fprintf(stderr, "usage: peak [threads 1-64]\n");
        return 2;
    }
    for (int n = 1; n <= threads; n *= 2) {
        measure(n, 0);
        measure(n, 1);
    }
    return 0;
}
