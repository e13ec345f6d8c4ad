/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* xoshiro256** seeded through splitmix64: fast, and the same stream on every
 * platform and GLib version, which GRand does not promise for its doubles. */
typedef struct {
  guint64 s[4];
  gboolean has_spare;   /* Box–Muller makes normals in pairs */
  double spare;
} L2lRng;

/* What a derived seed is for, so that test, tuning, training and evaluation
 * functions never coincide for the same user seed. */
typedef enum {
  L2L_SEED_TEST = 1,
  L2L_SEED_TUNE = 2,
  L2L_SEED_TRAIN = 3,
  L2L_SEED_EVAL = 4,
  L2L_SEED_BOOTSTRAP = 5,
} L2lSeedStream;

void    l2l_rng_init     (L2lRng *rng, guint64 seed);
guint64 l2l_rng_next     (L2lRng *rng);
double  l2l_rng_uniform  (L2lRng *rng);   /* [0, 1) */
double  l2l_rng_normal   (L2lRng *rng);   /* N(0, 1) */
guint32 l2l_rng_below    (L2lRng *rng, guint32 bound);

guint64 l2l_seed_derive  (guint64 seed, L2lSeedStream stream, guint64 index);

G_END_DECLS
