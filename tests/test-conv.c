/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-conv2d-direct.h"
#include "l2l-engine.h"
#include "test-util.h"

/* The convolutional kernels (conv2d, max-pooling, Gram matrix, total
 * variation): each fast kernel against its plain loops, and every backward
 * pass against central differences of its forward. */

static float *
normal_floats (gsize   n,
               guint64 seed)
{
  float *values = g_new (float, n);
  L2lRng rng;

  l2l_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    values[i] = (float) l2l_rng_normal (&rng);
  return values;
}

static const L2lConv2d shapes[] = {
  { .n = 2, .c_in = 3, .height = 7, .width = 6, .c_out = 4, .k = 3, .stride = 1, .pad = 1 },
  { .n = 2, .c_in = 3, .height = 9, .width = 8, .c_out = 5, .k = 3, .stride = 2, .pad = 0 },
  { .n = 1, .c_in = 2, .height = 8, .width = 8, .c_out = 3, .k = 5, .stride = 1, .pad = 2 },
  { .n = 1, .c_in = 4, .height = 5, .width = 6, .c_out = 2, .k = 1, .stride = 1, .pad = 0 },
  { .n = 1, .c_in = 2, .height = 9, .width = 7, .c_out = 3, .k = 3, .stride = 2, .pad = 1 },
  /* more images than a chunk of the fast kernels (8) */
  { .n = 20, .c_in = 2, .height = 5, .width = 4, .c_out = 3, .k = 3, .stride = 1, .pad = 1 },
  /* the direct kernels', where the CPU has them */
  { .n = 1, .c_in = 16, .height = 5, .width = 4, .c_out = 16, .k = 3, .stride = 1, .pad = 1 },
};

/* Shapes the direct kernels take (l2l-conv2d-direct.h): rows wider than a
 * block of pixels with a remainder, several blocks of 16 channels, tap rows
 * that do not fill a block, every padding a kernel size allows. */
static const L2lConv2d direct_shapes[] = {
  { .n = 10, .c_in = 1, .height = 28, .width = 30, .c_out = 16, .k = 5, .stride = 1, .pad = 2 },
  { .n = 3, .c_in = 16, .height = 14, .width = 13, .c_out = 32, .k = 5, .stride = 1, .pad = 2 },
  { .n = 2, .c_in = 32, .height = 9, .width = 17, .c_out = 16, .k = 3, .stride = 1, .pad = 0 },
  { .n = 2, .c_in = 16, .height = 8, .width = 7, .c_out = 16, .k = 3, .stride = 1, .pad = 1 },
  { .n = 9, .c_in = 16, .height = 5, .width = 6, .c_out = 48, .k = 1, .stride = 1, .pad = 0 },
  { .n = 1, .c_in = 48, .height = 4, .width = 3, .c_out = 16, .k = 5, .stride = 1, .pad = 4 },
  { .n = 2, .c_in = 3, .height = 6, .width = 20, .c_out = 16, .k = 3, .stride = 1, .pad = 2 },
  /* enough images that their rows are not cut into bands */
  { .n = 33, .c_in = 16, .height = 6, .width = 5, .c_out = 16, .k = 3, .stride = 1, .pad = 1 },
};

typedef struct {
  L2lConv2d conv;
  gsize     n_in, n_weight, n_out;
  float    *in, *weight, *bias, *dout, *col;
} Case;

static void
case_init (Case            *c,
           const L2lConv2d *conv,
           guint64          seed)
{
  c->conv = *conv;
  c->n_in = (gsize) conv->n * conv->c_in * conv->height * conv->width;
  c->n_weight = (gsize) conv->c_out * conv->c_in * conv->k * conv->k;
  c->n_out = (gsize) conv->n * conv->c_out * l2l_conv2d_out_height (conv) *
             l2l_conv2d_out_width (conv);
  c->in = normal_floats (c->n_in, seed);
  c->weight = normal_floats (c->n_weight, seed + 1);
  c->bias = normal_floats (conv->c_out, seed + 2);
  c->dout = normal_floats (c->n_out, seed + 3);
  c->col = g_new (float, l2l_conv2d_col_size (conv));
}

static void
case_clear (Case *c)
{
  g_free (c->in);
  g_free (c->weight);
  g_free (c->bias);
  g_free (c->dout);
  g_free (c->col);
}

static void
test_conv2d_matches_reference (void)
{
  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      Case c;
      g_autofree float *out = NULL, *out_ref = NULL, *din = NULL, *din_ref = NULL;
      g_autofree float *dw = NULL, *dw_ref = NULL, *db = NULL, *db_ref = NULL;

      case_init (&c, &shapes[s], 10 * s + 1);
      out = g_new (float, c.n_out);
      out_ref = g_new (float, c.n_out);
      din = g_new (float, c.n_in);
      din_ref = g_new (float, c.n_in);
      /* backward adds into parameter gradients: start both from the same values */
      dw = normal_floats (c.n_weight, 99);
      dw_ref = g_memdup2 (dw, c.n_weight * sizeof (float));
      db = normal_floats (c.conv.c_out, 98);
      db_ref = g_memdup2 (db, c.conv.c_out * sizeof (float));

      l2l_conv2d_forward (out, c.col, c.in, c.weight, c.bias, &c.conv, NULL);
      l2l_conv2d_forward_ref (out_ref, c.in, c.weight, c.bias, &c.conv);
      l2l_conv2d_backward (din, dw, db, c.col, c.dout, c.in, c.weight, &c.conv, NULL);
      l2l_conv2d_backward_ref (din_ref, dw_ref, db_ref, c.dout, c.in, c.weight, &c.conv);
      g_assert_cmpfloat (test_util_max_rel_diff (out, out_ref, c.n_out), <, 1e-5);
      g_assert_cmpfloat (test_util_max_rel_diff (din, din_ref, c.n_in), <, 1e-5);
      g_assert_cmpfloat (test_util_max_rel_diff (dw, dw_ref, c.n_weight), <, 1e-5);
      g_assert_cmpfloat (test_util_max_rel_diff (db, db_ref, c.conv.c_out), <, 1e-5);
      case_clear (&c);
    }
}

/* The fast kernels against the plain loops on @conv: the forward pass, the
 * backward pass with the input's gradient and without it. */
static void
check_against_reference (const L2lConv2d *conv,
                         guint64          seed)
{
  Case c;
  g_autofree float *out = NULL, *out_ref = NULL, *din = NULL, *din_ref = NULL;
  g_autofree float *dw = NULL, *dw_ref = NULL, *dw_only = NULL, *db = NULL, *db_ref = NULL;

  case_init (&c, conv, seed);
  out = g_new (float, c.n_out);
  out_ref = g_new (float, c.n_out);
  din = g_new (float, c.n_in);
  din_ref = g_new (float, c.n_in);
  dw = normal_floats (c.n_weight, seed + 7);
  dw_ref = g_memdup2 (dw, c.n_weight * sizeof (float));
  dw_only = g_memdup2 (dw, c.n_weight * sizeof (float));
  db = normal_floats (c.conv.c_out, seed + 8);
  db_ref = g_memdup2 (db, c.conv.c_out * sizeof (float));

  l2l_conv2d_forward (out, c.col, c.in, c.weight, c.bias, &c.conv, NULL);
  l2l_conv2d_forward_ref (out_ref, c.in, c.weight, c.bias, &c.conv);
  l2l_conv2d_backward (din, dw, db, c.col, c.dout, c.in, c.weight, &c.conv, NULL);
  l2l_conv2d_backward (NULL, dw_only, NULL, c.col, c.dout, c.in, c.weight, &c.conv, NULL);
  l2l_conv2d_backward_ref (din_ref, dw_ref, db_ref, c.dout, c.in, c.weight, &c.conv);
  {
    /* float sums on both sides, in different orders: an output or input
     * pixel sums c_in·k·k or c_out·k·k products, a weight's gradient one a
     * pixel of every image */
    const double terms = MAX (c.conv.c_in, c.conv.c_out) * c.conv.k * c.conv.k;
    const double pixels = (double) c.n_out / c.conv.c_out;
    const double tolerance[] = {
      1e-7 * terms + 1e-5, 1e-7 * terms + 1e-5, 1e-7 * pixels + 1e-5, 1e-7 * pixels + 1e-5,
      1e-7 * pixels + 1e-5,
    };
    const double errors[] = {
      test_util_max_rel_diff (out, out_ref, c.n_out),
      test_util_max_rel_diff (din, din_ref, c.n_in),
      test_util_max_rel_diff (dw, dw_ref, c.n_weight),
      test_util_max_rel_diff (dw_only, dw_ref, c.n_weight),
      test_util_max_rel_diff (db, db_ref, c.conv.c_out),
    };

    g_test_message ("c_in %u c_out %u k %u pad %u: worst relative error out %.1e, din %.1e, "
                    "dW %.1e, dW alone %.1e, db %.1e", c.conv.c_in, c.conv.c_out, c.conv.k,
                    c.conv.pad, errors[0], errors[1], errors[2], errors[3], errors[4]);
    for (guint e = 0; e < G_N_ELEMENTS (errors); e++)
      g_assert_cmpfloat (errors[e], <, tolerance[e]);
  }
  case_clear (&c);
}

/* Each vector ISA of the direct kernels that this CPU has, on every shape
 * they take. */
static void
test_conv2d_direct_matches_reference (void)
{
  const L2lConvIsa best = l2l_conv2d_direct_isa ();
  const L2lConvIsa isas[] = { L2L_CONV_ISA_AVX2, L2L_CONV_ISA_AVX512 };
  guint tried = 0;

  for (guint i = 0; i < G_N_ELEMENTS (isas); i++)
    {
      if (!l2l_conv2d_direct_set_isa (isas[i]))
        continue;
      tried++;
      for (guint s = 0; s < G_N_ELEMENTS (direct_shapes); s++)
        {
          g_assert_true (l2l_conv2d_direct_fits (&direct_shapes[s], FALSE, FALSE));
          check_against_reference (&direct_shapes[s], 100 * i + 10 * s + 1);
        }
    }
  g_assert_true (l2l_conv2d_direct_set_isa (best));
  if (tried == 0)
    g_test_skip ("this CPU has neither AVX2 with FMA nor AVX-512");
  /* a CPU without them takes the columns and sgemm for the same shapes */
  g_assert_true (l2l_conv2d_direct_set_isa (L2L_CONV_ISA_NONE));
  g_assert_false (l2l_conv2d_direct_fits (&direct_shapes[0], FALSE, FALSE));
  check_against_reference (&direct_shapes[1], 7);
  g_assert_true (l2l_conv2d_direct_set_isa (best));
}

/* Every corner of what the direct kernels take, small: each kernel size
 * with each padding it allows, images narrower than a block of pixels and
 * shorter than the bands of rows, one image and more than a chunk. The
 * scratch is exactly l2l_conv2d_col_size floats and NaN before each call,
 * so a slot read before it is written shows in the result. */
static void
test_conv2d_direct_corners (void)
{
  const guint sizes[][2] = { { 1, 1 }, { 2, 6 }, { 5, 15 } };
  const guint images[] = { 1, 9 }, outs[] = { 16, 32 };
  guint tried = 0;

  if (l2l_conv2d_direct_isa () == L2L_CONV_ISA_NONE)
    {
      g_test_skip ("this CPU has neither AVX2 with FMA nor AVX-512");
      return;
    }
  for (guint k = 1; k <= 5; k += 2)
    for (guint pad = 0; pad < k; pad++)
      for (guint z = 0; z < G_N_ELEMENTS (sizes); z++)
        for (guint i = 0; i < G_N_ELEMENTS (images); i++)
          for (guint o = 0; o < G_N_ELEMENTS (outs); o++)
            {
              const L2lConv2d conv = {
                .n = images[i], .c_in = 16, .height = sizes[z][0], .width = sizes[z][1],
                .c_out = outs[o], .k = k, .stride = 1, .pad = pad,
              };
              Case c;
              g_autofree float *out = NULL, *out_ref = NULL, *din = NULL, *din_ref = NULL;
              g_autofree float *dw = NULL, *dw_ref = NULL;
              gsize col;

              if (!l2l_conv2d_direct_fits (&conv, TRUE, TRUE))
                continue;   /* the image is smaller than the kernel */
              tried++;
              case_init (&c, &conv, 1000 + tried);
              col = l2l_conv2d_col_size (&conv);
              out = g_new (float, c.n_out);
              out_ref = g_new (float, c.n_out);
              din = g_new (float, c.n_in);
              din_ref = g_new (float, c.n_in);
              dw = g_new0 (float, c.n_weight);
              dw_ref = g_new0 (float, c.n_weight);
              for (gsize j = 0; j < col; j++)
                c.col[j] = NAN;
              l2l_conv2d_forward (out, c.col, c.in, c.weight, c.bias, &c.conv, NULL);
              for (gsize j = 0; j < col; j++)
                c.col[j] = NAN;
              l2l_conv2d_backward (din, dw, NULL, c.col, c.dout, c.in, c.weight, &c.conv, NULL);
              l2l_conv2d_forward_ref (out_ref, c.in, c.weight, c.bias, &c.conv);
              l2l_conv2d_backward_ref (din_ref, dw_ref, NULL, c.dout, c.in, c.weight, &c.conv);
              g_assert_cmpfloat (test_util_max_rel_diff (out, out_ref, c.n_out), <, 1e-4);
              g_assert_cmpfloat (test_util_max_rel_diff (din, din_ref, c.n_in), <, 1e-4);
              g_assert_cmpfloat (test_util_max_rel_diff (dw, dw_ref, c.n_weight), <, 1e-4);
              case_clear (&c);
            }
  g_test_message ("%u shapes", tried);
  g_assert_cmpuint (tried, >, 40);
}

/* Images shared out to a team of threads give the same bits as one thread
 * alone: each item (a band of a chunk of images) has its own weight
 * gradient, summed in order. */
static void
test_conv2d_threads_same_bits (void)
{
  /* a few images, each cut into bands of rows; and images enough for none */
  const L2lConv2d convs[] = {
    { .n = 3, .c_in = 16, .height = 13, .width = 9, .c_out = 16, .k = 5, .stride = 1, .pad = 2 },
    { .n = 37, .c_in = 16, .height = 7, .width = 9, .c_out = 16, .k = 5, .stride = 1, .pad = 2 },
  };
  g_autoptr(L2lParallel) team = l2l_parallel_new (2);

  for (guint s = 0; s < G_N_ELEMENTS (convs); s++)
    {
      float *outs[2], *dins[2], *dws[2];
      Case c;

      case_init (&c, &convs[s], 3);
      for (guint t = 0; t < 2; t++)
        {
          L2lParallel *parallel = t == 0 ? NULL : team;

          outs[t] = g_new (float, c.n_out);
          dins[t] = g_new (float, c.n_in);
          dws[t] = g_new0 (float, c.n_weight);
          l2l_conv2d_forward (outs[t], c.col, c.in, c.weight, c.bias, &c.conv, parallel);
          l2l_conv2d_backward (dins[t], dws[t], NULL, c.col, c.dout, c.in, c.weight, &c.conv,
                               parallel);
        }
      g_assert_cmpmem (outs[0], c.n_out * sizeof (float), outs[1], c.n_out * sizeof (float));
      g_assert_cmpmem (dins[0], c.n_in * sizeof (float), dins[1], c.n_in * sizeof (float));
      g_assert_cmpmem (dws[0], c.n_weight * sizeof (float), dws[1],
                       c.n_weight * sizeof (float));
      for (guint t = 0; t < 2; t++)
        {
          g_free (outs[t]);
          g_free (dins[t]);
          g_free (dws[t]);
        }
      case_clear (&c);
    }
}

/* L = Σ dout · conv(in), in double. */
static double
conv_objective (Case *c)
{
  g_autofree float *out = g_new (float, c->n_out);
  double total = 0.0;

  l2l_conv2d_forward (out, c->col, c->in, c->weight, c->bias, &c->conv, NULL);
  for (gsize i = 0; i < c->n_out; i++)
    total += (double) c->dout[i] * out[i];
  return total;
}

/* The objective is linear in every argument: central differences are exact
 * but for rounding, so a wide step keeps that small. */
static double
check_by_differences (Case        *c,
                      float       *x,
                      const float *analytic,
                      gsize        n)
{
  const float h = 0.25f;
  double worst = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      float saved = x[i];
      double up, down, numeric;

      x[i] = saved + h;
      up = conv_objective (c);
      x[i] = saved - h;
      down = conv_objective (c);
      x[i] = saved;
      numeric = (up - down) / (2.0 * h);
      worst = MAX (worst, fabs (numeric - analytic[i]) / MAX (1.0, fabs (numeric)));
    }
  return worst;
}

static void
test_conv2d_gradient (void)
{
  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      Case c;
      g_autofree float *din = NULL, *dw = NULL, *db = NULL;
      double worst_in, worst_w, worst_b;

      case_init (&c, &shapes[s], 10 * s + 5);
      din = g_new (float, c.n_in);
      dw = g_new0 (float, c.n_weight);
      db = g_new0 (float, c.conv.c_out);
      l2l_conv2d_backward (din, dw, db, c.col, c.dout, c.in, c.weight, &c.conv, NULL);
      worst_in = check_by_differences (&c, c.in, din, c.n_in);
      worst_w = check_by_differences (&c, c.weight, dw, c.n_weight);
      worst_b = check_by_differences (&c, c.bias, db, c.conv.c_out);
      g_test_message ("k %u stride %u pad %u: worst relative error input %.1e, weight %.1e, "
                      "bias %.1e", c.conv.k, c.conv.stride, c.conv.pad, worst_in, worst_w,
                      worst_b);
      g_assert_cmpfloat (worst_in, <, 1e-3);
      g_assert_cmpfloat (worst_w, <, 1e-3);
      g_assert_cmpfloat (worst_b, <, 1e-3);
      case_clear (&c);
    }
}

/* The 2 × 2, stride 2 windows' own kernel against plain loops, on values
 * of four levels (so that most windows tie) with a NaN here and there, on
 * planes of odd and even sizes: the same maxima, and the first of tied
 * places. */
static void
test_maxpool_2x2 (void)
{
  const guint sizes[][2] = { { 7, 8 }, { 28, 28 }, { 5, 3 } };
  L2lRng rng;

  l2l_rng_init (&rng, 9);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      const guint planes = 3, height = sizes[s][0], width = sizes[s][1];
      const guint oh = height / 2, ow = width / 2;
      const gsize n = (gsize) planes * height * width, outputs = (gsize) planes * oh * ow;
      g_autofree float *in = g_new (float, n), *out = g_new (float, outputs);
      g_autofree guint32 *argmax = g_new (guint32, outputs);

      for (gsize i = 0; i < n; i++)
        in[i] = i % 37 == 5 ? NAN : (float) l2l_rng_below (&rng, 4);
      l2l_maxpool_forward (out, argmax, in, planes, height, width, 2, 2);
      for (guint p = 0; p < planes; p++)
        for (guint y = 0; y < oh; y++)
          for (guint x = 0; x < ow; x++)
            {
              const float *plane = in + (gsize) p * height * width;
              const gsize o = ((gsize) p * oh + y) * ow + x;
              guint32 best = 2 * y * width + 2 * x;

              for (guint ky = 0; ky < 2; ky++)
                for (guint kx = 0; kx < 2; kx++)
                  {
                    const guint32 at = (2 * y + ky) * width + 2 * x + kx;

                    if (plane[at] > plane[best])
                      best = at;
                  }
              g_assert_cmpuint (argmax[o], ==, best);
              g_assert_cmpmem (&out[o], sizeof (float), &plane[best], sizeof (float));
            }
    }
}

/* Max-pooling 3/2 and 2/2 on values at least 0.1 apart, so that the small
 * differences below never cross a tie: routes the gradient to each maximum. */
static void
test_maxpool (void)
{
  const guint planes = 2, height = 7, width = 8;
  const struct { guint k, stride; } pools[] = { { 3, 2 }, { 2, 2 } };
  const gsize n = (gsize) planes * height * width;
  g_autofree float *in = g_new (float, n);
  g_autofree float *din = g_new (float, n);
  L2lRng rng;

  l2l_rng_init (&rng, 3);
  for (gsize i = 0; i < n; i++)
    in[i] = 0.1f * (float) i;
  for (gsize i = n - 1; i > 0; i--)   /* shuffle */
    {
      gsize j = l2l_rng_below (&rng, (guint) (i + 1));
      float t = in[i];
      in[i] = in[j];
      in[j] = t;
    }

  for (guint p = 0; p < G_N_ELEMENTS (pools); p++)
    {
      const guint k = pools[p].k, s = pools[p].stride;
      const gsize outputs = (gsize) planes * ((height - k) / s + 1) * ((width - k) / s + 1);
      g_autofree float *out = g_new (float, outputs), *moved = g_new (float, outputs);
      g_autofree float *dout = normal_floats (outputs, 7);
      g_autofree guint32 *argmax = g_new (guint32, outputs);
      g_autofree guint32 *scratch = g_new (guint32, outputs);
      const float h = 1e-2f;

      l2l_maxpool_forward (out, argmax, in, planes, height, width, k, s);
      l2l_maxpool_backward (din, dout, argmax, planes, height, width, k, s);
      for (gsize i = 0; i < n; i++)
        {
          double up = 0.0, down = 0.0;
          float saved = in[i];

          in[i] = saved + h;
          l2l_maxpool_forward (moved, scratch, in, planes, height, width, k, s);
          for (gsize o = 0; o < outputs; o++)
            up += (double) dout[o] * moved[o];
          in[i] = saved - h;
          l2l_maxpool_forward (moved, scratch, in, planes, height, width, k, s);
          for (gsize o = 0; o < outputs; o++)
            down += (double) dout[o] * moved[o];
          in[i] = saved;
          g_assert_cmpfloat (fabs ((up - down) / (2.0 * h) - din[i]), <, 1e-4);
        }
      /* each output is the largest value of its window */
      for (gsize o = 0; o < outputs; o++)
        g_assert_cmpfloat (out[o], ==, in[(o / (outputs / planes)) * height * width + argmax[o]]);
    }
}

static const struct { guint channels; gsize m; } gram_shapes[] = { { 5, 11 }, { 16, 49 } };

static void
test_gram_matches_reference (void)
{
  for (guint s = 0; s < G_N_ELEMENTS (gram_shapes); s++)
    {
      const guint channels = gram_shapes[s].channels;
      const gsize m = gram_shapes[s].m, n_gram = (gsize) channels * channels;
      g_autofree float *features = normal_floats (channels * m, 21 + s);
      g_autofree float *gram = g_new (float, n_gram), *gram_ref = g_new (float, n_gram);
      g_autofree float *dgram = normal_floats (n_gram, 22 + s);
      /* the fast backward overwrites its dG */
      g_autofree float *dgram_work = g_memdup2 (dgram, n_gram * sizeof (float));
      g_autofree float *dfeatures = g_new (float, channels * m);
      g_autofree float *dfeatures_ref = g_new (float, channels * m);

      l2l_gram_forward (gram, features, channels, m);
      l2l_gram_forward_ref (gram_ref, features, channels, m);
      g_assert_cmpfloat (test_util_max_rel_diff (gram, gram_ref, n_gram), <, 1e-5);
      l2l_gram_backward (dfeatures, dgram_work, features, channels, m);
      l2l_gram_backward_ref (dfeatures_ref, dgram, features, channels, m);
      g_assert_cmpfloat (test_util_max_rel_diff (dfeatures, dfeatures_ref, channels * m), <, 1e-5);
    }
}

/* L = Σ dG ⊙ G (G from the plain loops, in double) against both backward
 * kernels, by central differences. */
static void
test_gram_gradient (void)
{
  const guint channels = 5;
  const gsize m = 11;
  g_autofree float *features = normal_floats (channels * m, 21);
  g_autofree float *gram = g_new (float, channels * channels);
  g_autofree float *dgram = normal_floats (channels * channels, 22);
  g_autofree float *dgram_work = g_memdup2 (dgram, channels * channels * sizeof (float));
  g_autofree float *dfeatures = g_new (float, channels * m);
  g_autofree float *dfeatures_ref = g_new (float, channels * m);
  const float h = 1e-2f;
  double worst = 0.0, worst_ref = 0.0;

  l2l_gram_backward (dfeatures, dgram_work, features, channels, m);
  l2l_gram_backward_ref (dfeatures_ref, dgram, features, channels, m);
  for (gsize i = 0; i < channels * m; i++)
    {
      float saved = features[i];
      double up = 0.0, down = 0.0, numeric, scale;

      features[i] = saved + h;
      l2l_gram_forward_ref (gram, features, channels, m);
      for (guint j = 0; j < channels * channels; j++)
        up += (double) dgram[j] * gram[j];
      features[i] = saved - h;
      l2l_gram_forward_ref (gram, features, channels, m);
      for (guint j = 0; j < channels * channels; j++)
        down += (double) dgram[j] * gram[j];
      features[i] = saved;
      numeric = (up - down) / (2.0 * h);
      scale = MAX (1e-2, fabs (numeric));
      worst = MAX (worst, fabs (numeric - dfeatures[i]) / scale);
      worst_ref = MAX (worst_ref, fabs (numeric - dfeatures_ref[i]) / scale);
    }
  g_test_message ("Gram: worst relative error %.1e, reference %.1e", worst, worst_ref);
  g_assert_cmpfloat (worst, <, 1e-3);
  g_assert_cmpfloat (worst_ref, <, 1e-3);
}

static void
test_total_variation (void)
{
  /* one 2 × 2 plane [[0, 1], [2, 3]]: vertical (4 + 4) / 2, horizontal (1 + 1) / 2 */
  const float square[4] = { 0, 1, 2, 3 };
  const guint channels = 3, height = 5, width = 6;
  const gsize n = (gsize) channels * height * width;
  g_autofree float *image = normal_floats (n, 31);
  g_autofree float *dimage = g_new0 (float, n);
  const float h = 1e-2f;
  double worst = 0.0;

  g_assert_cmpfloat (l2l_tv_forward (square, 1, 2, 2), ==, 5.0);
  l2l_tv_backward (dimage, 3.0, image, channels, height, width);
  for (gsize i = 0; i < n; i++)
    {
      float saved = image[i];
      double up, down, numeric;

      image[i] = saved + h;
      up = 3.0 * l2l_tv_forward (image, channels, height, width);
      image[i] = saved - h;
      down = 3.0 * l2l_tv_forward (image, channels, height, width);
      image[i] = saved;
      numeric = (up - down) / (2.0 * h);
      worst = MAX (worst, fabs (numeric - dimage[i]) / MAX (1e-2, fabs (numeric)));
    }
  g_test_message ("total variation: worst relative error %.1e", worst);
  g_assert_cmpfloat (worst, <, 1e-3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  g_test_add_func ("/engine/conv/conv2d-matches-reference", test_conv2d_matches_reference);
  g_test_add_func ("/engine/conv/conv2d-direct-matches-reference",
                   test_conv2d_direct_matches_reference);
  g_test_add_func ("/engine/conv/conv2d-direct-corners", test_conv2d_direct_corners);
  g_test_add_func ("/engine/conv/conv2d-threads-same-bits", test_conv2d_threads_same_bits);
  g_test_add_func ("/engine/conv/conv2d-gradient", test_conv2d_gradient);
  g_test_add_func ("/engine/conv/maxpool", test_maxpool);
  g_test_add_func ("/engine/conv/maxpool-2x2", test_maxpool_2x2);
  g_test_add_func ("/engine/conv/gram-matches-reference", test_gram_matches_reference);
  g_test_add_func ("/engine/conv/gram-gradient", test_gram_gradient);
  g_test_add_func ("/engine/conv/total-variation", test_total_variation);
  return g_test_run ();
}
