/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* On x86-64 a hot loop marked L2L_VECTOR_CLONES is compiled for AVX-512 and
 * AVX2 as well, and the best the CPU has is picked at load time. FP
 * contraction is off (ISO C11) and the loops' lanes are written out in the
 * source, so every clone computes the same bits as the baseline. */
#include <features.h>

/* target_clones needs the dynamic linker's ifunc: glibc has it, musl not. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__) && \
    defined(__GLIBC__)
#define L2L_VECTOR_CLONES __attribute__ ((target_clones ("avx512f", "avx2", "default")))
#else
#define L2L_VECTOR_CLONES
#endif
