/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <cblas.h>

#include "l2l-gram.h"

void
l2l_gram_forward (float       *gram,
                  const float *features,
                  guint        channels,
                  gsize        m)
{
  /* G is symmetric: ssyrk computes one triangle, half sgemm's work */
  cblas_ssyrk (CblasRowMajor, CblasUpper, CblasNoTrans, (int) channels, (int) m,
               (float) (1.0 / ((double) channels * m)), features, (int) m, 0.0f, gram,
               (int) channels);
  for (guint i = 0; i < channels; i++)
    for (guint j = 0; j < i; j++)
      gram[i * channels + j] = gram[j * channels + i];
}

void
l2l_gram_backward (float       *dfeatures,
                   float       *dgram,
                   const float *features,
                   guint        channels,
                   gsize        m)
{
  const float scale = (float) (1.0 / ((double) channels * m));

  /* dF = (dG + dGᵀ) F · scale: the sum in place, then one product */
  for (guint i = 0; i < channels; i++)
    for (guint j = 0; j <= i; j++)
      dgram[i * channels + j] = dgram[j * channels + i] =
        dgram[i * channels + j] + dgram[j * channels + i];
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) channels, (int) m,
               (int) channels, scale, dgram, (int) channels, features, (int) m, 0.0f, dfeatures,
               (int) m);
}

void
l2l_gram_forward_ref (float       *gram,
                      const float *features,
                      guint        channels,
                      gsize        m)
{
  for (guint i = 0; i < channels; i++)
    for (guint j = 0; j < channels; j++)
      {
        double sum = 0.0;
        for (gsize t = 0; t < m; t++)
          sum += (double) features[i * m + t] * features[j * m + t];
        gram[i * channels + j] = (float) (sum / ((double) channels * m));
      }
}

/* From G_ij = Σ_t F_it F_jt / (C · M): ∂L/∂F_kt = Σ_j (dG_kj + dG_jk) F_jt / (C · M). */
void
l2l_gram_backward_ref (float       *dfeatures,
                       const float *dgram,
                       const float *features,
                       guint        channels,
                       gsize        m)
{
  for (guint k = 0; k < channels; k++)
    for (gsize t = 0; t < m; t++)
      {
        double sum = 0.0;
        for (guint j = 0; j < channels; j++)
          sum += ((double) dgram[k * channels + j] + dgram[j * channels + k]) *
                 features[j * m + t];
        dfeatures[k * m + t] = (float) (sum / ((double) channels * m));
      }
}
