/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <cblas.h>
#include <string.h>

#include "l2l-conv2d-direct.h"
#include "l2l-conv2d.h"

guint
l2l_conv2d_out_height (const L2lConv2d *conv)
{
  return (conv->height + 2 * conv->pad - conv->k) / conv->stride + 1;
}

guint
l2l_conv2d_out_width (const L2lConv2d *conv)
{
  return (conv->width + 2 * conv->pad - conv->k) / conv->stride + 1;
}

/* Images go through the products in chunks of up to this many: one sgemm
 * over all their columns instead of one an image, whose small products spent
 * more in packing and threading than in arithmetic. */
#define CHUNK_IMAGES 8

static guint
chunk_images (const L2lConv2d *conv)
{
  return MAX (MIN (conv->n, CHUNK_IMAGES), 1);
}

static guint
n_chunks (const L2lConv2d *conv)
{
  return (conv->n + CHUNK_IMAGES - 1) / CHUNK_IMAGES;
}

/* With too few chunks of images to keep a team busy (the art family's one
 * image), each image's rows are cut into bands: fixed by the shape alone. */
static guint
n_bands (const L2lConv2d *conv)
{
  return n_chunks (conv) >= 4 ? 1 : 4;
}

/* The direct kernels' scratch: the weights laid out, then per item (a band
 * of a chunk of images) its work space and its share of the weight gradient. */
static gsize
direct_item_size (const L2lConv2d *conv)
{
  return l2l_conv2d_direct_work_size (conv, n_bands (conv)) +
         (gsize) conv->c_in * conv->k * conv->k * conv->c_out;
}

static guint
n_items (const L2lConv2d *conv)
{
  return MAX (n_chunks (conv), 1) * n_bands (conv);
}

gsize
l2l_conv2d_col_size (const L2lConv2d *conv)
{
  const gsize columns = (gsize) chunk_images (conv) * l2l_conv2d_out_height (conv) *
                        l2l_conv2d_out_width (conv);
  /* a chunk's columns [c_in·k·k × B·H'·W'], then its outputs [c_out × B·H'·W'] */
  const gsize sgemm = ((gsize) conv->c_in * conv->k * conv->k + conv->c_out) * columns;

  if (!l2l_conv2d_direct_fits (conv, FALSE, FALSE))
    return sgemm;
  return MAX (sgemm, l2l_conv2d_direct_weights_size (conv) +
                     n_items (conv) * direct_item_size (conv));
}

/* col [c_in·k·k × H'·W']: row (c, ky, kx) holds the input pixel each output
 * position sees through that tap, 0 in the padding. */
/* The output columns [*lo, *hi) whose input column ox·s + kx − pad lies
 * inside the image: the rest read padding. */
static void
inside_columns (const L2lConv2d *conv,
                guint            kx,
                guint           *lo,
                guint           *hi)
{
  const int s = (int) conv->stride, pad = (int) conv->pad, w = (int) conv->width;
  const int ow = (int) l2l_conv2d_out_width (conv);
  const int first = pad > (int) kx ? (pad - (int) kx + s - 1) / s : 0;
  const int last = w - 1 + pad - (int) kx;   /* ox · s ≤ last */

  *lo = (guint) MIN (first, ow);
  *hi = last < 0 ? *lo : (guint) CLAMP (last / s + 1, first, ow);
}

/* The rows here are short (7 to 32 floats): plain loops, which GCC would
 * otherwise turn back into memset and memcpy calls that cost more than the
 * copies. */
#if defined(__GNUC__) && !defined(__clang__)
#define SHORT_ROWS __attribute__ ((optimize ("no-tree-loop-distribute-patterns")))
#else
#define SHORT_ROWS
#endif

#define MAX_K 64

SHORT_ROWS static void
im2col (float           *col,
        gsize            ld,
        const float     *image,
        const L2lConv2d *conv)
{
  const guint oh = l2l_conv2d_out_height (conv), ow = l2l_conv2d_out_width (conv);
  const guint k = conv->k, s = conv->stride;
  const int pad = (int) conv->pad, h = (int) conv->height, w = (int) conv->width;
  guint lo[MAX_K], hi[MAX_K];

  g_assert (k <= MAX_K);
  for (guint kx = 0; kx < k; kx++)
    inside_columns (conv, kx, &lo[kx], &hi[kx]);
  for (guint c = 0; c < conv->c_in; c++)
    for (guint ky = 0; ky < k; ky++)
      for (guint kx = 0; kx < k; kx++)
        {
          float *row = col + ((gsize) (c * k + ky) * k + kx) * ld;
          const float *plane = image + (gsize) c * h * w;
          const guint a = lo[kx], b = hi[kx];

          for (guint oy = 0; oy < oh; oy++)
            {
              const int iy = (int) (oy * s + ky) - pad;
              float *restrict dst = row + (gsize) oy * ow;
              const float *restrict src;
              guint ox = 0;

              if (iy < 0 || iy >= h)
                {
                  for (; ox < ow; ox++)
                    dst[ox] = 0.0f;
                  continue;
                }
              src = plane + (gsize) iy * w + (int) kx - pad;
              for (; ox < a; ox++)
                dst[ox] = 0.0f;
              if (s == 1)
                for (; ox < b; ox++)
                  dst[ox] = src[ox];
              else
                for (; ox < b; ox++)
                  dst[ox] = src[ox * s];
              for (; ox < ow; ox++)
                dst[ox] = 0.0f;
            }
        }
}

/* The adjoint of im2col: adds each column entry back to its pixel. */
SHORT_ROWS static void
col2im_add (float           *image,
            const float     *col,
            gsize            ld,
            const L2lConv2d *conv)
{
  const guint oh = l2l_conv2d_out_height (conv), ow = l2l_conv2d_out_width (conv);
  const guint k = conv->k, s = conv->stride;
  const int pad = (int) conv->pad, h = (int) conv->height, w = (int) conv->width;
  guint los[MAX_K], his[MAX_K];

  g_assert (k <= MAX_K);
  for (guint kx = 0; kx < k; kx++)
    inside_columns (conv, kx, &los[kx], &his[kx]);
  for (guint c = 0; c < conv->c_in; c++)
    for (guint ky = 0; ky < k; ky++)
      for (guint kx = 0; kx < k; kx++)
        {
          const float *row = col + ((gsize) (c * k + ky) * k + kx) * ld;
          float *plane = image + (gsize) c * h * w;
          const guint lo = los[kx], hi = his[kx];

          for (guint oy = 0; oy < oh; oy++)
            {
              const int iy = (int) (oy * s + ky) - pad;
              const float *src = row + (gsize) oy * ow;
              float *dst;

              if (iy < 0 || iy >= h)
                continue;
              dst = plane + (gsize) iy * w + (int) kx - pad;
              if (s == 1)
                for (guint ox = lo; ox < hi; ox++)
                  dst[ox] += src[ox];
              else
                for (guint ox = lo; ox < hi; ox++)
                  dst[ox * s] += src[ox];
            }
        }
}

/* One pass of the direct kernels, cut into items (bands of chunks of
 * images) that the team shares out: each item has its own work space and
 * weight gradient, which are summed in item order, so any thread count gives
 * the same bits. */
typedef struct {
  const L2lConv2d *conv;
  float           *scratch;
  float           *out;        /* forward: out; backward: din */
  const float     *in;
  const float     *dout;       /* NULL in the forward pass */
  const float     *bias;
  gboolean         dweight;
} DirectPass;

static float *
item_work (const DirectPass *pass,
           guint             item)
{
  return pass->scratch + l2l_conv2d_direct_weights_size (pass->conv) +
         item * direct_item_size (pass->conv);
}

static void
direct_item (guint    item,
             gpointer user_data)
{
  const DirectPass *pass = user_data;
  const L2lConv2d *conv = pass->conv;
  const guint bands = n_bands (conv), band = item % bands;
  const guint first = item / bands * CHUNK_IMAGES, last = MIN (first + CHUNK_IMAGES, conv->n);
  float *work = item_work (pass, item);
  float *dwt = work + l2l_conv2d_direct_work_size (conv, bands);

  if (pass->dout == NULL)
    {
      l2l_conv2d_direct_forward (pass->out, work, pass->in, pass->scratch, pass->bias, conv,
                                 first, last, band, bands);
      return;
    }
  if (pass->dweight)
    memset (dwt, 0, (gsize) conv->c_in * conv->k * conv->k * conv->c_out * sizeof (float));
  l2l_conv2d_direct_backward (pass->out, pass->dweight ? dwt : NULL, work, pass->dout, pass->in,
                              pass->scratch, conv, first, last, band, bands);
}

void
l2l_conv2d_forward (float           *out,
                    float           *col,
                    const float     *in,
                    const float     *weight,
                    const float     *bias,
                    const L2lConv2d *conv,
                    L2lParallel     *parallel)
{
  const gsize hw = (gsize) l2l_conv2d_out_height (conv) * l2l_conv2d_out_width (conv);
  const gsize taps = (gsize) conv->c_in * conv->k * conv->k;
  const gsize in_size = (gsize) conv->c_in * conv->height * conv->width;
  const guint chunk = chunk_images (conv);
  float *product = col + taps * chunk * hw;

  if (l2l_conv2d_direct_fits (conv, FALSE, FALSE))
    {
      DirectPass pass = { conv, col, out, in, NULL, bias, FALSE };

      l2l_conv2d_direct_prepare (col, weight, conv, FALSE, parallel);
      l2l_parallel_run (parallel, n_items (conv), direct_item, &pass);
      return;
    }
  for (guint first = 0; first < conv->n; first += chunk)
    {
      const guint m = MIN (chunk, conv->n - first);
      const gsize cols = m * hw;

      for (guint i = 0; i < m; i++)
        im2col (col + i * hw, cols, in + (first + i) * in_size, conv);
      /* [c_out × B·HW] = W [c_out × taps] · col [taps × B·HW] */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) conv->c_out, (int) cols,
                   (int) taps, 1.0f, weight, (int) taps, col, (int) cols, 0.0f, product,
                   (int) cols);
      for (guint i = 0; i < m; i++)
        for (guint c = 0; c < conv->c_out; c++)
          {
            const float *restrict from = product + c * cols + i * hw;
            float *restrict to = out + ((gsize) (first + i) * conv->c_out + c) * hw;
            const float b = bias != NULL ? bias[c] : 0.0f;

            for (gsize j = 0; j < hw; j++)
              to[j] = from[j] + b;
          }
    }
}

void
l2l_conv2d_backward (float           *din,
                     float           *dweight,
                     float           *dbias,
                     float           *col,
                     const float     *dout,
                     const float     *in,
                     const float     *weight,
                     const L2lConv2d *conv,
                     L2lParallel     *parallel)
{
  const gsize hw = (gsize) l2l_conv2d_out_height (conv) * l2l_conv2d_out_width (conv);
  const gsize taps = (gsize) conv->c_in * conv->k * conv->k;
  const gsize in_size = (gsize) conv->c_in * conv->height * conv->width;
  const guint chunk = chunk_images (conv);
  float *gathered = col + taps * chunk * hw;

  if (l2l_conv2d_direct_fits (conv, TRUE, din != NULL))
    {
      DirectPass pass = { conv, col, din, in, dout, NULL, dweight != NULL };

      if (dbias != NULL)
        for (guint n = 0; n < conv->n; n++)
          for (guint c = 0; c < conv->c_out; c++)
            for (gsize j = 0; j < hw; j++)
              dbias[c] += dout[((gsize) n * conv->c_out + c) * hw + j];
      if (din == NULL && dweight == NULL)
        return;
      if (din != NULL)
        l2l_conv2d_direct_prepare (col, weight, conv, TRUE, parallel);
      l2l_parallel_run (parallel, n_items (conv), direct_item, &pass);
      /* dW [c_out × taps] += Σ over items, in order, of their [taps × c_out] */
      for (guint i = 0; dweight != NULL && i < n_items (conv); i++)
        {
          const float *dwt = item_work (&pass, i) + l2l_conv2d_direct_work_size (conv,
                                                                               n_bands (conv));

          for (guint c = 0; c < conv->c_out; c++)
            for (gsize t = 0; t < taps; t++)
              dweight[c * taps + t] += dwt[t * conv->c_out + c];
        }
      return;
    }
  if (din != NULL)
    memset (din, 0, conv->n * in_size * sizeof (float));
  for (guint first = 0; first < conv->n; first += chunk)
    {
      const guint m = MIN (chunk, conv->n - first);
      const gsize cols = m * hw;

      /* dout of the chunk as [c_out × B·HW], the columns' layout */
      for (guint i = 0; i < m; i++)
        for (guint c = 0; c < conv->c_out; c++)
          memcpy (gathered + c * cols + i * hw,
                  dout + ((gsize) (first + i) * conv->c_out + c) * hw, hw * sizeof (float));
      if (dbias != NULL)
        for (guint c = 0; c < conv->c_out; c++)
          for (gsize j = 0; j < cols; j++)
            dbias[c] += gathered[c * cols + j];
      if (dweight != NULL)
        {
          for (guint i = 0; i < m; i++)
            im2col (col + i * hw, cols, in + (first + i) * in_size, conv);
          /* dW [c_out × taps] += dout [c_out × B·HW] · colᵀ */
          cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) conv->c_out, (int) taps,
                       (int) cols, 1.0f, gathered, (int) cols, col, (int) cols, 1.0f, dweight,
                       (int) taps);
        }
      if (din != NULL)
        {
          /* dcol [taps × B·HW] = Wᵀ · dout, in the scratch, then back onto pixels */
          cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) taps, (int) cols,
                       (int) conv->c_out, 1.0f, weight, (int) taps, gathered, (int) cols,
                       0.0f, col, (int) cols);
          for (guint i = 0; i < m; i++)
            col2im_add (din + (first + i) * in_size, col + i * hw, cols, conv);
        }
    }
}

/* The plain loops: out[n, o, y, x] = b[o] + Σ w[o, c, ky, kx] · in[n, c, y·s + ky − p, x·s + kx − p]. */
void
l2l_conv2d_forward_ref (float           *out,
                        const float     *in,
                        const float     *weight,
                        const float     *bias,
                        const L2lConv2d *conv)
{
  const guint oh = l2l_conv2d_out_height (conv), ow = l2l_conv2d_out_width (conv);
  const guint k = conv->k, h = conv->height, w = conv->width;

  for (guint n = 0; n < conv->n; n++)
    for (guint o = 0; o < conv->c_out; o++)
      for (guint y = 0; y < oh; y++)
        for (guint x = 0; x < ow; x++)
          {
            float sum = bias != NULL ? bias[o] : 0.0f;
            for (guint c = 0; c < conv->c_in; c++)
              for (guint ky = 0; ky < k; ky++)
                for (guint kx = 0; kx < k; kx++)
                  {
                    int iy = (int) (y * conv->stride + ky) - (int) conv->pad;
                    int ix = (int) (x * conv->stride + kx) - (int) conv->pad;
                    if (iy < 0 || iy >= (int) h || ix < 0 || ix >= (int) w)
                      continue;
                    sum += weight[((o * conv->c_in + c) * k + ky) * k + kx] *
                           in[((gsize) (n * conv->c_in + c) * h + iy) * w + ix];
                  }
            out[((gsize) (n * conv->c_out + o) * oh + y) * ow + x] = sum;
          }
}

void
l2l_conv2d_backward_ref (float           *din,
                         float           *dweight,
                         float           *dbias,
                         const float     *dout,
                         const float     *in,
                         const float     *weight,
                         const L2lConv2d *conv)
{
  const guint oh = l2l_conv2d_out_height (conv), ow = l2l_conv2d_out_width (conv);
  const guint k = conv->k, h = conv->height, w = conv->width;

  if (din != NULL)
    memset (din, 0, (gsize) conv->n * conv->c_in * h * w * sizeof (float));
  for (guint n = 0; n < conv->n; n++)
    for (guint o = 0; o < conv->c_out; o++)
      for (guint y = 0; y < oh; y++)
        for (guint x = 0; x < ow; x++)
          {
            const float d = dout[((gsize) (n * conv->c_out + o) * oh + y) * ow + x];

            if (dbias != NULL)
              dbias[o] += d;
            for (guint c = 0; c < conv->c_in; c++)
              for (guint ky = 0; ky < k; ky++)
                for (guint kx = 0; kx < k; kx++)
                  {
                    int iy = (int) (y * conv->stride + ky) - (int) conv->pad;
                    int ix = (int) (x * conv->stride + kx) - (int) conv->pad;
                    gsize wi = ((o * conv->c_in + c) * k + ky) * k + kx;
                    gsize ii = ((gsize) (n * conv->c_in + c) * h + iy) * w + ix;

                    if (iy < 0 || iy >= (int) h || ix < 0 || ix >= (int) w)
                      continue;
                    if (dweight != NULL)
                      dweight[wi] += d * in[ii];
                    if (din != NULL)
                      din[ii] += d * weight[wi];
                  }
          }
}
