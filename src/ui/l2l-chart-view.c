/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <math.h>

#include "l2l-chart-view.h"

struct _L2lChartView {
  GtkWidget  parent_instance;
  L2lChart  *chart;
  double     pointer_x;     /* widget coordinates; NaN when outside */
  gint64     max_render_us;
};

G_DEFINE_FINAL_TYPE (L2lChartView, l2l_chart_view, GTK_TYPE_WIDGET)

static void
l2l_chart_view_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  L2lChartView *self = L2L_CHART_VIEW (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  gint64 start = g_get_monotonic_time ();
  L2lChartLayout layout;
  cairo_t *cr;

  if (self->chart == NULL || width < 1 || height < 1)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  l2l_chart_render (self->chart, cr, width, height);
  if (!isnan (self->pointer_x))
    {
      l2l_chart_compute_layout (self->chart, cr, width, height, &layout);
      if (self->pointer_x >= layout.plot_x && self->pointer_x <= layout.plot_x + layout.plot_width)
        l2l_chart_render_readout (self->chart, cr, &layout,
                                  l2l_axis_denormalize (&layout.x_axis,
                                                        (self->pointer_x - layout.plot_x)
                                                        / layout.plot_width));
    }
  cairo_destroy (cr);
  self->max_render_us = MAX (self->max_render_us, g_get_monotonic_time () - start);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           L2lChartView             *self)
{
  self->pointer_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          L2lChartView             *self)
{
  self->pointer_x = NAN;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
l2l_chart_view_class_init (L2lChartViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = l2l_chart_view_snapshot;
  gtk_widget_class_set_css_name (widget_class, "chartview");
}

static void
l2l_chart_view_init (L2lChartView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->pointer_x = NAN;
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_size_request (GTK_WIDGET (self), 320, 240);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
l2l_chart_view_new (void)
{
  return g_object_new (L2L_TYPE_CHART_VIEW, NULL);
}

void
l2l_chart_view_set_chart (L2lChartView *self,
                          L2lChart     *chart)
{
  self->chart = chart;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
l2l_chart_view_changed (L2lChartView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gint64
l2l_chart_view_get_max_render_us (L2lChartView *self)
{
  return self->max_render_us;
}
