/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include "l2l-chart-results.h"
#include "l2l-cli-experiment.h"
#include "l2l-cli-job.h"
#include "l2l-cli-parse.h"
#include "l2l-cli.h"

/* `l2l probe`: what each optimizer does with a constant gradient g, for g
 * over log-spaced magnitudes of both signs. */

typedef struct {
  const L2lCompareConfig *config;
  const L2lProbeConfig   *probe;
  L2lProbeResult         *result;
} ProbeJob;

static gboolean
probe_job (gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  ProbeJob *job = data;

  job->result = l2l_probe_run (job->config->optimizers, job->config->n_optimizers, job->probe,
                               cancellable, error);
  return job->result != NULL;
}

static char *
probe_csv (const L2lProbeResult *result,
           gsize                *length)
{
  GString *csv = g_string_new ("optimizer,g,step,update\n");

  for (guint o = 0; o < result->n_entries; o++)
    for (int later = 0; later < 2; later++)
      for (guint i = 0; i < result->n_gradients; i++)
        {
          char g[G_ASCII_DTOSTR_BUF_SIZE], update[G_ASCII_DTOSTR_BUF_SIZE];
          const double *updates = later ? result->entries[o].later : result->entries[o].first;

          g_string_append_printf (csv, "%s,%s,%u,%s\n", result->entries[o].label,
                                  g_ascii_formatd (g, sizeof g, "%.9g", result->gradients[i]),
                                  later ? result->steps : 1,
                                  g_ascii_formatd (update, sizeof update, "%.9g", updates[i]));
        }
  *length = csv->len;
  return g_string_free (csv, FALSE);
}

/* The update at g = +1 and −1 (or the magnitude nearest 1), and how many
 * updates, of every g and step recorded, point uphill. */
static void
print_summary (const L2lProbeResult *result)
{
  guint m = result->n_gradients / 2, one = m;
  char later[32];

  for (guint i = m; i < result->n_gradients; i++)
    if (fabs (log (result->gradients[i])) < fabs (log (result->gradients[one])))
      one = i;
  printf ("The update Δθ for a constant gradient g = %.4g, and for −g:\n", result->gradients[one]);
  g_snprintf (later, sizeof later, "step %u", result->steps);
  printf ("%-24s %12s %12s %12s  %s\n", "optimizer", "step 1", result->steps > 1 ? later : "",
          "-g, step 1", "uphill");
  for (guint o = 0; o < result->n_entries; o++)
    {
      const L2lProbeEntry *entry = &result->entries[o];
      char at_later[32] = "";
      guint uphill = 0;

      for (guint i = 0; i < result->n_gradients; i++)
        {
          double g = result->gradients[i];
          uphill += (entry->first[i] * g > 0) + (result->steps > 1 && entry->later[i] * g > 0);
        }
      if (result->steps > 1)
        g_snprintf (at_later, sizeof at_later, "%.4g", entry->later[one]);
      printf ("%-24s %12.4g %12s %12.4g  %u of %u\n", entry->label, entry->first[one], at_later,
              entry->first[2 * m - 1 - one], uphill,
              (result->steps > 1 ? 2 : 1) * result->n_gradients);
    }
}

static gboolean
write_plot (const ProbeJob  *job,
            const char      *path,
            int              width,
            int              height,
            GError         **error)
{
  g_autoptr(L2lChart) chart = l2l_chart_new ("The update each optimizer proposes for a "
                                             "constant gradient g", "|g|",
                                             "step downhill, −Δθ · sign(g)", TRUE);

  l2l_chart_set_x_mode (chart, L2L_CHART_X_LOG_DATA, NULL);
  l2l_chart_add_probe_result (chart, job->result, "%s, step %u",
                              "%s, step %u", "%s, g < 0");
  return l2l_chart_save (chart, path, width, height, error);
}

int
l2l_cli_probe (int   argc,
               char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  L2lCliExperiment args = { .default_task = "landscape:fn=rosenbrock",
                            .default_optimizers = "sgd,adam,lstm:landscape" };
  g_autofree char *csv_path = NULL, *plot_path = NULL, *plot_size = NULL;
  L2lCompareConfig defaults, config = { 0 };
  L2lProbeConfig probe;
  ProbeJob job = { &config, &probe, NULL };
  int status = L2L_EXIT_OK, plot_width, plot_height, points;
  const GOptionEntry entries[] = {
    { "min", 0, 0, G_OPTION_ARG_DOUBLE, &probe.min_magnitude,
      "Smallest gradient magnitude (default: 1e-6)", "G" },
    { "max", 0, 0, G_OPTION_ARG_DOUBLE, &probe.max_magnitude,
      "Largest gradient magnitude (default: 100)", "G" },
    { "points", 0, 0, G_OPTION_ARG_INT, &points,
      "Magnitudes of each sign, log-spaced (default: 33)", "N" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path,
      "Write every update as CSV optimizer,g,step,update (steps 1 and --steps)", "FILE" },
    { NULL },
  };

  g_set_prgname ("l2l probe");
  l2l_probe_config_init (&probe);
  points = (int) probe.n_magnitudes;
  l2l_compare_config_init (&defaults);
  defaults.steps = probe.steps;
  defaults.runs = 1;
  context = g_option_context_new ("— the update each optimizer proposes for a constant gradient");
  g_option_context_set_summary (context,
    "Feeds each optimizer the same gradient g for --steps steps, for g over\n"
    "log-spaced magnitudes of both signs, and reports the update Δθ it\n"
    "proposes at the first step (from zero state) and at the last: SGD's is\n"
    "−αg, Adam's about −α sign(g), and a learned optimizer's shows the sign\n"
    "and the scale it learned. --task only picks the hand-written rules'\n"
    "default rates.");
  /* the default task's rates in the help, as they are used */
  g_option_context_set_main_group (context, l2l_cli_experiment_option_group (
                                              &args, L2L_CLI_FLAGS_TASK | L2L_CLI_FLAGS_RATES,
                                              l2l_task_family_of_spec (args.default_task),
                                              &defaults));
  g_option_context_add_main_entries (context, entries, NULL);
  l2l_cli_add_plot_entries (context, &plot_path, &plot_size,
                            "Plot the step downhill against |g| on log axes, as .png, .svg "
                            "or .pdf");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      l2l_cli_report ("probe", error);
      status = L2L_EXIT_USAGE;
      goto out;
    }
  if (argc > 1)
    {
      l2l_cli_error ("probe", "unexpected argument '%s'", argv[1]);
      status = L2L_EXIT_USAGE;
      goto out;
    }
  probe.n_magnitudes = (guint) CLAMP (points, 0, G_MAXINT);
  if (!l2l_cli_experiment_build (&args, &defaults, &config, &error) ||
      !l2l_probe_config_check (&(L2lProbeConfig) { probe.min_magnitude, probe.max_magnitude,
                                                   probe.n_magnitudes, config.steps }, &error) ||
      !l2l_probe_check_optimizers (config.optimizers, config.n_optimizers, &error) ||
      (csv_path && !l2l_file_check_writable (csv_path, &error)) ||
      !l2l_file_check_distinct ((const char *[]) { csv_path, plot_path },
                                (const char *[]) { "--csv", "--plot" }, 2, &error) ||
      !l2l_cli_parse_plot (plot_path, plot_size, FALSE, &plot_width, &plot_height, &error))
    {
      status = L2L_EXIT_USAGE;
      l2l_cli_name_flag (error);
      l2l_cli_report ("probe", error);
      goto out;
    }
  probe.steps = config.steps;
  if (!l2l_cli_run_job (probe_job, &job, &error))
    {
      status = l2l_cli_fail ("probe", error);
      goto out;
    }
  if (csv_path != NULL)
    {
      gsize length;
      g_autofree char *csv = probe_csv (job.result, &length);

      if (!l2l_file_write_atomic (csv_path, csv, length, &error))
        {
          status = l2l_cli_fail ("probe", error);
          goto out;
        }
    }
  if (plot_path != NULL && !write_plot (&job, plot_path, plot_width, plot_height, &error))
    {
      status = l2l_cli_fail ("probe", error);
      goto out;
    }
  print_summary (job.result);

out:
  g_clear_pointer (&job.result, l2l_probe_result_free);
  l2l_compare_config_clear (&config);
  l2l_compare_config_clear (&defaults);
  l2l_cli_experiment_clear (&args);
  return status;
}
