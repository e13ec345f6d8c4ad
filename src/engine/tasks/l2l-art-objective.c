/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-art-objective.h"
#include "l2l-error.h"
#include "l2l-gram.h"
#include "l2l-tv.h"

struct _L2lArtObjective {
  L2lFeatureRun *run;
  L2lArtWeights  weights;
  float         *content_features;                       /* F_L(c) */
  float         *style_grams[L2L_FEATURE_NET_MAX_LAYERS]; /* G_l(s) */
  float         *gram;                                   /* scratch, the widest C × C */
  float         *dfeatures[L2L_FEATURE_NET_MAX_LAYERS];
};

static gsize
gram_size (const L2lArtObjective *objective,
           guint                  l)
{
  guint c = objective->run->net->layers[l].c_out;

  return (gsize) c * c;
}

L2lArtObjective *
l2l_art_objective_new (L2lFeatureNet        *net,
                       const float          *content,
                       const float          *style,
                       guint                 height,
                       guint                 width,
                       const L2lArtWeights  *weights,
                       GError              **error)
{
  g_autoptr(L2lArtObjective) objective = g_new0 (L2lArtObjective, 1);
  const guint L = weights->content_layer;
  gsize widest_gram = 1;

  if (L >= net->n_layers)
    {
      l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "content-layer",
                           "%u, but %s has layers 0 to %u", L, net->path,
                           net->n_layers - 1);
      return NULL;
    }
  objective->weights = *weights;
  if ((objective->run = l2l_feature_run_new (net, height, width, error)) == NULL)
    return NULL;
  for (guint l = 0; l < net->n_layers; l++)
    {
      objective->dfeatures[l] = g_new (float, l2l_feature_run_size (objective->run, l));
      objective->style_grams[l] = g_new (float, gram_size (objective, l));
      widest_gram = MAX (widest_gram, gram_size (objective, l));
    }
  objective->gram = g_new (float, widest_gram);

  /* The targets, once: the content's features at L, the style's Gram matrices. */
  l2l_feature_run_forward (objective->run, content);
  objective->content_features = g_memdup2 (objective->run->features[L],
                                           l2l_feature_run_size (objective->run, L) *
                                           sizeof (float));
  l2l_feature_run_forward (objective->run, style);
  for (guint l = 0; l < net->n_layers; l++)
    l2l_gram_forward (objective->style_grams[l], objective->run->features[l],
                      net->layers[l].c_out,
                      (gsize) objective->run->feature_h[l] * objective->run->feature_w[l]);
  return g_steal_pointer (&objective);
}

void
l2l_art_objective_free (L2lArtObjective *objective)
{
  if (objective == NULL)
    return;
  for (guint l = 0; l < L2L_FEATURE_NET_MAX_LAYERS; l++)
    {
      g_free (objective->style_grams[l]);
      g_free (objective->dfeatures[l]);
    }
  g_free (objective->content_features);
  g_free (objective->gram);
  l2l_feature_run_free (objective->run);
  g_free (objective);
}

double
l2l_art_objective_eval (L2lArtObjective *objective,
                        const float     *image,
                        float           *grad,
                        double          *terms)
{
  L2lFeatureRun *run = objective->run;
  const L2lFeatureNet *net = run->net;
  const L2lArtWeights *w = &objective->weights;
  const guint L = w->content_layer;
  const gsize content_n = l2l_feature_run_size (run, L);
  double content = 0.0, style = 0.0, smooth;

  l2l_feature_run_forward (run, image);

  for (gsize i = 0; i < content_n; i++)
    {
      double d = (double) run->features[L][i] - objective->content_features[i];
      content += d * d;
    }
  content /= content_n;

  for (guint l = 0; l < net->n_layers; l++)
    {
      const guint c = net->layers[l].c_out;
      const gsize m = (gsize) run->feature_h[l] * run->feature_w[l];

      l2l_gram_forward (objective->gram, run->features[l], c, m);
      for (gsize i = 0; i < gram_size (objective, l); i++)
        {
          double d = (double) objective->gram[i] - objective->style_grams[l][i];
          style += d * d;
          /* ∂/∂G of β Σ (G − G_s)², kept in the scratch for the backward pass */
          objective->gram[i] = (float) (2.0 * w->beta * d);
        }
      if (grad != NULL)
        l2l_gram_backward (objective->dfeatures[l], objective->gram, run->features[l], c, m);
    }
  smooth = l2l_tv_forward (image, 3, run->height, run->width);

  if (grad != NULL)
    {
      const double coef = 2.0 * w->alpha / content_n;

      for (gsize i = 0; i < content_n; i++)
        objective->dfeatures[L][i] +=
          (float) (coef * ((double) run->features[L][i] - objective->content_features[i]));
      l2l_feature_run_backward (run, objective->dfeatures, grad);
      l2l_tv_backward (grad, w->gamma, image, 3, run->height, run->width);
    }
  if (terms != NULL)
    {
      terms[0] = content;
      terms[1] = style;
      terms[2] = smooth;
    }
  return w->alpha * content + w->beta * style + w->gamma * smooth;
}
