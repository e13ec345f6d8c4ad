/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <gio/gio.h>
#include <stdio.h>

#include "l2l-cli-cluster.h"
#include "l2l-cli-job.h"
#include "l2l-cli.h"
#include "l2l-engine.h"

typedef struct {
  const char *name;
  const char *summary;
  int       (*run) (int argc, char *argv[]);
  gboolean    shared;   /* its work spreads over MPI ranks */
} Subcommand;

static const Subcommand subcommands[] = {
  { "compare", "Race optimizers on the same functions and summarise their losses",
    l2l_cli_compare, TRUE },
  { "tune", "Pick each optimizer's learning rate on a log grid", l2l_cli_tune, TRUE },
  { "train", "Meta-train an LSTM optimizer and keep the best on held-out functions",
    l2l_cli_train, TRUE },
  { "paths", "Draw where each optimizer goes on a function of two coordinates",
    l2l_cli_paths, FALSE },
  { "probe", "Plot the update each optimizer proposes for a constant gradient",
    l2l_cli_probe, FALSE },
  { "art", "Style a photo with each optimizer (neural art) and write the images",
    l2l_cli_art, FALSE },
  { "info", "Describe a learned optimizer (checkpoint, resume file or lstm:NAME)",
    l2l_cli_info, FALSE },
  { "optimizers", "List the pretrained learned optimizers (use them as lstm:NAME)",
    l2l_cli_optimizers, FALSE },
};

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage: l2l SUBCOMMAND [OPTION…]\n"
           "\n"
           "L2L Workbench in the terminal: learned and hand-written optimizers,\n"
           "after \"Learning to learn by gradient descent by gradient descent\".\n"
           "\n"
           "Subcommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    fprintf (out, "  %-10s %s\n", subcommands[i].name, subcommands[i].summary);
  fprintf (out,
           "\n"
           "Run 'l2l SUBCOMMAND --help' for the options of one subcommand.\n"
           "Exit status: 0 success, 1 runtime failure, 2 bad usage or input, 130 interrupted.\n");
}

void
l2l_cli_error (const char *subcommand,
               const char *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  /* under MPI rank 0 speaks; another rank's failure reaches it by the agreement */
  l2l_cli_cluster_note_error (message);
  if (l2l_cli_is_root ())
    fprintf (stderr, "l2l%s%s: %s\n", subcommand ? " " : "", subcommand ? subcommand : "",
             message);
}

void
l2l_cli_report (const char   *subcommand,
                const GError *error)
{
  const char *hint = l2l_error_get_hint (error);

  l2l_cli_error (subcommand, "%s%s%s%s", error->message, hint ? " (" : "", hint ? hint : "",
                 hint ? ")" : "");
}

void
l2l_cli_name_flag (GError *error)
{
  const char *field = l2l_error_get_field (error);
  char *message;

  if (field == NULL)
    return;
  message = g_strdup_printf ("--%s: %s", field, l2l_error_get_detail (error));
  g_free (error->message);
  error->message = message;
}

int
l2l_cli_fail (const char   *subcommand,
              const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      l2l_cli_error (subcommand, "interrupted; nothing was written");
      return L2L_EXIT_INTERRUPTED;
    }
  l2l_cli_report (subcommand, error);
  if (error->domain == L2L_ENGINE_ERROR &&
      (error->code == L2L_ENGINE_ERROR_INVALID_OPTION ||
       error->code == L2L_ENGINE_ERROR_INVALID_FILE ||
       error->code == L2L_ENGINE_ERROR_DATA_NOT_INSTALLED))
    return L2L_EXIT_USAGE;
  return L2L_EXIT_FAILURE;
}

int
l2l_cli_main (int   argc,
              char *argv[])
{
  l2l_engine_init (1);
  l2l_cli_catch_interrupts ();

  /* usage and version: rank 0's to print */
  if ((argc < 2 || argv[1][0] == '-' || g_str_equal (argv[1], "help")) && !l2l_cli_is_root ())
    return L2L_EXIT_OK;
  if (argc < 2)
    {
      print_usage (stderr);
      return L2L_EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return L2L_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      printf ("l2l %s\n", PACKAGE_VERSION);
      return L2L_EXIT_OK;
    }
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    if (g_str_equal (argv[1], subcommands[i].name))
      {
        /* what has no work to share runs on rank 0 alone */
        if (!subcommands[i].shared && !l2l_cli_is_root ())
          return L2L_EXIT_OK;
        return subcommands[i].run (argc - 1, argv + 1);
      }

  l2l_cli_error (NULL, "unknown subcommand '%s' (see 'l2l --help')", argv[1]);
  return L2L_EXIT_USAGE;
}
