/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include "l2l-cli-cluster.h"
#include "l2l-cli-experiment.h"
#include "l2l-cli-optimizer-list.h"
#include "l2l-cli-task.h"
#include "l2l-cli.h"

/* Help texts that name the engine's rules and rates; freed with the group. */
typedef struct {
  char *task;
  char *optimizers;
  char *lr;
} Texts;

static void
texts_free (gpointer data)
{
  Texts *texts = data;

  g_free (texts->task);
  g_free (texts->optimizers);
  g_free (texts->lr);
  g_free (texts);
}

GOptionGroup *
l2l_cli_experiment_option_group (L2lCliExperiment       *args,
                                 L2lCliExperimentFlags   flags,
                                 const L2lTaskFamily    *family,
                                 const L2lCompareConfig *defaults)
{
  L2lCompareConfig engine_defaults;
  g_autofree char *names = l2l_cli_hand_written_names (", ");
  g_autofree char *list = l2l_cli_hand_written_names (",");
  g_autofree char *rates = l2l_cli_default_rates (family);
  Texts *texts = g_new0 (Texts, 1);
  g_autofree char *archs = l2l_rule_archs_to_string ();
  const char *skip[] = { (flags & L2L_CLI_FLAGS_RUNS) ? NULL : "runs", NULL };
  guint n;
  const L2lSetting *settings = l2l_compare_settings (&n);
  GOptionGroup *group;

  texts->optimizers = g_strdup_printf ("Comma-separated optimizers: %s, and learned ones as "
                                       "ARCH:FILE or ARCH:NAME of a pretrained one (ARCH: %s), "
                                       "e.g. lstm:quadratic (default: %s)", names, archs,
                                       args->default_optimizers ? args->default_optimizers
                                                                : list);
  texts->lr = g_strdup_printf ("Learning rates, e.g. sgd=0.01,adam=0.1 or adam=tune "
                               "(defaults: %s)", rates);
  /* a command may start from another task than the engine's (paths) */
  texts->task = g_strdup_printf ("Task family and options, e.g. quadratic:dims=10,dist=uniform,"
                                 "theta0-std=0.01 (default: %s)",
                                 args->default_task ? args->default_task
                                                    : L2L_TASK_DEFAULT_SPEC);
  {
    const GOptionEntry task[] = {
      { "task", 0, 0, G_OPTION_ARG_STRING, &args->task, texts->task, "SPEC" },
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
      { "optimizers", 0, 0, G_OPTION_ARG_STRING, &args->optimizers, texts->optimizers, "LIST" },
      { "tune-hyper", 0, 0, G_OPTION_ARG_NONE, &args->tune_hyper,
        "Tune by a random search over the learning rate and the rule's other "
        "hyper-parameters together, not the rate alone (momentum; Adam's betas; RMSprop's "
        "alpha)", NULL },
      { NULL },
    };
    const GOptionEntry rate_entries[] = {
      { "lr", 0, 0, G_OPTION_ARG_STRING, &args->lr, texts->lr, "LIST" },
      { "hyper", 0, 0, G_OPTION_ARG_STRING, &args->hyper,
        "Other hyper-parameters, e.g. sgd.momentum=0.9,adam.beta1=0.8,adam.beta2=0.99 or "
        "rmsprop.alpha=0.9 (torch.optim's defaults otherwise)", "LIST" },
      { "tune", 0, 0, G_OPTION_ARG_NONE, &args->tune,
        "Tune the learning rate of every optimizer not given one with --lr", NULL },
      { NULL },
    };

    group = g_option_group_new ("experiment", "Experiment options:", "Show experiment options",
                                texts, texts_free);
    l2l_compare_config_init (&engine_defaults);
    l2l_cli_settings_init (&args->settings, settings, n, skip, l2l_cli_config_default,
                           defaults ? defaults : &engine_defaults);
    if (flags & L2L_CLI_FLAGS_TASK)
      g_option_group_add_entries (group, task);
    g_option_group_add_entries (group, common);
    g_option_group_add_entries (group, args->settings.entries);
    if (flags & L2L_CLI_FLAGS_RATES)
      g_option_group_add_entries (group, rate_entries);
  }
  return group;
}

gboolean
l2l_cli_experiment_build (const L2lCliExperiment  *args,
                          const L2lCompareConfig  *defaults,
                          L2lCompareConfig        *config,
                          GError                 **error)
{
  const char *spec = args->task ? args->task
                     : args->default_task ? args->default_task : L2L_TASK_DEFAULT_SPEC;

  l2l_compare_config_init (config);
  if (defaults != NULL)
    *config = *defaults;
  if (args->problem != NULL)
    config->runs = 1;
  config->threads = l2l_cli_default_threads ();
  if (l2l_cli_settings_given (&args->settings, "tune-budget") && !args->tune_hyper)
    {
      g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                           "--tune-budget: only with --tune-hyper");
      return FALSE;
    }
  if (args->tune_hyper)
    config->tune.hyper_budget = L2L_TUNE_HYPER_BUDGET;
  if (!l2l_cli_settings_apply (&args->settings, config, error))
    return FALSE;
  /* Rates suited to the task unless --lr says otherwise. */
  if (!l2l_cli_optimizers_parse (args->optimizers ? args->optimizers
                                                  : args->default_optimizers,
                                 args->problem ? NULL : l2l_task_family_of_spec (spec),
                                 config, error) ||
      !l2l_cli_learning_rates_parse (args->lr, args->tune || args->tune_hyper, config, error) ||
      !l2l_cli_hyper_parse (args->hyper, config, error))
    return FALSE;

  config->task = l2l_cli_task_or_problem (args->task ? args->task
                                          : args->problem ? NULL : args->default_task,
                                          args->problem, args->data, error);
  if (config->task == NULL)
    return FALSE;
  if (!l2l_compare_config_validate (config, error))
    {
      l2l_cli_name_flag (*error);
      return FALSE;
    }
  return TRUE;
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
  l2l_cli_settings_clear (&args->settings);
}

void
l2l_cli_inputs_add_task (GPtrArray  *paths,
                         GPtrArray  *flags,
                         const char *spec,
                         gboolean    keys_are_flags)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  const guint first = paths->len;

  l2l_task_spec_inputs (spec, paths, keys);
  for (guint i = 0; i < keys->len; i++)
    g_ptr_array_add (flags, g_strdup_printf (keys_are_flags ? "--%s" : "--task %s",
                                             (const char *) keys->pdata[i]));
  g_assert (paths->len - first == keys->len);
}

gboolean
l2l_cli_experiment_check_outputs (const L2lCliExperiment  *args,
                                  const L2lCompareConfig  *config,
                                  gboolean                 keys_are_flags,
                                  const char *const       *outputs,
                                  const char *const       *output_flags,
                                  guint                    n_outputs,
                                  GError                 **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) flags = g_ptr_array_new_with_free_func (g_free);
  const char *optimizers = args->optimizers ? args->optimizers : args->default_optimizers;

  if (args->problem != NULL)
    {
      g_ptr_array_add (paths, g_strdup (args->problem));
      g_ptr_array_add (flags, g_strdup ("--problem"));
    }
  if (config->task != NULL)
    l2l_cli_inputs_add_task (paths, flags, l2l_task_get_spec (config->task), keys_are_flags);
  if (optimizers != NULL)
    {
      g_auto(GStrv) items = g_strsplit (optimizers, ",", -1);

      for (guint i = 0; items[i] != NULL; i++)
        {
          g_autofree char *path = NULL;

          if (l2l_rule_spec_arch (items[i], NULL) == NULL ||
              (path = l2l_rule_spec_resolve (items[i], NULL)) == NULL ||
              l2l_pretrained_is_builtin (path))
            continue;
          g_ptr_array_add (paths, g_steal_pointer (&path));
          g_ptr_array_add (flags, g_strdup ("--optimizers"));
        }
    }
  return l2l_file_check_not_inputs (outputs, output_flags, n_outputs,
                                    (const char *const *) paths->pdata,
                                    (const char *const *) flags->pdata, paths->len, error);
}
