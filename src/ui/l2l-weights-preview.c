/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include "l2l-weights-preview.h"

struct _L2lWeightsPreview {
  GtkWidget  parent_instance;
  GArray    *weights;   /* double */
};

G_DEFINE_FINAL_TYPE (L2lWeightsPreview, l2l_weights_preview, GTK_TYPE_WIDGET)

static void
l2l_weights_preview_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  L2lWeightsPreview *self = L2L_WEIGHTS_PREVIEW (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double top = 0.0, bar;
  guint n = self->weights->len;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.12);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  for (guint t = 0; t < n; t++)
    top = MAX (top, g_array_index (self->weights, double, t));
  if (n == 0 || top <= 0.0)
    {
      cairo_set_source_rgba (cr, 0.75, 0.1, 0.1, 0.6);
      cairo_move_to (cr, 0, height);
      cairo_line_to (cr, width, 0);
      cairo_stroke (cr);
      cairo_destroy (cr);
      return;
    }
  bar = width / n;
  cairo_set_source_rgb (cr, 0.0, 0x72 / 255.0, 0xB2 / 255.0);   /* the charts' first colour */
  for (guint t = 0; t < n; t++)
    {
      double h = (height - 2) * g_array_index (self->weights, double, t) / top;
      cairo_rectangle (cr, t * bar, height - h, MAX (bar - (bar > 3 ? 1 : 0), 0.5), h);
    }
  cairo_fill (cr);
  cairo_destroy (cr);
}

static void
l2l_weights_preview_finalize (GObject *object)
{
  g_array_unref (L2L_WEIGHTS_PREVIEW (object)->weights);
  G_OBJECT_CLASS (l2l_weights_preview_parent_class)->finalize (object);
}

static void
l2l_weights_preview_class_init (L2lWeightsPreviewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = l2l_weights_preview_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = l2l_weights_preview_snapshot;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "weightspreview");
}

static void
l2l_weights_preview_init (L2lWeightsPreview *self)
{
  self->weights = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_widget_set_size_request (GTK_WIDGET (self), 120, 36);
}

void
l2l_weights_preview_set_weights (L2lWeightsPreview *self,
                                 const double      *weights,
                                 guint              n)
{
  g_array_set_size (self->weights, 0);
  if (weights != NULL)
    g_array_append_vals (self->weights, weights, n);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
