/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "l2l-engine.h"
#include "l2l-rule-unroll.h"

/* What every architecture of learned rule must do, checked for each: its
 * backward pass through an unroll against central differences of the
 * forward, with respect to φ, to the inputs ∇ (through the features and
 * their state) and to θ as a feature; unrolls joined by a carry computing
 * what one long unroll does; and its names and checkpoints. */

#define K 4
#define N 7
#define FEATURES "logsign:p=2,grad-rms,momentum:0.9,theta,step"

typedef struct {
  L2lRule *rule;
  float    grads[K * N];
  float    thetas[K * N];
  float    weights[K * N];   /* J = Σ weights ⊙ updates */
} Case;

static Case *
case_new (const char *arch,
          gboolean    grouped)
{
  Case *test = g_new0 (Case, 1);
  L2lRuleConfig config;
  L2lRng rng;

  l2l_rule_config_init_defaults (&config);
  l2l_rule_config_set_arch (&config, l2l_rule_arch_lookup (arch));
  g_assert_true (l2l_feature_set_parse (FEATURES, &config.features, NULL));
  config.hidden = 5;
  config.output_scale = 0.5;
  if (grouped)
    g_assert_true (l2l_rule_config_set_groups (&config, "head,tail", NULL));
  test->rule = l2l_rule_new (&config, 11);
  l2l_rng_init (&rng, 3);
  for (guint i = 0; i < K * N; i++)
    {
      test->grads[i] = (float) l2l_rng_normal (&rng);
      test->thetas[i] = (float) l2l_rng_normal (&rng);
      test->weights[i] = (float) l2l_rng_normal (&rng);
    }
  /* larger weights, so that every unit's kinks and saturations matter */
  for (gsize i = 0; i < test->rule->n_params; i++)
    test->rule->params[i] *= 2.0f;
  return test;
}

static void
case_free (Case *test)
{
  l2l_rule_unref (test->rule);
  g_free (test);
}

/* Two segments over the N columns when the rule has two groups. */
static L2lRuleUnroll *
unroll_new (const Case *test,
            guint       steps)
{
  const L2lRuleSegment two[] = { { 0, 3, 0 }, { 3, N - 3, 1 } };

  return l2l_rule_unroll_new (test->rule, N, steps, test->rule->n_groups > 1 ? two : NULL,
                              test->rule->n_groups > 1 ? 2 : 0);
}

static double
objective (const Case *test,
           const float *grads,
           const float *thetas)
{
  L2lRuleUnroll *unroll = unroll_new (test, K);
  float updates[K * N];
  double total = 0.0;

  l2l_rule_unroll_reset_state (unroll);
  for (guint s = 0; s < K; s++)
    l2l_rule_unroll_forward (unroll, s, grads + s * N, thetas + s * N, updates + s * N);
  for (guint i = 0; i < K * N; i++)
    total += (double) test->weights[i] * updates[i];
  l2l_rule_unroll_free (unroll);
  return total;
}

/* Central differences of a float forward are good to about 1e-4 absolute
 * here: entries are compared above that, and the whole vector by its norm. */
static double
relative (double numeric,
          double analytic)
{
  return fabs (numeric - analytic) / MAX (5e-2, fabs (numeric));
}

typedef struct {
  double worst;
  double diff2;   /* Σ (numeric − analytic)² */
  double norm2;   /* Σ numeric² */
} Check;

static void
check_add (Check  *check,
           double  numeric,
           double  analytic)
{
  check->worst = MAX (check->worst, relative (numeric, analytic));
  check->diff2 += (numeric - analytic) * (numeric - analytic);
  check->norm2 += numeric * numeric;
}

static void
check_assert (const Check *check,
              const char  *what)
{
  double whole = sqrt (check->diff2 / MAX (check->norm2, 1e-30));

  g_test_message ("%s: worst entry %.3g, whole vector %.3g", what, check->worst, whole);
  g_assert_cmpfloat (check->worst, <, 2e-2);
  g_assert_cmpfloat (whole, <, 2e-2);
}

static void
check_backward (const char *arch,
                gboolean    grouped)
{
  Case *test = case_new (arch, grouped);
  L2lRule *rule = test->rule;
  L2lRuleUnroll *unroll = unroll_new (test, K);
  g_autofree float *dphi = g_new0 (float, rule->n_params);
  float updates[K * N], dinput[K * N], dtheta[K * N];
  Check phi = { 0 }, grad = { 0 }, theta = { 0 };
  const double h = 1e-3;

  l2l_rule_unroll_reset_state (unroll);
  for (guint s = 0; s < K; s++)
    l2l_rule_unroll_forward (unroll, s, test->grads + s * N, test->thetas + s * N,
                             updates + s * N);
  l2l_rule_unroll_zero_grad (unroll);
  l2l_rule_unroll_backward_begin (unroll);
  for (guint s = K; s-- > 0;)
    l2l_rule_unroll_backward_step (unroll, s, test->weights + s * N, test->grads + s * N,
                                   dinput + s * N, dtheta + s * N);
  l2l_rule_unroll_add_grad (unroll, dphi);
  l2l_rule_unroll_free (unroll);

  for (gsize i = 0; i < rule->n_params; i++)
    {
      float saved = rule->params[i];
      double plus, minus;

      rule->params[i] = saved + (float) h;
      plus = objective (test, test->grads, test->thetas);
      rule->params[i] = saved - (float) h;
      minus = objective (test, test->grads, test->thetas);
      rule->params[i] = saved;
      check_add (&phi, (plus - minus) / (2 * h), dphi[i]);
    }
  for (guint i = 0; i < K * N; i++)
    {
      float g[K * N], t[K * N];

      memcpy (g, test->grads, sizeof g);
      g[i] += (float) h;
      memcpy (t, test->thetas, sizeof t);
      t[i] += (float) h;
      {
        double grad_plus = objective (test, g, test->thetas), theta_plus = objective (test, test->grads, t);

        g[i] -= 2 * (float) h;
        t[i] -= 2 * (float) h;
        check_add (&grad, (grad_plus - objective (test, g, test->thetas)) / (2 * h), dinput[i]);
        check_add (&theta, (theta_plus - objective (test, test->grads, t)) / (2 * h), dtheta[i]);
      }
    }
  g_test_message ("%s%s:", arch, grouped ? " per group" : "");
  check_assert (&phi, "phi");
  check_assert (&grad, "grad");
  check_assert (&theta, "theta");
  case_free (test);
}

static void
test_backward (gconstpointer data)
{
  check_backward (data, FALSE);
  check_backward (data, TRUE);
}

/* Unrolls of 3 and 1 steps joined by carries, and the optimizer (one step
 * at a time), compute what one unroll of K steps does, to the bit. */
static void
test_carry (gconstpointer data)
{
  Case *test = case_new (data, FALSE);
  L2lRuleUnroll *whole = unroll_new (test, K), *parts = unroll_new (test, 3);
  g_autoptr(L2lOptimizer) optimizer = l2l_rule_optimizer_new (test->rule, NULL, N);
  float a[K * N], b[K * N], theta[N];

  l2l_rule_unroll_reset_state (whole);
  l2l_rule_unroll_reset_state (parts);
  l2l_optimizer_reset (optimizer);
  for (guint s = 0; s < K; s++)
    {
      l2l_rule_unroll_forward (whole, s, test->grads + s * N, test->thetas + s * N, a + s * N);
      if (s == 3)
        l2l_rule_unroll_carry (parts, 3);
      l2l_rule_unroll_forward (parts, s % 3, test->grads + s * N, test->thetas + s * N,
                               b + s * N);
      memcpy (theta, test->thetas + s * N, sizeof theta);
      l2l_optimizer_step (optimizer, theta, test->grads + s * N);
      for (guint r = 0; r < N; r++)
        g_assert_cmpfloat (theta[r] - test->thetas[s * N + r], ==,
                           (test->thetas[s * N + r] + a[s * N + r]) - test->thetas[s * N + r]);
    }
  g_assert_cmpmem (a, sizeof a, b, sizeof b);
  l2l_rule_unroll_free (whole);
  l2l_rule_unroll_free (parts);
  case_free (test);
}

/* The names the settings offer are the architectures, in order; an output
 * layer at zero is an optimizer that does nothing. */
static void
test_archs (void)
{
  const L2lRuleArch *const *archs = l2l_rule_archs ();
  guint i = 0;

  for (; archs[i] != NULL; i++)
    {
      L2lRuleConfig config;
      g_autoptr(L2lRule) rule = NULL;
      g_autoptr(L2lOptimizer) optimizer = NULL;
      float theta[N] = { 1, 2, 3, 4, 5, 6, 7 }, grad[N] = { 1, -1, 2, -2, 3, -3, 0.5f };

      g_assert_cmpstr (l2l_rule_arch_names[i], ==, l2l_rule_arch_get_name (archs[i]));
      g_assert_true (l2l_rule_arch_lookup (l2l_rule_arch_names[i]) == archs[i]);
      l2l_rule_config_init_defaults (&config);
      l2l_rule_config_set_arch (&config, archs[i]);
      g_assert_true (l2l_rule_config_validate (&config, NULL));
      rule = l2l_rule_new (&config, 1);
      l2l_rule_zero_output (rule);
      optimizer = l2l_rule_optimizer_new (rule, NULL, N);
      l2l_optimizer_reset (optimizer);
      l2l_optimizer_step (optimizer, theta, grad);
      for (guint r = 0; r < N; r++)
        g_assert_cmpfloat (theta[r], ==, (float) (r + 1));
    }
  g_assert_null (l2l_rule_arch_names[i]);
  g_assert_null (l2l_rule_arch_lookup ("gru"));
}

/* "ARCH:FILE" loads a file of that architecture and refuses another; the
 * labels and the names of what ships say the architecture. */
static void
test_specs (void)
{
  g_autofree char *dir = g_dir_make_tmp ("l2l-rule-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.safetensors", NULL);
  g_autofree char *mlp_spec = g_strconcat ("mlp:", path, NULL);
  g_autofree char *lstm_spec = g_strconcat ("lstm:", path, NULL);
  g_autoptr(L2lSafetensorsWriter) writer = l2l_safetensors_writer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lRule) rule = NULL, loaded = NULL, refused = NULL;
  g_autofree char *label = NULL, *shipped = NULL, *shipped_mlp = NULL;
  L2lRuleConfig config;
  const char *rest = NULL;

  l2l_rule_config_init_defaults (&config);
  l2l_rule_config_set_arch (&config, l2l_rule_arch_lookup ("mlp"));
  rule = l2l_rule_new (&config, 2);
  l2l_checkpoint_add_architecture (writer, &rule->config);
  l2l_checkpoint_add_net (writer, rule, NULL);
  g_assert_true (l2l_safetensors_writer_write (writer, path, &error));
  g_assert_no_error (error);

  loaded = l2l_rule_spec_load (mlp_spec, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (loaded->params, loaded->n_params * sizeof (float), rule->params,
                   rule->n_params * sizeof (float));
  label = l2l_rule_spec_label (loaded, path);
  g_assert_cmpstr (label, ==, "mlp:m");
  refused = l2l_rule_spec_load (lstm_spec, &error);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "holds a learned optimizer of architecture mlp, not "
                                            "lstm"));
  g_assert_true (l2l_rule_spec_arch ("mlp:mnist", &rest) == l2l_rule_arch_lookup ("mlp"));
  g_assert_cmpstr (rest, ==, "mnist");
  g_assert_null (l2l_rule_spec_arch ("adam", NULL));
  g_assert_null (l2l_rule_spec_arch ("gru:x", NULL));
  shipped = l2l_rule_spec_of_pretrained ("mnist");
  shipped_mlp = l2l_rule_spec_of_pretrained ("mnist.mlp");
  g_assert_cmpstr (shipped, ==, "lstm:mnist");
  g_assert_cmpstr (shipped_mlp, ==, "mlp:mnist");
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  g_test_add_func ("/engine/rule/archs", test_archs);
  g_test_add_func ("/engine/rule/specs", test_specs);
  for (const L2lRuleArch *const *arch = l2l_rule_archs (); *arch != NULL; arch++)
    {
      const char *name = l2l_rule_arch_get_name (*arch);
      g_autofree char *backward = g_strdup_printf ("/engine/rule/%s/backward", name);
      g_autofree char *carry = g_strdup_printf ("/engine/rule/%s/carry", name);

      g_test_add_data_func (backward, name, test_backward);
      g_test_add_data_func (carry, name, test_carry);
    }
  return g_test_run ();
}
