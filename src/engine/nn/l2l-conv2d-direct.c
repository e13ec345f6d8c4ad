/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-conv2d-direct.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_X86_KERNELS 1

/* AVX-512: a block of 16 channels is one register; 32 registers hold 14
 * pixels' sums, or 12 pixels' of two blocks, or up to 10 taps' gradients. */
#define TARGET __attribute__ ((target ("avx512f")))
#define VEC __m512
#define VL 16
#define NV 1
#define VLOAD _mm512_loadu_ps
#define VSTORE _mm512_storeu_ps
#define VSET1 _mm512_set1_ps
#define VFMA _mm512_fmadd_ps
#define VZERO _mm512_setzero_ps ()
#define FN(name) avx512_##name
#define PIXELS 14
#define PIXELS_WIDE 12
#define TAP_ROWS_K1 8
#define TAP_ROWS_K3 3
#define TAP_ROWS_K5 2
#include "l2l-conv2d-direct-body.h"
#undef TARGET
#undef VEC
#undef VL
#undef NV
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VFMA
#undef VZERO
#undef FN
#undef PIXELS
#undef PIXELS_WIDE
#undef TAP_ROWS_K1
#undef TAP_ROWS_K3
#undef TAP_ROWS_K5

/* AVX2: two registers a block; 16 registers hold 6 pixels' sums. */
#define TARGET __attribute__ ((target ("avx2,fma")))
#define VEC __m256
#define VL 8
#define NV 2
#define VLOAD _mm256_loadu_ps
#define VSTORE _mm256_storeu_ps
#define VSET1 _mm256_set1_ps
#define VFMA _mm256_fmadd_ps
#define VZERO _mm256_setzero_ps ()
#define FN(name) avx2_##name
#define PIXELS 6
#define PIXELS_WIDE 0
#define TAP_ROWS_K1 6
#define TAP_ROWS_K3 2
#define TAP_ROWS_K5 1
#include "l2l-conv2d-direct-body.h"
#endif

static L2lConvIsa
best_isa (void)
{
#ifdef HAVE_X86_KERNELS
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f"))
    return L2L_CONV_ISA_AVX512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return L2L_CONV_ISA_AVX2;
#endif
  return L2L_CONV_ISA_NONE;
}

static gint forced = -1;   /* a test's choice, or −1 */

L2lConvIsa
l2l_conv2d_direct_isa (void)
{
  static gsize best;   /* 1 + best_isa (), once */
  const gint isa = g_atomic_int_get (&forced);

  if (isa >= 0)
    return (L2lConvIsa) isa;
  if (g_once_init_enter (&best))
    g_once_init_leave (&best, 1 + best_isa ());
  return (L2lConvIsa) (best - 1);
}

gboolean
l2l_conv2d_direct_set_isa (L2lConvIsa isa)
{
  if (isa > best_isa ())
    return FALSE;
  g_atomic_int_set (&forced, (gint) isa);
  return TRUE;
}

gboolean
l2l_conv2d_direct_fits (const L2lConv2d *conv,
                        gboolean         backward,
                        gboolean         with_din)
{
  if (l2l_conv2d_direct_isa () == L2L_CONV_ISA_NONE)
    return FALSE;
  if (conv->stride != 1 || conv->pad >= conv->k || conv->c_out % 16 != 0)
    return FALSE;
  if (conv->k != 1 && conv->k != 3 && conv->k != 5)
    return FALSE;
  if (conv->height + 2 * conv->pad < conv->k || conv->width + 2 * conv->pad < conv->k)
    return FALSE;
  return !backward || !with_din || conv->c_in % 16 == 0;
}

/* The padding of the input's gradient, seen as a convolution of dout. */
static guint
flip_pad (const L2lConv2d *conv)
{
  return conv->k - 1 - conv->pad;
}

static gsize
taps (const L2lConv2d *conv)
{
  return (gsize) conv->c_in * conv->k * conv->k;
}

gsize
l2l_conv2d_direct_weights_size (const L2lConv2d *conv)
{
  return taps (conv) * conv->c_out;
}

/* Band @band of @bands of @n rows: [*first, *last). */
static void
band_rows (guint  n,
           guint  band,
           guint  bands,
           guint *first,
           guint *last)
{
  *first = (guint) ((guint64) n * band / bands);
  *last = (guint) ((guint64) n * (band + 1) / bands);
}

/* The most rows a band of @n rows has. */
static guint
band_height (guint n,
             guint bands)
{
  return (n + bands - 1) / bands;
}

gsize
l2l_conv2d_direct_work_size (const L2lConv2d *conv,
                             guint            bands)
{
  const guint oh = l2l_conv2d_out_height (conv), ow = l2l_conv2d_out_width (conv);
  const guint k = conv->k, q = flip_pad (conv);
  const gsize rows = band_height (oh, bands), din_rows = band_height (conv->height, bands);

  /* a band's padded input rows, its dout pixel-major, its padded dout rows */
  return (gsize) conv->c_in * (rows + k - 1) * (conv->width + 2 * conv->pad) +
         rows * ow * conv->c_out + (gsize) conv->c_out * (din_rows + k - 1) * (ow + 2 * q);
}

/* Forward: item c lays out input channel c's rows [c, ky, kx][o].
 * Backward: item o, output channel o's rows of the input's gradient
 * [o, k−1−ky, k−1−kx][c]. Each writes its own rows contiguously. */
typedef struct {
  float           *weights;
  const float     *weight;
  const L2lConv2d *conv;
  gboolean         backward;
} Layout;

static void
layout_item (guint    item,
             gpointer user_data)
{
  const Layout *layout = user_data;
  const guint k2 = layout->conv->k * layout->conv->k;
  const guint c_in = layout->conv->c_in, c_out = layout->conv->c_out;
  const float *weight = layout->weight;

  if (!layout->backward)
    {
      float *rows = layout->weights + (gsize) item * k2 * c_out;

      for (guint t = 0; t < k2; t++)
        for (guint o = 0; o < c_out; o++)
          rows[(gsize) t * c_out + o] = weight[((gsize) o * c_in + item) * k2 + t];
    }
  else
    {
      const guint o = item;
      float *rows = layout->weights + (gsize) o * k2 * c_in;

      for (guint t = 0; t < k2; t++)
        for (guint c = 0; c < c_in; c++)
          rows[(gsize) (k2 - 1 - t) * c_in + c] = weight[((gsize) o * c_in + c) * k2 + t];
    }
}

void
l2l_conv2d_direct_prepare (float           *weights,
                           const float     *weight,
                           const L2lConv2d *conv,
                           gboolean         backward,
                           L2lParallel     *parallel)
{
  Layout layout = { weights, weight, conv, backward };

  l2l_parallel_run (parallel, backward ? conv->c_out : conv->c_in, layout_item, &layout);
}

/* Rows [r0, r1) of src [channels × h × w] padded by @pad zeros on every
 * side: dst [channels × (r1 − r0) × (w + 2·pad)]. */
static void
pad_rows (float       *restrict dst,
          const float *restrict src,
          guint                 channels,
          guint                 h,
          guint                 w,
          guint                 pad,
          guint                 r0,
          guint                 r1)
{
  const guint wp = w + 2 * pad;

  memset (dst, 0, (gsize) channels * (r1 - r0) * wp * sizeof (float));
  for (guint c = 0; c < channels; c++)
    for (guint r = MAX (r0, pad); r < MIN (r1, h + pad); r++)
      memcpy (dst + ((gsize) c * (r1 - r0) + r - r0) * wp + pad,
              src + ((gsize) c * h + r - pad) * w, w * sizeof (float));
}

static void
forward_rows (float       *out,
              gsize        out_plane,
              guint        rows,
              const float *padded,
              guint        wp,
              const float *weights,
              const float *bias,
              guint        c_in,
              guint        c_out,
              guint        k)
{
#ifdef HAVE_X86_KERNELS
  if (l2l_conv2d_direct_isa () == L2L_CONV_ISA_AVX512)
    avx512_forward_rows (out, out_plane, rows, padded, wp, weights, bias, c_in, c_out, k);
  else
    avx2_forward_rows (out, out_plane, rows, padded, wp, weights, bias, c_in, c_out, k);
#else
  g_assert_not_reached ();
#endif
}

void
l2l_conv2d_direct_forward (float           *out,
                           float           *work,
                           const float     *in,
                           const float     *weights,
                           const float     *bias,
                           const L2lConv2d *conv,
                           guint            first,
                           guint            last,
                           guint            band,
                           guint            bands)
{
  const guint oh = l2l_conv2d_out_height (conv), ow = l2l_conv2d_out_width (conv);
  const guint wp = conv->width + 2 * conv->pad;
  const gsize in_size = (gsize) conv->c_in * conv->height * conv->width;
  const gsize out_plane = (gsize) oh * ow;
  guint y0, y1;

  band_rows (oh, band, bands, &y0, &y1);
  if (y0 == y1)
    return;
  for (guint n = first; n < last; n++)
    {
      pad_rows (work, in + n * in_size, conv->c_in, conv->height, conv->width, conv->pad, y0,
                y1 + conv->k - 1);
      forward_rows (out + n * conv->c_out * out_plane + (gsize) y0 * ow, out_plane, y1 - y0,
                    work, wp, weights, bias, conv->c_in, conv->c_out, conv->k);
    }
}

static void
dweight_rows (float       *dwt,
              const float *padded,
              const float *dout_t,
              guint        rows,
              guint        wp,
              guint        c_in,
              guint        c_out,
              guint        k)
{
#ifdef HAVE_X86_KERNELS
  if (l2l_conv2d_direct_isa () == L2L_CONV_ISA_AVX512)
    avx512_dweight_rows (dwt, padded, dout_t, rows, wp, c_in, c_out, k);
  else
    avx2_dweight_rows (dwt, padded, dout_t, rows, wp, c_in, c_out, k);
#else
  g_assert_not_reached ();
#endif
}

void
l2l_conv2d_direct_backward (float           *din,
                            float           *dwt,
                            float           *work,
                            const float     *dout,
                            const float     *in,
                            const float     *weights,
                            const L2lConv2d *conv,
                            guint            first,
                            guint            last,
                            guint            band,
                            guint            bands)
{
  const guint oh = l2l_conv2d_out_height (conv), ow = l2l_conv2d_out_width (conv);
  const guint k = conv->k, q = flip_pad (conv), c_out = conv->c_out;
  const guint wp = conv->width + 2 * conv->pad;
  const gsize in_size = (gsize) conv->c_in * conv->height * conv->width;
  const gsize hw = (gsize) oh * ow, out_size = c_out * hw, in_plane = (gsize) conv->height * conv->width;
  const gsize rows_max = band_height (oh, bands);
  float *padded = work;
  float *dout_t = padded + (gsize) conv->c_in * (rows_max + k - 1) * wp;
  float *dout_padded = dout_t + rows_max * ow * c_out;
  guint y0, y1, r0, r1;

  band_rows (oh, band, bands, &y0, &y1);
  band_rows (conv->height, band, bands, &r0, &r1);
  for (guint n = first; n < last; n++)
    {
      const float *d = dout + n * out_size;

      if (dwt != NULL && y1 > y0)
        {
          pad_rows (padded, in + n * in_size, conv->c_in, conv->height, conv->width, conv->pad,
                    y0, y1 + k - 1);
          /* pixel by pixel: contiguous writes, one read stream a channel */
          for (gsize j = (gsize) y0 * ow; j < (gsize) y1 * ow; j++)
            for (guint o = 0; o < c_out; o++)
              dout_t[(j - (gsize) y0 * ow) * c_out + o] = d[o * hw + j];
          dweight_rows (dwt, padded, dout_t, y1 - y0, wp, conv->c_in, c_out, k);
        }
      if (din != NULL && r1 > r0)
        {
          pad_rows (dout_padded, d, c_out, oh, ow, q, r0, r1 + k - 1);
          forward_rows (din + n * in_size + (gsize) r0 * conv->width, in_plane, r1 - r0,
                        dout_padded, ow + 2 * q, weights, NULL, c_out,
                        conv->c_in, k);
        }
    }
}
