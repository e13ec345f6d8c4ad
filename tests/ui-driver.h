/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "l2l-window.h"

G_BEGIN_DECLS

/* The app's windows driven through their widgets and actions, as a person
 * would: by the UI tests and by the program that makes the README's
 * screenshots. Both run under Xvfb. */

/* A 1280×800 window on @settings reset to their defaults (the memory backend
 * keeps them across windows), @task chosen if not NULL; *@window is cleared
 * when the window goes. */
void     ui_driver_open_window     (L2lWindow  **window,
                                    GSettings   *settings,
                                    const char  *task);
/* Waits for the window's job, destroys the window and waits until it is gone. */
void     ui_driver_close_window    (L2lWindow  **window);

/* Iterates the main loop until the window's job has ended (at most 120 s). */
void     ui_driver_wait_until_done (L2lWindow   *window);
/* Iterates the main loop for @milliseconds without blocking. */
void     ui_driver_settle          (int          milliseconds);
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

G_END_DECLS
