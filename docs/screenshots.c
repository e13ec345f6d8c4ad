/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gtk/gtk.h>
#include <locale.h>

#include "ui-driver.h"

/* The README's screenshots of the workbench (`make docs`, under Xvfb): each
 * scene in a fresh window of a common screen's size with the default settings, driven through
 * its widgets as the UI tests drive theirs, then saved as DIR/NAME. */

static void
save_screenshot (GtkWidget  *widget,
                 const char *dir,
                 const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("%s: could not be written", path);
  g_print ("%s\n", path);
}

/* The first minute: one press of Run on the default comparison. */
static void
first_run (L2lWindow *window)
{
  ui_driver_run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  ui_driver_settle (300);
}

/* A comparison, two trainings (the second stopped after three epochs) and the
 * comparison again with both learned optimizers, the first run faded. */
static void
workbench (L2lWindow *window)
{
  ui_driver_small_comparison (window);
  ui_driver_run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  ui_driver_short_training (window);
  ui_driver_run_page (window, "training");
  ui_driver_wait_until_done (window);
  ui_driver_train_and_stop (window, 3);
  ui_driver_run_page (window, "comparison");
  ui_driver_wait_until_done (window);
  ui_driver_settle (500);
}

/* The Neural art page after 128 steps of SGD, Adam and the shipped lstm:art
 * on its default photo and painting. */
static void
art_page (L2lWindow *window)
{
  l2l_window_show_page (window, "art");
  ui_driver_spin (window, "steps", 128);
  ui_driver_choose_optimizers (window, (const char *[]) { "sgd", "adam", "lstm:art", NULL });
  ui_driver_run_page (window, "art");
  ui_driver_wait_until_done (window);
  ui_driver_settle (500);
}

/* The window on a 1366×768 laptop screen under GNOME's top bar, and on a
 * 1024×600 netbook one (the sidebar folded away). */
static const struct {
  const char *name;
  void      (*scene) (L2lWindow *window);
  int         width, height;
} scenes[] = {
  { "first-run.png", first_run, 1366, 736 },
  { "screenshot.png", workbench, 1366, 736 },
  { "art-page.png", art_page, 1366, 736 },
  { "first-run-1024x600.png", first_run, 1024, 568 },
};

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSettings) settings = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: %s DIR (under Xvfb: make docs)\n", argv[0]);
      return 2;
    }
  /* the C locale's numbers, as under the UI tests */
  gtk_disable_setlocale ();
  setlocale (LC_ALL, "C");
  gtk_init ();
  adw_init ();
  settings = g_settings_new ("io.github.l2lworkbench.Workbench");
  for (guint i = 0; i < G_N_ELEMENTS (scenes); i++)
    {
      L2lWindow *window;

      ui_driver_open_window (&window, settings, NULL);
      ui_driver_set_size (window, scenes[i].width, scenes[i].height);
      scenes[i].scene (window);
      save_screenshot (GTK_WIDGET (window), argv[1], scenes[i].name);
      ui_driver_close_window (&window);
    }
  return 0;
}
