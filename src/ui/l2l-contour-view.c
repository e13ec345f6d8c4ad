/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <math.h>

#include "l2l-contour-view.h"

struct _L2lContourView {
  GtkWidget          parent_instance;
  L2lContour        *contour;
  L2lContourReadout  readout;
  gpointer           readout_data;
  double             pointer_x, pointer_y;   /* widget coordinates; NaN when outside */
};

G_DEFINE_FINAL_TYPE (L2lContourView, l2l_contour_view, GTK_TYPE_WIDGET)

enum {
  SIGNAL_POINT_CLICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

gboolean
l2l_contour_view_locate (L2lContourView *self,
                         double          px,
                         double          py,
                         double         *x,
                         double         *y)
{
  return self->contour != NULL &&
         l2l_contour_locate (self->contour, gtk_widget_get_width (GTK_WIDGET (self)),
                             gtk_widget_get_height (GTK_WIDGET (self)), px, py, x, y);
}

static void
l2l_contour_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  L2lContourView *self = L2L_CONTOUR_VIEW (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget), x, y;
  cairo_t *cr;

  if (self->contour == NULL || width < 1 || height < 1)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  l2l_contour_render (self->contour, cr, width, height);
  if (self->readout != NULL && !isnan (self->pointer_x) &&
      l2l_contour_view_locate (self, self->pointer_x, self->pointer_y, &x, &y))
    {
      g_autofree char *text = self->readout (x, y, self->readout_data);

      if (text != NULL)
        l2l_contour_render_readout (cr, self->pointer_x, self->pointer_y, text);
    }
  cairo_destroy (cr);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           L2lContourView           *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_leave (GtkEventControllerMotion *controller,
          L2lContourView           *self)
{
  self->pointer_x = self->pointer_y = NAN;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_released (GtkGestureClick *gesture,
             int              n_press,
             double           px,
             double           py,
             L2lContourView  *self)
{
  double x, y;

  if (l2l_contour_view_locate (self, px, py, &x, &y))
    g_signal_emit (self, signals[SIGNAL_POINT_CLICKED], 0, x, y);
}

static void
l2l_contour_view_class_init (L2lContourViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = l2l_contour_view_snapshot;
  gtk_widget_class_set_css_name (widget_class, "contourview");
  signals[SIGNAL_POINT_CLICKED] =
    g_signal_new ("point-clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
}

static void
l2l_contour_view_init (L2lContourView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->pointer_x = self->pointer_y = NAN;
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_size_request (GTK_WIDGET (self), 320, 240);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
l2l_contour_view_new (void)
{
  return g_object_new (L2L_TYPE_CONTOUR_VIEW, NULL);
}

void
l2l_contour_view_set_contour (L2lContourView *self,
                              L2lContour     *contour)
{
  self->contour = contour;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
l2l_contour_view_set_readout (L2lContourView    *self,
                              L2lContourReadout  readout,
                              gpointer           user_data)
{
  self->readout = readout;
  self->readout_data = user_data;
}

void
l2l_contour_view_changed (L2lContourView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
