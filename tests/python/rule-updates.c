/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine's learned optimizer on given gradients, for the Python
 * package's tests: reads a checkpoint (a path or "ARCH:NAME"), a group
 * layout "conv=100,fc=50" ("all=N" for one group) and a safetensors file of
 * "theta0" [n] and "grads" [T × n]; applies the optimizer T times, θ ← θ +
 * m(∇_t), and writes "theta" [T × n], θ after each step, to OUT.
 *
 *   rule-updates CHECKPOINT LAYOUT GRADS OUT */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "l2l-checkpoint.h"
#include "l2l-rule-optimizer.h"
#include "l2l-rule-spec.h"
#include "l2l-safetensors.h"
#include "l2l-task.h"

/* A task that only has groups: all a per-group optimizer asks of one. */
static void
layout_task_finalize (L2lTask *task)
{
  g_free (task);
}

static const L2lTaskClass layout_task_class = { .finalize = layout_task_finalize };

static L2lTask *
layout_task_new (char **names, gsize *counts, guint n_groups)
{
  L2lTask *task = g_new0 (L2lTask, 1);
  gsize n = 0;

  for (guint g = 0; g < n_groups; g++)
    n += counts[g];
  l2l_task_init_base (task, &layout_task_class, g_strdup ("layout"), n);
  l2l_task_set_groups (task, n_groups, (const char *const *) names, counts);
  return task;
}

static void
die (const char *what, GError *error)
{
  g_printerr ("rule-updates: %s: %s\n", what, error ? error->message : "bad input");
  exit (1);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lRule) rule = NULL;
  g_autoptr(L2lTask) task = NULL;
  g_autoptr(L2lSafetensors) input = NULL;
  g_autoptr(L2lOptimizer) optimizer = NULL;
  g_autoptr(L2lSafetensorsWriter) writer = NULL;
  g_auto(GStrv) items = NULL;
  char *names[L2L_TASK_MAX_GROUPS];
  gsize counts[L2L_TASK_MAX_GROUPS], n = 0;
  guint64 dims[2];
  g_autofree float *theta = NULL, *grads = NULL, *out = NULL;
  guint n_groups, steps;

  if (argc != 5)
    {
      g_printerr ("usage: rule-updates CHECKPOINT LAYOUT GRADS OUT\n");
      return 2;
    }
  rule = l2l_rule_spec_arch (argv[1], NULL) != NULL ? l2l_rule_spec_load (argv[1], &error)
                                                    : l2l_checkpoint_load (argv[1], &error);
  if (rule == NULL)
    die (argv[1], error);

  items = g_strsplit (argv[2], ",", -1);
  n_groups = g_strv_length (items);
  if (n_groups < 1 || n_groups > L2L_TASK_MAX_GROUPS)
    die (argv[2], NULL);
  for (guint g = 0; g < n_groups; g++)
    {
      char *equals = strchr (items[g], '=');

      if (equals == NULL)
        die (argv[2], NULL);
      *equals = '\0';
      names[g] = items[g];
      counts[g] = g_ascii_strtoull (equals + 1, NULL, 10);
      n += counts[g];
    }
  task = layout_task_new (names, counts, n_groups);
  if (!l2l_rule_check_task (rule, task, argv[1], &error))
    die (argv[2], error);

  input = l2l_safetensors_load (argv[3], &error);
  if (input == NULL || l2l_safetensors_get_shape (input, "grads", dims) != 2 || dims[1] != n)
    die (argv[3], error);
  steps = (guint) dims[0];
  theta = g_new (float, n);
  grads = g_new (float, (gsize) steps * n);
  out = g_new (float, (gsize) steps * n);
  if (!l2l_safetensors_read_tensor (input, "theta0", theta, 1, (guint64[]) { n }, &error) ||
      !l2l_safetensors_read_tensor (input, "grads", grads, 2, dims, &error))
    die (argv[3], error);

  optimizer = l2l_rule_optimizer_new (rule, task, n);
  for (guint t = 0; t < steps; t++)
    {
      l2l_optimizer_step (optimizer, theta, grads + (gsize) t * n);
      memcpy (out + (gsize) t * n, theta, n * sizeof (float));
    }

  writer = l2l_safetensors_writer_new ();
  l2l_safetensors_writer_add_metadata (writer, "format", "l2l-workbench.rule-updates");
  l2l_safetensors_writer_add_tensor (writer, "theta", out, 2, dims);
  if (!l2l_safetensors_writer_write (writer, argv[4], &error))
    die (argv[4], error);
  return 0;
}
