/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "l2l-window.h"

G_BEGIN_DECLS

/* The app's windows driven through their widgets and actions, as a person
 * would: by the UI tests and by the program that makes the README's
 * screenshots. Both run under Xvfb. */

/* A 1280×800 window on @settings (and its pages' settings) reset to their defaults (the memory backend
 * keeps them across windows), @task chosen on the Comparison and
 * Meta-training pages if not NULL; *@window is cleared
 * when the window goes. */
void     ui_driver_open_window     (L2lWindow  **window,
                                    GSettings   *settings,
                                    const char  *task);
/* Resizes the window and lets it lay itself out. */
void     ui_driver_set_size        (L2lWindow  *window,
                                    int         width,
                                    int         height);
/* Waits for the window's job, destroys the window and waits until it is gone. */
void     ui_driver_close_window    (L2lWindow  **window);

/* Iterates the main loop until the window's job has ended (at most 120 s). */
void     ui_driver_wait_until_done (L2lWindow   *window);
/* Iterates the main loop for @milliseconds without blocking. */
void     ui_driver_settle          (int          milliseconds);
/* The sidebar of page @page ("comparison", "training", "art"; NULL: the page
 * shown), and a page's chart. */
L2lExperimentPanel *ui_driver_panel (L2lWindow  *window,
                                     const char *page);
L2lChart *ui_driver_chart          (L2lWindow   *window,
                                    const char  *page);
/* Sets a numeric field on the page it belongs to (see l2l_experiment_panel_get_spin):
 * meta-training's on Meta-training, runs and tuning on Comparison, steps and
 * seed on the page shown. */
void     ui_driver_spin            (L2lWindow   *window,
                                    const char  *name,
                                    double       value);
/* Shows @page and presses Run there. */
void     ui_driver_run_page        (L2lWindow   *window,
                                    const char  *page);
/* Only these optimizers checked (hand-written names and lstm:NAME). */
void     ui_driver_choose_optimizers (L2lWindow         *window,
                                      const char *const *names);
/* A comparison of 12 runs of 40 steps, seed 2. */
void     ui_driver_small_comparison (L2lWindow  *window);
/* A meta-training of 20 steps in unrolls of 5 on batches of 8, 20 epochs. */
void     ui_driver_short_training  (L2lWindow   *window);
/* Meta-trains without end until the newest run has @epochs meta-losses, then
 * presses Stop and waits for the job's end. */
void     ui_driver_train_and_stop  (L2lWindow   *window,
                                    guint        epochs);

/* What @widget shows now, rendered by its window's renderer. */
GdkTexture *ui_driver_render       (GtkWidget   *widget);

G_END_DECLS
