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
  g_autoptr(GdkTexture) texture = ui_driver_render (widget);

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

/* The Landscapes page: SGD, Adam, NAG and the shipped lstm:landscape on
 * Rosenbrock's valley, 200 steps, with the pointer's readout at step 120. */
static void
landscapes_page (L2lWindow *window)
{
  l2l_window_show_page (window, "landscapes");
  ui_driver_spin (window, "steps", 200);
  ui_driver_choose_optimizers (window, (const char *[]) { "sgd", "adam", "nag", "lstm:landscape",
                                                          NULL });
  ui_driver_run_page (window, "landscapes");
  ui_driver_wait_until_done (window);
  gtk_range_set_value (l2l_landscape_page_get_step_scale (l2l_window_get_landscape_page (window)),
                       120);
  ui_driver_settle (2000);
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
  { "landscapes-page.png", landscapes_page, 1366, 736 },
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
