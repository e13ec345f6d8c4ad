/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2l-chart-export.h"
#include "l2l-cli-cluster.h"
#include "l2l-cli-experiment.h"
#include "l2l-cli.h"

#define DEFAULT_OPTIMIZERS "sgd,rmsprop,adam,nag"

GOptionGroup *
l2l_cli_experiment_option_group (L2lCliExperiment      *args,
                                 L2lCliExperimentFlags  flags)
{
  const GOptionEntry task[] = {
    { "task", 0, 0, G_OPTION_ARG_STRING, &args->task,
      "Task family and options, e.g. quadratic:dims=10,dist=uniform,theta0-std=0.01 "
      "(default: quadratic)", "SPEC" },
    { "problem", 0, 0, G_OPTION_ARG_FILENAME, &args->problem,
      "One fixed quadratic from JSON {\"W\": [[…]], \"y\": […], \"theta0\": […]} "
      "instead of --task", "FILE" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &args->data,
      "Folder of the data set: the standard IDX files for mnist and fashion-mnist "
      "(default: the built-in MNIST subset; Debian's Fashion-MNIST), "
      "cifar-10-batches-bin for cnn:dataset=cifar10", "DIR" },
    { NULL },
  };
  const GOptionEntry common[] = {
    { "optimizers", 0, 0, G_OPTION_ARG_STRING, &args->optimizers,
      "Comma-separated optimizers: sgd, rmsprop, adam, nag, and learned ones as "
      "lstm:FILE or lstm:NAME of a pretrained one, e.g. lstm:quadratic (default: "
      "sgd,rmsprop,adam,nag)", "LIST" },
    { "steps", 0, 0, G_OPTION_ARG_STRING, &args->steps,
      "Optimization steps per function (default: 100)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &args->seed,
      "Seed of every random draw (default: 0)", "N" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &args->threads,
      "Worker threads; results are the same for any number (default: the cores)", "N" },
    { "tune-runs", 0, 0, G_OPTION_ARG_STRING, &args->tune_runs,
      "Tuning functions, drawn apart from the test functions (default: 20)", "N" },
    { "tune-objective", 0, 0, G_OPTION_ARG_STRING, &args->tune_objective,
      "What tuning minimises: final (mean loss at the last step, default) or sum "
      "(mean of the loss summed over all steps)", "final|sum" },
    { "tune-grid", 0, 0, G_OPTION_ARG_STRING, &args->tune_grid,
      "Log grid of learning rates: lowest, highest, points a decade "
      "(default: 1e-5:10:4)", "MIN:MAX:N" },
    { "tune-hyper", 0, 0, G_OPTION_ARG_NONE, &args->tune_hyper,
      "Tune by a random search over the learning rate and the rule's other "
      "hyper-parameters together, not the rate alone (momentum; Adam's betas; RMSprop's alpha)", NULL },
    { "tune-budget", 0, 0, G_OPTION_ARG_STRING, &args->tune_budget,
      "Configurations --tune-hyper tries per optimizer (default: 32)", "N" },
    { NULL },
  };
  const GOptionEntry runs[] = {
    { "runs", 0, 0, G_OPTION_ARG_STRING, &args->runs,
      "Test functions (default: 100; 1 with --problem)", "N" },
    { NULL },
  };
  const GOptionEntry rates[] = {
    { "lr", 0, 0, G_OPTION_ARG_STRING, &args->lr,
      "Learning rates, e.g. sgd=0.01,adam=0.1 or adam=tune (defaults: sgd 0.01, "
      "rmsprop 0.01, adam 0.001, nag 0.01)", "LIST" },
    { "hyper", 0, 0, G_OPTION_ARG_STRING, &args->hyper,
      "Other hyper-parameters, e.g. sgd.momentum=0.9,adam.beta1=0.8,adam.beta2=0.99 or "
      "rmsprop.alpha=0.9 (torch.optim's defaults otherwise)", "LIST" },
    { "tune", 0, 0, G_OPTION_ARG_NONE, &args->tune,
      "Tune the learning rate of every optimizer not given one with --lr", NULL },
    { NULL },
  };
  GOptionGroup *group = g_option_group_new ("experiment", "Experiment options:",
                                            "Show experiment options", NULL, NULL);

  if (flags & L2L_CLI_FLAGS_TASK)
    g_option_group_add_entries (group, task);
  g_option_group_add_entries (group, common);
  if (flags & L2L_CLI_FLAGS_RUNS)
    g_option_group_add_entries (group, runs);
  if (flags & L2L_CLI_FLAGS_RATES)
    g_option_group_add_entries (group, rates);
  return group;
}

gboolean
l2l_cli_parse_count (const char  *flag,
             const char  *text,
             guint        min,
             guint        max,
             guint       *out,
             GError     **error)
{
  gint64 value;

  if (text == NULL)
    return TRUE;
  if (!l2l_parse_int (text, &value))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "%s: '%s' is not a whole number", flag, text);
      return FALSE;
    }
  if (value < min || value > max)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "%s: %s is outside the range %u to %u", flag, text, min, max);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

gboolean
l2l_cli_parse_uint (const char  *flag,
                    const char  *text,
                    guint       *out,
                    GError     **error)
{
  return l2l_cli_parse_count (flag, text, 0, G_MAXUINT, out, error);
}

gboolean
l2l_cli_parse_real (const char  *flag,
                    const char  *text,
                    double      *out,
                    GError     **error)
{
  if (text == NULL)
    return TRUE;
  if (!l2l_parse_double (text, out))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "%s: '%s' is not a number", flag, text);
      return FALSE;
    }
  return TRUE;
}

gboolean
l2l_cli_parse_seed (const char  *text,
            guint64     *out,
            GError     **error)
{
  guint64 value;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &value, NULL))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "--seed: '%s' is not a whole number ≥ 0", text);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

char *
l2l_cli_resolve_learned (const char  *name,
                         GError     **error)
{
  char *path = l2l_pretrained_resolve (name + strlen ("lstm:"), error);

  if (path == NULL)
    g_prefix_error (error, "lstm:");
  return path;
}

/* "lstm:runs/quad.safetensors" → label "lstm:quad". */
static char *
learned_label (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  if (g_str_has_suffix (base, ".safetensors"))
    base[strlen (base) - strlen (".safetensors")] = '\0';
  return g_strconcat ("lstm:", base, NULL);
}

static gboolean
add_optimizer (L2lCompareConfig     *config,
               const L2lTaskFamily  *family,
               const char           *name,
               GError              **error)
{
  L2lOptimizerSpec *spec = &config->optimizers[config->n_optimizers];
  g_autofree char *label = NULL;

  if (g_str_has_prefix (name, "lstm:"))
    {
      g_autofree char *path = l2l_cli_resolve_learned (name, error);
      g_autoptr(L2lLstm) net = path ? l2l_checkpoint_load (path, error) : NULL;

      if (net == NULL)
        return FALSE;
      label = learned_label (path);
      l2l_optimizer_spec_init_learned (spec, label, net);
    }
  else
    {
      const L2lOptimizerInfo *info = l2l_optimizer_info_lookup (name);

      if (info == NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--optimizers: unknown optimizer '%s' (known: sgd, rmsprop, adam, nag, "
                       "lstm:FILE, lstm:NAME of a pretrained one)", name);
          return FALSE;
        }
      l2l_optimizer_spec_init (spec, info);
      spec->lr = l2l_task_family_default_lr (family, info->name, spec->lr);
    }
  for (guint j = 0; j < config->n_optimizers; j++)
    if (g_str_equal (config->optimizers[j].label, spec->label))
      {
        g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                     "--optimizers: '%s' is listed twice", spec->label);
        l2l_optimizer_spec_clear (spec);
        return FALSE;
      }
  config->n_optimizers++;
  return TRUE;
}

static gboolean
parse_optimizers (const char           *text,
                  const L2lTaskFamily  *family,
                  L2lCompareConfig     *config,
                  GError              **error)
{
  g_auto(GStrv) names = g_strsplit (text ? text : DEFAULT_OPTIMIZERS, ",", -1);
  guint n = g_strv_length (names);

  if (n == 0)
    {
      g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                           "--optimizers: the list is empty");
      return FALSE;
    }
  config->optimizers = g_new0 (L2lOptimizerSpec, n);
  for (guint i = 0; i < n; i++)
    if (!add_optimizer (config, family, g_strstrip (names[i]), error))
      return FALSE;
  return TRUE;
}

static gboolean
parse_learning_rates (const char        *text,
                      gboolean           tune_rest,
                      L2lCompareConfig  *config,
                      GError           **error)
{
  g_auto(GStrv) items = NULL;
  g_autofree gboolean *given = g_new0 (gboolean, config->n_optimizers);

  items = g_strsplit (text ? text : "", ",", -1);
  for (guint i = 0; text != NULL && items[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (items[i], "=", 2);
      L2lOptimizerSpec *spec = NULL;
      guint index = 0;
      double lr;

      if (pair[0] == NULL || pair[1] == NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--lr: '%s' is not of the form optimizer=rate", items[i]);
          return FALSE;
        }
      g_strstrip (pair[0]);
      g_strstrip (pair[1]);
      for (; index < config->n_optimizers; index++)
        if (g_str_equal (config->optimizers[index].label, pair[0]))
          {
            spec = &config->optimizers[index];
            break;
          }
      if (spec == NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--lr: '%s' is not among the chosen optimizers", pair[0]);
          return FALSE;
        }
      given[index] = TRUE;
      if (spec->net != NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--lr: %s is a learned optimizer and has no learning rate", pair[0]);
          return FALSE;
        }
      if (g_str_equal (pair[1], "tune"))
        {
          spec->tune = TRUE;
          continue;
        }
      if (!l2l_parse_double (pair[1], &lr) || lr <= 0.0)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--lr: %s: '%s' is not a learning rate above 0 (or 'tune')",
                       pair[0], pair[1]);
          return FALSE;
        }
      spec->lr = lr;
    }
  for (guint i = 0; i < config->n_optimizers; i++)
    if (tune_rest && !given[i] && config->optimizers[i].net == NULL)
      config->optimizers[i].tune = TRUE;
  return TRUE;
}

static gboolean
parse_tune_grid (const char     *text,
                 L2lTuneConfig  *tune,
                 GError        **error)
{
  g_auto(GStrv) parts = NULL;
  gint64 per_decade;

  if (text == NULL)
    return TRUE;
  parts = g_strsplit (text, ":", -1);
  if (g_strv_length (parts) != 3 ||
      !l2l_parse_double (parts[0], &tune->lr_min) ||
      !l2l_parse_double (parts[1], &tune->lr_max) ||
      !l2l_parse_int (parts[2], &per_decade) || per_decade < 1 || per_decade > 100 ||
      tune->lr_min <= 0.0 || tune->lr_max < tune->lr_min)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "--tune-grid: '%s' is not MIN:MAX:N with 0 < MIN ≤ MAX and N "
                   "from 1 to 100, e.g. 1e-5:10:4", text);
      return FALSE;
    }
  tune->per_decade = (guint) per_decade;
  return TRUE;
}

/* --hyper NAME.PARAM=VALUE,…: fixed values, which a search may not override. */
static gboolean
parse_hyper (const char        *text,
             L2lCompareConfig  *config,
             GError           **error)
{
  g_auto(GStrv) items = g_strsplit (text ? text : "", ",", -1);

  for (guint i = 0; text != NULL && items[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (items[i], "=", 2);
      const char *dot = strchr (pair[0], '.');
      g_autofree char *name = dot ? g_strndup (pair[0], dot - pair[0]) : NULL;
      L2lOptimizerSpec *spec = NULL;
      double value;

      if (pair[1] == NULL || dot == NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--hyper: '%s' is not of the form optimizer.name=value", items[i]);
          return FALSE;
        }
      for (guint k = 0; k < config->n_optimizers; k++)
        if (g_str_equal (config->optimizers[k].label, name))
          spec = &config->optimizers[k];
      if (spec == NULL || spec->net != NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       spec ? "--hyper: %s is a learned optimizer and has no hyper-parameters"
                            : "--hyper: '%s' is not among the chosen optimizers", name);
          return FALSE;
        }
      if (spec->tune && config->tune.hyper_budget > 0)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--hyper: %s is searched by --tune-hyper; give it a rate with --lr to "
                       "fix its hyper-parameters", name);
          return FALSE;
        }
      if (!l2l_parse_double (pair[1], &value))
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--hyper: %s: '%s' is not a number", pair[0], pair[1]);
          return FALSE;
        }
      if (!l2l_hyper_set (spec->info, &spec->hyper, dot + 1, value, error))
        {
          g_prefix_error (error, "--hyper: ");
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
l2l_cli_experiment_build (const L2lCliExperiment  *args,
                          L2lCompareConfig        *config,
                          GError                 **error)
{
  l2l_compare_config_init (config);

  if (args->task != NULL && args->problem != NULL)
    {
      g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                           "--task and --problem exclude each other");
      return FALSE;
    }
  if (args->problem != NULL)
    config->runs = 1;
  config->threads = l2l_cli_default_threads ();

  if (!l2l_cli_parse_uint ("--steps", args->steps, &config->steps, error) ||
      !l2l_cli_parse_uint ("--runs", args->runs, &config->runs, error) ||
      !l2l_cli_parse_uint ("--tune-runs", args->tune_runs, &config->tune.runs, error) ||
      !l2l_cli_parse_uint ("--threads", args->threads, &config->threads, error) ||
      !l2l_cli_parse_seed (args->seed, &config->seed, error) ||
      !parse_tune_grid (args->tune_grid, &config->tune, error))
    return FALSE;
  if (args->tune_objective != NULL &&
      !l2l_tune_objective_from_string (args->tune_objective, &config->tune.objective))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "--tune-objective: '%s' is not final or sum", args->tune_objective);
      return FALSE;
    }
  /* Rates suited to the task unless --lr says otherwise. */
  if (!parse_optimizers (args->optimizers,
                         args->problem ? NULL : l2l_task_family_of_spec (args->task ? args->task
                                                                                    : "quadratic"),
                         config, error) ||
      !parse_learning_rates (args->lr, args->tune || args->tune_hyper, config, error))
    return FALSE;
  if (args->tune_budget != NULL && !args->tune_hyper)
    {
      g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                           "--tune-budget: only with --tune-hyper");
      return FALSE;
    }
  if (args->tune_hyper)
    {
      config->tune.hyper_budget = 32;
      if (!l2l_cli_parse_uint ("--tune-budget", args->tune_budget, &config->tune.hyper_budget,
                               error))
        return FALSE;
      if (!l2l_check_limit ("tune-budget", config->tune.hyper_budget, error))
        {
          l2l_cli_name_flag (*error);
          return FALSE;
        }
    }

  if (!parse_hyper (args->hyper, config, error))
    return FALSE;

  if (args->problem != NULL)
    config->task = l2l_task_quadratic_new_from_file (args->problem, error);
  else
    config->task = l2l_cli_task_from_flags (args->task, args->data, error);
  if (config->task == NULL)
    return FALSE;
  if (!l2l_compare_config_validate (config, error))
    {
      l2l_cli_name_flag (*error);
      return FALSE;
    }
  return TRUE;
}

L2lTask *
l2l_cli_task_from_flags (const char  *spec,
                         const char  *data,
                         GError     **error)
{
  g_autofree char *full = NULL;
  L2lTask *task;

  spec = spec ? spec : "quadratic";
  if (data != NULL)
    {
      if (strchr (data, ',') != NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--data: %s: a folder name with a comma cannot be passed on", data);
          return NULL;
        }
      full = g_strdup_printf ("%s%sdata=%s", spec, strchr (spec, ':') ? "," : ":", data);
    }
  task = l2l_task_new_from_spec (full ? full : spec, error);
  /* Name the flag the problem came from: the data set's folder, or the task. */
  if (task == NULL)
    g_prefix_error (error, "%s", g_strcmp0 (l2l_error_get_field (*error), "data") == 0
                                 ? "--data: " : "--task: ");
  return task;
}

void
l2l_cli_experiment_clear (L2lCliExperiment *args)
{
  g_free (args->task);
  g_free (args->problem);
  g_free (args->data);
  g_free (args->optimizers);
  g_free (args->lr);
  g_free (args->hyper);
  g_free (args->tune_runs);
  g_free (args->tune_budget);
  g_free (args->tune_objective);
  g_free (args->tune_grid);
  g_free (args->steps);
  g_free (args->runs);
  g_free (args->seed);
  g_free (args->threads);
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return (x > y) - (x < y);
}

gboolean
l2l_cli_parse_steps (const char  *flag,
                     const char  *text,
                     guint        max_step,
                     GArray     **steps,
                     GError     **error)
{
  g_auto(GStrv) items = g_strsplit (text, ",", -1);
  g_autoptr(GArray) result = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; items[i] != NULL; i++)
    {
      guint step;

      if (!l2l_cli_parse_count (flag, g_strstrip (items[i]), 0, max_step, &step, error))
        return FALSE;
      g_array_append_val (result, step);
    }
  g_array_sort (result, compare_uint);
  for (guint i = 1; i < result->len;)
    if (g_array_index (result, guint, i) == g_array_index (result, guint, i - 1))
      g_array_remove_index (result, i);
    else
      i++;
  *steps = g_steal_pointer (&result);
  return TRUE;
}

gboolean
l2l_cli_parse_plot (const char  *path,
                    const char  *size,
                    int         *width,
                    int         *height,
                    GError     **error)
{
  L2lChartFormat format;

  *width = 1000;
  *height = 650;
  if (size != NULL && (sscanf (size, "%dx%d", width, height) != 2 ||
                       *width < 16 || *height < 16 || *width > 16384 || *height > 16384))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "--plot-size: '%s' is not WIDTHxHEIGHT from 16x16 to 16384x16384", size);
      return FALSE;
    }
  if (path == NULL)
    return TRUE;
  if (!l2l_chart_format_from_path (path, &format))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "--plot: %s: the name must end in .png, .svg or .pdf", path);
      return FALSE;
    }
  return l2l_file_check_writable (path, error);
}
