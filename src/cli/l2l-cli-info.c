/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "l2l-cli-optimizer-list.h"
#include "l2l-cli.h"
#include "l2l-engine.h"

static void
print_shape (guint          n_dims,
             const guint64 *dims)
{
  printf ("[");
  for (guint d = 0; d < n_dims; d++)
    printf ("%s%" G_GUINT64_FORMAT, d ? ", " : "", dims[d]);
  printf ("]");
}

int
l2l_cli_info (int   argc,
              char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lSafetensors) file = NULL;
  g_autoptr(L2lRule) net = NULL;
  g_autofree const char **keys = NULL;
  g_autofree const char **tensors = NULL;
  g_autofree char *path = NULL;
  L2lRuleConfig config;

  g_set_prgname ("l2l info");
  context = g_option_context_new ("FILE|lstm:NAME — describe a learned optimizer");
  g_option_context_set_summary (context,
    "Checks a learned-optimizer checkpoint or resume file (safetensors) and prints\n"
    "its architecture, how it was trained, and its tensors.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      l2l_cli_report ("info", error);
      return L2L_EXIT_USAGE;
    }
  if (argc != 2)
    {
      l2l_cli_error ("info", "expected one FILE, got %d", argc - 1);
      return L2L_EXIT_USAGE;
    }
  /* "lstm:NAME" as in --optimizers: a file, or a pretrained optimizer. */
  if (l2l_rule_spec_arch (argv[1], NULL) != NULL &&
      (path = l2l_rule_spec_resolve (argv[1], &error)) == NULL)
    {
      l2l_cli_report ("info", error);
      return L2L_EXIT_USAGE;
    }
  if ((file = l2l_safetensors_load (path ? path : argv[1], &error)) == NULL ||
      !l2l_checkpoint_read_architecture (file, &config, &error) ||
      (net = l2l_checkpoint_read_net (file, &config, NULL, &error)) == NULL)
    {
      l2l_cli_report ("info", error);
      return L2L_EXIT_USAGE;
    }

  {
    const char *title = l2l_rule_arch_get_title (config.arch);
    g_autofree char *features = l2l_feature_set_to_string (&config.features);

    printf ("%s: learned optimizer, %u × %u %s (%s), %" G_GSIZE_FORMAT " parameters\n",
            argv[1], config.layers, config.hidden, title, l2l_rule_arch_get_name (config.arch),
            net->n_params);
    printf ("Inputs: %s\n", features);
    if (net->n_groups > 1)
      printf ("Parameter groups: %s, one %s each (%" G_GSIZE_FORMAT " parameters a group); "
              "serves tasks with these groups\n", config.groups, title, net->group_size);
    else
      printf ("Parameter groups: one %s for all; serves every group of any task\n", title);
  }
  keys = l2l_safetensors_list_metadata (file);
  printf ("\nMetadata:\n");
  for (guint i = 0; keys[i] != NULL; i++)
    {
      const char *value = l2l_safetensors_get_metadata (file, keys[i]);
      if (g_str_equal (keys[i], "history"))
        printf ("  %-16s (%" G_GSIZE_FORMAT " bytes of per-epoch records)\n", keys[i],
                strlen (value));
      else
        printf ("  %-16s %s\n", keys[i], value);
    }
  tensors = l2l_safetensors_list_tensors (file);
  printf ("\nTensors:\n");
  for (guint i = 0; tensors[i] != NULL; i++)
    {
      guint64 dims[L2L_SAFETENSORS_MAX_DIMS];
      guint n_dims = l2l_safetensors_get_shape (file, tensors[i], dims);

      printf ("  %-28s F32 ", tensors[i]);
      print_shape (n_dims, dims);
      printf ("\n");
    }
  return L2L_EXIT_OK;
}
