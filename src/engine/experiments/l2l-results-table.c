/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-results.h"

void
l2l_results_format_loss (char   *buffer,
                         gsize   size,
                         double  loss)
{
  if (!isfinite (loss))
    g_strlcpy (buffer, "diverged", size);
  else
    g_snprintf (buffer, size, "%.4g", loss);
}

void
l2l_results_append_hyper (GString                *out,
                          const L2lOptimizerInfo *info,
                          const L2lHyper         *hyper)
{
  const char *names[L2L_HYPER_MAX];
  double values[L2L_HYPER_MAX];
  guint n = l2l_hyper_list (info, hyper, names, values);

  for (guint k = 0; k < n; k++)
    g_string_append_printf (out, "%s%s %.6g", k ? ", " : "", names[k], values[k]);
}

/* The hyper-parameters --tune-hyper chose, one line for all. */
static void
print_hyper (GString                *out,
             const L2lCompareResult *result)
{
  GString *line = g_string_new (NULL);

  for (guint i = 0; i < result->n_entries; i++)
    {
      const L2lCompareEntry *entry = &result->entries[i];

      if (entry->tuning == NULL || entry->tuning->hypers == NULL)
        continue;
      g_string_append_printf (line, "%s%s ", line->len ? "; " : "", entry->label);
      l2l_results_append_hyper (line, entry->info, &entry->hyper);
    }
  if (line->len > 0)
    g_string_append_printf (out, "\nTuned with the rate (%u configurations each): %s\n",
                            result->tune.hyper_budget, line->str);
  g_string_free (line, TRUE);
}

const L2lCompareEntry *
l2l_results_find_best (const L2lCompareResult  *result,
                       double                  *worst_p,
                       const char             **against)
{
  const guint last = result->steps;
  const L2lCompareEntry *best = NULL;

  *worst_p = 0.0;
  *against = NULL;
  for (guint i = 0; i < result->n_entries; i++)
    if (isfinite (result->entries[i].stats.mean[last]) &&
        (best == NULL || result->entries[i].stats.mean[last] < best->stats.mean[last]))
      best = &result->entries[i];
  if (best == NULL || result->n_entries < 2 || result->runs < 2)
    return NULL;
  for (guint j = 0; j < result->n_entries; j++)
    {
      double p = best->p_lower_than[j];

      if (&result->entries[j] == best)
        continue;
      if (isnan (p))
        p = 1.0;
      if (p >= *worst_p)
        {
          *worst_p = p;
          *against = result->entries[j].label;
        }
    }
  return best;
}

/* The optimizer with the lowest mean final loss, its interval, and whether
 * the paired tests put it below every other at the 1 % level. */
static void
print_best (GString                *out,
            const L2lCompareResult *result)
{
  double worst_p;
  const char *against;
  const L2lCompareEntry *best = l2l_results_find_best (result, &worst_p, &against);
  char lo[32], hi[32];

  if (best == NULL)
    return;
  l2l_results_format_loss (lo, sizeof lo, best->final_ci95[0]);
  l2l_results_format_loss (hi, sizeof hi, best->final_ci95[1]);
  g_string_append_printf (out, "\nLowest mean at step %u: %s (95 %% interval %s to %s); %s "
                          "every other at p < 0.01 (paired Wilcoxon; largest p %.2g, against "
                          "%s)\n", result->steps, best->label, lo, hi,
                          worst_p < 0.01 ? "below" : "NOT significantly below", worst_p, against);
}

char *
l2l_results_to_table (const L2lCompareResult *result,
                      const guint            *steps,
                      guint                   n_steps)
{
  GString *out = g_string_new (NULL);
  const guint last = result->steps;
  g_autofree char *header = l2l_results_header (result);
  int width = (int) strlen ("optimizer");

  for (guint i = 0; i < result->n_entries; i++)
    width = MAX (width, (int) g_utf8_strlen (result->entries[i].label, -1));
  g_string_append_printf (out, "%s\n", header);

  g_string_append_printf (out, "%-*s  %-13s %-5s", width, "optimizer", "learning rate", "tuned");
  for (guint s = 0; s < (n_steps ? n_steps : 1); s++)
    {
      guint step = (n_steps ? steps[s] : last);
      g_autofree char *mean = g_strdup_printf ("mean @%u", step);
      g_autofree char *median = g_strdup_printf ("median @%u", step);
      g_string_append_printf (out, "  %-12s %-12s", mean, median);
    }
  g_string_append_printf (out, "  %-9s %-10s %s\n", "diverged", "time/step", "meta-training");

  for (guint i = 0; i < result->n_entries; i++)
    {
      const L2lCompareEntry *entry = &result->entries[i];

      g_autofree char *lr = entry->learned ? g_strdup ("learned")
                                           : g_strdup_printf ("%.4g", entry->lr);

      g_string_append_printf (out, "%-*s  %-13s %-5s", width, entry->label, lr, entry->tuning ? "yes" : "no");
      for (guint s = 0; s < (n_steps ? n_steps : 1); s++)
        {
          guint step = (n_steps ? steps[s] : last);
          char mean[32], median[32];
          l2l_results_format_loss (mean, sizeof mean, entry->stats.mean[step]);
          l2l_results_format_loss (median, sizeof median, entry->stats.median[step]);
          g_string_append_printf (out, "  %-12s %-12s", mean, median);
        }
      {
        const double per_step = l2l_compare_entry_seconds_per_step (result, entry);
        g_autofree char *runs = g_strdup_printf ("%u/%u", entry->diverged_runs, result->runs);
        g_autofree char *time = per_step < 1e-3 ? g_strdup_printf ("%.3g µs", 1e6 * per_step)
                                                : g_strdup_printf ("%.3g ms", 1e3 * per_step);
        g_autofree char *cost = !entry->learned ? g_strdup ("-")
          : isnan (entry->train_seconds) ? g_strdup ("unknown")
          : g_strdup_printf ("%.0f s, %" G_GUINT64_FORMAT " functions", entry->train_seconds,
                             entry->train_functions);
        /* µ is one column but two bytes: pad by characters */
        g_string_append_printf (out, "  %-9s %s%*s %s\n", runs, time, (int) (10 - g_utf8_strlen (time, -1)), "",
                 cost);
      }
    }
  print_hyper (out, result);
  print_best (out, result);
  return g_string_free (out, FALSE);
}

char *
l2l_results_header (const L2lCompareResult *result)
{
  GString *out = g_string_new (NULL);
  gboolean any_tuned = FALSE;

  for (guint i = 0; i < result->n_entries; i++)
    any_tuned |= result->entries[i].tuning != NULL;
  g_string_append_printf (out, "Task %s · %u run%s × %u steps · seed %" G_GUINT64_FORMAT "\n",
                          result->task_spec, result->runs, result->runs == 1 ? "" : "s",
                          result->steps, result->seed);
  if (any_tuned)
    g_string_append_printf (out, "Tuned on %u other function%s over %g…%g (%u a decade), "
                            "minimising the %s\n", result->tune.runs,
                            result->tune.runs == 1 ? "" : "s", result->tune.lr_min,
                            result->tune.lr_max, result->tune.per_decade,
                            result->tune.objective == L2L_TUNE_FINAL ? "mean final loss"
                                                                     : "mean summed loss");
  return g_string_free (out, FALSE);
}
