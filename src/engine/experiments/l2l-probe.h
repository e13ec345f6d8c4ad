/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "l2l-optimizer-spec.h"

G_BEGIN_DECLS

/* What an optimizer does with a gradient: each is fed the same constant
 * gradient g for a number of steps, for g over log-spaced magnitudes of both
 * signs, and the update Δθ it proposes is recorded at the first step (from
 * zero state) and at the last. SGD's is −αg, Adam's near −α sign(g); a
 * learned optimizer shows the sign and the scale it learned. */
typedef struct {
  double min_magnitude;   /* 1e-6 */
  double max_magnitude;   /* 1e2 */
  guint  n_magnitudes;    /* per sign: 33 */
  guint  steps;           /* 20 */
} L2lProbeConfig;

typedef struct {
  char   *label;
  double *first;          /* [n_gradients]: Δθ at step 1 */
  double *later;          /* [n_gradients]: Δθ at step @steps */
} L2lProbeEntry;

typedef struct {
  guint          n_gradients;   /* 2 × n_magnitudes */
  double        *gradients;     /* ascending: −max … −min, then min … max */
  guint          steps;
  guint          n_entries;
  L2lProbeEntry *entries;
} L2lProbeResult;

void            l2l_probe_config_init  (L2lProbeConfig *config);
gboolean        l2l_probe_config_check (const L2lProbeConfig *config,
                                        GError              **error);
/* A rate to tune, or a learned optimizer with one net per parameter group,
 * is refused: the probe has no task. */
gboolean        l2l_probe_check_optimizers (const L2lOptimizerSpec *optimizers,
                                            guint                   n_optimizers,
                                            GError                **error);
/* Every coordinate is one g, so a run is one optimizer's n_gradients
 * coordinates stepped together. */
L2lProbeResult *l2l_probe_run          (const L2lOptimizerSpec *optimizers,
                                        guint                   n_optimizers,
                                        const L2lProbeConfig   *config,
                                        GCancellable           *cancellable,
                                        GError                **error);
void            l2l_probe_result_free  (L2lProbeResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lProbeResult, l2l_probe_result_free)

G_END_DECLS
