/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-chart"

#include "config.h"

#include <math.h>

#include "l2l-chart-export.h"
#include "l2l-chart-results.h"

/* The mean over runs of the wall time to step @t. */
static double
mean_seconds (const L2lCompareResult *result,
              const L2lCompareEntry  *entry,
              guint                   t)
{
  double total = 0.0;

  for (guint r = 0; r < result->runs; r++)
    total += entry->seconds[(gsize) r * (result->steps + 1) + t];
  return total / result->runs;
}

void
l2l_chart_add_compare_result (L2lChart               *chart,
                              const L2lCompareResult *result)
{
  for (guint i = 0; i < result->n_entries; i++)
    {
      const L2lCompareEntry *entry = &result->entries[i];
      L2lChartSeries *series = l2l_chart_add_series (chart, entry->label, i, TRUE);

      for (guint t = 0; t <= result->steps; t++)
        l2l_chart_series_append_timed (series, t, mean_seconds (result, entry, t),
                                       entry->stats.mean[t], entry->stats.q25[t],
                                       entry->stats.q75[t]);
    }
}

void
l2l_chart_add_train_history (L2lChart             *chart,
                             const L2lTrainRecord *history,
                             guint                 n,
                             const char           *meta_name,
                             const char           *eval_name)
{
  L2lChartSeries *meta = l2l_chart_add_series (chart, meta_name, 0, FALSE);
  L2lChartSeries *eval = l2l_chart_add_series (chart, eval_name, 1, FALSE);

  for (guint i = 0; i < n; i++)
    {
      if (!isnan (history[i].meta_loss))
        l2l_chart_series_append (meta, history[i].epoch, history[i].meta_loss, NAN, NAN);
      if (!isnan (history[i].eval_loss))
        l2l_chart_series_append (eval, history[i].epoch, history[i].eval_loss, NAN, NAN);
    }
}

gboolean
l2l_chart_save (const L2lChart *chart,
                const char     *path,
                int             width,
                int             height,
                GError        **error)
{
  g_autoptr(GBytes) bytes = NULL;
  L2lChartFormat format;

  if (!l2l_chart_format_from_path (path, &format))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: unknown image format; the name must end in .png, .svg or .pdf", path);
      return FALSE;
    }
  if ((bytes = l2l_chart_encode (chart, format, width, height, error)) == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return l2l_file_write_atomic (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                error);
}
