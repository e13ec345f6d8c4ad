/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "l2l-spin-guard.h"

static gboolean
has_focus (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Runs before the spin button's own handler: an unfocused one hands the
 * wheel to the form around it. */
static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           gpointer                  user_data)
{
  GtkWidget *spin = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *scroller;
  GtkAdjustment *adjustment;

  if (has_focus (spin))
    return FALSE;
  scroller = gtk_widget_get_ancestor (spin, GTK_TYPE_SCROLLED_WINDOW);
  if (scroller != NULL)
    {
      adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
      /* what GtkScrolledWindow scrolls per wheel notch */
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) +
                                dy * pow (gtk_adjustment_get_page_size (adjustment), 2.0 / 3.0));
    }
  return TRUE;
}

static gboolean
parse_number (const char *text,
              double     *value)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *end;

  if (*copy == '\0')
    return FALSE;
  /* as the spin button shows it, in the user's locale ("0,001" in German),
   * else in the C locale's */
  *value = g_strtod (copy, &end);
  return *end == '\0' && isfinite (*value);
}

static int
on_input (GtkSpinButton *spin,
          double        *value,
          gpointer       user_data)
{
  return parse_number (gtk_editable_get_text (GTK_EDITABLE (spin)), value) ? TRUE : GTK_INPUT_ERROR;
}

void
l2l_spin_guard_attach (GtkSpinButton *spin)
{
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), NULL);
  gtk_widget_add_controller (GTK_WIDGET (spin), scroll);
  /* with the default policy an input error still sets a value: the lowest */
  gtk_spin_button_set_update_policy (spin, GTK_UPDATE_IF_VALID);
  g_signal_connect (spin, "input", G_CALLBACK (on_input), NULL);
}

gboolean
l2l_spin_guard_check (GtkSpinButton  *spin,
                      char          **text)
{
  const char *shown = gtk_editable_get_text (GTK_EDITABLE (spin));
  double value;

  if (parse_number (shown, &value))
    return TRUE;
  if (text != NULL)
    *text = g_strdup (shown);
  return FALSE;
}
