/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "l2l-chart-results.h"
#include "l2l-cli-experiment.h"
#include "l2l-cli-job.h"
#include "l2l-cli-parse.h"
#include "l2l-cli-progress.h"
#include "l2l-cli.h"

/* `l2l paths`: every optimizer from the same start on one function of two
 * coordinates, and where each step took it. */

#define GRID 240

typedef struct {
  L2lCompareConfig *config;
  L2lCompareResult *result;
  double           *points;    /* [optimizers × (steps + 1) × 2]: θ of run 0 per step */
  L2lCliProgress    progress;
} PathsJob;

static void
on_progress (const L2lCompareProgress *event,
             gpointer                  user_data)
{
  PathsJob *job = user_data;
  guint steps = job->config->steps;

  if (event->phase == L2L_COMPARE_RUNNING && event->first_run == 0 && event->theta != NULL)
    {
      double *at = job->points + ((gsize) event->optimizer * (steps + 1) + event->step) * 2;
      at[0] = event->theta[0];
      at[1] = event->theta[1];
    }
  l2l_cli_progress_update (&job->progress, job->config->optimizers[event->optimizer].label,
                           event->done, event->total);
}

static gboolean
paths_job (gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  PathsJob *job = data;

  job->result = l2l_compare_run (job->config, on_progress, job, cancellable, error);
  l2l_cli_progress_finish (&job->progress);
  return job->result != NULL;
}

/* The step at which run 0 of @entry diverged, or steps + 1. */
static guint
diverged_at (const L2lCompareResult *result,
             const L2lCompareEntry  *entry)
{
  for (guint t = 0; t <= result->steps; t++)
    if (!isfinite (entry->losses[t]))
      return t;
  return result->steps + 1;
}

static char *
paths_csv (const PathsJob *job,
           gsize          *length)
{
  const L2lCompareResult *result = job->result;
  GString *csv = g_string_new ("optimizer,step,x,y,loss\n");

  for (guint o = 0; o < result->n_entries; o++)
    {
      const L2lCompareEntry *entry = &result->entries[o];
      guint end = MIN (diverged_at (result, entry), result->steps + 1);

      for (guint t = 0; t < end; t++)
        {
          const double *at = job->points + ((gsize) o * (result->steps + 1) + t) * 2;
          char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE], loss[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_printf (csv, "%s,%u,%s,%s,%s\n", entry->label, t,
                                  g_ascii_formatd (x, sizeof x, "%.9g", at[0]),
                                  g_ascii_formatd (y, sizeof y, "%.9g", at[1]),
                                  g_ascii_formatd (loss, sizeof loss, "%.9g", entry->losses[t]));
        }
    }
  *length = csv->len;
  return g_string_free (csv, FALSE);
}

/* "rosenbrock from (−1.5, 2) · 200 steps": what the function is, not every
 * option's value; and the gradients' noise where there is some. */
static char *
plot_title (const L2lCompareResult *result,
            const double           *points)
{
  const char *fn = strstr (result->task_spec, "fn="), *noise = strstr (result->task_spec, "noise=");
  g_autofree char *name = fn ? g_strndup (fn + 3, strcspn (fn + 3, ","))
                             : g_strdup (result->task_spec);
  g_autofree char *sigma = noise ? g_strndup (noise + 6, strcspn (noise + 6, ",")) : NULL;
  gboolean noisy = sigma != NULL && g_ascii_strtod (sigma, NULL) > 0.0;

  return g_strdup_printf ("%s from (%.3g, %.3g) · %u steps%s%s", name, points[0], points[1],
                          result->steps, noisy ? " · gradient noise " : "", noisy ? sigma : "");
}

/* Whether a path ran off: diverged, or ended a thousand times above where
 * it started. Such a path is drawn to the plot's edge, not framed. */
static gboolean
ran_off (const L2lCompareResult *result,
         const L2lCompareEntry  *entry)
{
  double start = entry->losses[0], end = entry->losses[result->steps];

  return diverged_at (result, entry) <= result->steps || !(end <= 1e3 * fabs (start) + 1e-12);
}

/* The plot's window: the start, the function's minima and every point of
 * the paths that did not run off, with a margin. */
static L2lContour *
make_contour (const PathsJob *job,
              GError        **error)
{
  const L2lCompareResult *result = job->result;
  L2lTask *task = job->config->task;
  /* run 0's function: the one every path ran on */
  g_autoptr(L2lProblem) problem =
    l2l_task_sample_held_out (task, l2l_seed_derive (result->seed, L2L_SEED_TEST, 0));
  double lo[2], hi[2], minima[8], span;
  guint n_minima = l2l_landscape_problem_get_minima (problem, minima, 4);
  g_autofree char *title = NULL;
  L2lContour *contour;

  for (int d = 0; d < 2; d++)
    lo[d] = hi[d] = job->points[d];
  if (!isfinite (lo[0]) || !isfinite (lo[1]))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_DIVERGED,
                   "the start is not a point of the plane: nothing to draw");
      return NULL;
    }
  for (guint o = 0; o < result->n_entries; o++)
    {
      if (ran_off (result, &result->entries[o]))
        continue;
      for (guint t = 0; t <= result->steps; t++)
        for (int d = 0; d < 2; d++)
          {
            double v = job->points[((gsize) o * (result->steps + 1) + t) * 2 + d];
            lo[d] = MIN (lo[d], v), hi[d] = MAX (hi[d], v);
          }
    }
  for (guint m = 0; m < n_minima; m++)
    for (int d = 0; d < 2; d++)
      lo[d] = MIN (lo[d], minima[2 * m + d]), hi[d] = MAX (hi[d], minima[2 * m + d]);
  span = MAX (MAX (hi[0] - lo[0], hi[1] - lo[1]), 0.5);
  for (int d = 0; d < 2; d++)
    {
      double middle = (lo[d] + hi[d]) / 2.0, half = MAX (hi[d] - lo[d], span * 0.6) / 2.0 * 1.2;
      lo[d] = middle - half;
      hi[d] = middle + half;
    }
  title = plot_title (result, job->points);
  contour = l2l_contour_new (title, lo[0], hi[0], lo[1], hi[1], GRID, GRID);
  l2l_contour_fill (contour, problem);
  for (guint m = 0; m < n_minima; m++)
    l2l_contour_add_minimum (contour, minima[2 * m], minima[2 * m + 1]);
  for (guint o = 0; o < result->n_entries; o++)
    {
      L2lContourPath *path = l2l_contour_add_path (contour, result->entries[o].label, o);
      guint end = MIN (diverged_at (result, &result->entries[o]), result->steps + 1);

      for (guint t = 0; t < end; t++)
        {
          const double *at = job->points + ((gsize) o * (result->steps + 1) + t) * 2;
          l2l_contour_path_append (path, at[0], at[1]);
        }
    }
  return contour;
}

static gboolean
write_plot (const PathsJob  *job,
            const char      *path,
            int              width,
            int              height,
            GError         **error)
{
  g_autoptr(L2lContour) contour = make_contour (job, error);

  if (contour == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return l2l_contour_save (contour, job->result->steps, path, width, height, error);
}

int
l2l_cli_paths (int   argc,
               char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  L2lCliExperiment args = { .default_task = "landscape:fn=rosenbrock" };
  g_autofree char *csv_path = NULL, *plot_path = NULL, *plot_size = NULL;
  L2lCompareConfig defaults, config = { 0 };
  PathsJob job = { 0 };
  int status = L2L_EXIT_OK, plot_width = 800, plot_height = 700;
  const GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path,
      "Write every step as CSV optimizer,step,x,y,loss (step 0 = the start)", "FILE" },
    { NULL },
  };

  g_set_prgname ("l2l paths");
  l2l_compare_config_init (&defaults);
  defaults.steps = 200;
  defaults.runs = 1;
  context = g_option_context_new ("— where each optimizer goes on a function of two coordinates");
  g_option_context_set_summary (context,
    "Runs every optimizer from the same start on one function of two\n"
    "coordinates (the landscape task family) and draws each path over the\n"
    "function's contour levels (--plot), writes its steps (--csv), and prints\n"
    "where each ended.");
  /* the default task's rates in the help, as they are used */
  g_option_context_set_main_group (context, l2l_cli_experiment_option_group (
                                              &args, L2L_CLI_FLAGS_TASK | L2L_CLI_FLAGS_RATES,
                                              l2l_task_family_of_spec (args.default_task),
                                              &defaults));
  g_option_context_add_main_entries (context, entries, NULL);
  l2l_cli_add_plot_entries (context, &plot_path, &plot_size,
                            "Draw the paths over the function's contour levels, as .png, "
                            ".svg, .pdf or .gif (an animation of the paths growing)");

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      l2l_cli_report ("paths", error);
      status = L2L_EXIT_USAGE;
      goto out;
    }
  if (argc > 1)
    {
      l2l_cli_error ("paths", "unexpected argument '%s'", argv[1]);
      status = L2L_EXIT_USAGE;
      goto out;
    }
  if (!l2l_cli_experiment_build (&args, &defaults, &config, &error) ||
      (csv_path && !l2l_file_check_writable (csv_path, &error)) ||
      !l2l_file_check_distinct ((const char *[]) { csv_path, plot_path },
                                (const char *[]) { "--csv", "--plot" }, 2, &error) ||
      !l2l_cli_parse_plot (plot_path, plot_size, TRUE, &plot_width, &plot_height, &error))
    {
      status = L2L_EXIT_USAGE;
      l2l_cli_report ("paths", error);
      goto out;
    }
  if (l2l_task_get_n_params (config.task) != 2)
    {
      l2l_cli_error ("paths", "the task has %" G_GSIZE_FORMAT " parameters; paths are drawn on "
                     "functions of two (--task landscape:fn=…)",
                     l2l_task_get_n_params (config.task));
      status = L2L_EXIT_USAGE;
      goto out;
    }

  config.runs = 1;
  job.config = &config;
  job.points = g_new (double, (gsize) config.n_optimizers * (config.steps + 1) * 2);
  for (gsize k = 0; k < (gsize) config.n_optimizers * (config.steps + 1) * 2; k++)
    job.points[k] = NAN;
  l2l_cli_progress_init (&job.progress);
  if (!l2l_cli_run_job (paths_job, &job, &error))
    {
      status = l2l_cli_fail ("paths", error);
      goto out;
    }
  if (csv_path != NULL)
    {
      gsize length;
      g_autofree char *csv = paths_csv (&job, &length);

      if (!l2l_file_write_atomic (csv_path, csv, length, &error))
        {
          status = l2l_cli_fail ("paths", error);
          goto out;
        }
    }
  if (plot_path != NULL && !write_plot (&job, plot_path, plot_width, plot_height, &error))
    {
      status = l2l_cli_fail ("paths", error);
      goto out;
    }
  for (guint o = 0; o < job.result->n_entries; o++)
    {
      const L2lCompareEntry *entry = &job.result->entries[o];
      guint at = diverged_at (job.result, entry);
      const double *end = job.points + ((gsize) o * (config.steps + 1) + MIN (at - (at > 0), config.steps)) * 2;

      g_autofree char *name = entry->learned ? g_strdup (entry->label)
                              : g_strdup_printf ("%s (lr %.3g%s)", entry->label, entry->lr,
                                                 entry->tuning != NULL ? ", tuned" : "");

      if (at <= config.steps)
        printf ("%-28s diverged at step %u\n", name, at);
      else
        printf ("%-28s loss %.6g at (%.6g, %.6g) after %u step%s\n", name,
                entry->losses[config.steps], end[0], end[1], config.steps,
                config.steps == 1 ? "" : "s");
    }

out:
  g_clear_pointer (&job.result, l2l_compare_result_free);
  g_free (job.points);
  l2l_compare_config_clear (&config);
  l2l_compare_config_clear (&defaults);
  l2l_cli_experiment_clear (&args);
  return status;
}
