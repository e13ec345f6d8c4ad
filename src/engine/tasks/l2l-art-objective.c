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
  float         *grams[L2L_FEATURE_NET_MAX_LAYERS];      /* scratch, G_l then ∂/∂G_l */
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
      objective->grams[l] = g_new (float, gram_size (objective, l));
    }

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
      g_free (objective->grams[l]);
      g_free (objective->dfeatures[l]);
    }
  g_free (objective->content_features);
  l2l_feature_run_free (objective->run);
  g_free (objective);
}

void
l2l_art_objective_set_parallel (L2lArtObjective *objective,
                                L2lParallel     *parallel)
{
  objective->run->parallel = parallel;
}

/* The style term's layers are independent: a team takes them one an item,
 * each with its own Gram scratch, and their sums are added in layer order. */
typedef struct {
  L2lArtObjective *objective;
  gboolean         backward;
  double          *styles;     /* [layer]: Σ (G − G_s)² */
} StylePass;

static void
style_layer (guint    l,
             gpointer user_data)
{
  const StylePass *pass = user_data;
  L2lArtObjective *objective = pass->objective;
  const L2lFeatureRun *run = objective->run;
  const guint c = run->net->layers[l].c_out;
  const gsize m = (gsize) run->feature_h[l] * run->feature_w[l];
  float *gram = objective->grams[l];
  double style = 0.0;

  l2l_gram_forward (gram, run->features[l], c, m);
  for (gsize i = 0; i < gram_size (objective, l); i++)
    {
      double d = (double) gram[i] - objective->style_grams[l][i];
      style += d * d;
      /* ∂/∂G of β Σ (G − G_s)², kept in the scratch for the backward pass */
      gram[i] = (float) (2.0 * objective->weights.beta * d);
    }
  if (pass->backward)
    l2l_gram_backward (objective->dfeatures[l], gram, run->features[l], c, m);
  pass->styles[l] = style;
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
  double content = 0.0, style = 0.0, smooth, styles[L2L_FEATURE_NET_MAX_LAYERS];

  l2l_feature_run_forward (run, image);

  for (gsize i = 0; i < content_n; i++)
    {
      double d = (double) run->features[L][i] - objective->content_features[i];
      content += d * d;
    }
  content /= content_n;

  l2l_parallel_run (run->parallel, net->n_layers, style_layer,
                    &(StylePass) { objective, grad != NULL, styles });
  for (guint l = 0; l < net->n_layers; l++)
    style += styles[l];
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
