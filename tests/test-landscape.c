/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "l2l-engine.h"

/* The landscape family (issue 26): each function against its closed form at
 * known points, gradients and Hessians against central differences, the
 * problems the task draws, the seeded random family and the gradient noise. */

static const char *const functions[] = {
  "rosenbrock", "beale", "himmelblau", "rastrigin", "quadratic",
};

static double
value_at (const char *fn,
          double      x,
          double      y)
{
  double value, grad[2], hessian[4];

  g_assert_true (l2l_landscape_evaluate (fn, x, y, &value, grad, hessian));
  return value;
}

/* Values and minima from the functions' definitions, computed here. */
static void
test_closed_forms (void)
{
  double value, grad[2], hessian[4];
  const struct { const char *fn; double x, y; } minima[] = {
    { "rosenbrock", 1, 1 }, { "beale", 3, 0.5 }, { "himmelblau", 3, 2 },
    { "himmelblau", -2.805118, 3.131312 }, { "rastrigin", 0, 0 }, { "quadratic", 0, 0 },
  };
  const double c = cos (G_PI / 6), s = sin (G_PI / 6);
  double u = c * 1.0 + s * 2.0, v = -s * 1.0 + c * 2.0;

  g_assert_cmpfloat_with_epsilon (value_at ("rosenbrock", -1.5, 2),
                                  2.5 * 2.5 + 100 * 0.25 * 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (value_at ("beale", 1, 1.5),
                                  pow (1.5 - 1 + 1.5, 2) + pow (2.25 - 1 + 2.25, 2) +
                                  pow (2.625 - 1 + 3.375, 2), 1e-12);
  g_assert_cmpfloat_with_epsilon (value_at ("himmelblau", 0, 0), 121 + 49, 1e-12);
  g_assert_cmpfloat_with_epsilon (value_at ("rastrigin", 0.5, 0.5), 20 + 0.5 + 20, 1e-12);
  g_assert_cmpfloat_with_epsilon (value_at ("quadratic", 1, 2), 0.5 * (10 * u * u + v * v), 1e-12);
  for (guint i = 0; i < G_N_ELEMENTS (minima); i++)
    {
      g_assert_true (l2l_landscape_evaluate (minima[i].fn, minima[i].x, minima[i].y, &value, grad,
                                             hessian));
      g_assert_cmpfloat (fabs (value), <, 1e-9);
      g_assert_cmpfloat (fabs (grad[0]) + fabs (grad[1]), <, 1e-4);
    }
  g_assert_false (l2l_landscape_evaluate ("random", 0, 0, &value, grad, hessian));
}

/* Every gradient and Hessian against central differences of the value and
 * the gradient, at points spread over each function's picture. */
static void
test_derivatives (void)
{
  const double points[][2] = { { -1.5, 2 }, { 0.3, -0.7 }, { 1.2, 1.1 }, { -2.2, 2.7 }, { 2.5, -0.4 } };
  const double h = 1e-5;

  for (guint f = 0; f < G_N_ELEMENTS (functions); f++)
    for (guint p = 0; p < G_N_ELEMENTS (points); p++)
      {
        double value, grad[2], hessian[4];
        double x = points[p][0], y = points[p][1];

        g_assert_true (l2l_landscape_evaluate (functions[f], x, y, &value, grad, hessian));
        for (int i = 0; i < 2; i++)
          {
            double plus[2], minus[2], gp[2], gm[2], hp[4], hm[4];
            double step[2] = { i == 0 ? h : 0, i == 1 ? h : 0 };
            double numeric;

            l2l_landscape_evaluate (functions[f], x + step[0], y + step[1], &plus[0], gp, hp);
            l2l_landscape_evaluate (functions[f], x - step[0], y - step[1], &minus[0], gm, hm);
            numeric = (plus[0] - minus[0]) / (2 * h);
            g_assert_cmpfloat (fabs (numeric - grad[i]), <=, 1e-5 * MAX (1.0, fabs (numeric)));
            for (int j = 0; j < 2; j++)
              {
                /* H[j][i] = ∂g_j/∂x_i */
                numeric = (gp[j] - gm[j]) / (2 * h);
                g_assert_cmpfloat (fabs (numeric - hessian[2 * j + i]), <=,
                                   1e-5 * MAX (1.0, fabs (numeric)));
              }
          }
      }
}

static L2lTask *
make_task (const char *spec)
{
  g_autoptr(GError) error = NULL;
  L2lTask *task = l2l_task_new_from_spec (spec, &error);

  g_assert_no_error (error);
  return task;
}

/* A problem starts where the function's picture starts, or at start=X,Y, and
 * its loss, gradient and Hessian-vector product are the function's. */
static void
test_problems (void)
{
  g_autoptr(L2lTask) task = make_task ("landscape:fn=rosenbrock");
  g_autoptr(L2lTask) moved = make_task ("landscape:fn=beale,start=0.5,-1");
  L2lProblem *problem = l2l_task_sample (task, 7);
  float theta[2], grad[2], v[2] = { 0.3f, -1.1f }, out[2];
  double value, exact[2], hessian[4], loss;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (l2l_task_get_n_params (task), ==, 2);
  l2l_problem_init (problem, theta);
  g_assert_cmpfloat (theta[0], ==, -1.5f);
  g_assert_cmpfloat (theta[1], ==, 2.0f);
  loss = l2l_problem_loss_grad (problem, theta, grad);
  l2l_landscape_evaluate ("rosenbrock", theta[0], theta[1], &value, exact, hessian);
  g_assert_cmpfloat (loss, ==, value);
  g_assert_cmpfloat (grad[0], ==, (float) exact[0]);
  g_assert_cmpfloat (grad[1], ==, (float) exact[1]);
  l2l_problem_hvp (problem, theta, v, out);
  g_assert_cmpfloat_with_epsilon (out[0], hessian[0] * v[0] + hessian[1] * v[1], 1e-3);
  g_assert_cmpfloat_with_epsilon (out[1], hessian[2] * v[0] + hessian[3] * v[1], 1e-3);
  l2l_problem_free (problem);

  problem = l2l_task_sample (moved, 1);
  l2l_problem_init (problem, theta);
  g_assert_cmpfloat (theta[0], ==, 0.5f);
  g_assert_cmpfloat (theta[1], ==, -1.0f);
  l2l_problem_free (problem);

  /* a start that is not a point is refused, naming the option */
  g_assert_false (l2l_task_spec_check ("landscape:start=1", &error));
  g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION);
  g_assert_cmpstr (l2l_error_get_field (error), ==, "start");
  g_clear_error (&error);
  g_assert_null (l2l_task_new_from_spec ("landscape:start=x,2", &error));
  g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION);
}

static void
losses_at (L2lTask *task,
           guint64  seed,
           double  *losses)
{
  L2lProblem *problem = l2l_task_sample (task, seed);
  float theta[2], grad[2];

  l2l_problem_init (problem, theta);
  losses[0] = theta[0];
  losses[1] = theta[1];
  for (int k = 0; k < 3; k++)
    {
      float point[2] = { 0.7f * k - 1.0f, 0.4f * k + 0.2f };
      losses[2 + k] = l2l_problem_loss_grad (problem, point, grad);
    }
  l2l_problem_free (problem);
}

/* fn=random: the same function and start for the same seed, others for
 * others, both kinds among them. */
static void
test_random (void)
{
  g_autoptr(L2lTask) task = make_task ("landscape:fn=random");
  double a[5], b[5];
  guint differ = 0;

  losses_at (task, 11, a);
  losses_at (task, 11, b);
  for (int i = 0; i < 5; i++)
    g_assert_cmpfloat (a[i], ==, b[i]);
  for (guint64 seed = 12; seed < 20; seed++)
    {
      losses_at (task, seed, b);
      differ += a[2] != b[2];
    }
  g_assert_cmpuint (differ, ==, 8);

  /* each drawn function knows its minimum: loss and gradient vanish there */
  g_assert_cmpuint (l2l_landscape_get_minima (task, a, 2), ==, 0);
  for (guint64 seed = 0; seed < 20; seed++)
    {
      g_autoptr(L2lProblem) problem = l2l_task_sample (task, seed);
      double minimum[8];
      float theta[2], grad[2];

      g_assert_cmpuint (l2l_landscape_problem_get_minima (problem, minimum, 4), ==, 1);
      theta[0] = (float) minimum[0];
      theta[1] = (float) minimum[1];
      g_assert_cmpfloat (l2l_problem_loss_grad (problem, theta, grad), <, 1e-9);
      g_assert_cmpfloat (fabs (grad[0]) + fabs (grad[1]), <, 1e-3);
    }
}

/* noise=S: reproducible from the seed, of about the right size, and replayed
 * after a rewind. */
static void
test_noise (void)
{
  g_autoptr(L2lTask) task = make_task ("landscape:fn=quadratic,noise=0.5");
  L2lProblem *first = l2l_task_sample (task, 3), *again = l2l_task_sample (task, 3);
  float theta[2] = { 0, 0 }, g1[2], g2[2];
  double sum = 0.0, squares = 0.0;
  L2lProblemMark mark;
  const int n = 2000;

  for (int k = 0; k < n; k++)
    {
      l2l_problem_loss_grad (first, theta, g1);
      l2l_problem_loss_grad (again, theta, g2);
      g_assert_cmpfloat (g1[0], ==, g2[0]);
      g_assert_cmpfloat (g1[1], ==, g2[1]);
      sum += g1[0];
      squares += (double) g1[0] * g1[0];
    }
  /* at the minimum the gradient is the noise alone: mean 0, deviation 0.5 */
  g_assert_cmpfloat (fabs (sum / n), <, 0.05);
  g_assert_cmpfloat_with_epsilon (sqrt (squares / n), 0.5, 0.05);

  l2l_problem_mark (first, &mark);
  l2l_problem_loss_grad (first, theta, g1);
  l2l_problem_rewind (first, &mark);
  l2l_problem_loss_grad (first, theta, g2);
  g_assert_cmpfloat (g1[0], ==, g2[0]);
  l2l_problem_free (first);
  l2l_problem_free (again);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/landscape/closed-forms", test_closed_forms);
  g_test_add_func ("/landscape/derivatives", test_derivatives);
  g_test_add_func ("/landscape/problems", test_problems);
  g_test_add_func ("/landscape/random", test_random);
  g_test_add_func ("/landscape/noise", test_noise);
  return g_test_run ();
}
