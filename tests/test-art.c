/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <sys/resource.h>
#include <string.h>

#include "l2l-engine.h"

/* The neural-art objective through the shipped feature net, against PyTorch's
 * float64 golden values (tests/data/art-32, made as ../README says). */

typedef struct {
  JsonObject      *golden;
  JsonParser      *parser;
  L2lFeatureNet   *net;
  L2lImage        *content;
  L2lImage        *style;
  L2lArtObjective *objective;
  gsize            n;
} Fixture;

static char *
source_path (const char *first,
             ...)
{
  va_list args;
  GPtrArray *parts = g_ptr_array_new ();
  const char *part;
  char *path;

  g_ptr_array_add (parts, (char *) g_getenv ("G_TEST_SRCDIR"));
  g_ptr_array_add (parts, (char *) first);
  va_start (args, first);
  while ((part = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (parts, (char *) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  path = g_build_filenamev ((char **) parts->pdata);
  g_ptr_array_free (parts, TRUE);
  return path;
}

static double
number (Fixture    *fixture,
        const char *name)
{
  return json_object_get_double_member (fixture->golden, name);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *golden = source_path ("data", "art-32", "golden.json", NULL);
  g_autofree char *content = source_path ("data", "art-32", "content.png", NULL);
  g_autofree char *style = source_path ("data", "art-32", "style.png", NULL);
  g_autofree char *net = source_path ("..", "data", "art", "feature-nets",
                                      "inception-v3-stem.safetensors", NULL);
  g_autoptr(GError) error = NULL;
  L2lArtWeights weights;

  fixture->parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (fixture->parser, golden, &error));
  fixture->golden = json_node_get_object (json_parser_get_root (fixture->parser));
  fixture->net = l2l_feature_net_load (net, &error);
  g_assert_no_error (error);
  fixture->content = l2l_image_load (content, &error);
  g_assert_no_error (error);
  fixture->style = l2l_image_load (style, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->content->width, ==, (guint) number (fixture, "size"));
  fixture->n = 3 * (gsize) fixture->content->width * fixture->content->height;
  weights = (L2lArtWeights) {
    .alpha = number (fixture, "alpha"),
    .beta = number (fixture, "beta"),
    .gamma = number (fixture, "gamma"),
    .content_layer = (guint) number (fixture, "content_layer"),
  };
  fixture->objective = l2l_art_objective_new (fixture->net, fixture->content->pixels,
                                              fixture->style->pixels, fixture->content->height,
                                              fixture->content->width, &weights, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  l2l_art_objective_free (fixture->objective);
  l2l_image_free (fixture->content);
  l2l_image_free (fixture->style);
  l2l_feature_net_unref (fixture->net);
  g_object_unref (fixture->parser);
}

static void
assert_close (const char *what,
              double      value,
              double      expected,
              double      tolerance)
{
  double error = fabs (value - expected) / MAX (fabs (expected), 1e-12);

  g_test_message ("%s: %.10g, PyTorch %.10g (relative error %.1e)", what, value, expected, error);
  if (expected == 0.0)
    g_assert_cmpfloat (fabs (value), <, 1e-9);
  else
    g_assert_cmpfloat (error, <, tolerance);
}

static double
norm (const float *values,
      gsize        n)
{
  double sum = 0.0;

  for (gsize i = 0; i < n; i++)
    sum += (double) values[i] * values[i];
  return sqrt (sum);
}

/* The loss, its terms, the gradient's norm and first pixels, at θ = content
 * and at θ = (content + style) / 2. */
static void
test_golden_values (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree float *grad = g_new (float, fixture->n);
  g_autofree float *mix = g_new (float, fixture->n);
  JsonArray *first = json_object_get_array_member (fixture->golden, "grad0_first");
  const gsize plane = fixture->n / 3;
  double terms[3], loss;

  loss = l2l_art_objective_eval (fixture->objective, fixture->content->pixels, grad, terms);
  assert_close ("loss at content", loss, number (fixture, "loss0"), 1e-4);
  assert_close ("content term", terms[0], number (fixture, "content0"), 1e-4);
  assert_close ("style term", terms[1], number (fixture, "style0"), 1e-4);
  assert_close ("smoothness term", terms[2], number (fixture, "tv0"), 1e-4);
  assert_close ("gradient norm", norm (grad, fixture->n), number (fixture, "grad0_norm"), 1e-4);
  for (guint c = 0; c < 3; c++)
    assert_close ("gradient at pixel (0, 0)", grad[c * plane],
                  json_array_get_double_element (first, c), 1e-4);

  for (gsize i = 0; i < fixture->n; i++)
    mix[i] = (fixture->content->pixels[i] + fixture->style->pixels[i]) / 2.0f;
  loss = l2l_art_objective_eval (fixture->objective, mix, grad, terms);
  assert_close ("loss at the mix", loss, number (fixture, "mix_loss"), 1e-4);
  assert_close ("content term", terms[0], number (fixture, "mix_content"), 1e-4);
  assert_close ("style term", terms[1], number (fixture, "mix_style"), 1e-4);
  assert_close ("smoothness term", terms[2], number (fixture, "mix_tv"), 1e-4);
  assert_close ("gradient norm", norm (grad, fixture->n), number (fixture, "mix_grad_norm"), 1e-4);
}

/* 20 steps of torch.optim.SGD and Adam from θ = content, by the engine's own
 * optimizers: the loss within 1e-3 at every step. */
static void
check_trajectory (Fixture    *fixture,
                  const char *optimizer,
                  const char *lr_key,
                  const char *losses_key)
{
  JsonArray *expected = json_object_get_array_member (fixture->golden, losses_key);
  g_autofree float *theta = g_memdup2 (fixture->content->pixels, fixture->n * sizeof (float));
  g_autofree float *grad = g_new (float, fixture->n);
  L2lOptimizerSpec spec;
  g_autoptr(L2lOptimizer) opt = NULL;

  l2l_optimizer_spec_init (&spec, l2l_optimizer_info_lookup (optimizer));
  opt = l2l_optimizer_spec_create (&spec, number (fixture, lr_key), NULL, fixture->n);
  for (guint step = 0; step < json_array_get_length (expected); step++)
    {
      double loss = l2l_art_objective_eval (fixture->objective, theta, grad, NULL);
      double want = json_array_get_double_element (expected, step);

      g_assert_cmpfloat (fabs (loss - want) / want, <, 1e-3);
      if (step + 1 == json_array_get_length (expected))
        g_test_message ("%s: loss after %u steps %.8g, PyTorch %.8g", optimizer, step, loss, want);
      l2l_optimizer_step (opt, theta, grad);
    }
  l2l_optimizer_spec_clear (&spec);
}

static void
test_golden_trajectories (Fixture       *fixture,
                          gconstpointer  data)
{
  check_trajectory (fixture, "sgd", "sgd_lr", "sgd_losses");
  check_trajectory (fixture, "adam", "adam_lr", "adam_losses");
}

/* The whole objective's gradient against central differences at 24 pixels. */
static void
test_gradient (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree float *theta = g_new (float, fixture->n);
  g_autofree float *grad = g_new (float, fixture->n);
  const float h = 1e-3f;
  guint misses = 0;
  double worst = 0.0;
  L2lRng rng;

  for (gsize i = 0; i < fixture->n; i++)
    theta[i] = (fixture->content->pixels[i] + fixture->style->pixels[i]) / 2.0f;
  l2l_art_objective_eval (fixture->objective, theta, grad, NULL);
  l2l_rng_init (&rng, 5);
  for (guint probe = 0; probe < 24; probe++)
    {
      gsize i = l2l_rng_below (&rng, (guint) fixture->n);
      float saved = theta[i];
      double up, down, numeric, error;

      theta[i] = saved + h;
      up = l2l_art_objective_eval (fixture->objective, theta, NULL, NULL);
      theta[i] = saved - h;
      down = l2l_art_objective_eval (fixture->objective, theta, NULL, NULL);
      theta[i] = saved;
      numeric = (up - down) / (2.0 * h);
      error = fabs (numeric - grad[i]) / MAX (1.0, fabs (numeric));
      /* a ReLU or max-pool switching inside the interval is no error of the code */
      if (error > 2e-2)
        misses++;
      else
        worst = MAX (worst, error);
    }
  g_test_message ("worst relative error %.1e, %u of 24 probes across a kink", worst, misses);
  g_assert_cmpuint (misses, <=, 2);
  g_assert_cmpfloat (worst, <, 2e-2);
}

/* A synthetic feature net: two layers as @layers says, tensors of the shapes
 * given (so that a case can make them disagree). */
static char *
write_net (const char *dir,
           const char *format,
           const char *layers,
           guint       out0,
           guint       k1)
{
  g_autoptr(L2lSafetensorsWriter) writer = l2l_safetensors_writer_new ();
  g_autofree char *path = g_build_filename (dir, "net.safetensors", NULL);
  static float zeros[8 * 8 * 3 * 3];
  const guint64 w0[4] = { out0, 3, 3, 3 }, b0[1] = { out0 };
  const guint64 w1[4] = { 4, 8, k1, k1 }, b1[1] = { 4 };

  l2l_safetensors_writer_add_metadata (writer, "format", format);
  l2l_safetensors_writer_add_metadata (writer, "layers", layers);
  l2l_safetensors_writer_add_tensor (writer, "convs.0.weight", zeros, 4, w0);
  l2l_safetensors_writer_add_tensor (writer, "convs.0.bias", zeros, 1, b0);
  l2l_safetensors_writer_add_tensor (writer, "convs.1.weight", zeros, 4, w1);
  l2l_safetensors_writer_add_tensor (writer, "convs.1.bias", zeros, 1, b1);
  g_assert_true (l2l_safetensors_writer_write (writer, path, NULL));
  return g_steal_pointer (&path);
}

/* A good synthetic net loads; a wrong format, malformed layers, tensors that
 * do not match the layers, and a truncated file are refused with the file named. */
static void
test_feature_net_files (void)
{
  const char *good = "conv3x3/s1/p1/8+relu+maxpool2/s2;conv3x3/s2/p0/4+relu";
  const struct { const char *format, *layers; guint out0, k1; const char *needle; } cases[] = {
    { "l2l-workbench.lstm-optimizer", good, 8, 3, "not a feature network" },
    { L2L_FEATURE_NET_FORMAT, "conv3x3/s1/p1/8;conv3x3/s2/p0/4+relu", 8, 3,
      "layer 0, 'conv3x3/s1/p1/8', is not like" },
    { L2L_FEATURE_NET_FORMAT, "conv3x3/s1/p1/8+relu+avgpool2/s2;conv3x3/s2/p0/4+relu", 8, 3,
      "is not like" },
    { L2L_FEATURE_NET_FORMAT, good, 6, 3, "convs.0.weight has shape [6, 3, 3, 3], expected [8, 3, 3, 3]" },
    { L2L_FEATURE_NET_FORMAT, good, 8, 1, "convs.1.weight has shape [4, 8, 1, 1], expected [4, 8, 3, 3]" },
    { L2L_FEATURE_NET_FORMAT, "conv3x3/s1/p1/8+relu;conv3x3/s2/p0/4+relu;conv1x1/s1/p0/2+relu", 8, 3,
      "tensor convs.2.weight is missing" },
  };
  g_autofree char *dir = g_dir_make_tmp ("l2l-test-XXXXXX", NULL);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *path = write_net (dir, cases[c].format, cases[c].layers, cases[c].out0,
                                         cases[c].k1);
      g_autoptr(GError) error = NULL;
      g_autoptr(L2lFeatureNet) net = l2l_feature_net_load (path, &error);

      g_assert_null (net);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, path));
      g_assert_nonnull (strstr (error->message, cases[c].needle));
    }
  {
    g_autofree char *path = write_net (dir, L2L_FEATURE_NET_FORMAT, good, 8, 3);
    g_autofree char *contents = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(L2lFeatureNet) net = l2l_feature_net_load (path, &error);
    g_autoptr(L2lFeatureRun) run = NULL;
    gsize length;

    g_assert_no_error (error);
    g_assert_cmpuint (net->n_layers, ==, 2);
    g_assert_cmpuint (net->layers[0].pool_k, ==, 2);
    /* 16 → conv 16 → pool 8 → conv (8 − 3) / 2 + 1 = 3 */
    run = l2l_feature_run_new (net, 16, 16, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (run->feature_h[1], ==, 3);
    g_clear_pointer (&run, l2l_feature_run_free);
    g_assert_null (l2l_feature_run_new (net, 4, 4, &error));
    g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION);
    g_clear_error (&error);
    /* 8 channels of 60000 × 60000 (115 GB): refused before allocating */
    g_assert_null (l2l_feature_run_new (net, 60000, 60000, &error));
    g_assert_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "the features of 60000 × 60000 pixels through"));
    g_clear_error (&error);

    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    g_assert_true (g_file_set_contents (path, contents, (gssize) length - 40, NULL));
    g_assert_null (l2l_feature_net_load (path, &error));
    g_assert_nonnull (strstr (error->message, "truncated"));
    g_unlink (path);
  }
  g_rmdir (dir);
}

/* A 66 KB net whose second layer claims 4096 → 4096 channels of 15 × 15
 * (15 GB): refused from the file's tensors before anything is allocated for
 * it. The child runs with 2 GB of address space, where allocating first
 * aborts (without it the allocation would succeed lazily and prove nothing);
 * AddressSanitizer needs far more address space than that for its shadow,
 * so there the message alone is checked. */
static void
test_feature_net_huge_claim (void)
{
  g_autofree char *dir = g_dir_make_tmp ("l2l-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "huge.safetensors", NULL);

  {
    g_autoptr(L2lSafetensorsWriter) writer = l2l_safetensors_writer_new ();
    g_autofree float *zeros = g_new0 (float, 4096 * 3);
    const guint64 w0[4] = { 4096, 3, 1, 1 }, b0[1] = { 4096 };

    l2l_safetensors_writer_add_metadata (writer, "format", L2L_FEATURE_NET_FORMAT);
    l2l_safetensors_writer_add_metadata (writer, "layers",
                                         "conv1x1/s1/p0/4096+relu;conv15x15/s1/p7/4096+relu");
    l2l_safetensors_writer_add_tensor (writer, "convs.0.weight", zeros, 4, w0);
    l2l_safetensors_writer_add_tensor (writer, "convs.0.bias", zeros, 1, b0);
    g_assert_true (l2l_safetensors_writer_write (writer, path, NULL));
  }
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
#if !defined(__SANITIZE_ADDRESS__)
      struct rlimit limit = { 2UL << 30, 2UL << 30 };

      g_assert_cmpint (setrlimit (RLIMIT_AS, &limit), ==, 0);
#endif
      g_assert_null (l2l_feature_net_load (g_getenv ("L2L_TEST_NET"), &error));
      g_assert_nonnull (strstr (error->message, "tensor convs.1.weight is missing"));
      return;
    }
  g_setenv ("L2L_TEST_NET", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_unlink (path);
  g_rmdir (dir);
}

/* torchvision spells a layer's number one way: "features.02.weight" (which
 * sscanf reads as 2) is refused naming the tensor, not looked up as
 * features.2.weight. */
static void
test_vgg_odd_numbers (void)
{
  const char *const names[] = { "features.02.weight", "features. 2.weight", "features.+2.weight",
                                "features.99999999999.weight" };
  g_autofree char *dir = g_dir_make_tmp ("l2l-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "vgg.safetensors", NULL);
  static float zeros[4 * 4 * 3 * 3];
  const guint64 w0[4] = { 4, 3, 3, 3 }, w1[4] = { 4, 4, 3, 3 }, b[1] = { 4 };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(L2lSafetensorsWriter) writer = l2l_safetensors_writer_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *needle = g_strdup_printf ("tensor %s: its layer number", names[i]);

      l2l_safetensors_writer_add_tensor (writer, "features.0.weight", zeros, 4, w0);
      l2l_safetensors_writer_add_tensor (writer, "features.0.bias", zeros, 1, b);
      l2l_safetensors_writer_add_tensor (writer, names[i], zeros, 4, w1);
      l2l_safetensors_writer_add_tensor (writer, "features.2.bias", zeros, 1, b);
      g_assert_true (l2l_safetensors_writer_write (writer, path, NULL));
      g_assert_null (l2l_feature_net_load (path, &error));
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, path));
      g_assert_nonnull (strstr (error->message, needle));
    }
  g_unlink (path);
  g_rmdir (dir);
}

/* A torchvision-style VGG `features` file: convolutions at 0, 2 and 5 (a
 * max-pool at 4) of 4, 4 and 8 channels, weights from @seed; @in2 lets a
 * case break the chain of channels. */
static char *
write_vgg (const char *dir,
           guint       in2,
           guint       k2)
{
  g_autoptr(L2lSafetensorsWriter) writer = l2l_safetensors_writer_new ();
  char *path = g_build_filename (dir, "vgg.safetensors", NULL);
  const guint index[3] = { 0, 2, 5 }, out[3] = { 4, 4, 8 }, in[3] = { 3, 4, in2 };
  const guint k[3] = { 3, 3, k2 };
  g_autofree float *values = g_new (float, 8 * 8 * 3 * 3 * 3);
  L2lRng rng;

  l2l_rng_init (&rng, 11);
  for (guint i = 0; i < 8 * 8 * 3 * 3 * 3; i++)
    values[i] = (float) (0.3 * l2l_rng_normal (&rng));
  for (guint l = 0; l < 3; l++)
    {
      g_autofree char *weight = g_strdup_printf ("features.%u.weight", index[l]);
      g_autofree char *bias = g_strdup_printf ("features.%u.bias", index[l]);
      const guint64 w[4] = { out[l], in[l], k[l], k[l] }, b[1] = { out[l] };

      l2l_safetensors_writer_add_tensor (writer, weight, values, 4, w);
      l2l_safetensors_writer_add_tensor (writer, bias, values + 100, 1, b);
    }
  g_assert_true (l2l_safetensors_writer_write (writer, path, NULL));
  return path;
}

/* The VGG layout: padding 1, the pool where the Sequential has one,
 * ImageNet-normalised input (checked on one output by hand), and the
 * gradient through it all by central differences. */
static void
test_vgg_layout (void)
{
  static const float mean[3] = { 0.485f, 0.456f, 0.406f }, std[3] = { 0.229f, 0.224f, 0.225f };
  g_autofree char *dir = g_dir_make_tmp ("l2l-test-XXXXXX", NULL);
  g_autofree char *path = write_vgg (dir, 4, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lFeatureNet) net = l2l_feature_net_load (path, &error);
  g_autoptr(L2lFeatureRun) run = NULL;
  const guint side = 16;
  const gsize n = 3 * side * side;
  g_autofree float *image = g_new (float, n), *grad = g_new (float, n);
  float *dfeatures[L2L_FEATURE_NET_MAX_LAYERS] = { NULL };
  double by_hand;
  L2lRng rng;

  g_assert_no_error (error);
  g_assert_cmpuint (net->n_layers, ==, 3);
  for (guint l = 0; l < 3; l++)
    {
      g_assert_cmpuint (net->layers[l].k, ==, 3);
      g_assert_cmpuint (net->layers[l].pad, ==, 1);
      g_assert_cmpuint (net->layers[l].pool_k, ==, l == 1 ? 2 : 0);
    }
  run = l2l_feature_run_new (net, side, side, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (run->feature_h[1], ==, 16);
  g_assert_cmpuint (run->feature_h[2], ==, 8);

  l2l_rng_init (&rng, 3);
  for (gsize i = 0; i < n; i++)
    image[i] = (float) l2l_rng_uniform (&rng);
  l2l_feature_run_forward (run, image);
  /* channel 1 of layer 0 at row 5, column 7 */
  by_hand = net->layers[0].bias[1];
  for (guint c = 0; c < 3; c++)
    for (guint dy = 0; dy < 3; dy++)
      for (guint dx = 0; dx < 3; dx++)
        by_hand += net->layers[0].weight[((1 * 3 + c) * 3 + dy) * 3 + dx] *
                   ((image[(c * side + 4 + dy) * side + 6 + dx] - mean[c]) / std[c]);
  g_assert_cmpfloat (fabs (run->features[0][(1 * side + 5) * side + 7] - MAX (by_hand, 0.0)), <,
                     1e-4);

  /* f = Σ F_2: ∂f/∂F_2 = 1 */
  dfeatures[2] = g_new (float, l2l_feature_run_size (run, 2));
  for (gsize i = 0; i < l2l_feature_run_size (run, 2); i++)
    dfeatures[2][i] = 1.0f;
  l2l_feature_run_backward (run, dfeatures, grad);
  for (guint probe = 0; probe < 6; probe++)
    {
      gsize i = l2l_rng_below (&rng, (guint) n);
      float saved = image[i];
      double up = 0.0, down = 0.0;

      image[i] = saved + 1e-3f;
      l2l_feature_run_forward (run, image);
      for (gsize j = 0; j < l2l_feature_run_size (run, 2); j++)
        up += run->features[2][j];
      image[i] = saved - 1e-3f;
      l2l_feature_run_forward (run, image);
      for (gsize j = 0; j < l2l_feature_run_size (run, 2); j++)
        down += run->features[2][j];
      image[i] = saved;
      g_assert_cmpfloat (fabs ((up - down) / 2e-3 - grad[i]) / MAX (1.0, fabs (grad[i])), <,
                         2e-2);
    }
  g_free (dfeatures[2]);
  g_unlink (path);

  /* channels that do not chain, or a kernel that is not 3 × 3 */
  {
    g_autofree char *broken = write_vgg (dir, 5, 3);
    g_assert_null (l2l_feature_net_load (broken, &error));
    g_assert_nonnull (strstr (error->message, "features.5.weight is not [out, 4, 3, 3]"));
    g_clear_error (&error);
    g_unlink (broken);
  }
  {
    g_autofree char *broken = write_vgg (dir, 4, 1);
    g_assert_null (l2l_feature_net_load (broken, &error));
    g_assert_nonnull (strstr (error->message, "features.5.weight is not [out, 4, 3, 3]"));
    g_unlink (broken);
  }
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  g_test_add ("/engine/art/golden-values", Fixture, NULL, fixture_set_up, test_golden_values,
              fixture_tear_down);
  g_test_add ("/engine/art/golden-trajectories", Fixture, NULL, fixture_set_up,
              test_golden_trajectories, fixture_tear_down);
  g_test_add ("/engine/art/gradient", Fixture, NULL, fixture_set_up, test_gradient,
              fixture_tear_down);
  g_test_add_func ("/engine/art/feature-net-files", test_feature_net_files);
  g_test_add_func ("/engine/art/vgg-layout", test_vgg_layout);
  g_test_add_func ("/engine/art/vgg-odd-numbers", test_vgg_odd_numbers);
  g_test_add_func ("/engine/art/feature-net-huge-claim", test_feature_net_huge_claim);
  return g_test_run ();
}
