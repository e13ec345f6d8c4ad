/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <stdio.h>

#include "l2l-chart-export.h"
#include "l2l-chart-results.h"
#include "l2l-cli-cluster.h"
#include "l2l-cli-compare.h"
#include "l2l-cli-experiment.h"
#include "l2l-cli-job.h"
#include "l2l-cli-parse.h"
#include "l2l-cli-progress.h"
#include "l2l-cli.h"

typedef struct {
  L2lCompareConfig *config;
  L2lCompareResult *result;
  L2lCliProgress    progress;
} CompareJob;

static void
on_progress (const L2lCompareProgress *event,
             gpointer                  user_data)
{
  CompareJob *job = user_data;
  const char *label = job->config->optimizers[event->optimizer].label;
  g_autofree char *what = g_strdup_printf ("%s %s",
                                           event->phase == L2L_COMPARE_TUNING ? "tuning"
                                                                              : "running",
                                           label);

  l2l_cli_progress_update (&job->progress, what, event->done, event->total);
}

static gboolean
compare_job (gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  CompareJob *job = data;

  job->result = l2l_compare_run (job->config, on_progress, job, cancellable, error);
  l2l_cli_progress_finish (&job->progress);
  return job->result != NULL;
}

L2lCompareResult *
l2l_cli_compare_run (L2lCompareConfig  *config,
                     GError           **error)
{
  CompareJob job = { .config = config };

  l2l_cli_progress_init (&job.progress);
  l2l_cli_run_job (compare_job, &job, error);
  return job.result;
}

gboolean
l2l_cli_compare_write_plot (const L2lCompareResult  *result,
                            const char              *path,
                            int                      width,
                            int                      height,
                            L2lChartXMode            x_mode,
                            GError                 **error)
{
  g_autoptr(L2lChart) chart = NULL;
  g_autofree char *title = g_strdup_printf ("%s · %u runs", result->task_spec, result->runs);

  chart = l2l_chart_new (title, "step", "loss (mean, 25–75 % band)", TRUE);
  l2l_chart_set_x_mode (chart, x_mode, "seconds (mean over runs)");
  l2l_chart_add_compare_result (chart, result);
  return l2l_chart_save (chart, path, width, height, error);
}

static gboolean
parse_x_axis (const char     *text,
              L2lChartXMode  *mode,
              GError        **error)
{
  if (text == NULL || g_str_equal (text, "step"))
    *mode = L2L_CHART_X_DATA;
  else if (g_str_equal (text, "seconds"))
    *mode = L2L_CHART_X_TIME;
  else if (g_str_equal (text, "log-seconds"))
    *mode = L2L_CHART_X_LOG_TIME;
  else
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "--x-axis: '%s' is not step, seconds or log-seconds", text);
      return FALSE;
    }
  return TRUE;
}

/* --csv and --json together: neither replaces its old file unless both are
 * written (a full disk once kept the new CSV beside the old JSON). */
static gboolean
write_tables (const L2lCompareResult  *result,
              const char              *csv_path,
              const char              *json_path,
              GError                 **error)
{
  g_autoptr(L2lFileSet) set = l2l_file_set_new ();
  gsize length;

  if (csv_path != NULL)
    {
      g_autofree char *csv = l2l_results_to_csv (result, &length);

      if (!l2l_file_set_add (set, csv_path, csv, length, error))
        return FALSE;
    }
  if (json_path != NULL)
    {
      g_autofree char *json = l2l_results_to_json (result, &length);

      if (!l2l_file_set_add (set, json_path, json, length, error))
        return FALSE;
    }
  return l2l_file_set_commit (set, error);
}

int
l2l_cli_compare (int   argc,
                 char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) table_steps = NULL;
  L2lCliExperiment args = { 0 };
  g_autofree char *csv_path = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *table_steps_text = NULL;
  g_autofree char *plot_path = NULL;
  g_autofree char *plot_size = NULL;
  g_autofree char *x_axis = NULL;
  L2lChartXMode x_mode = L2L_CHART_X_DATA;
  int plot_width, plot_height;
  L2lCompareConfig config = { 0 };
  g_autoptr(L2lCompareResult) result = NULL;
  int status = L2L_EXIT_OK;
  const GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path,
      "Write every loss as CSV optimizer,run,step,loss,seconds (step 0 = initial loss; "
      "seconds: the run's wall time to that step)", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path,
      "Write the summary as JSON: rates, tuning grids, per-step mean/median/q25/q75", "FILE" },
    { "table-steps", 0, 0, G_OPTION_ARG_STRING, &table_steps_text,
      "Steps shown in the table, e.g. 50,100 (default: the last step)", "LIST" },
    { "x-axis", 0, 0, G_OPTION_ARG_STRING, &x_axis,
      "What --plot puts across: step, or seconds (each run's wall time, averaged), "
      "or seconds on a log axis (default: step)", "step|seconds|log-seconds" },
    { NULL },
  };

  g_set_prgname ("l2l compare");
  context = g_option_context_new ("— race optimizers on the same functions");
  g_option_context_set_summary (context,
    "Runs every optimizer on the same functions from the same starting point,\n"
    "prints the mean and median loss, and writes every loss (--csv) and a\n"
    "per-step summary (--json). A run whose loss turns NaN or infinite is\n"
    "reported as diverged.");
  g_option_context_set_main_group (context, l2l_cli_experiment_option_group (&args, L2L_CLI_FLAGS_TASK |
                                                                               L2L_CLI_FLAGS_RUNS |
                                                                               L2L_CLI_FLAGS_RATES,
                                                                               NULL, NULL));
  g_option_context_add_main_entries (context, entries, NULL);
  l2l_cli_add_plot_entries (context, &plot_path, &plot_size,
                            "Draw the mean loss per step with its 25–75 % band, "
                            "log scale, as .png, .svg or .pdf");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      l2l_cli_report ("compare", error);
      status = L2L_EXIT_USAGE;
      goto out;
    }
  if (argc > 1)
    {
      l2l_cli_error ("compare", "unexpected argument '%s'", argv[1]);
      status = L2L_EXIT_USAGE;
      goto out;
    }
  if (!l2l_cli_experiment_build (&args, NULL, &config, &error) ||
      (table_steps_text &&
       !l2l_cli_parse_steps ("--table-steps", table_steps_text, config.steps,
                             &table_steps, &error)) ||
      (csv_path && !l2l_file_check_writable (csv_path, &error)) ||
      (json_path && !l2l_file_check_writable (json_path, &error)) ||
      !l2l_file_check_distinct ((const char *[]) { csv_path, json_path, plot_path },
                                (const char *[]) { "--csv", "--json", "--plot" }, 3, &error) ||
      !l2l_cli_experiment_check_outputs (&args, &config, FALSE,
                                         (const char *[]) { csv_path, json_path, plot_path },
                                         (const char *[]) { "--csv", "--json", "--plot" }, 3,
                                         &error) ||
      !l2l_cli_parse_plot (plot_path, plot_size, FALSE, &plot_width, &plot_height, &error) ||
      !parse_x_axis (x_axis, &x_mode, &error))
    {
      status = L2L_EXIT_USAGE;
      l2l_cli_report ("compare", error);
      goto out;
    }

  if (table_steps == NULL)
    {
      table_steps = g_array_new (FALSE, FALSE, sizeof (guint));
      g_array_append_val (table_steps, config.steps);
    }
  /* every rank ready, or none starts; rank 0 writes what all computed */
  config.cluster = l2l_cli_cluster ();
  if ((status = l2l_cli_cluster_agree ("compare", L2L_EXIT_OK)) != L2L_EXIT_OK)
    goto out;

  if ((result = l2l_cli_compare_run (&config, &error)) == NULL)
    {
      status = l2l_cli_fail ("compare", error);
      goto out;
    }
  if (!l2l_cli_is_root ())
    goto out;
  if (!write_tables (result, csv_path, json_path, &error) ||
      (plot_path && !l2l_cli_compare_write_plot (result, plot_path, plot_width, plot_height,
                                                 x_mode, &error)))
    {
      status = l2l_cli_fail ("compare", error);
      goto out;
    }
  {
    g_autofree char *table = l2l_results_to_table (result, (const guint *) table_steps->data,
                                                   table_steps->len);
    fputs (table, stdout);
  }

out:
  status = l2l_cli_cluster_agree ("compare", status);
  l2l_compare_config_clear (&config);
  l2l_cli_experiment_clear (&args);
  return status;
}
