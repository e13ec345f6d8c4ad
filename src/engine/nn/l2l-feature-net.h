/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "l2l-parallel.h"

G_BEGIN_DECLS

/* A pretrained convolutional feature network for neural art (ARCHITECTURE §4):
 * safetensors with convs.N.weight [out, in, k, k] and convs.N.bias [out] and
 * metadata format = "l2l-workbench.feature-net", layers =
 * "conv3x3/s2/p0/32+relu;…+maxpool3/s2", input = "RGB in [0,1], then x*2-1".
 * Its features F_l are the ReLU outputs of every layer (before any pool).
 * A torchvision VGG `features` export (features.N.weight [out, in, 3, 3],
 * features.N.bias) loads too: 3 × 3 convolutions with padding 1, a 2 × 2
 * max-pool wherever the Sequential has one, ImageNet-normalised input. */

#define L2L_FEATURE_NET_FORMAT "l2l-workbench.feature-net"
#define L2L_FEATURE_NET_MAX_LAYERS 32

typedef struct {
  guint  c_in, c_out, k, stride, pad;
  guint  pool_k, pool_stride;     /* 0: no max-pool after this layer */
  float *weight;                  /* [c_out × c_in × k × k] */
  float *bias;                    /* [c_out] */
} L2lFeatureLayer;

typedef struct {
  gatomicrefcount  ref_count;
  char            *path;          /* as messages name it */
  guint            n_layers;
  L2lFeatureLayer  layers[L2L_FEATURE_NET_MAX_LAYERS];
  float            input_scale[3];  /* the net sees image · scale + shift, per channel */
  float            input_shift[3];
} L2lFeatureNet;

/* Every shape, the layers text and the tensors are checked against each
 * other; errors name the file and the problem. */
L2lFeatureNet *l2l_feature_net_load  (const char  *path,
                                      GError     **error);
L2lFeatureNet *l2l_feature_net_ref   (L2lFeatureNet *net);
void           l2l_feature_net_unref (L2lFeatureNet *net);

/* Buffers for one image of @height × @width through @net, made once. */
typedef struct {
  L2lFeatureNet *net;
  guint          height, width;
  guint          feature_h[L2L_FEATURE_NET_MAX_LAYERS];
  guint          feature_w[L2L_FEATURE_NET_MAX_LAYERS];
  float         *input;                                    /* x·2 − 1 */
  float         *features[L2L_FEATURE_NET_MAX_LAYERS];     /* F_l [c_out × H_l × W_l] */
  float         *pooled[L2L_FEATURE_NET_MAX_LAYERS];       /* after a max-pool, else NULL */
  guint32       *argmax[L2L_FEATURE_NET_MAX_LAYERS];
  float         *grad_a, *grad_b;                           /* the widest map, twice */
  float         *col;                                      /* conv scratch */
  L2lParallel   *parallel;   /* shares the convolutions' rows out; NULL: the caller */
} L2lFeatureRun;

/* NULL with an error when the image is too small for the net. */
L2lFeatureRun *l2l_feature_run_new      (L2lFeatureNet  *net,
                                         guint           height,
                                         guint           width,
                                         GError        **error);
void           l2l_feature_run_free     (L2lFeatureRun  *run);
gsize          l2l_feature_run_size     (const L2lFeatureRun *run,
                                         guint                layer);
/* Fills run->features from an image [3 × H × W] in [0, 1]. */
void           l2l_feature_run_forward  (L2lFeatureRun  *run,
                                         const float    *image);
/* From ∂f/∂F_l for every layer (@dfeatures[l], NULL for none; overwritten)
 * to ∂f/∂image, written into @dimage. */
void           l2l_feature_run_backward (L2lFeatureRun  *run,
                                         float         **dfeatures,
                                         float          *dimage);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lFeatureNet, l2l_feature_net_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (L2lFeatureRun, l2l_feature_run_free)

G_END_DECLS
