/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-chart"

#include "config.h"

#include <math.h>

#include "l2l-chart-contour.h"
#include "l2l-chart-export.h"
#include "l2l-chart-gif.h"
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

/* A new series of the step downhill, −Δθ sign(g), against |g|, for the g of
 * one sign. */
static void
add_probe_curve (L2lChart             *chart,
                 const L2lProbeResult *result,
                 const double         *updates,
                 gboolean              negative,
                 const char           *name,
                 guint                 color,
                 L2lChartStroke        stroke)
{
  guint m = result->n_gradients / 2;
  L2lChartSeries *series = l2l_chart_add_series (chart, name, color, FALSE);

  series->stroke = stroke;
  for (guint k = 0; k < m; k++)
    {
      guint i = negative ? m - 1 - k : m + k;
      double down = negative ? updates[i] : -updates[i];

      l2l_chart_series_append (series, fabs (result->gradients[i]), down, NAN, NAN);
    }
}

/* Whether g < 0 gives a curve of its own: the rule is not odd in g. */
static gboolean
is_asymmetric (const L2lProbeResult *result,
               const double         *updates)
{
  guint m = result->n_gradients / 2;
  double largest = 0.0, gap = 0.0;

  for (guint k = 0; k < m; k++)
    {
      largest = MAX (largest, fabs (updates[m + k]));
      gap = MAX (gap, fabs (updates[m + k] + updates[m - 1 - k]));
    }
  return gap > 1e-3 * largest;
}

/* Whether the first step differs from the last by more than 1 %. */
static gboolean
first_differs (const L2lProbeResult *result,
               const L2lProbeEntry  *entry)
{
  for (guint i = 0; i < result->n_gradients; i++)
    if (fabs (entry->first[i] - entry->later[i]) > 1e-2 * fabs (entry->later[i]))
      return TRUE;
  return FALSE;
}

void
l2l_chart_add_probe_result (L2lChart               *chart,
                            const L2lProbeResult   *result,
                            const char             *first_format,
                            const char             *later_format,
                            const char             *negative_format)
{
  for (guint o = 0; o < result->n_entries; o++)
    {
      const L2lProbeEntry *entry = &result->entries[o];
      gboolean both = first_differs (result, entry);

      for (int curve = both ? 0 : 1; curve < 2; curve++)
        {
          const double *updates = curve == 0 ? entry->first : entry->later;
          g_autofree char *name = both
            ? g_strdup_printf (curve == 0 ? first_format : later_format, entry->label,
                               curve == 0 ? 1 : result->steps)
            : g_strdup (entry->label);

          add_probe_curve (chart, result, updates, FALSE, name, o,
                           curve == 0 ? L2L_CHART_DASHED : L2L_CHART_SOLID);
          if (is_asymmetric (result, updates))
            {
              g_autofree char *negative = g_strdup_printf (negative_format, name);
              add_probe_curve (chart, result, updates, TRUE, negative, o, L2L_CHART_DOTTED);
            }
        }
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

void
l2l_contour_fill (L2lContour *contour,
                  L2lProblem *problem)
{
  float theta[2], grad[2];

  for (guint j = 0; j < contour->ny; j++)
    for (guint i = 0; i < contour->nx; i++)
      {
        double x, y;

        l2l_contour_grid_point (contour, i, j, &x, &y);
        theta[0] = (float) x;
        theta[1] = (float) y;
        contour->values[(gsize) j * contour->nx + i] = l2l_problem_loss_grad (problem, theta,
                                                                             grad);
      }
}

static void
draw_contour (gconstpointer  data,
              cairo_t       *cr,
              double         width,
              double         height)
{
  l2l_contour_render (data, cr, width, height);
}

gboolean
l2l_contour_save (L2lContour  *contour,
                  guint        steps,
                  const char  *path,
                  int          width,
                  int          height,
                  GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  L2lChartFormat format;

  if (l2l_chart_gif_path (path))
    bytes = l2l_contour_encode_gif (contour, steps, width, height, error);
  else if (l2l_chart_format_from_path (path, &format))
    bytes = l2l_chart_encode_drawing (draw_contour, contour, format, width, height, error);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "unknown image format; the name must end in .png, .svg, .pdf or .gif");
  if (bytes == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return l2l_file_write_atomic (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                error);
}
