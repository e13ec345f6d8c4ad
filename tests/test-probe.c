/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-engine.h"

/* The probe (issue 26): SGD's and Adam's curves are their rules', computed
 * here; a learned optimizer's is finite and the same on every run; a rate to
 * tune, a net per parameter group and a bad range are refused. */

static void
assert_close (double value,
              double expected)
{
  g_assert_cmpfloat (fabs (value - expected), <=, 1e-5 * fabs (expected) + 1e-12);
}

static void
test_rules (void)
{
  L2lOptimizerSpec specs[3];
  L2lProbeConfig config;
  g_autoptr(L2lProbeResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint m;

  l2l_optimizer_spec_init (&specs[0], &l2l_optimizer_sgd);
  specs[0].lr = 0.01;
  l2l_optimizer_spec_init (&specs[1], &l2l_optimizer_adam);
  specs[1].lr = 0.1;
  l2l_optimizer_spec_init (&specs[2], &l2l_optimizer_nag);
  specs[2].lr = 0.01;
  l2l_probe_config_init (&config);
  config.n_magnitudes = 9;
  config.steps = 5;
  result = l2l_probe_run (specs, 3, &config, NULL, &error);
  g_assert_no_error (error);
  m = config.n_magnitudes;
  g_assert_cmpuint (result->n_gradients, ==, 2 * m);
  g_assert_cmpuint (result->n_entries, ==, 3);
  assert_close (result->gradients[0], -1e2);
  assert_close (result->gradients[m - 1], -1e-6);
  assert_close (result->gradients[m], 1e-6);
  assert_close (result->gradients[2 * m - 1], 1e2);
  for (guint i = 0; i < 2 * m; i++)
    {
      double g = (float) result->gradients[i];
      /* torch.optim.Adam with a constant g: m̂ = g and v̂ = g² at every step */
      double adam = -0.1 * g / (fabs (g) + 1e-8);
      /* NAG: the buffer is g at the first step, then g (1 + 0.9 + … ) */
      double buffer = 0.0;

      assert_close (result->entries[0].first[i], -0.01 * g);
      assert_close (result->entries[0].later[i], -0.01 * g);
      assert_close (result->entries[1].first[i], adam);
      assert_close (result->entries[1].later[i], adam);
      for (guint t = 1; t <= config.steps; t++)
        buffer = t == 1 ? g : 0.9 * buffer + g;
      assert_close (result->entries[2].first[i], -0.01 * (g + 0.9 * g));
      assert_close (result->entries[2].later[i], -0.01 * (g + 0.9 * buffer));
    }
  for (guint o = 0; o < 3; o++)
    l2l_optimizer_spec_clear (&specs[o]);
}

static L2lRule *
pretrained (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = l2l_pretrained_resolve (name, &error);
  L2lRule *net;

  g_assert_no_error (error);
  net = l2l_checkpoint_load (path, &error);
  g_assert_no_error (error);
  return net;
}

static void
test_learned (void)
{
  g_autoptr(L2lRule) net = pretrained ("landscape");
  L2lOptimizerSpec spec;
  L2lProbeConfig config;
  g_autoptr(L2lProbeResult) a = NULL, b = NULL;

  l2l_optimizer_spec_init_learned (&spec, "lstm:landscape", net);
  l2l_probe_config_init (&config);
  a = l2l_probe_run (&spec, 1, &config, NULL, NULL);
  b = l2l_probe_run (&spec, 1, &config, NULL, NULL);
  g_assert_nonnull (a);
  for (guint i = 0; i < a->n_gradients; i++)
    {
      g_assert_true (isfinite (a->entries[0].first[i]));
      g_assert_cmpfloat (a->entries[0].first[i], ==, b->entries[0].first[i]);
      g_assert_cmpfloat (a->entries[0].later[i], ==, b->entries[0].later[i]);
    }
  /* trained to go downhill: against a gradient of 1 it steps back */
  g_assert_cmpfloat (a->entries[0].later[a->n_gradients - 9], <, 0.0);
  l2l_optimizer_spec_clear (&spec);
}

static void
test_refused (void)
{
  g_autoptr(L2lRule) per_group = pretrained ("cnn");
  L2lOptimizerSpec spec;
  L2lProbeConfig config;
  g_autoptr(GError) error = NULL;

  l2l_probe_config_init (&config);
  l2l_optimizer_spec_init (&spec, &l2l_optimizer_sgd);
  spec.tune = TRUE;
  g_assert_null (l2l_probe_run (&spec, 1, &config, NULL, &error));
  g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION);
  g_clear_error (&error);
  l2l_optimizer_spec_clear (&spec);

  l2l_optimizer_spec_init_learned (&spec, "lstm:cnn", per_group);
  g_assert_null (l2l_probe_run (&spec, 1, &config, NULL, &error));
  g_assert_nonnull (strstr (error->message, "one net per parameter group"));
  g_clear_error (&error);
  l2l_optimizer_spec_clear (&spec);

  /* magnitudes a float cannot hold would not be the g fed */
  l2l_optimizer_spec_init (&spec, &l2l_optimizer_sgd);
  for (guint i = 0; i < 3; i++)
    {
      const double range[3][2] = { { 0.0, 1e2 }, { 1e-50, 1e2 }, { 1e-6, 1e39 } };

      config.min_magnitude = range[i][0];
      config.max_magnitude = range[i][1];
      g_assert_null (l2l_probe_run (&spec, 1, &config, NULL, &error));
      g_assert_cmpstr (l2l_error_get_field (error), ==, i < 2 ? "min" : "max");
      g_clear_error (&error);
    }
  l2l_optimizer_spec_clear (&spec);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/probe/rules", test_rules);
  g_test_add_func ("/probe/learned", test_learned);
  g_test_add_func ("/probe/refused", test_refused);
  return g_test_run ();
}
