/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "l2l-engine.h"
#include "fuzz-input.h"

/* Feature networks (the project's format and torchvision VGG exports): a
 * loaded net runs forward and backward on a small image when it is big
 * enough for it, and gives finite features from finite weights. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lFeatureNet) net = l2l_feature_net_load (fuzz_input_write (data, size), &error);
  g_autoptr(L2lFeatureRun) run = NULL;
  float image[3 * 24 * 24], grad[3 * 24 * 24];
  float *dfeatures[L2L_FEATURE_NET_MAX_LAYERS] = { NULL };
  guint64 coordinates = 0;

  g_assert_true ((net == NULL) == (error != NULL));
  if (net == NULL)
    return 0;
  g_assert_cmpuint (net->n_layers, >=, 1);
  g_assert_cmpuint (net->n_layers, <=, L2L_FEATURE_NET_MAX_LAYERS);
  /* Keep each input fast: a net of many wide layers is legal but slow. */
  for (guint l = 0; l < net->n_layers; l++)
    coordinates += (guint64) net->layers[l].c_out * net->layers[l].c_in * net->layers[l].k *
                   net->layers[l].k;
  if (coordinates > 200000)
    return 0;
  run = l2l_feature_run_new (net, 24, 24, &error);
  g_assert_true ((run == NULL) == (error != NULL));
  if (run == NULL)
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (image); i++)
    image[i] = (float) (i % 17) / 16.0f;
  l2l_feature_run_forward (run, image);
  dfeatures[net->n_layers - 1] = g_new0 (float, l2l_feature_run_size (run, net->n_layers - 1));
  l2l_feature_run_backward (run, dfeatures, grad);
  g_free (dfeatures[net->n_layers - 1]);
  return 0;
}
