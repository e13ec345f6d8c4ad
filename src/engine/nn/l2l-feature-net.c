/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "l2l-conv2d.h"
#include "l2l-error.h"
#include "l2l-feature-net.h"
#include "l2l-file.h"
#include "l2l-maxpool.h"
#include "l2l-memory.h"
#include "l2l-nn.h"
#include "l2l-refcount.h"
#include "l2l-safetensors.h"

/* "conv3x3/s2/p0/32+relu" or "…+relu+maxpool3/s2". */
static gboolean
parse_layer (const char      *text,
             L2lFeatureLayer *layer)
{
  guint k2 = 0;
  int used = 0, used_pool = 0;

  if (sscanf (text, "conv%ux%u/s%u/p%u/%u+relu%n", &layer->k, &k2, &layer->stride,
              &layer->pad, &layer->c_out, &used) != 5 || used == 0 ||
      layer->k != k2 || layer->k < 1 || layer->k > 15 || layer->stride < 1 ||
      layer->stride > 8 || layer->pad > 8 || layer->c_out < 1 || layer->c_out > 4096)
    return FALSE;
  if (text[used] == '\0')
    return TRUE;
  if (sscanf (text + used, "+maxpool%u/s%u%n", &layer->pool_k, &layer->pool_stride,
              &used_pool) != 2 || text[used + used_pool] != '\0')
    return FALSE;
  return layer->pool_k >= 1 && layer->pool_k <= 8 && layer->pool_stride >= 1 &&
         layer->pool_stride <= 8;
}

static void
free_layers (L2lFeatureNet *net)
{
  for (guint l = 0; l < net->n_layers; l++)
    {
      g_free (net->layers[l].weight);
      g_free (net->layers[l].bias);
    }
}

static gboolean
read_layer (const L2lSafetensors  *file,
            L2lFeatureLayer       *layer,
            const char            *weight_name,
            const char            *bias_name,
            GError               **error)
{
  const guint64 weight_dims[4] = { layer->c_out, layer->c_in, layer->k, layer->k };
  const guint64 bias_dims[1] = { layer->c_out };

  /* the layer's description may claim gigabytes: the file says first */
  if (!l2l_safetensors_check_tensor (file, weight_name, 4, weight_dims, error) ||
      !l2l_safetensors_check_tensor (file, bias_name, 1, bias_dims, error))
    return FALSE;
  layer->weight = g_new (float, (gsize) layer->c_out * layer->c_in * layer->k * layer->k);
  layer->bias = g_new (float, layer->c_out);
  return l2l_safetensors_read_tensor (file, weight_name, layer->weight, 4, weight_dims, error) &&
         l2l_safetensors_read_tensor (file, bias_name, layer->bias, 1, bias_dims, error);
}

/* The project's own format: the layers say what the tensors are. */
static gboolean
load_described (L2lFeatureNet         *net,
                const L2lSafetensors  *file,
                const char            *path,
                GError               **error)
{
  const char *layers = l2l_safetensors_get_metadata (file, "layers");
  const char *input = l2l_safetensors_get_metadata (file, "input");
  g_auto(GStrv) entries = NULL;
  guint c_in = 3;

  if (input != NULL && !g_str_equal (input, "RGB in [0,1], then x*2-1"))
    return l2l_set_file_error (error, path, "input '%s' is not the one supported, "
                               "'RGB in [0,1], then x*2-1'", input);
  if (layers == NULL || *layers == '\0')
    return l2l_set_file_error (error, path, "metadata layers is missing");
  entries = g_strsplit (layers, ";", -1);
  if (g_strv_length (entries) > L2L_FEATURE_NET_MAX_LAYERS)
    return l2l_set_file_error (error, path, "%u layers; at most %d are read",
                               g_strv_length (entries), L2L_FEATURE_NET_MAX_LAYERS);
  for (guint c = 0; c < 3; c++)
    {
      net->input_scale[c] = 2.0f;
      net->input_shift[c] = -1.0f;
    }
  for (guint l = 0; entries[l] != NULL; l++)
    {
      L2lFeatureLayer *layer = &net->layers[l];
      g_autofree char *weight_name = g_strdup_printf ("convs.%u.weight", l);
      g_autofree char *bias_name = g_strdup_printf ("convs.%u.bias", l);

      if (!parse_layer (entries[l], layer))
        return l2l_set_file_error (error, path, "layer %u, '%s', is not like "
                                   "conv3x3/s1/p0/32+relu[+maxpool3/s2]", l, entries[l]);
      layer->c_in = c_in;
      net->n_layers = l + 1;
      if (!read_layer (file, layer, weight_name, bias_name, error))
        return FALSE;
      c_in = layer->c_out;
    }
  return TRUE;
}

static gint
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* torchvision's VGG `features` saved as it is: features.N.weight/.bias for
 * each 3 × 3 convolution (padding 1), a ReLU at N + 1 and, where the next
 * convolution is at N + 3, a 2 × 2 max-pool at N + 2; inputs normalised
 * with ImageNet's mean and deviation, as torchvision's weights expect. */
static gboolean
load_vgg (L2lFeatureNet         *net,
          const L2lSafetensors  *file,
          const char            *path,
          GError               **error)
{
  static const float mean[3] = { 0.485f, 0.456f, 0.406f }, std[3] = { 0.229f, 0.224f, 0.225f };
  g_autofree const char **names = l2l_safetensors_list_tensors (file);
  g_autoptr(GArray) indices = g_array_new (FALSE, FALSE, sizeof (guint));
  guint c_in = 3;

  for (guint i = 0; names[i] != NULL; i++)
    {
      guint index;
      int used = 0;

      if (sscanf (names[i], "features.%u.weight%n", &index, &used) == 1 &&
          names[i][used] == '\0')
        {
          g_autofree char *again = g_strdup_printf ("features.%u.weight", index);

          /* "features.02.weight", "features.+2.weight": sscanf reads a 2 */
          if (!g_str_equal (again, names[i]))
            return l2l_set_file_error (error, path, "tensor %s: its layer number is not "
                                       "written as torchvision writes it", names[i]);
          g_array_append_val (indices, index);
        }
    }
  g_array_sort (indices, compare_uint);
  if (indices->len > L2L_FEATURE_NET_MAX_LAYERS)
    return l2l_set_file_error (error, path, "%u convolutions; at most %d are read",
                               indices->len, L2L_FEATURE_NET_MAX_LAYERS);
  for (guint c = 0; c < 3; c++)
    {
      net->input_scale[c] = 1.0f / std[c];
      net->input_shift[c] = -mean[c] / std[c];
    }
  for (guint l = 0; l < indices->len; l++)
    {
      const guint index = g_array_index (indices, guint, l);
      const guint gap = l + 1 < indices->len ? g_array_index (indices, guint, l + 1) - index : 2;
      L2lFeatureLayer *layer = &net->layers[l];
      g_autofree char *weight_name = g_strdup_printf ("features.%u.weight", index);
      g_autofree char *bias_name = g_strdup_printf ("features.%u.bias", index);
      guint64 dims[8];

      if ((l == 0 && index != 0) || (gap != 2 && gap != 3))
        return l2l_set_file_error (error, path, "%s does not follow the torchvision VGG "
                                   "layout (convolutions at 0, then every 2 or 3)", weight_name);
      if (l2l_safetensors_get_shape (file, weight_name, dims) != 4 || dims[1] != c_in ||
          dims[2] != 3 || dims[3] != 3 || dims[0] < 1 || dims[0] > 4096)
        return l2l_set_file_error (error, path, "%s is not [out, %u, 3, 3]", weight_name, c_in);
      *layer = (L2lFeatureLayer) {
        .c_in = c_in, .c_out = (guint) dims[0], .k = 3, .stride = 1, .pad = 1,
        .pool_k = gap == 3 ? 2 : 0, .pool_stride = gap == 3 ? 2 : 0,
      };
      net->n_layers = l + 1;
      if (!read_layer (file, layer, weight_name, bias_name, error))
        return FALSE;
      c_in = layer->c_out;
    }
  return TRUE;
}

L2lFeatureNet *
l2l_feature_net_load (const char  *path,
                      GError     **error)
{
  g_autoptr(L2lSafetensors) file = l2l_safetensors_load (path, error);
  g_autoptr(L2lFeatureNet) net = NULL;
  const char *format;

  if (file == NULL)
    return NULL;
  format = l2l_safetensors_get_metadata (file, "format");
  net = g_new0 (L2lFeatureNet, 1);
  g_atomic_ref_count_init (&net->ref_count);
  net->path = l2l_file_display_name (path);
  if (format != NULL && g_str_equal (format, L2L_FEATURE_NET_FORMAT))
    return load_described (net, file, path, error) ? g_steal_pointer (&net) : NULL;
  if (format == NULL && l2l_safetensors_has_tensor (file, "features.0.weight"))
    return load_vgg (net, file, path, error) ? g_steal_pointer (&net) : NULL;
  l2l_set_file_error (error, path, "not a feature network (metadata format is %s, not %s, "
                      "and no torchvision VGG features.0.weight)", format ? format : "missing",
                      L2L_FEATURE_NET_FORMAT);
  return NULL;
}

static void
feature_net_free (L2lFeatureNet *net)
{
  free_layers (net);
  g_free (net->path);
  g_free (net);
}

L2L_DEFINE_REF_COUNTING (L2lFeatureNet, l2l_feature_net_ref, l2l_feature_net_unref,
                         feature_net_free)

static L2lConv2d
layer_conv (const L2lFeatureLayer *layer,
            guint                  height,
            guint                  width)
{
  return (L2lConv2d) {
    .n = 1, .c_in = layer->c_in, .height = height, .width = width, .c_out = layer->c_out,
    .k = layer->k, .stride = layer->stride, .pad = layer->pad,
  };
}

gsize
l2l_feature_run_size (const L2lFeatureRun *run,
                      guint                layer)
{
  return (gsize) run->net->layers[layer].c_out * run->feature_h[layer] * run->feature_w[layer];
}

L2lFeatureRun *
l2l_feature_run_new (L2lFeatureNet  *net,
                     guint           height,
                     guint           width,
                     GError        **error)
{
  g_autoptr(L2lFeatureRun) run = g_new0 (L2lFeatureRun, 1);
  gsize widest = 3 * (gsize) height * width, col = 0;
  guint64 floats = widest, pooled = 0;
  guint h = height, w = width;
  g_autofree char *what = NULL;

  run->net = l2l_feature_net_ref (net);
  run->height = height;
  run->width = width;
  /* the shapes and their sizes first, so that what cannot fit is refused
   * before anything is allocated */
  for (guint l = 0; l < net->n_layers; l++)
    {
      const L2lFeatureLayer *layer = &net->layers[l];
      L2lConv2d conv = layer_conv (layer, h, w);

      if (h + 2 * layer->pad < layer->k || w + 2 * layer->pad < layer->k)
        {
          l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "size",
                               "%u × %u pixels are too few for layer %u of %s", height, width, l,
                               net->path);
          return NULL;
        }
      col = MAX (col, l2l_conv2d_col_size (&conv));
      run->feature_h[l] = h = l2l_conv2d_out_height (&conv);
      run->feature_w[l] = w = l2l_conv2d_out_width (&conv);
      floats += l2l_feature_run_size (run, l);
      widest = MAX (widest, l2l_feature_run_size (run, l));
      if (layer->pool_k > 0)
        {
          if (h < layer->pool_k || w < layer->pool_k)
            {
              l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, NULL, "size",
                                   "%u × %u pixels are too few for the pooling after layer %u "
                                   "of %s", height, width, l, net->path);
              return NULL;
            }
          h = (h - layer->pool_k) / layer->pool_stride + 1;
          w = (w - layer->pool_k) / layer->pool_stride + 1;
          pooled += (guint64) layer->c_out * h * w;
        }
    }
  what = g_strdup_printf ("the features of %u × %u pixels through %s", height, width, net->path);
  if (!l2l_memory_check ((floats + 2 * (guint64) widest + col + pooled) * sizeof (float)
                         + pooled * sizeof (guint32), NULL, "size", what,
                         "use a smaller image or feature network", error))
    return NULL;

  run->input = g_new (float, 3 * (gsize) height * width);
  for (guint l = 0; l < net->n_layers; l++)
    {
      const L2lFeatureLayer *layer = &net->layers[l];

      run->features[l] = g_new (float, l2l_feature_run_size (run, l));
      if (layer->pool_k > 0)
        {
          const guint ph = (run->feature_h[l] - layer->pool_k) / layer->pool_stride + 1;
          const guint pw = (run->feature_w[l] - layer->pool_k) / layer->pool_stride + 1;

          run->pooled[l] = g_new (float, (gsize) layer->c_out * ph * pw);
          run->argmax[l] = g_new (guint32, (gsize) layer->c_out * ph * pw);
        }
    }
  run->grad_a = g_new (float, widest);
  run->grad_b = g_new (float, widest);
  run->col = g_new (float, col);
  return g_steal_pointer (&run);
}

void
l2l_feature_run_free (L2lFeatureRun *run)
{
  if (run == NULL)
    return;
  for (guint l = 0; run->net != NULL && l < run->net->n_layers; l++)
    {
      g_free (run->features[l]);
      g_free (run->pooled[l]);
      g_free (run->argmax[l]);
    }
  g_free (run->input);
  g_free (run->grad_a);
  g_free (run->grad_b);
  g_free (run->col);
  l2l_feature_net_unref (run->net);
  g_free (run);
}

/* The map that layer @l reads, and its height and width. */
static const float *
layer_input (const L2lFeatureRun *run,
             guint                l,
             guint               *height,
             guint               *width)
{
  const L2lFeatureLayer *before;

  if (l == 0)
    {
      *height = run->height;
      *width = run->width;
      return run->input;
    }
  before = &run->net->layers[l - 1];
  *height = run->feature_h[l - 1];
  *width = run->feature_w[l - 1];
  if (before->pool_k == 0)
    return run->features[l - 1];
  *height = (*height - before->pool_k) / before->pool_stride + 1;
  *width = (*width - before->pool_k) / before->pool_stride + 1;
  return run->pooled[l - 1];
}

/* A layer's ReLU and pooling go plane by plane: items of this many for a team. */
#define PLANES 8

typedef struct {
  L2lFeatureRun *run;
  guint          layer;
} ReluPool;

static void
relu_pool_planes (guint    item,
                  gpointer user_data)
{
  const ReluPool *rp = user_data;
  L2lFeatureRun *run = rp->run;
  const L2lFeatureLayer *layer = &run->net->layers[rp->layer];
  const guint first = item * PLANES, planes = MIN (PLANES, layer->c_out - first);
  const gsize size = (gsize) run->feature_h[rp->layer] * run->feature_w[rp->layer];
  float *features = run->features[rp->layer] + first * size;

  l2l_relu_forward (features, features, planes * size);
  if (layer->pool_k > 0)
    {
      const gsize pooled = (gsize) ((run->feature_h[rp->layer] - layer->pool_k) /
                                    layer->pool_stride + 1) *
                           ((run->feature_w[rp->layer] - layer->pool_k) / layer->pool_stride + 1);

      l2l_maxpool_forward (run->pooled[rp->layer] + first * pooled,
                           run->argmax[rp->layer] + first * pooled, features, planes,
                           run->feature_h[rp->layer], run->feature_w[rp->layer], layer->pool_k,
                           layer->pool_stride);
    }
}

void
l2l_feature_run_forward (L2lFeatureRun *run,
                         const float   *image)
{
  const gsize n = 3 * (gsize) run->height * run->width;

  const gsize plane = n / 3;

  for (guint c = 0; c < 3; c++)
    for (gsize i = c * plane; i < (c + 1) * plane; i++)
      run->input[i] = image[i] * run->net->input_scale[c] + run->net->input_shift[c];
  for (guint l = 0; l < run->net->n_layers; l++)
    {
      const L2lFeatureLayer *layer = &run->net->layers[l];
      guint h, w;
      const float *in = layer_input (run, l, &h, &w);
      L2lConv2d conv = layer_conv (layer, h, w);

      l2l_conv2d_forward (run->features[l], run->col, in, layer->weight, layer->bias, &conv,
                          run->parallel);
      l2l_parallel_run (run->parallel, (layer->c_out + PLANES - 1) / PLANES, relu_pool_planes,
                        &(ReluPool) { run, l });
    }
}

void
l2l_feature_run_backward (L2lFeatureRun  *run,
                          float         **dfeatures,
                          float          *dimage)
{
  /* upstream: ∂f/∂(the input of layer l + 1), in grad_a; g: ∂f/∂F_l, in grad_b */
  const gsize plane = (gsize) run->height * run->width;
  gboolean have_upstream = FALSE;

  for (guint l = run->net->n_layers; l-- > 0;)
    {
      const L2lFeatureLayer *layer = &run->net->layers[l];
      const gsize size = l2l_feature_run_size (run, l);
      float *g = run->grad_b;
      guint h, w;
      const float *in = layer_input (run, l, &h, &w);
      L2lConv2d conv = layer_conv (layer, h, w);

      if (!have_upstream)
        memset (g, 0, size * sizeof (float));
      else if (layer->pool_k > 0)
        l2l_maxpool_backward (g, run->grad_a, run->argmax[l], layer->c_out, run->feature_h[l],
                              run->feature_w[l], layer->pool_k, layer->pool_stride);
      else
        memcpy (g, run->grad_a, size * sizeof (float));
      if (dfeatures[l] != NULL)
        for (gsize i = 0; i < size; i++)
          g[i] += dfeatures[l][i];
      l2l_relu_backward (g, run->features[l], g, size);
      l2l_conv2d_backward (run->grad_a, NULL, NULL, run->col, g, in, layer->weight, &conv,
                           run->parallel);
      have_upstream = TRUE;
    }
  /* the input was x · scale + shift, channel by channel */
  for (guint c = 0; c < 3; c++)
    for (gsize i = c * plane; i < (c + 1) * plane; i++)
      dimage[i] = run->net->input_scale[c] * run->grad_a[i];
}
