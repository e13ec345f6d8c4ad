/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-conv2d-direct.h"
#include "l2l-engine.h"
#include "test-util.h"

/* The cnn family: the whole loss's gradient against central differences in
 * each parameter group, the groups covering θ exactly once, label subsets
 * renumbered, CIFAR-10-shaped input from small files, bad options refused,
 * and Adam lowering the loss of a function. */

#define SMALL "cnn:dataset=mnist,channels=3,fc=6,batch=12"
/* 16 channels: the direct convolution kernels' path (l2l-conv2d-direct.h),
 * where the CPU has them */
#define WIDE "cnn:dataset=mnist,channels=16,fc=6,batch=12"

static L2lTask *
make_task (const char *spec)
{
  g_autoptr(GError) error = NULL;
  L2lTask *task = l2l_task_new_from_spec (spec, &error);

  g_assert_no_error (error);
  return task;
}

/* The loss of the first minibatch of a function drawn from @seed at @theta:
 * a fresh problem each time, so that every evaluation sees the same images. */
static double
first_loss (L2lTask     *task,
            guint64      seed,
            const float *theta,
            float       *grad)
{
  g_autoptr(L2lProblem) problem = l2l_task_sample (task, seed);

  return l2l_problem_loss_grad (problem, theta, grad);
}

static void
test_groups (void)
{
  g_autoptr(L2lTask) task = make_task ("cnn");
  guint n_groups;
  const L2lTaskGroup *groups = l2l_task_get_groups (task, &n_groups);
  g_autofree char *names = l2l_task_groups_to_string (task);
  /* 28 × 28 → 14 → 7 → 3; conv: 16·1·25 + 2·16·25·16 + 3·32; fc: 32·144 + 64 + 330 */
  const gsize conv = 400 + 2 * 6400 + 96, fc = 4608 + 64 + 330;

  g_assert_cmpuint (n_groups, ==, 2);
  g_assert_cmpstr (names, ==, "conv,fc");
  g_assert_cmpuint (groups[0].start, ==, 0);
  g_assert_cmpuint (groups[0].count, ==, conv);
  g_assert_cmpuint (groups[1].start, ==, conv);
  g_assert_cmpuint (groups[1].count, ==, fc);
  g_assert_cmpuint (l2l_task_get_n_params (task), ==, conv + fc);

  /* other families: one group, "all", over everything */
  {
    g_autoptr(L2lTask) quadratic = make_task ("quadratic");
    groups = l2l_task_get_groups (quadratic, &n_groups);
    g_assert_cmpuint (n_groups, ==, 1);
    g_assert_cmpstr (groups[0].name, ==, "all");
    g_assert_cmpuint (groups[0].count, ==, l2l_task_get_n_params (quadratic));
  }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  const double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Each group's share of the gradient against central differences at a
 * dozen coordinates spread over it (weights, γ and β alike). ReLU and
 * max-pooling have kinks that a step of h can cross, and the loss is float:
 * every coordinate must agree to 5 % (plus 2e-3 absolute), and the median one
 * to 1 %; a wrong layer misses by far more. */
static void
test_gradient (gconstpointer spec)
{
  g_autoptr(L2lTask) task = make_task (spec);
  const gsize n = l2l_task_get_n_params (task);
  g_autofree float *theta = g_new (float, n);
  g_autofree float *grad = g_new (float, n);
  g_autofree float *scratch = g_new (float, n);
  g_autoptr(L2lProblem) problem = l2l_task_sample (task, 5);
  g_autoptr(GArray) errors = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_groups;
  const L2lTaskGroup *groups = l2l_task_get_groups (task, &n_groups);

  l2l_problem_init (problem, theta);
  first_loss (task, 5, theta, grad);
  for (guint g = 0; g < n_groups; g++)
    for (guint k = 0; k < 12; k++)
      {
        const gsize i = groups[g].start + (groups[g].count - 1) * k / 11;
        const float saved = theta[i], h = 1e-4f;
        double plus, minus, numeric, error;

        theta[i] = saved + h;
        plus = first_loss (task, 5, theta, scratch);
        theta[i] = saved - h;
        minus = first_loss (task, 5, theta, scratch);
        theta[i] = saved;
        numeric = (plus - minus) / (2.0 * h);
        g_assert_cmpfloat (fabs (numeric - grad[i]),
                           <=, 0.05 * MAX (fabs (numeric), fabs (grad[i])) + 2e-3);
        error = fabs (numeric - grad[i]) / MAX (fabs (numeric), fabs (grad[i]));
        g_array_append_val (errors, error);
      }
  g_array_sort (errors, compare_doubles);
  g_test_message ("median relative error %.2e, worst %.2e over %u coordinates",
                  g_array_index (errors, double, errors->len / 2),
                  g_array_index (errors, double, errors->len - 1), errors->len);
  g_assert_cmpfloat (g_array_index (errors, double, errors->len / 2), <, 1e-2);
}

/* max |a − b| / max |b|: how far apart two computations of one vector are. */
static double
worst_gap (const float *a,
           const float *b,
           gsize        n)
{
  double gap = 0.0, largest = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      gap = MAX (gap, fabs ((double) a[i] - b[i]));
      largest = MAX (largest, fabs ((double) b[i]));
    }
  return gap / largest;
}

/* At 16 channels a step of h·v crosses too many kinks for test_hvp's
 * differences; there the direct kernels' loss, gradient and H v are held to
 * those of the columns-and-sgemm path (checked at 3 channels above). */
static void
test_direct_matches_columns (void)
{
  g_autoptr(L2lTask) task = make_task (WIDE);
  const L2lConvIsa best = l2l_conv2d_direct_isa ();
  const gsize n = l2l_task_get_n_params (task);
  g_autofree float *theta = g_new (float, n), *v = g_new (float, n);
  float *grads[2], *hvs[2];
  double losses[2];
  L2lRng rng;

  if (best == L2L_CONV_ISA_NONE)
    {
      g_test_skip ("this CPU has no direct convolution kernels");
      return;
    }
  l2l_rng_init (&rng, 12);
  for (gsize i = 0; i < n; i++)
    v[i] = (float) l2l_rng_normal (&rng);
  for (guint t = 0; t < 2; t++)
    {
      g_autoptr(L2lProblem) problem = l2l_task_sample (task, 4);

      g_assert_true (l2l_conv2d_direct_set_isa (t == 0 ? best : L2L_CONV_ISA_NONE));
      l2l_problem_init (problem, theta);
      grads[t] = g_new (float, n);
      hvs[t] = g_new (float, n);
      losses[t] = l2l_problem_loss_grad (problem, theta, grads[t]);
      l2l_problem_hvp (problem, theta, v, hvs[t]);
    }
  g_assert_true (l2l_conv2d_direct_set_isa (best));
  g_test_message ("loss %.9g and %.9g; gradient, H v: worst difference %.2e, %.2e of the "
                  "largest", losses[0], losses[1], worst_gap (grads[0], grads[1], n),
                  worst_gap (hvs[0], hvs[1], n));
  g_assert_cmpfloat (fabs (losses[0] - losses[1]), <, 1e-5 * losses[1]);
  g_assert_cmpfloat (worst_gap (grads[0], grads[1], n), <, 1e-4);
  g_assert_cmpfloat (worst_gap (hvs[0], hvs[1], n), <, 1e-4);
  for (guint t = 0; t < 2; t++)
    {
      g_free (grads[t]);
      g_free (hvs[t]);
    }
}

/* The loss, gradient and H v with a team of two threads give the same bits
 * as the calling thread alone, on the family's own channels (16, which the
 * direct convolution kernels take) and a batch of 24 (chunks of 8 and 16
 * images that the team splits). */
static void
test_threads_same_bits (void)
{
  g_autoptr(L2lTask) task = make_task ("cnn:dataset=fashion-mnist,batch=24");
  g_autoptr(L2lParallel) team = l2l_parallel_new (2);
  const gsize n = l2l_task_get_n_params (task);
  g_autofree float *theta = g_new (float, n), *v = g_new (float, n);
  float *grads[2], *hvs[2];
  double losses[2];
  L2lRng rng;

  l2l_rng_init (&rng, 11);
  for (gsize i = 0; i < n; i++)
    v[i] = (float) l2l_rng_normal (&rng);
  for (guint t = 0; t < 2; t++)
    {
      g_autoptr(L2lProblem) problem = l2l_task_sample (task, 3);

      l2l_problem_set_parallel (problem, t == 0 ? NULL : team);
      l2l_problem_init (problem, theta);
      grads[t] = g_new (float, n);
      hvs[t] = g_new (float, n);
      losses[t] = l2l_problem_loss_grad (problem, theta, grads[t]);
      l2l_problem_hvp (problem, theta, v, hvs[t]);
    }
  g_assert_cmpfloat (losses[0], ==, losses[1]);
  g_assert_cmpmem (grads[0], n * sizeof (float), grads[1], n * sizeof (float));
  g_assert_cmpmem (hvs[0], n * sizeof (float), hvs[1], n * sizeof (float));
  for (guint t = 0; t < 2; t++)
    {
      g_free (grads[t]);
      g_free (hvs[t]);
    }
}

/* classes=0,1 keeps two labels: two logits, and the loss at the start is
 * near log 2 rather than log 10; 0-4 gives five. */
/* |H v − central differences of the gradient along v| / |H v|, each
 * gradient from a fresh problem (the same minibatch). */
static double
hvp_error (L2lTask     *task,
           const float *theta,
           const float *v,
           const float *hv,
           double       h)
{
  const gsize n = l2l_task_get_n_params (task);
  g_autofree float *shifted = g_new (float, n);
  g_autofree float *plus = g_new (float, n), *minus = g_new (float, n);
  double diff = 0.0, norm = 0.0;

  for (gsize i = 0; i < n; i++)
    shifted[i] = theta[i] + (float) h * v[i];
  first_loss (task, 5, shifted, plus);
  for (gsize i = 0; i < n; i++)
    shifted[i] = theta[i] - (float) h * v[i];
  first_loss (task, 5, shifted, minus);
  for (gsize i = 0; i < n; i++)
    {
      const double fd = ((double) plus[i] - minus[i]) / (2 * h);

      diff += (hv[i] - fd) * (hv[i] - fd);
      norm += (double) hv[i] * hv[i];
    }
  return sqrt (diff / norm);
}

/* H v by the R-operator against central differences of the gradient, along
 * five directions. ReLU and max-pooling have kinks: a step of h·v moves
 * thousands of pre-activations, and one that crosses a kink adds a jump to the
 * differences (10 to 40 times |Hv| at h = 4e-6 on 6 of 10 directions; 4.5
 * times at h = 1e-3 on every one). A smaller step crosses fewer, down to the
 * gradient's rounding, so each direction takes the best of h = 4e-6, 2e-6 and
 * 1e-6; a wrong term misses at every step. Then symmetry, uᵀHv = vᵀHu, which
 * no difference step limits. */
static void
test_hvp (void)
{
  g_autoptr(L2lTask) task = make_task (SMALL);
  const gsize n = l2l_task_get_n_params (task);
  g_autofree float *theta = g_new (float, n), *grad = g_new (float, n);
  g_autofree float *u = g_new (float, n), *v = g_new (float, n);
  g_autofree float *hu = g_new (float, n), *hv = g_new (float, n);
  g_autoptr(L2lProblem) problem = l2l_task_sample (task, 5);
  double uhv = 0.0, vhu = 0.0, norm = 0.0;
  L2lRng rng;

  l2l_problem_init (problem, theta);
  l2l_rng_init (&rng, 3);
  g_assert_true (l2l_problem_has_hvp (problem));
  l2l_problem_loss_grad (problem, theta, grad);
  for (guint d = 0; d < 5; d++)
    {
      double best = G_MAXDOUBLE;

      memcpy (u, v, n * sizeof (float));
      memcpy (hu, hv, n * sizeof (float));
      for (gsize i = 0; i < n; i++)
        v[i] = (float) l2l_rng_normal (&rng);
      l2l_problem_hvp (problem, theta, v, hv);
      for (double h = 4e-6; h > 0.9e-6; h /= 2)
        best = MIN (best, hvp_error (task, theta, v, hv, h));
      g_test_message ("direction %u: |Hv − differences| / |Hv| = %.3g", d, best);
      g_assert_cmpfloat (best, <, 2e-2);
    }
  for (gsize i = 0; i < n; i++)
    {
      uhv += (double) u[i] * hv[i];
      vhu += (double) v[i] * hu[i];
      norm += (double) hv[i] * hv[i];
    }
  g_test_message ("uᵀHv %.6g, vᵀHu %.6g, |Hv| %.3g", uhv, vhu, sqrt (norm));
  g_assert_cmpfloat (sqrt (norm), >, 1.0);
  g_assert_cmpfloat (fabs (uhv - vhu), <, 1e-4 * fabs (uhv) + 1e-3);
}

static void
test_classes (void)
{
  g_autoptr(L2lTask) ten = make_task (SMALL);
  g_autoptr(L2lTask) two = make_task (SMALL ",classes=0,1");
  g_autoptr(L2lTask) five = make_task (SMALL ",classes=0-4");
  const gsize n10 = l2l_task_get_n_params (ten);
  g_autofree float *theta = g_new (float, n10), *grad = g_new (float, n10);
  double sum = 0.0;

  /* a list option reads back from the canonical spec, in the middle of others */
  {
    g_autoptr(L2lTask) again = make_task (l2l_task_get_spec (two));
    g_autoptr(L2lTask) middle = make_task ("cnn:classes=0,1,dataset=mnist,channels=3,fc=6,"
                                           "batch=12");
    g_assert_nonnull (strstr (l2l_task_get_spec (two), "classes=0,1,"));
    g_assert_cmpstr (l2l_task_get_spec (again), ==, l2l_task_get_spec (two));
    g_assert_cmpstr (l2l_task_get_spec (middle), ==, l2l_task_get_spec (two));
  }
  /* out.weight [K × 6] and out.bias [K] */
  g_assert_cmpuint (n10 - l2l_task_get_n_params (two), ==, 8 * 7);
  g_assert_cmpuint (n10 - l2l_task_get_n_params (five), ==, 5 * 7);
  for (guint64 seed = 0; seed < 8; seed++)
    {
      g_autoptr(L2lProblem) problem = l2l_task_sample (two, seed);
      l2l_problem_init (problem, theta);
      sum += l2l_problem_loss_grad (problem, theta, grad);
    }
  g_assert_cmpfloat (fabs (sum / 8 - log (2.0)), <, 0.35);
}

static void
test_bad_options (void)
{
  const char *bad[] = { "cnn:classes=7", "cnn:classes=3-1", "cnn:classes=0-10",
                        "cnn:classes=a", "cnn:classes=0,,1", "cnn:batch=1",
                        "cnn:dataset=svhn", "cnn:channels=0" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (l2l_task_spec_check (bad[i], &error));
      g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION);
      g_test_message ("%s: %s", bad[i], error->message);
    }
  /* CIFAR-10 without its folder says how to get it */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(L2lTask) task = l2l_task_new_from_spec ("cnn:dataset=cifar10", &error);
    g_assert_null (task);
    g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_DATA_NOT_INSTALLED);
  }
}

/* 32 × 32 × 3 images from batch files written here: 32 → 16 → 8 → 4, three
 * input planes; the loss and the gradient are finite. */
static void
test_cifar (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *spec = NULL;
  g_autoptr(L2lTask) task = NULL;
  g_autoptr(L2lProblem) problem = NULL;
  g_autofree float *theta = NULL, *grad = NULL;
  gsize n;
  double loss;

  for (guint i = 0; i < 6; i++)
    test_util_write_cifar_batch (dir, i, 10, -1);
  spec = g_strdup_printf ("cnn:dataset=cifar10,data=%s,batch=8,channels=2,fc=4", dir);
  task = make_task (spec);
  n = l2l_task_get_n_params (task);
  /* conv 2·3·25 + 2·(2·2·25) + 3·4; fc 4·(2·4·4) + 8 + 10·4 + 10 */
  g_assert_cmpuint (n, ==, 150 + 200 + 12 + 128 + 8 + 50);
  theta = g_new (float, n);
  grad = g_new (float, n);
  problem = l2l_task_sample (task, 1);
  l2l_problem_init (problem, theta);
  loss = l2l_problem_loss_grad (problem, theta, grad);
  g_assert_true (isfinite (loss));
  for (gsize i = 0; i < n; i++)
    g_assert_true (isfinite (grad[i]));
  test_util_remove_tree (dir);
}

/* The mean loss at @theta over 8 minibatches that @probe draws. */
static double
probe_loss (L2lProblem  *probe,
            const float *theta,
            float       *scratch_grad)
{
  double sum = 0.0;

  for (guint i = 0; i < 8; i++)
    sum += l2l_problem_loss_grad (probe, theta, scratch_grad);
  return sum / 8;
}

/* A function's loss falls under 30 steps of Adam, measured on minibatches
 * that the steps did not see, and the same seed gives the same losses. */
static void
test_learns (void)
{
  g_autoptr(L2lTask) task = make_task ("cnn:dataset=mnist,channels=4,fc=16,batch=32");
  const gsize n = l2l_task_get_n_params (task);
  g_autofree float *theta = g_new (float, n), *grad = g_new (float, n);
  g_autofree float *scratch = g_new (float, n);
  g_autoptr(L2lProblem) problem = l2l_task_sample (task, 3);
  g_autoptr(L2lProblem) again = l2l_task_sample (task, 3);
  g_autoptr(L2lProblem) probe = l2l_task_sample (task, 4);
  g_autoptr(L2lOptimizer) adam = NULL;
  double before, after, first, first_again;

  adam = l2l_optimizer_info_lookup ("adam")->create (n, 0.01, NULL);
  l2l_problem_init (problem, theta);
  before = probe_loss (probe, theta, scratch);
  first = l2l_problem_loss_grad (problem, theta, grad);
  first_again = l2l_problem_loss_grad (again, theta, scratch);
  g_assert_cmpfloat (first, ==, first_again);
  for (guint step = 0; step < 30; step++)
    {
      l2l_optimizer_step (adam, theta, grad);
      l2l_problem_loss_grad (problem, theta, grad);
    }
  after = probe_loss (probe, theta, scratch);
  g_test_message ("loss %.3f → %.3f", before, after);
  g_assert_cmpfloat (after, <, 0.6 * before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/cnn/groups", test_groups);
  g_test_add_data_func ("/engine/cnn/gradient", SMALL, test_gradient);
  g_test_add_data_func ("/engine/cnn/gradient-wide", WIDE, test_gradient);
  g_test_add_func ("/engine/cnn/direct-matches-columns", test_direct_matches_columns);
  g_test_add_func ("/engine/cnn/hvp", test_hvp);
  g_test_add_func ("/engine/cnn/threads-same-bits", test_threads_same_bits);
  g_test_add_func ("/engine/cnn/classes", test_classes);
  g_test_add_func ("/engine/cnn/bad-options", test_bad_options);
  g_test_add_func ("/engine/cnn/cifar", test_cifar);
  g_test_add_func ("/engine/cnn/learns", test_learns);
  return g_test_run ();
}
