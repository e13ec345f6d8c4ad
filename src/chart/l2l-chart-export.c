/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-chart"

#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <gio/gio.h>

#include "l2l-chart-export.h"

gboolean
l2l_chart_format_from_path (const char     *path,
                            L2lChartFormat *format)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".png"))
    *format = L2L_CHART_PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    *format = L2L_CHART_SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    *format = L2L_CHART_PDF;
  else
    return FALSE;
  return TRUE;
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
draw_chart (gconstpointer  data,
            cairo_t       *cr,
            double         width,
            double         height)
{
  l2l_chart_render (data, cr, width, height);
}

GBytes *
l2l_chart_encode (const L2lChart  *chart,
                  L2lChartFormat   format,
                  int              width,
                  int              height,
                  GError         **error)
{
  return l2l_chart_encode_drawing (draw_chart, chart, format, width, height, error);
}

GBytes *
l2l_chart_encode_drawing (L2lChartDrawFunc   draw,
                          gconstpointer      data,
                          L2lChartFormat     format,
                          int                width,
                          int                height,
                          GError           **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  if (width < 16 || height < 16 || width > 16384 || height > 16384)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "size %d × %d is outside 16 to 16384", width, height);
      return NULL;
    }
  if (format == L2L_CHART_SVG)
    surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, width, height);
  else if (format == L2L_CHART_PDF)
    surface = cairo_pdf_surface_create_for_stream (append_bytes, bytes, width, height);
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);

  cr = cairo_create (surface);
  draw (data, cr, width, height);
  cairo_destroy (cr);
  if (format == L2L_CHART_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot draw: %s",
                   cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}
