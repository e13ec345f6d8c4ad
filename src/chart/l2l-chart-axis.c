/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-chart"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-chart-axis.h"

/* The smallest of 1, 2, 5 × 10^k that is at least @raw. */
static double
nice_step (double raw)
{
  double magnitude = pow (10.0, floor (log10 (raw)));
  double fraction = raw / magnitude;

  if (fraction <= 1.0)
    return magnitude;
  if (fraction <= 2.0)
    return 2.0 * magnitude;
  if (fraction <= 5.0)
    return 5.0 * magnitude;
  return 10.0 * magnitude;
}

static void
fit_linear (L2lAxis *axis,
            double   lo,
            double   hi,
            guint    max_ticks)
{
  double step;

  if (!(hi > lo))
    {
      double pad = lo == 0.0 ? 1.0 : fabs (lo) * 0.5;
      lo -= pad;
      hi += pad;
    }
  step = nice_step ((hi - lo) / MAX (max_ticks - 1, 1));
  axis->min = floor (lo / step + 1e-9) * step;
  axis->max = ceil (hi / step - 1e-9) * step;
  axis->n_ticks = 0;
  for (double t = axis->min; t <= axis->max + step * 1e-6 && axis->n_ticks < L2L_AXIS_MAX_TICKS;
       t += step)
    axis->ticks[axis->n_ticks++] = fabs (t) < step * 1e-9 ? 0.0 : t;
}

static void
fit_log (L2lAxis *axis,
         double   lo,
         double   hi,
         guint    max_ticks)
{
  int first, last, stride;

  if (!(lo > 0.0) || !(hi >= lo))
    lo = 1.0, hi = 10.0;
  first = (int) floor (log10 (lo) + 1e-9);
  last = (int) ceil (log10 (hi) - 1e-9);
  if (last <= first)
    last = first + 1;
  axis->min = pow (10.0, first);
  axis->max = pow (10.0, last);
  axis->n_ticks = 0;
  stride = MAX (1, (last - first + (int) max_ticks - 1) / (int) max_ticks);
  for (int k = first; k <= last && axis->n_ticks < L2L_AXIS_MAX_TICKS; k += stride)
    {
      axis->ticks[axis->n_ticks++] = pow (10.0, k);
      /* within a decade or two, 2 and 5 make the scale readable */
      if (last - first <= 2 && k < last && axis->n_ticks + 2 <= L2L_AXIS_MAX_TICKS)
        {
          axis->ticks[axis->n_ticks++] = 2.0 * pow (10.0, k);
          axis->ticks[axis->n_ticks++] = 5.0 * pow (10.0, k);
        }
    }
}

void
l2l_axis_fit (L2lAxis  *axis,
              gboolean  log,
              double    lo,
              double    hi,
              guint     max_ticks)
{
  axis->log = log;
  if (!isfinite (lo) || !isfinite (hi))
    lo = log ? 1.0 : 0.0, hi = log ? 10.0 : 1.0;
  if (log)
    fit_log (axis, lo, hi, MAX (max_ticks, 2));
  else
    fit_linear (axis, lo, hi, MAX (max_ticks, 2));
}

double
l2l_axis_normalize (const L2lAxis *axis,
                    double         value)
{
  if (!isfinite (value) || (axis->log && value <= 0.0))
    return NAN;
  if (axis->log)
    return (log10 (value) - log10 (axis->min)) / (log10 (axis->max) - log10 (axis->min));
  return (value - axis->min) / (axis->max - axis->min);
}

double
l2l_axis_denormalize (const L2lAxis *axis,
                      double         position)
{
  if (axis->log)
    return pow (10.0, log10 (axis->min) + position * (log10 (axis->max) - log10 (axis->min)));
  return axis->min + position * (axis->max - axis->min);
}

void
l2l_axis_format_tick (const L2lAxis *axis,
                      double         value,
                      char          *buffer,
                      gsize          size)
{
  static const char *const superscripts[] = {
    "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹",
  };
  double exponent = log10 (value);
  char digits[16];
  int k;
  GString *text;

  if (!axis->log || fabs (exponent - round (exponent)) > 1e-9)
    {
      g_snprintf (buffer, size, "%g", value);
      return;
    }
  k = (int) round (exponent);
  if (k >= -2 && k <= 3)   /* 0.01 … 1000 read best as they are */
    {
      g_snprintf (buffer, size, "%g", value);
      return;
    }
  text = g_string_new ("10");
  if (k < 0)
    g_string_append (text, "⁻");
  g_snprintf (digits, sizeof digits, "%d", ABS (k));
  for (const char *d = digits; *d != '\0'; d++)
    g_string_append (text, superscripts[*d - '0']);
  g_strlcpy (buffer, text->str, size);
  g_string_free (text, TRUE);
}
