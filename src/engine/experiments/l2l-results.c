/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "l2l-file.h"
#include "l2l-json.h"
#include "l2l-results.h"

/* RFC 4180: quote a field that holds a comma, a quote or a line break. */
static void
append_csv_field (GString    *out,
                  const char *field)
{
  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (out, field);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *c = field; *c; c++)
    {
      if (*c == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

char *
l2l_results_to_csv (const L2lCompareResult *result,
                    gsize                  *length)
{
  GString *out = g_string_new ("optimizer,run,step,loss,seconds\n");
  char number[G_ASCII_DTOSTR_BUF_SIZE], seconds[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < result->n_entries; i++)
    {
      const L2lCompareEntry *entry = &result->entries[i];

      for (guint r = 0; r < result->runs; r++)
        for (guint t = 0; t <= result->steps; t++)
          {
            const gsize at = (gsize) r * (result->steps + 1) + t;
            double loss = entry->losses[at];

            append_csv_field (out, entry->label);
            if (isfinite (loss))
              g_ascii_formatd (number, sizeof number, "%.9g", loss);
            else
              g_strlcpy (number, "inf", sizeof number);
            g_ascii_formatd (seconds, sizeof seconds, "%.6g", entry->seconds[at]);
            g_string_append_printf (out, ",%u,%u,%s,%s\n", r, t, number, seconds);
          }
    }
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

static void
add_number (JsonBuilder *builder,
            double       value)
{
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_number_array (JsonBuilder  *builder,
                  const char   *name,
                  const double *values,
                  guint         n)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    add_number (builder, values[i]);
  json_builder_end_array (builder);
}

static void
add_tuning_grid (JsonBuilder            *builder,
                 const L2lTuneResult    *tuning,
                 const L2lOptimizerInfo *info)
{
  add_number_array (builder, "grid", tuning->grid, tuning->n_grid);
  /* a search's configurations: each hyper-parameter beside its rate */
  for (guint h = 0; tuning->hypers != NULL && h < L2L_HYPER_MAX; h++)
    {
      g_autofree double *column = g_new (double, tuning->n_grid);
      const char *names[L2L_HYPER_MAX];
      double values[L2L_HYPER_MAX];

      if (h >= l2l_hyper_list (info, &tuning->hypers[0], names, values))
        break;
      for (guint k = 0; k < tuning->n_grid; k++)
        {
          l2l_hyper_list (info, &tuning->hypers[k], names, values);
          column[k] = values[h];
        }
      add_number_array (builder, names[h], column, tuning->n_grid);
    }
  add_number_array (builder, "objective", tuning->objective, tuning->n_grid);
}

static void
add_tuning_settings (JsonBuilder         *builder,
                     const L2lTuneConfig *tune)
{
  json_builder_set_member_name (builder, "tuning");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "objective");
  json_builder_add_string_value (builder, l2l_tune_objective_to_string (tune->objective));
  json_builder_set_member_name (builder, "runs");
  json_builder_add_int_value (builder, tune->runs);
  json_builder_set_member_name (builder, "lr_min");
  json_builder_add_double_value (builder, tune->lr_min);
  json_builder_set_member_name (builder, "lr_max");
  json_builder_add_double_value (builder, tune->lr_max);
  json_builder_set_member_name (builder, "per_decade");
  json_builder_add_int_value (builder, tune->per_decade);
  json_builder_set_member_name (builder, "hyper_budget");
  json_builder_add_int_value (builder, tune->hyper_budget);
  json_builder_end_object (builder);
}

static void
add_settings (JsonBuilder *builder,
              const char  *task_spec,
              guint        steps,
              guint64      seed)
{
  json_builder_set_member_name (builder, "task");
  json_builder_add_string_value (builder, task_spec);
  json_builder_set_member_name (builder, "steps");
  json_builder_add_int_value (builder, steps);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) seed);
}

static char *
builder_to_data (JsonBuilder *builder,
                 gsize       *length)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return l2l_json_to_data (root, TRUE, length);
}

/* The rule's hyper-parameters beyond the rate, as torch.optim names them
 * (an empty object for a learned optimizer). */
static void
add_hyper (JsonBuilder            *builder,
           const L2lOptimizerInfo *info,
           const L2lHyper         *hyper)
{
  const char *names[L2L_HYPER_MAX];
  double values[L2L_HYPER_MAX];
  guint n = l2l_hyper_list (info, hyper, names, values);

  json_builder_set_member_name (builder, "hyper");
  json_builder_begin_object (builder);
  for (guint k = 0; k < n; k++)
    {
      json_builder_set_member_name (builder, names[k]);
      json_builder_add_double_value (builder, values[k]);
    }
  if (info == &l2l_optimizer_sgd || info == &l2l_optimizer_nag)
    {
      json_builder_set_member_name (builder, "nesterov");
      json_builder_add_boolean_value (builder, info == &l2l_optimizer_nag);
    }
  json_builder_end_object (builder);
}

static void
add_entry (JsonBuilder            *builder,
           const L2lCompareResult *result,
           const L2lCompareEntry  *entry)
{
  const guint n_steps = result->steps + 1;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "optimizer");
  json_builder_add_string_value (builder, entry->label);
  json_builder_set_member_name (builder, "learned");
  json_builder_add_boolean_value (builder, entry->learned);
  json_builder_set_member_name (builder, "learning_rate");
  add_number (builder, entry->lr);
  json_builder_set_member_name (builder, "tuned");
  json_builder_add_boolean_value (builder, entry->tuning != NULL);
  add_hyper (builder, entry->info, &entry->hyper);
  if (entry->tuning != NULL)
    {
      json_builder_set_member_name (builder, "tuning");
      json_builder_begin_object (builder);
      add_tuning_grid (builder, entry->tuning, entry->info);
      json_builder_end_object (builder);
    }
  json_builder_set_member_name (builder, "diverged_runs");
  json_builder_add_int_value (builder, entry->diverged_runs);
  json_builder_set_member_name (builder, "final_mean");
  add_number (builder, entry->stats.mean[result->steps]);
  json_builder_set_member_name (builder, "final_median");
  add_number (builder, entry->stats.median[result->steps]);
  if (entry->learned)
    {
      json_builder_set_member_name (builder, "training_seconds");
      add_number (builder, entry->train_seconds);
      json_builder_set_member_name (builder, "training_functions");
      json_builder_add_int_value (builder, (gint64) entry->train_functions);
    }
  json_builder_set_member_name (builder, "seconds_per_step");
  add_number (builder, l2l_compare_entry_seconds_per_step (result, entry));
  add_number_array (builder, "final_mean_ci95", entry->final_ci95, 2);
  json_builder_set_member_name (builder, "p_lower_than");
  json_builder_begin_object (builder);
  for (guint j = 0; j < result->n_entries; j++)
    if (&result->entries[j] != entry)
      {
        json_builder_set_member_name (builder, result->entries[j].label);
        add_number (builder, entry->p_lower_than[j]);
      }
  json_builder_end_object (builder);
  add_number_array (builder, "mean", entry->stats.mean, n_steps);
  add_number_array (builder, "median", entry->stats.median, n_steps);
  add_number_array (builder, "q25", entry->stats.q25, n_steps);
  add_number_array (builder, "q75", entry->stats.q75, n_steps);
  json_builder_end_object (builder);
}

char *
l2l_results_to_json (const L2lCompareResult *result,
                     gsize                  *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean any_tuned = FALSE;

  for (guint i = 0; i < result->n_entries; i++)
    any_tuned |= result->entries[i].tuning != NULL;

  json_builder_begin_object (builder);
  add_settings (builder, result->task_spec, result->steps, result->seed);
  json_builder_set_member_name (builder, "runs");
  json_builder_add_int_value (builder, result->runs);
  if (any_tuned)
    add_tuning_settings (builder, &result->tune);
  json_builder_set_member_name (builder, "optimizers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->n_entries; i++)
    add_entry (builder, result, &result->entries[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return builder_to_data (builder, length);
}

char *
l2l_results_tuning_to_json (const char             *task_spec,
                            guint                   steps,
                            guint64                 seed,
                            const L2lTuneConfig    *tune,
                            const L2lOptimizerSpec *optimizers,
                            L2lTuneResult         **results,
                            guint                   n,
                            gsize                  *length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_settings (builder, task_spec, steps, seed);
  add_tuning_settings (builder, tune);
  json_builder_set_member_name (builder, "optimizers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      const L2lTuneResult *tuning = results[i];
      L2lHyper chosen = optimizers[i].hyper;

      if (tuning->hypers != NULL)
        chosen = tuning->hypers[tuning->best];
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "optimizer");
      json_builder_add_string_value (builder, optimizers[i].label);
      json_builder_set_member_name (builder, "learning_rate");
      json_builder_add_double_value (builder, l2l_tune_result_best_lr (tuning));
      add_hyper (builder, optimizers[i].info, &chosen);
      add_tuning_grid (builder, tuning, optimizers[i].info);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return builder_to_data (builder, length);
}

typedef char *(*ToText) (const L2lCompareResult *result, gsize *length);

static gboolean
write_text (const L2lCompareResult  *result,
            ToText                   to_text,
            const char              *path,
            GError                 **error)
{
  gsize length;
  g_autofree char *text = to_text (result, &length);

  return l2l_file_write_atomic (path, text, length, error);
}

gboolean
l2l_results_write_csv (const L2lCompareResult  *result,
                       const char              *path,
                       GError                 **error)
{
  return write_text (result, l2l_results_to_csv, path, error);
}

gboolean
l2l_results_write_json (const L2lCompareResult  *result,
                        const char              *path,
                        GError                 **error)
{
  return write_text (result, l2l_results_to_json, path, error);
}
