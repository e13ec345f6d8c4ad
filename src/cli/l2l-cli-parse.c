/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <stdio.h>

#include "l2l-chart-export.h"
#include "l2l-chart-gif.h"
#include "l2l-cli-parse.h"

#define PLOT_WIDTH  1000
#define PLOT_HEIGHT 650

void
l2l_cli_add_plot_entries (GOptionContext  *context,
                          char           **plot,
                          char           **size,
                          const char      *plot_help)
{
  const GOptionEntry entries[] = {
    { "plot", 0, 0, G_OPTION_ARG_FILENAME, plot, plot_help, "FILE" },
    { "plot-size", 0, 0, G_OPTION_ARG_STRING, size,
      "Size of --plot in pixels (PNG) or points (default: " G_STRINGIFY (PLOT_WIDTH) "x"
      G_STRINGIFY (PLOT_HEIGHT) ")", "WxH" },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
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
                    gboolean     animation,
                    int         *width,
                    int         *height,
                    GError     **error)
{
  L2lChartFormat format;

  *width = PLOT_WIDTH;
  *height = PLOT_HEIGHT;
  if (size != NULL && (sscanf (size, "%dx%d", width, height) != 2 ||
                       *width < 16 || *height < 16 || *width > 16384 || *height > 16384))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "--plot-size: '%s' is not WIDTHxHEIGHT from 16x16 to 16384x16384", size);
      return FALSE;
    }
  if (path == NULL)
    return TRUE;
  if (animation && l2l_chart_gif_path (path))
    {
      if (*width > 4096 || *height > 4096)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--plot-size: an animation is at most 4096x4096");
          return FALSE;
        }
    }
  else if (!l2l_chart_format_from_path (path, &format))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "--plot: %s: the name must end in .png, .svg%s", path,
                   animation ? ", .pdf or .gif" : " or .pdf");
      return FALSE;
    }
  return l2l_file_check_writable (path, error);
}
