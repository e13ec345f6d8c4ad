/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The direct convolution kernels of l2l-conv2d-direct.c, written once for a
 * vector ISA that the including file names: TARGET (the target attribute),
 * VEC, VL (floats in a VEC), NV (VECs in a block of 16 channels), VLOAD,
 * VSTORE, VSET1, VFMA (a·b + c), VZERO, FN (the prefix of the names), and the
 * register blocking: PIXELS (output pixels a forward block holds for 16
 * channels), PIXELS_WIDE (for 32 channels; 0: never two blocks at once) and
 * TAP_ROWS_K1/K3/K5 (tap rows a weight-gradient block holds for k = 1, 3, 5).
 * Included once per ISA; no include guard on purpose. */

#define BLOCK 16

/* Forward: @p output pixels of one row for @cb blocks of 16 output
 * channels (both constants after inlining; p ≤ PIXELS, or ≤ PIXELS_WIDE for
 * two blocks), into tmp [p × 16·cb]. @in is the padded input at (channel 0,
 * row y, column x), @wt the weights [c_in·k·k × c_out] at the first block's
 * first channel. Two blocks share each input value's broadcast between
 * twice the sums (the art net's convolutions: about 10 % faster). */
TARGET G_ALWAYS_INLINE static inline void
FN (pixels) (float       *restrict tmp,
             const float *restrict in,
             gsize                 plane,
             guint                 wp,
             const float *restrict wt,
             guint                 c_out,
             const float          *bias,
             guint                 c_in,
             guint                 k,
             const guint           p,
             const guint           cb)
{
  VEC acc[PIXELS][2 * NV];

#pragma GCC unroll 16
  for (guint i = 0; i < p; i++)
#pragma GCC unroll 4
    for (guint v = 0; v < NV * cb; v++)
      acc[i][v] = bias != NULL ? VLOAD (bias + v * VL) : VZERO;
  for (guint c = 0; c < c_in; c++)
    for (guint ky = 0; ky < k; ky++)
      {
        const float *row = in + c * plane + ky * wp;
        const float *w = wt + (gsize) ((c * k + ky) * k) * c_out;

        for (guint kx = 0; kx < k; kx++)
          {
            VEC wv[2 * NV];

#pragma GCC unroll 4
            for (guint v = 0; v < NV * cb; v++)
              wv[v] = VLOAD (w + kx * c_out + v * VL);
#pragma GCC unroll 16
            for (guint i = 0; i < p; i++)
              {
                const VEC b = VSET1 (row[i + kx]);
#pragma GCC unroll 4
                for (guint v = 0; v < NV * cb; v++)
                  acc[i][v] = VFMA (b, wv[v], acc[i][v]);
              }
          }
      }
#pragma GCC unroll 16
  for (guint i = 0; i < p; i++)
#pragma GCC unroll 4
    for (guint v = 0; v < NV * cb; v++)
      VSTORE (tmp + i * BLOCK * cb + v * VL, acc[i][v]);
}

/* @rows output rows of every channel, out [c_out planes of @out_plane, the
 * rows from @out on] = the correlation of @in [c_in × (rows + k − 1) × wp],
 * the padded input's rows they see, with @wt [c_in·k·k × c_out] (+ @bias),
 * stride 1. */
TARGET static void
FN (forward_rows) (float       *restrict out,
                   gsize                 out_plane,
                   guint                 rows,
                   const float *restrict in,
                   guint                 wp,
                   const float *restrict wt,
                   const float          *bias,
                   guint                 c_in,
                   guint                 c_out,
                   guint                 k)
{
  const guint ow = wp - k + 1;
  const gsize plane = (gsize) (rows + k - 1) * wp;
  float tmp[PIXELS * BLOCK * 2];

  for (guint ob = 0; ob < c_out; ob += BLOCK)
    {
      /* two blocks of channels at once where there are two left */
      const guint cb = PIXELS_WIDE > 0 && c_out - ob >= 2 * BLOCK ? 2 : 1;
      const guint width = cb == 2 ? PIXELS_WIDE : PIXELS;
      /* a row in blocks of near-equal width (14 as 5, 5, 4 rather than 6,
       * 6, 2): a narrow block has too few sums in flight to hide the FMA
       * latency */
      const guint blocks = (ow + width - 1) / width;

      for (guint y = 0; y < rows; y++)
        for (guint x = 0, p, left = blocks; x < ow; x += p, left--)
          {
            const float *at = in + (gsize) y * wp + x;
            const float *b = bias != NULL ? bias + ob : NULL;

            p = (ow - x + left - 1) / left;
#define PIXELS_CASE(n, c) \
            case n: FN (pixels) (tmp, at, plane, wp, wt + ob, c_out, b, c_in, k, n, c); break;
            if (cb == 1)
              switch (p)
                {
                PIXELS_CASE (1, 1) PIXELS_CASE (2, 1) PIXELS_CASE (3, 1) PIXELS_CASE (4, 1)
                PIXELS_CASE (5, 1) PIXELS_CASE (6, 1)
#if PIXELS > 6
                PIXELS_CASE (7, 1) PIXELS_CASE (8, 1) PIXELS_CASE (9, 1) PIXELS_CASE (10, 1)
                PIXELS_CASE (11, 1) PIXELS_CASE (12, 1) PIXELS_CASE (13, 1) PIXELS_CASE (14, 1)
#endif
                default: g_assert_not_reached ();
                }
#if PIXELS_WIDE > 0
            else
              switch (p)
                {
                PIXELS_CASE (1, 2) PIXELS_CASE (2, 2) PIXELS_CASE (3, 2) PIXELS_CASE (4, 2)
                PIXELS_CASE (5, 2) PIXELS_CASE (6, 2) PIXELS_CASE (7, 2) PIXELS_CASE (8, 2)
                PIXELS_CASE (9, 2) PIXELS_CASE (10, 2) PIXELS_CASE (11, 2) PIXELS_CASE (12, 2)
                default: g_assert_not_reached ();
                }
#endif
#undef PIXELS_CASE
            for (guint j = 0; j < BLOCK * cb; j++)
              {
                float *to = out + (ob + j) * out_plane + (gsize) y * ow + x;

                for (guint i = 0; i < p; i++)
                  to[i] = tmp[i * BLOCK * cb + j];
              }
          }
      ob += (cb - 1) * BLOCK;
    }
}

/* Weight gradient: @rows tap rows (a tap row is one input channel and one
 * kernel row, its k taps) from tap row @t0, for one block of 16 channels;
 * @rows and @k are constants after inlining. dwt [c_in·k·k × c_out] at the
 * block's first channel += Σ over pixels dout_t · the padded input. */
TARGET G_ALWAYS_INLINE static inline void
FN (tap_rows) (float       *restrict dwt,
               const float *restrict in,
               gsize                 plane,
               guint                 wp,
               const float *restrict dout_t,
               guint                 c_out,
               guint                 oh,
               guint                 ow,
               guint                 t0,
               const guint           rows,
               const guint           k)
{
  VEC acc[TAP_ROWS_K1][5][NV];
  const float *base[TAP_ROWS_K1];

#pragma GCC unroll 8
  for (guint r = 0; r < rows; r++)
    {
      base[r] = in + ((t0 + r) / k) * plane + ((t0 + r) % k) * wp;
#pragma GCC unroll 5
      for (guint kx = 0; kx < k; kx++)
#pragma GCC unroll 4
        for (guint v = 0; v < NV; v++)
          acc[r][kx][v] = VLOAD (dwt + (gsize) ((t0 + r) * k + kx) * c_out + v * VL);
    }
  for (guint y = 0; y < oh; y++)
    for (guint x = 0; x < ow; x++)
      {
        const gsize at = (gsize) y * wp + x;
        VEC d[NV];

#pragma GCC unroll 4
        for (guint v = 0; v < NV; v++)
          d[v] = VLOAD (dout_t + ((gsize) y * ow + x) * c_out + v * VL);
#pragma GCC unroll 8
        for (guint r = 0; r < rows; r++)
#pragma GCC unroll 5
          for (guint kx = 0; kx < k; kx++)
            {
              const VEC b = VSET1 (base[r][at + kx]);
#pragma GCC unroll 4
              for (guint v = 0; v < NV; v++)
                acc[r][kx][v] = VFMA (b, d[v], acc[r][kx][v]);
            }
      }
#pragma GCC unroll 8
  for (guint r = 0; r < rows; r++)
#pragma GCC unroll 5
    for (guint kx = 0; kx < k; kx++)
#pragma GCC unroll 4
      for (guint v = 0; v < NV; v++)
        VSTORE (dwt + (gsize) ((t0 + r) * k + kx) * c_out + v * VL, acc[r][kx][v]);
}

/* dwt [c_in·k·k × c_out] += the weight gradient of @rows output rows of one
 * image: @in the padded input's rows they see [c_in × (rows + k − 1) × wp],
 * @dout_t their output gradient pixel-major [rows·ow × c_out]. */
TARGET static void
FN (dweight_rows) (float       *restrict dwt,
                   const float *restrict in,
                   const float *restrict dout_t,
                   guint                 rows,
                   guint                 wp,
                   guint                 c_in,
                   guint                 c_out,
                   guint                 k)
{
  const guint oh = rows, ow = wp - k + 1, n_rows = c_in * k;
  const gsize plane = (gsize) (rows + k - 1) * wp;
  const guint step = k == 1 ? TAP_ROWS_K1 : k == 3 ? TAP_ROWS_K3 : TAP_ROWS_K5;

  for (guint ob = 0; ob < c_out; ob += BLOCK)
    for (guint t0 = 0; t0 < n_rows; t0 += step)
      {
        const guint block = MIN (step, n_rows - t0);

#define TAP_CASE(r, kk) \
        case r: FN (tap_rows) (dwt + ob, in, plane, wp, dout_t + ob, c_out, oh, ow, t0, r, kk); break;
        if (k == 1)
          switch (block)
            {
            TAP_CASE (1, 1) TAP_CASE (2, 1) TAP_CASE (3, 1) TAP_CASE (4, 1)
            TAP_CASE (5, 1) TAP_CASE (6, 1)
#if TAP_ROWS_K1 > 6
            TAP_CASE (7, 1) TAP_CASE (8, 1)
#endif
            default: g_assert_not_reached ();
            }
        else if (k == 3)
          switch (block)
            {
            TAP_CASE (1, 3) TAP_CASE (2, 3)
#if TAP_ROWS_K3 > 2
            TAP_CASE (3, 3)
#endif
            default: g_assert_not_reached ();
            }
        else
          switch (block)
            {
            TAP_CASE (1, 5)
#if TAP_ROWS_K5 > 1
            TAP_CASE (2, 5)
#endif
            default: g_assert_not_reached ();
            }
#undef TAP_CASE
      }
}

#undef BLOCK
