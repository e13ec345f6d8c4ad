/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include "l2l-error.h"
#include "l2l-rule-unroll.h"
#include "l2l-memory.h"
#include "l2l-meta-train.h"
#include "l2l-options.h"
#include "l2l-parallel.h"

/* A meta-training's settings: defaults, a family's own, and their checks. */

void
l2l_train_config_init_defaults (L2lTrainConfig *config)
{
  *config = (L2lTrainConfig) {
    .batch = 128,
    .steps = 100,
    .unroll = 20,
    .weights = "uniform",
    .meta_lr = 1e-3,
    .clip_norm = 1.0,
    .epochs = 1000,
    .eval_every = 10,
    .eval_runs = 100,
    .seed = 0,
    .threads = MIN (g_get_num_processors (), L2L_MAX_THREADS),
    .meta_lr_schedule = L2L_META_LR_CONSTANT,
    .scale_range = 1.0,
    .curriculum = 0,
    .average = 0.0,
    .log_objective = FALSE,
    .meta_gradient = L2L_META_GRADIENT_FIRST_ORDER,
    .imitate = NULL,
    .imitate_lr = 0.0,
    .imitate_epochs = 50,
    .es_pairs = 8,
    .es_sigma = 0.01,
    .zero_output = FALSE,
  };
  l2l_rule_config_init_defaults (&config->rule);
}

gboolean
l2l_meta_lr_schedule_from_string (const char        *text,
                                  L2lMetaLrSchedule *schedule)
{
  if (g_strcmp0 (text, "constant") == 0)
    *schedule = L2L_META_LR_CONSTANT;
  else if (g_strcmp0 (text, "cosine") == 0)
    *schedule = L2L_META_LR_COSINE;
  else
    return FALSE;
  return TRUE;
}

const char *
l2l_meta_lr_schedule_to_string (L2lMetaLrSchedule schedule)
{
  return schedule == L2L_META_LR_COSINE ? "cosine" : "constant";
}

gboolean
l2l_keep_from_string (const char *text,
                      L2lKeep    *keep)
{
  if (g_strcmp0 (text, "mean") == 0)
    *keep = L2L_KEEP_MEAN;
  else if (g_strcmp0 (text, "final") == 0)
    *keep = L2L_KEEP_FINAL;
  else
    return FALSE;
  return TRUE;
}

const char *
l2l_keep_to_string (L2lKeep keep)
{
  return keep == L2L_KEEP_FINAL ? "final" : "mean";
}

gboolean
l2l_imitate_from_string (const char             *text,
                         const L2lOptimizerInfo **teacher,
                         double                  *lr)
{
  g_auto(GStrv) parts = NULL;

  if (g_strcmp0 (text, "none") == 0)
    {
      *teacher = NULL;
      *lr = 0.0;
      return TRUE;
    }
  parts = g_strsplit (text != NULL ? text : "", "=", 2);
  if (g_strv_length (parts) != 2 || l2l_optimizer_info_lookup (parts[0]) == NULL ||
      !l2l_parse_double (parts[1], lr) || !(*lr > 0.0) || *lr > 1e6)
    return FALSE;
  *teacher = l2l_optimizer_info_lookup (parts[0]);
  return TRUE;
}

char *
l2l_imitate_to_string (const L2lOptimizerInfo *teacher,
                       double                  lr)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  if (teacher == NULL)
    return g_strdup ("none");
  return g_strconcat (teacher->name, "=", g_ascii_formatd (number, sizeof number, "%.15g", lr),
                      NULL);
}

gboolean
l2l_meta_gradient_from_string (const char      *text,
                               L2lMetaGradient *meta_gradient)
{
  if (g_strcmp0 (text, "first-order") == 0)
    *meta_gradient = L2L_META_GRADIENT_FIRST_ORDER;
  else if (g_strcmp0 (text, "second-order") == 0)
    *meta_gradient = L2L_META_GRADIENT_SECOND_ORDER;
  else if (g_strcmp0 (text, "es") == 0)
    *meta_gradient = L2L_META_GRADIENT_ES;
  else
    return FALSE;
  return TRUE;
}

const char *
l2l_meta_gradient_to_string (L2lMetaGradient meta_gradient)
{
  switch (meta_gradient)
    {
    case L2L_META_GRADIENT_SECOND_ORDER:
      return "second-order";
    case L2L_META_GRADIENT_ES:
      return "es";
    case L2L_META_GRADIENT_FIRST_ORDER:
      break;
    }
  return "first-order";
}

void
l2l_train_config_use_task_defaults (L2lTrainConfig *config)
{
  l2l_train_config_use_family_defaults (config, l2l_task_get_family (config->task));
}

/* A family's 0 keeps the global default. */
static void
use_count (guint *setting,
           guint  family_value)
{
  if (family_value > 0)
    *setting = family_value;
}

static void
use_number (double *setting,
            double  family_value)
{
  if (family_value > 0.0)
    *setting = family_value;
}

void
l2l_train_config_use_family_defaults (L2lTrainConfig      *config,
                                      const L2lTaskFamily *family)
{
  if (family == NULL)
    return;
  if (family->lstm_preprocess_p > 0.0)
    l2l_rule_config_set_logsign_p (&config->rule, family->lstm_preprocess_p);
  use_number (&config->rule.output_scale, family->lstm_output_scale);
  use_count (&config->batch, family->train_batch);
  use_count (&config->steps, family->train_steps);
  use_count (&config->unroll, family->train_unroll);
  use_count (&config->epochs, family->train_epochs);
  use_count (&config->eval_every, family->train_eval_every);
  use_count (&config->eval_runs, family->train_eval_runs);
  use_number (&config->meta_lr, family->train_meta_lr);
}

/* The unrolls' caches must fit in half of this machine's memory. */
static gboolean
check_memory (const L2lTrainConfig  *config,
              GError               **error)
{
  guint64 coordinates = (guint64) config->batch * l2l_task_get_n_params (config->task);
  g_autofree char *what = g_strdup_printf ("%u functions of %" G_GSIZE_FORMAT " parameters%s in "
                                           "unrolls of %u steps", config->batch,
                                           l2l_task_get_n_params (config->task),
                                           config->task->problem_bytes > 0
                                           ? " with their minibatches" : "", config->unroll);

  guint64 bytes = l2l_rule_unroll_bytes (&config->rule, coordinates, config->unroll);

  /* second order keeps θ at every step of the unroll too */
  if (config->meta_gradient == L2L_META_GRADIENT_SECOND_ORDER)
    bytes += (config->unroll + 2) * coordinates * sizeof (float);
  /* es, θ where the unroll started */
  if (config->meta_gradient == L2L_META_GRADIENT_ES)
    bytes += coordinates * sizeof (float);
  /* and each function its minibatch and activations (twice, with their R) */
  bytes += (guint64) config->batch * config->task->problem_bytes
           * (config->meta_gradient == L2L_META_GRADIENT_SECOND_ORDER ? 2 : 1);
  return l2l_memory_check (bytes, NULL, "batch", what,
                           "use fewer functions an epoch or a shorter unroll", error);
}

/* Checkpoints and resume files record the task as text (JSON, so UTF-8):
 * a file named in it by other bytes could not be found again. */
static gboolean
check_names (const L2lTrainConfig  *config,
             GError               **error)
{
  const char *spec = l2l_task_get_spec (config->task);
  g_autofree char *shown = NULL;

  if (g_utf8_validate (spec, -1, NULL))
    return TRUE;
  shown = g_utf8_make_valid (spec, -1);
  l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL,
                       g_str_has_prefix (spec, "file:") ? "problem" : "task",
                       "%s names a file or folder whose name is not valid UTF-8; checkpoints "
                       "record the task as text, and a resume could not find it again: rename "
                       "it", shown);
  return FALSE;
}

/* Second derivatives need the task's Hessian-vector products. */
static gboolean
check_meta_gradient (const L2lTrainConfig  *config,
                     GError               **error)
{
  g_autoptr(L2lProblem) problem = NULL;

  if (config->meta_gradient != L2L_META_GRADIENT_SECOND_ORDER)
    return TRUE;
  problem = l2l_task_sample (config->task, 0);
  if (l2l_problem_has_hvp (problem))
    return TRUE;
  l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "meta-gradient",
                       "second-order needs Hessian-vector products of the task's loss, which "
                       "task %s does not have (quadratic, mnist, fashion-mnist and cnn do)",
                       l2l_task_get_spec (config->task));
  return FALSE;
}

gboolean
l2l_train_config_check_settings (const L2lTrainConfig  *config,
                                 GError               **error)
{
  g_autoptr(L2lLossWeights) weights = NULL;

  if (!l2l_check_limit ("batch", config->batch, error) ||
      !l2l_check_limit ("steps", config->steps, error) ||
      !l2l_check_limit ("unroll", config->unroll, error) ||
      !l2l_check_limit ("meta-lr", config->meta_lr, error) ||
      !l2l_check_limit ("clip", config->clip_norm, error) ||
      !l2l_check_limit ("scale-range", config->scale_range, error) ||
      !l2l_check_limit ("curriculum", config->curriculum, error) ||
      !l2l_check_limit ("average", config->average, error) ||
      !l2l_check_limit ("es-pairs", config->es_pairs, error) ||
      !l2l_check_limit ("imitate-epochs", config->imitate_epochs, error) ||
      !l2l_check_limit ("es-sigma", config->es_sigma, error) ||
      !l2l_check_limit ("epochs", config->epochs, error) ||
      !l2l_check_limit ("eval-every", config->eval_every, error) ||
      !l2l_check_limit ("eval-runs", config->eval_runs, error) ||
      !l2l_check_limit ("threads", config->threads, error) ||
      !l2l_rule_config_validate (&config->rule, error))
    return FALSE;
  if (config->unroll > config->steps)
    {
      l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "unroll",
                           "%u is more than steps (%u): an unroll cannot be longer than the "
                           "horizon", config->unroll, config->steps);
      return FALSE;
    }
  weights = l2l_loss_weights_new (config->weights, config->steps, error);
  return weights != NULL;
}

gboolean
l2l_train_config_validate (const L2lTrainConfig  *config,
                           GError               **error)
{
  if (config->task == NULL)
    {
      g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                           "meta-training needs a task");
      return FALSE;
    }
  if (!l2l_train_config_check_settings (config, error))
    return FALSE;
  if (config->rule.groups[0] != '\0')
    {
      g_autofree char *groups = l2l_task_groups_to_string (config->task);
      if (!g_str_equal (groups, config->rule.groups) &&
          !(config->per_group && config->task->n_groups > 1))
        {
          l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "groups",
                               "one LSTM each for %s, but task %s has the groups %s",
                               config->rule.groups, l2l_task_get_spec (config->task), groups);
          return FALSE;
        }
    }
  return check_names (config, error) && check_meta_gradient (config, error) &&
         check_memory (config, error);
}
