/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>

#include "l2l-rng.h"

static guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void
l2l_rng_init (L2lRng *rng,
              guint64 seed)
{
  guint64 state = seed;

  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&state);
  rng->has_spare = FALSE;
  rng->spare = 0.0;
}

guint64
l2l_rng_next (L2lRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
l2l_rng_uniform (L2lRng *rng)
{
  return (double) (l2l_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
l2l_rng_normal (L2lRng *rng)
{
  double u1, u2, radius;

  if (rng->has_spare)
    {
      rng->has_spare = FALSE;
      return rng->spare;
    }
  do
    u1 = l2l_rng_uniform (rng);
  while (u1 <= 0.0);
  u2 = l2l_rng_uniform (rng);
  radius = sqrt (-2.0 * log (u1));
  rng->spare = radius * sin (2.0 * G_PI * u2);
  rng->has_spare = TRUE;
  return radius * cos (2.0 * G_PI * u2);
}

/* Lemire's multiply-shift with rejection: unbiased for every bound. */
guint32
l2l_rng_below (L2lRng *rng,
               guint32 bound)
{
  guint64 m;
  guint32 low;

  g_return_val_if_fail (bound > 0, 0);
  m = (l2l_rng_next (rng) >> 32) * bound;
  low = (guint32) m;
  if (low < bound)
    {
      guint32 threshold = -bound % bound;
      while (low < threshold)
        {
          m = (l2l_rng_next (rng) >> 32) * bound;
          low = (guint32) m;
        }
    }
  return (guint32) (m >> 32);
}

guint64
l2l_seed_derive (guint64 seed,
                 L2lSeedStream stream,
                 guint64 index)
{
  guint64 state = seed;
  guint64 mixed = splitmix64 (&state);

  state = mixed ^ ((guint64) stream << 56) ^ index;
  return splitmix64 (&state);
}
