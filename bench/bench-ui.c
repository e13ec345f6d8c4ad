/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gtk/gtk.h>
#include <stdio.h>

#include "l2l-window.h"
#include "ui-driver.h"

/* Responsiveness of the workbench while the engine works: the window shows
 * neural art at 128 px (five optimizers painting live), a full meta-training
 * (128 functions, T = 100, K = 20) and a comparison of 1000 runs live, and
 * the longest time the main thread spent in our code for one batch of engine
 * events and for one chart render is reported; for the art run also the
 * longest the main loop went without turning at all (a 1 ms timer's worst
 * lateness), previews and GTK's drawing included. The budget is 50 ms for a
 * frame, 16 ms for a stall while previews update. Needs a display (make
 * bench uses Xvfb). */

typedef struct {
  L2lArtView *view;
  gint64      last;
  gint64      worst_start;   /* before the first preview: the new page's first frames */
  gint64      worst;         /* while previews update */
  guint       over;          /* stalls over 16 ms while previews update */
} Stall;

static gboolean
on_tick (gpointer user_data)
{
  Stall *stall = user_data;
  gint64 now = g_get_monotonic_time (), gap = now - stall->last - 1000;

  if (stall->last > 0 && l2l_art_view_get_texture (stall->view, 0) == NULL)
    stall->worst_start = MAX (stall->worst_start, gap);
  else if (stall->last > 0)
    {
      stall->worst = MAX (stall->worst, gap);
      stall->over += gap > 16000;
    }
  stall->last = now;
  return G_SOURCE_CONTINUE;
}

static void
run (L2lWindow  *window,
     const char *page)
{
  ui_driver_run_page (window, page);
  /* no watchdog: a benchmark's runs may take longer than a test's */
  while (l2l_window_is_running (window))
    g_main_context_iteration (NULL, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  L2lWindow *window;
  gint64 dispatch_us, render_us, start;
  Stall stall = { 0 };
  guint tick;

  if (!gtk_init_check ())
    {
      fprintf (stderr, "bench-ui: no display\n");
      return 77;
    }
  adw_init ();
  window = l2l_window_new (NULL, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));

  /* the page's defaults: the cat, Starry Night, 128 px, every optimizer */
  l2l_window_show_page (window, "art");
  stall.view = l2l_art_page_get_art_view (l2l_window_get_art_page (window));
  ui_driver_spin (window, "steps", 128);
  tick = g_timeout_add (1, on_tick, &stall);
  start = g_get_monotonic_time ();
  run (window, "art");
  g_source_remove (tick);
  l2l_window_get_frame_costs (window, &dispatch_us, &render_us);
  printf ("neural art, 128 px, 5 optimizers × 128 steps live: %.1f s\n",
          (g_get_monotonic_time () - start) / 1e6);
  printf ("art: longest batch of events with previews %.2f ms, longest chart render %.2f ms\n",
          dispatch_us / 1e3, render_us / 1e3);
  printf ("art: longest main-loop stall while previews update %.2f ms (goal: under 16 ms; %u "
          "over), in the run's first frames before them %.2f ms\n", stall.worst / 1e3,
          stall.over, stall.worst_start / 1e3);

  ui_driver_spin (window, "epochs", 300);
  start = g_get_monotonic_time ();
  run (window, "training");
  printf ("meta-training, 300 epochs live: %.1f s\n", (g_get_monotonic_time () - start) / 1e6);
  ui_driver_spin (window, "runs", 1000);
  gtk_editable_set_text (GTK_EDITABLE (l2l_experiment_panel_get_optimizer_rate (
                           ui_driver_panel (window, "comparison"), "adam")), "tune");
  start = g_get_monotonic_time ();
  run (window, "comparison");
  printf ("comparison, 4 optimizers × 1000 runs live: %.1f s\n",
          (g_get_monotonic_time () - start) / 1e6);

  l2l_window_get_frame_costs (window, &dispatch_us, &render_us);
  printf ("longest batch of engine events on the main thread: %.2f ms\n", dispatch_us / 1e3);
  printf ("longest chart render: %.2f ms\n", render_us / 1e3);
  printf ("longest frame in our code: at most %.2f ms of the 50 ms budget\n",
          (dispatch_us + render_us) / 1e3);
  gtk_window_destroy (GTK_WINDOW (window));
  /* fails past the frame budget; the 16 ms goal is reported above */
  return dispatch_us + render_us < 50000 && stall.worst < 50000 ? 0 : 1;
}
