/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <stdio.h>

#include "l2l-cli-cluster.h"
#include "l2l-cli-experiment.h"
#include "l2l-cli-job.h"
#include "l2l-cli-progress.h"
#include "l2l-cli.h"

typedef struct {
  L2lCompareConfig config;
  L2lTuneResult  **results;     /* [n_optimizers] */
  L2lCliProgress   progress;
  guint            current;
} TuneJob;

static void
on_progress (guint64  done,
             guint64  total,
             gpointer user_data)
{
  TuneJob *job = user_data;
  guint n = job->config.n_optimizers;
  g_autofree char *what = g_strdup_printf ("tuning %s",
                                           job->config.optimizers[job->current].label);

  l2l_cli_progress_update (&job->progress, what, job->current * total + done, n * total);
}

static gboolean
tune_job (gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  TuneJob *job = data;
  const L2lCompareConfig *config = &job->config;
  g_autoptr(L2lParallel) parallel = l2l_parallel_new (config->threads);

  for (job->current = 0; job->current < config->n_optimizers; job->current++)
    {
      job->results[job->current] =
        l2l_tune_run (config->task, &config->optimizers[job->current], config->steps,
                      config->seed, &config->tune, parallel, config->cluster, on_progress, job,
                      cancellable,
                      error);
      if (job->results[job->current] == NULL)
        break;
    }
  l2l_cli_progress_finish (&job->progress);
  return job->current == config->n_optimizers;
}

#define SEARCH_SHOWN 5

static int
compare_objective (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  const L2lTuneResult *result = user_data;
  double x = result->objective[*(const guint *) a], y = result->objective[*(const guint *) b];

  /* diverged (+inf) last; ties in drawing order */
  if (x != y)
    return x < y ? -1 : 1;
  return (int) *(const guint *) a - (int) *(const guint *) b;
}

/* A search's best configurations per optimizer, lowest objective first. */
static void
print_search (FILE          *out,
              const TuneJob *job)
{
  const L2lCompareConfig *config = &job->config;

  for (guint i = 0; i < config->n_optimizers; i++)
    {
      const L2lTuneResult *result = job->results[i];
      const L2lOptimizerInfo *info = config->optimizers[i].info;
      const char *names[L2L_HYPER_MAX];
      double values[L2L_HYPER_MAX];
      guint n_hyper = l2l_hyper_list (info, &result->hypers[0], names, values);
      g_autofree guint *order = g_new (guint, result->n_grid);

      for (guint k = 0; k < result->n_grid; k++)
        order[k] = k;
      g_qsort_with_data (order, (gint) result->n_grid, sizeof *order, compare_objective,
                         (gpointer) result);
      fprintf (out, "%-13s  %-13s", config->optimizers[i].label, "learning rate");
      for (guint h = 0; h < n_hyper; h++)
        fprintf (out, "  %-10s", names[h]);
      fprintf (out, "  objective\n");
      for (guint r = 0; r < MIN (SEARCH_SHOWN, result->n_grid); r++)
        {
          guint k = order[r];
          char loss[32];

          l2l_hyper_list (info, &result->hypers[k], names, values);
          l2l_results_format_loss (loss, sizeof loss, result->objective[k]);
          fprintf (out, "%-13s  %-13.4g", "", result->grid[k]);
          for (guint h = 0; h < n_hyper; h++)
            fprintf (out, "  %-10.6g", values[h]);
          fprintf (out, "  %s%s\n", loss, k == result->best ? " *" : "");
        }
      fputc ('\n', out);
    }
}

/* "adam: learning rate 0.03162, beta1 0.9, beta2 0.999" per optimizer. */
static void
print_chosen (FILE          *out,
              const TuneJob *job)
{
  const L2lCompareConfig *config = &job->config;

  for (guint i = 0; i < config->n_optimizers; i++)
    {
      const L2lTuneResult *result = job->results[i];
      g_autoptr(GString) line = g_string_new (NULL);

      g_string_printf (line, "%s: learning rate %.4g", config->optimizers[i].label,
                       l2l_tune_result_best_lr (result));
      if (result->hypers != NULL)
        {
          g_string_append (line, ", ");
          l2l_results_append_hyper (line, config->optimizers[i].info,
                                    &result->hypers[result->best]);
        }
      fprintf (out, "%s\n", line->str);
    }
}

static void
print_tune_table (FILE          *out,
                  const TuneJob *job)
{
  const L2lCompareConfig *config = &job->config;
  const L2lTuneResult *first = job->results[0];

  fprintf (out, "Task %s · %u tuning functions × %u steps · seed %" G_GUINT64_FORMAT "\n",
           l2l_task_get_spec (config->task), config->tune.runs, config->steps, config->seed);
  fprintf (out, "Objective: %s (* marks the lowest)\n",
           config->tune.objective == L2L_TUNE_FINAL ? "mean final loss" : "mean summed loss");
  if (first->hypers != NULL)
    {
      fprintf (out, "A random search of %u configurations per optimizer; the best %u of each:\n\n",
               first->n_grid, MIN (SEARCH_SHOWN, first->n_grid));
      print_search (out, job);
      print_chosen (out, job);
      return;
    }
  fputc ('\n', out);
  fprintf (out, "%-13s", "learning rate");
  for (guint i = 0; i < config->n_optimizers; i++)
    fprintf (out, "  %-12s", config->optimizers[i].label);
  fputc ('\n', out);
  for (guint k = 0; k < first->n_grid; k++)
    {
      fprintf (out, "%-13.4g", first->grid[k]);
      for (guint i = 0; i < config->n_optimizers; i++)
        {
          const L2lTuneResult *result = job->results[i];
          char loss[32];
          g_autofree char *cell = NULL;

          l2l_results_format_loss (loss, sizeof loss, result->objective[k]);
          cell = g_strdup_printf ("%s%s", loss, k == result->best ? " *" : "");
          fprintf (out, "  %-12s", cell);
        }
      fputc ('\n', out);
    }
  fputc ('\n', out);
  print_chosen (out, job);
}

static gboolean
write_json (const TuneJob  *job,
            const char     *path,
            GError        **error)
{
  const L2lCompareConfig *config = &job->config;
  g_autofree char *json = NULL;
  gsize length;

  json = l2l_results_tuning_to_json (l2l_task_get_spec (config->task), config->steps,
                                     config->seed, &config->tune, config->optimizers, job->results,
                                     config->n_optimizers, &length);
  return l2l_file_write_atomic (path, json, length, error);
}

int
l2l_cli_tune (int   argc,
              char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  L2lCliExperiment args = { 0 };
  g_autofree char *json_path = NULL;
  TuneJob job = { 0 };
  int status = L2L_EXIT_OK;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path,
      "Write the grid, the objective at each rate and the chosen rates as JSON", "FILE" },
    { NULL },
  };

  g_set_prgname ("l2l tune");
  context = g_option_context_new ("— pick each optimizer's learning rate");
  g_option_context_set_summary (context,
    "Runs each optimizer at every rate of a log grid on tuning functions (drawn\n"
    "apart from the functions 'l2l compare' tests on) and picks the rate with\n"
    "the lowest objective; ties go to the smaller rate.");
  g_option_context_set_main_group (context, l2l_cli_experiment_option_group (&args, L2L_CLI_FLAGS_TASK,
                                                                               NULL, NULL));
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      l2l_cli_report ("tune", error);
      status = L2L_EXIT_USAGE;
      goto out;
    }
  if (argc > 1)
    {
      l2l_cli_error ("tune", "unexpected argument '%s'", argv[1]);
      status = L2L_EXIT_USAGE;
      goto out;
    }
  args.tune = TRUE;
  if (!l2l_cli_experiment_build (&args, NULL, &job.config, &error) ||
      (json_path && !l2l_file_check_writable (json_path, &error)) ||
      !l2l_cli_experiment_check_outputs (&args, &job.config, FALSE,
                                         (const char *[]) { json_path },
                                         (const char *[]) { "--json" }, 1, &error))
    {
      l2l_cli_report ("tune", error);
      status = L2L_EXIT_USAGE;
      goto out;
    }

  for (guint i = 0; i < job.config.n_optimizers; i++)
    if (job.config.optimizers[i].net != NULL)
      {
        l2l_cli_error ("tune", "%s is a learned optimizer and has no learning rate to tune",
                       job.config.optimizers[i].label);
        status = L2L_EXIT_USAGE;
        goto out;
      }
  /* every rank ready, or none starts; rank 0 writes what all computed */
  job.config.cluster = l2l_cli_cluster ();
  if ((status = l2l_cli_cluster_agree ("tune", L2L_EXIT_OK)) != L2L_EXIT_OK)
    goto out;
  job.results = g_new0 (L2lTuneResult *, job.config.n_optimizers);
  l2l_cli_progress_init (&job.progress);
  if (!l2l_cli_run_job (tune_job, &job, &error) ||
      (l2l_cli_is_root () && json_path && !write_json (&job, json_path, &error)))
    {
      status = l2l_cli_fail ("tune", error);
      goto out;
    }
  if (l2l_cli_is_root ())
    print_tune_table (stdout, &job);

out:
  status = l2l_cli_cluster_agree ("tune", status);
  for (guint i = 0; job.results && i < job.config.n_optimizers; i++)
    l2l_tune_result_free (job.results[i]);
  g_free (job.results);
  l2l_compare_config_clear (&job.config);
  l2l_cli_experiment_clear (&args);
  return status;
}
