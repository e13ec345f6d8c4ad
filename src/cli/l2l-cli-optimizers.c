/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <stdio.h>

#include "l2l-cli.h"
#include "l2l-engine.h"

static const char *
metadata_or_dash (const L2lSafetensors *file,
                  const char           *key)
{
  const char *value = l2l_safetensors_get_metadata (file, key);

  return value != NULL ? value : "-";
}

int
l2l_cli_optimizers (int   argc,
                    char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;

  g_set_prgname ("l2l optimizers");
  context = g_option_context_new ("— list the pretrained learned optimizers");
  g_option_context_set_summary (context,
    "Lists the learned optimizers that ship with L2L Workbench, with the task each was\n"
    "trained on, its held-out loss, epochs, training time and architecture. Use one by\n"
    "its name, ARCH:NAME. The held-out loss is the mean over the steps, or the loss at\n"
    "the horizon where it reads (final): what the run kept its best by.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      l2l_cli_report ("optimizers", error);
      return L2L_EXIT_USAGE;
    }
  if (argc > 1)
    {
      l2l_cli_error ("optimizers", "unexpected argument '%s'", argv[1]);
      return L2L_EXIT_USAGE;
    }

  names = l2l_pretrained_list ();
  /* The task last: specs run long. */
  printf ("%-24s %-15s %-7s %-11s %-14s %s\n", "optimizer", "held-out loss", "epochs",
          "trained in", "architecture", "task");
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = l2l_pretrained_resolve (names[i], NULL);
      g_autoptr(L2lSafetensors) file = l2l_safetensors_load (path, &error);
      L2lRuleConfig config;

      if (file == NULL || !l2l_checkpoint_read_architecture (file, &config, &error))
        {
          l2l_cli_report ("optimizers", error);
          return L2L_EXIT_FAILURE;
        }
      g_autofree char *label = l2l_rule_spec_of_pretrained (names[i]);
      double seconds = g_ascii_strtod (metadata_or_dash (file, "elapsed_seconds"), NULL);
      double loss = g_ascii_strtod (metadata_or_dash (file, "best_eval_loss"), NULL);

      g_autofree char *trained = g_strdup_printf ("%.0f s", seconds);
      g_autofree char *held_out =
        g_strdup_printf ("%.4g%s", loss,
                         g_strcmp0 (l2l_safetensors_get_metadata (file, "keep"), "final") == 0
                         ? " (final)" : "");
      g_autofree char *arch = g_strdup_printf ("%ux%u %s", config.layers, config.hidden,
                                               l2l_rule_arch_get_title (config.arch));

      printf ("%-24s %-15s %-7s %-11s %-14s %s\n", label, held_out,
              metadata_or_dash (file, "epochs"), trained, arch, metadata_or_dash (file, "task"));
    }
  printf ("\nUse one by its name, e.g. l2l compare --tune --optimizers sgd,rmsprop,adam,nag,"
          "lstm:quadratic\n");
  return L2L_EXIT_OK;
}
