/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "l2l-scaled-problem.h"
#include "test-util.h"

/* Central differences in double around float parameters: the loss is
 * evaluated in float, so the step must be large enough to beat rounding. */
static void
check_gradient (L2lProblem *problem,
                gsize       n)
{
  g_autofree float *theta = g_new (float, n);
  g_autofree float *grad = g_new (float, n);
  g_autofree float *scratch = g_new (float, n);
  double worst = 0.0;

  l2l_problem_init (problem, theta);
  for (gsize i = 0; i < n; i++)   /* move away from θ0 ≈ 0 so every term matters */
    theta[i] += 0.3f * (float) ((int) (i % 7) - 3);
  l2l_problem_loss_grad (problem, theta, grad);

  for (gsize i = 0; i < n; i++)
    {
      const float h = 1e-2f;
      float saved = theta[i];
      double plus, minus, numeric;

      theta[i] = saved + h;
      plus = l2l_problem_loss_grad (problem, theta, scratch);
      theta[i] = saved - h;
      minus = l2l_problem_loss_grad (problem, theta, scratch);
      theta[i] = saved;
      /* The loss is quadratic: central differences are exact up to rounding. */
      numeric = (plus - minus) / (2.0 * h);
      worst = MAX (worst, fabs (numeric - grad[i]) / MAX (1.0, fabs (numeric)));
    }
  g_test_message ("worst relative gradient error %.3g", worst);
  g_assert_cmpfloat (worst, <, 1e-3);
}

static void
test_gradient (void)
{
  const char *specs[] = {
    "quadratic",
    "quadratic:dist=uniform",
    "quadratic:dims=3,theta0-std=1",
    "quadratic:dims=37",
  };

  for (guint s = 0; s < G_N_ELEMENTS (specs); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(L2lTask) task = l2l_task_new_from_spec (specs[s], &error);
      g_assert_no_error (error);
      for (guint64 seed = 0; seed < 3; seed++)
        {
          g_autoptr(L2lProblem) problem = l2l_task_sample (task, seed);
          check_gradient (problem, l2l_task_get_n_params (task));
        }
    }
}

static void
test_loss_value (void)
{
  /* f(θ) = ‖Wθ − y‖² with W = [[1, 2], [3, 4], [5, 6]], y = [1, 1, 1], θ = θ0 = [1, -1]:
   * Wθ − y = [-2, -2, -2] → f = 12; ∇f = 2Wᵀr = 2·[-18, -24] = [-36, -48]. */
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *path = test_util_write_file (dir, "p.json",
    "{\"W\": [[1, 2], [3, 4], [5, 6]], \"y\": [1, 1, 1], \"theta0\": [1, -1]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTask) task = l2l_task_quadratic_new_from_file (path, &error);
  g_autoptr(L2lProblem) problem = NULL;
  float theta[2], grad[2];

  g_assert_no_error (error);
  g_assert_cmpuint (l2l_task_get_n_params (task), ==, 2);
  problem = l2l_task_sample (task, 123);
  l2l_problem_init (problem, theta);
  g_assert_cmpfloat (l2l_problem_loss_grad (problem, theta, grad), ==, 12.0);
  g_assert_cmpfloat (grad[0], ==, -36.0f);
  g_assert_cmpfloat (grad[1], ==, -48.0f);
  test_util_remove_tree (dir);
}

/* A problem file's task names itself "file:PATH", and that spec makes it again. */
static void
test_file_spec (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *path = test_util_write_file (dir, "p.json",
    "{\"W\": [[1, 2], [3, 4], [5, 6]], \"y\": [1, 1, 1], \"theta0\": [1, -1]}");
  g_autofree char *spec = g_strconcat ("file:", path, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTask) task = l2l_task_quadratic_new_from_file (path, &error);
  g_autoptr(L2lTask) again = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (l2l_task_get_spec (task), ==, spec);
  g_assert_null (l2l_task_get_family (task));
  g_assert_true (l2l_task_spec_check (spec, &error));
  again = l2l_task_new_from_spec (spec, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (l2l_task_get_spec (again), ==, spec);
  g_assert_cmpuint (l2l_task_get_n_params (again), ==, 2);
  test_util_remove_tree (dir);
}

static void
test_sampling_is_seeded (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic", NULL);
  g_autoptr(L2lProblem) a = l2l_task_sample (task, 7);
  g_autoptr(L2lProblem) b = l2l_task_sample (task, 7);
  g_autoptr(L2lProblem) c = l2l_task_sample (task, 8);
  float theta_a[10], theta_b[10], theta_c[10], grad[10];
  double loss_a, loss_b, loss_c;

  l2l_problem_init (a, theta_a);
  l2l_problem_init (b, theta_b);
  l2l_problem_init (c, theta_c);
  loss_a = l2l_problem_loss_grad (a, theta_a, grad);
  loss_b = l2l_problem_loss_grad (b, theta_b, grad);
  loss_c = l2l_problem_loss_grad (c, theta_c, grad);
  g_assert_cmpmem (theta_a, sizeof theta_a, theta_b, sizeof theta_b);
  g_assert_cmpfloat (loss_a, ==, loss_b);
  g_assert_cmpfloat (loss_a, !=, loss_c);
}

static void
test_distributions (void)
{
  /* U[0,1) draws are all in [0,1); gaussian ones are not. The loss at θ = 0 is
   * ‖y‖², so its average over problems is dims·E[y²]: 10/3 or 10. */
  const struct { const char *spec; double expected; } cases[] = {
    { "quadratic:dist=uniform,theta0-std=0", 10.0 / 3.0 },
    { "quadratic:dist=gaussian,theta0-std=0", 10.0 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(L2lTask) task = l2l_task_new_from_spec (cases[c].spec, NULL);
      double mean = 0.0;
      const guint n = 4000;

      for (guint64 seed = 0; seed < n; seed++)
        {
          g_autoptr(L2lProblem) problem = l2l_task_sample (task, seed);
          float theta[10], grad[10];
          l2l_problem_init (problem, theta);
          for (guint i = 0; i < 10; i++)
            g_assert_cmpfloat (theta[i], ==, 0.0f);
          mean += l2l_problem_loss_grad (problem, theta, grad) / n;
        }
      g_test_message ("%s: mean ‖y‖² %.3f, expected %.3f", cases[c].spec, mean,
                      cases[c].expected);
      g_assert_cmpfloat (fabs (mean - cases[c].expected) / cases[c].expected, <, 0.05);
    }
}

static void
test_spec_errors (void)
{
  const struct { const char *spec; const char *needle; } cases[] = {
    { "cubic", "unknown task 'cubic'" },
    { "quadratic:dimz=3", "unknown option 'dimz'" },
    { "quadratic:dims=ten", "dims: 'ten' is not a whole number" },
    { "quadratic:dims=0", "dims: 0 is outside the range" },
    { "quadratic:dist=cauchy", "dist: 'cauchy' is not one of gaussian, uniform" },
    { "quadratic:theta0-std=abc", "theta0-std: 'abc' is not a number" },
    { "quadratic:dims", "'dims' is not of the form key=value" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(L2lTask) task = l2l_task_new_from_spec (cases[c].spec, &error);

      g_assert_null (task);
      g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION);
      g_test_message ("%s → %s", cases[c].spec, error->message);
      g_assert_nonnull (strstr (error->message, cases[c].needle));
    }
}

static void
test_canonical_spec (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic:dist=uniform", NULL);

  g_assert_cmpstr (l2l_task_get_spec (task), ==,
                   "quadratic:dims=10,dist=uniform,theta0-std=0.01");
}

static void
test_file_errors (void)
{
  const struct { const char *contents; const char *needle; } cases[] = {
    { "{\"W\": [[1, 2]], \"y\": [1]", "not valid JSON" },
    { "[1, 2, 3]", "expected a JSON object" },
    { "{\"W\": [[1, 2]], \"y\": [1]}", "missing member \"theta0\"" },
    { "{\"W\": [], \"y\": [], \"theta0\": []}", "W must be a non-empty array" },
    { "{\"W\": [[1, 2], [3]], \"y\": [1, 2], \"theta0\": [0, 0]}",
      "W[1] is not a row of 2 numbers" },
    { "{\"W\": [[1, 2]], \"y\": [1, 2], \"theta0\": [0, 0]}", "y has 2 entries, expected 1" },
    { "{\"W\": [[1, 2]], \"y\": [1], \"theta0\": [0]}", "theta0 has 1 entries, expected 2" },
    { "{\"W\": [[1, \"x\"]], \"y\": [1], \"theta0\": [0, 0]}", "W[0][1] is not a number" },
    { "{\"W\": [[1, 1e300]], \"y\": [1], \"theta0\": [0, 0]}", "does not fit a float" },
    { "{\"W\": [[1, 2]], \"y\": 1, \"theta0\": [0, 0]}", "y is not an array of numbers" },
  };
  g_autofree char *dir = test_util_make_tmpdir ();

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *path = test_util_write_file (dir, "bad.json", cases[c].contents);
      g_autoptr(GError) error = NULL;
      g_autoptr(L2lTask) task = l2l_task_quadratic_new_from_file (path, &error);

      g_assert_null (task);
      g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, path));
      g_assert_nonnull (strstr (error->message, cases[c].needle));
    }
  test_util_remove_tree (dir);
}

static void
test_file_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTask) task = l2l_task_quadratic_new_from_file ("/nonexistent/p.json", &error);

  g_assert_null (task);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_true (g_str_has_prefix (error->message, "/nonexistent/p.json: cannot read"));
}

/* H v against central differences of the gradient along v, which a
 * quadratic makes exact but for rounding. */
static double
hvp_error (L2lProblem *problem)
{
  const gsize n = problem->n_params;
  g_autofree float *theta = g_new (float, n), *v = g_new (float, n), *hv = g_new (float, n);
  g_autofree float *plus = g_new (float, n), *minus = g_new (float, n);
  g_autofree float *shifted = g_new (float, n);
  double diff = 0.0, norm = 0.0;
  L2lRng rng;

  l2l_rng_init (&rng, 4);
  for (gsize i = 0; i < n; i++)
    theta[i] = (float) l2l_rng_normal (&rng), v[i] = (float) l2l_rng_normal (&rng);
  g_assert_true (l2l_problem_has_hvp (problem));
  l2l_problem_loss_grad (problem, theta, plus);
  l2l_problem_hvp (problem, theta, v, hv);
  for (gsize i = 0; i < n; i++)
    shifted[i] = theta[i] + 0.5f * v[i];
  l2l_problem_loss_grad (problem, shifted, plus);
  for (gsize i = 0; i < n; i++)
    shifted[i] = theta[i] - 0.5f * v[i];
  l2l_problem_loss_grad (problem, shifted, minus);
  for (gsize i = 0; i < n; i++)
    {
      double fd = (double) plus[i] - minus[i];   /* over 2 · 0.5 */
      diff += (hv[i] - fd) * (hv[i] - fd);
      norm += fd * fd;
    }
  return sqrt (diff / norm);
}

/* 2WᵀWv, for the quadratic and for it seen through random units
 * (diag(c) H diag(c) v), which meta-training's scaling recipe uses. */
static void
test_hvp (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("quadratic:dims=7", NULL);
  g_autoptr(L2lProblem) plain = l2l_task_sample (task, 5);
  g_autoptr(L2lProblem) scaled = l2l_scaled_problem_new (l2l_task_sample (task, 5), 9, 10.0);
  double plain_error = hvp_error (plain), scaled_error = hvp_error (scaled);

  g_test_message ("relative error: plain %.2g, scaled %.2g", plain_error, scaled_error);
  g_assert_cmpfloat (plain_error, <, 1e-5);
  g_assert_cmpfloat (scaled_error, <, 1e-5);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  g_test_add_func ("/engine/quadratic/gradient", test_gradient);
  g_test_add_func ("/engine/quadratic/hvp", test_hvp);
  g_test_add_func ("/engine/quadratic/loss-value", test_loss_value);
  g_test_add_func ("/engine/quadratic/file-spec", test_file_spec);
  g_test_add_func ("/engine/quadratic/sampling-is-seeded", test_sampling_is_seeded);
  g_test_add_func ("/engine/quadratic/distributions", test_distributions);
  g_test_add_func ("/engine/quadratic/spec-errors", test_spec_errors);
  g_test_add_func ("/engine/quadratic/canonical-spec", test_canonical_spec);
  g_test_add_func ("/engine/quadratic/file-errors", test_file_errors);
  g_test_add_func ("/engine/quadratic/file-missing", test_file_missing);
  return g_test_run ();
}
