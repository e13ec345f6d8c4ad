/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "test-util.h"

/* IDX bytes: unsigned-byte type, the given sizes, then @data. */
static GBytes *
idx_bytes (guint          n_dims,
           const guint32 *dims,
           const guint8  *data,
           gsize          length,
           guint8         type)
{
  GByteArray *out = g_byte_array_new ();
  const guint8 magic[4] = { 0, 0, type, (guint8) n_dims };

  g_byte_array_append (out, magic, 4);
  for (guint d = 0; d < n_dims; d++)
    {
      guint8 b[4] = { dims[d] >> 24, dims[d] >> 16, dims[d] >> 8, dims[d] };
      g_byte_array_append (out, b, 4);
    }
  g_byte_array_append (out, data, (guint) length);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
gzip_bytes (GBytes *plain)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_bytes (plain);
  g_autoptr(GInputStream) stream = g_converter_input_stream_new (raw, G_CONVERTER (compressor));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  g_assert_cmpint (g_output_stream_splice (out, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                           NULL, NULL), >=, 0);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
write_bytes (const char *dir,
             const char *name,
             GBytes     *bytes)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  g_assert_true (g_file_set_contents (path, data, (gssize) length, NULL));
}

/* @n images of 4 × 3 whose pixels count up, labels i % 10. */
static void
write_set (const char *dir,
           const char *prefix,
           guint       n,
           gboolean    gzipped)
{
  g_autofree guint8 *pixels = g_new (guint8, n * 12);
  g_autofree guint8 *labels = g_new (guint8, n);
  const guint32 image_dims[3] = { n, 4, 3 }, label_dims[1] = { n };
  g_autoptr(GBytes) images = NULL, label_bytes = NULL;
  g_autofree char *images_name = g_strdup_printf ("%s-images-idx3-ubyte%s", prefix, gzipped ? ".gz" : "");
  g_autofree char *labels_name = g_strdup_printf ("%s-labels-idx1-ubyte%s", prefix, gzipped ? ".gz" : "");

  for (guint i = 0; i < n * 12; i++)
    pixels[i] = (guint8) i;
  for (guint i = 0; i < n; i++)
    labels[i] = (guint8) (i % 10);
  images = idx_bytes (3, image_dims, pixels, n * 12, 0x08);
  label_bytes = idx_bytes (1, label_dims, labels, n, 0x08);
  if (gzipped)
    {
      GBytes *a = gzip_bytes (images), *b = gzip_bytes (label_bytes);
      g_bytes_unref (images);
      g_bytes_unref (label_bytes);
      images = a;
      label_bytes = b;
    }
  write_bytes (dir, images_name, images);
  write_bytes (dir, labels_name, label_bytes);
}

static void
test_idx_good (void)
{
  g_autofree char *raw = test_util_make_tmpdir ();
  g_autofree char *gz = test_util_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lDataset) a = NULL, b = NULL, split = NULL;

  write_set (raw, "train", 20, FALSE);
  write_set (gz, "train", 20, TRUE);
  write_set (gz, "t10k", 6, TRUE);
  a = l2l_dataset_get ("mnist", raw, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->width, ==, 3);
  g_assert_cmpuint (a->height, ==, 4);
  g_assert_cmpuint (a->n_train, ==, 17);      /* no t10k: the last 15 % held out */
  g_assert_cmpuint (a->n_held_out, ==, 3);
  g_assert_cmpuint (a->images[12 * 5 + 7], ==, 12 * 5 + 7);
  g_assert_cmpuint (a->labels[13], ==, 3);
  b = l2l_dataset_get ("mnist", gz, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (b->n_train, ==, 20);      /* t10k is the held-out part */
  g_assert_cmpuint (b->n_held_out, ==, 6);
  g_assert_cmpmem (a->images, 20 * 12, b->images, 20 * 12);
  g_assert_cmpuint (b->labels[20 + 5], ==, 5);
  /* loaded once, then shared while in use, and let go with the last user */
  split = l2l_dataset_get ("mnist", gz, NULL);
  g_assert_true (split == b);
  g_assert_cmpuint (l2l_dataset_count_loaded (), ==, 2);
  g_clear_pointer (&a, l2l_dataset_unref);
  g_assert_cmpuint (l2l_dataset_count_loaded (), ==, 1);
  g_clear_pointer (&b, l2l_dataset_unref);
  g_assert_cmpuint (l2l_dataset_count_loaded (), ==, 1);
  g_clear_pointer (&split, l2l_dataset_unref);
  g_assert_cmpuint (l2l_dataset_count_loaded (), ==, 0);
  test_util_remove_tree (raw);
  test_util_remove_tree (gz);
}

static void
expect_refused (const char *dir,
                const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lDataset) dataset = l2l_dataset_get ("fashion-mnist", dir, &error);

  g_assert_null (dataset);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_idx_bad (void)
{
  const guint32 dims[3] = { 5, 4, 3 }, label_dims[1] = { 5 }, short_dims[1] = { 4 };
  const guint32 wrapping_dims[4] = { 65536, 65536, 65536, 65536 };   /* 2⁶⁴ bytes */
  guint8 pixels[60] = { 0 }, labels[5] = { 1, 2, 3, 4, 5 }, bad_labels[5] = { 1, 2, 12, 4, 5 };
  struct {
    const char *name;
    GBytes     *images;
    GBytes     *labels;
    const char *needle;
  } cases[] = {
    { "truncated", idx_bytes (3, dims, pixels, 59, 0x08), idx_bytes (1, label_dims, labels, 5, 0x08),
      "promises 60 bytes of data, the file has 59 (truncated)" },
    { "too long", idx_bytes (3, dims, pixels, 60, 0x08), idx_bytes (1, label_dims, labels, 5, 0x08), NULL },
    { "bad magic", g_bytes_new ("\x01\x02\x08\x03", 4), idx_bytes (1, label_dims, labels, 5, 0x08),
      "not an IDX file (bad magic number)" },
    { "float type", idx_bytes (3, dims, pixels, 60, 0x0D), idx_bytes (1, label_dims, labels, 5, 0x08),
      "IDX data type 0x0d" },
    { "short header", g_bytes_new ("\x00\x00\x08\x03\x00\x00", 6), idx_bytes (1, label_dims, labels, 5, 0x08),
      "truncated in its header" },
    { "count mismatch", idx_bytes (3, dims, pixels, 60, 0x08), idx_bytes (1, short_dims, labels, 4, 0x08),
      "5 images, but" },
    { "label out of range", idx_bytes (3, dims, pixels, 60, 0x08), idx_bytes (1, label_dims, bad_labels, 5, 0x08),
      "label 2 is 12, not a class 0–9" },
    { "labels as images", idx_bytes (1, label_dims, labels, 5, 0x08), idx_bytes (1, label_dims, labels, 5, 0x08),
      "not images" },
    { "sizes that wrap", idx_bytes (4, wrapping_dims, pixels, 0, 0x08),
      idx_bytes (1, label_dims, labels, 5, 0x08),
      "promises 18446744073709551615 bytes of data, the file has 0" },
    { "broken gzip", g_bytes_new ("\x1f\x8b\x08\x00garbage-garbage", 19), idx_bytes (1, label_dims, labels, 5, 0x08),
      "broken gzip data" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = test_util_make_tmpdir ();

      write_bytes (dir, "train-images-idx3-ubyte", cases[i].images);
      write_bytes (dir, "train-labels-idx1-ubyte", cases[i].labels);
      if (cases[i].needle == NULL)   /* data beyond what the header says */
        {
          g_autofree char *path = g_build_filename (dir, "train-images-idx3-ubyte", NULL);
          g_autofree char *bigger = NULL;
          gsize length;
          g_assert_true (g_file_get_contents (path, &bigger, &length, NULL));
          bigger = g_realloc (bigger, length + 1);
          g_assert_true (g_file_set_contents (path, bigger, (gssize) length + 1, NULL));
          expect_refused (dir, "promises 60 bytes of data, the file has 61");
        }
      else
        expect_refused (dir, cases[i].needle);
      g_bytes_unref (cases[i].images);
      g_bytes_unref (cases[i].labels);
      test_util_remove_tree (dir);
    }
  expect_refused ("/nonexistent/folder", "/nonexistent/folder: no such folder");
  {
    g_autofree char *dir = test_util_make_tmpdir ();
    g_autoptr(GBytes) images = idx_bytes (3, dims, pixels, 60, 0x08);
    write_bytes (dir, "train-images-idx3-ubyte", images);
    expect_refused (dir, "no train-labels-idx1-ubyte[.gz] there");
    test_util_remove_tree (dir);
  }
}

static void
test_built_in_mnist (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lDataset) mnist = l2l_dataset_get ("mnist", NULL, &error);
  guint counts[10] = { 0 };

  g_assert_no_error (error);
  g_assert_cmpuint (mnist->width, ==, 28);
  g_assert_cmpuint (mnist->height, ==, 28);
  g_assert_cmpuint (mnist->n_train, ==, 8500);
  g_assert_cmpuint (mnist->n_held_out, ==, 1500);
  for (guint i = 0; i < 10000; i++)
    counts[mnist->labels[i]]++;
  /* the class counts of data/mnist-10k/README.md */
  g_assert_cmpuint (counts[0], ==, 1001);
  g_assert_cmpuint (counts[1], ==, 1127);
  g_assert_cmpuint (counts[9], ==, 978);
}

/* Debian's dataset-fashion-mnist, which make test installs: 60,000 training
 * images and the 10,000 t10k ones held out. */
static void
test_fashion_mnist (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lDataset) fashion = NULL;

  if (!g_file_test ("/usr/share/datasets/fashion-mnist", G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("dataset-fashion-mnist is not installed (make test installs it)");
      return;
    }
  fashion = l2l_dataset_get ("fashion-mnist", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fashion->n_train, ==, 60000);
  g_assert_cmpuint (fashion->n_held_out, ==, 10000);
  g_assert_cmpuint (fashion->width * fashion->height, ==, 784);
}

/* Central differences on a fresh problem of the same seed each time: the
 * first minibatch is then always the same. */
static double
loss_at (L2lTask     *task,
         const float *theta,
         float       *scratch)
{
  g_autoptr(L2lProblem) problem = l2l_task_sample (task, 77);

  return l2l_problem_loss_grad (problem, theta, scratch);
}

static void
test_mlp_gradient (gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTask) task = l2l_task_new_from_spec (data, &error);
  gsize n;
  g_autofree float *theta = NULL, *grad = NULL, *scratch = NULL;
  L2lRng rng;
  double worst = 0.0;
  guint skipped = 0;

  g_assert_no_error (error);
  n = l2l_task_get_n_params (task);
  theta = g_new (float, n);
  grad = g_new (float, n);
  scratch = g_new (float, n);
  /* weights large enough that every layer's gradient is well above rounding */
  l2l_rng_init (&rng, 5);
  for (gsize i = 0; i < n; i++)
    theta[i] = (float) (0.3 * l2l_rng_normal (&rng));
  loss_at (task, theta, grad);

  for (guint probe = 0; probe < 300; probe++)
    {
      gsize i = probe < 100 ? n - 1 - probe : l2l_rng_below (&rng, (guint32) n);
      float saved = theta[i];
      double estimates[2];

      for (guint e = 0; e < 2; e++)
        {
          double h = e == 0 ? 1e-2 : 5e-3, plus, minus;
          theta[i] = saved + (float) h;
          plus = loss_at (task, theta, scratch);
          theta[i] = saved - (float) h;
          minus = loss_at (task, theta, scratch);
          theta[i] = saved;
          estimates[e] = (plus - minus) / (2 * h);
        }
      /* Two step sizes that disagree: the step crossed a ReLU kink, where a
       * difference quotient says nothing about the derivative. */
      if (fabs (estimates[0] - estimates[1]) > 0.05 * (fabs (estimates[0]) + 1e-3))
        {
          skipped++;
          continue;
        }
      worst = MAX (worst, fabs (estimates[0] - grad[i]) / (fabs (estimates[0]) + 1e-3));
    }
  g_test_message ("%u of 300 probes straddled a kink", skipped);
  g_assert_cmpuint (skipped, <, 30);
  g_test_message ("%s: worst relative gradient error %.3g", (const char *) data, worst);
  g_assert_cmpfloat (worst, <, 2e-2);
}

/* H v against central differences of the gradient along v, each gradient on
 * a fresh problem of the same seed (so on the same minibatch as the product),
 * at weights where every layer's curvature is well above rounding. */
static void
test_mlp_hvp (gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTask) task = l2l_task_new_from_spec (data, &error);
  g_autoptr(L2lProblem) problem = NULL;
  g_autofree float *theta = NULL, *v = NULL, *hv = NULL, *plus = NULL, *minus = NULL;
  g_autofree float *shifted = NULL;
  const double h = 1e-3;   /* small enough that no ReLU changes side */
  double diff = 0.0, norm = 0.0;
  L2lRng rng;
  gsize n;

  g_assert_no_error (error);
  n = l2l_task_get_n_params (task);
  theta = g_new (float, n), v = g_new (float, n), hv = g_new (float, n);
  plus = g_new (float, n), minus = g_new (float, n), shifted = g_new (float, n);
  l2l_rng_init (&rng, 9);
  for (gsize i = 0; i < n; i++)
    {
      theta[i] = (float) (0.3 * l2l_rng_normal (&rng));
      v[i] = (float) l2l_rng_normal (&rng);
    }
  problem = l2l_task_sample (task, 77);
  g_assert_true (l2l_problem_has_hvp (problem));
  l2l_problem_loss_grad (problem, theta, plus);
  l2l_problem_hvp (problem, theta, v, hv);
  for (gsize i = 0; i < n; i++)
    shifted[i] = theta[i] + (float) h * v[i];
  loss_at (task, shifted, plus);
  for (gsize i = 0; i < n; i++)
    shifted[i] = theta[i] - (float) h * v[i];
  loss_at (task, shifted, minus);
  for (gsize i = 0; i < n; i++)
    {
      double fd = ((double) plus[i] - minus[i]) / (2 * h);
      diff += (hv[i] - fd) * (hv[i] - fd);
      norm += fd * fd;
    }
  g_test_message ("%s: |Hv − differences| / |differences| = %.3g (|Hv| %.3g)",
                  (const char *) data, sqrt (diff / norm), sqrt (norm));
  g_assert_cmpfloat (sqrt (norm), >, 1e-2);
  g_assert_cmpfloat (sqrt (diff / norm), <, 2e-3);
}

static void
test_minibatches (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("mnist:batch=32", NULL);
  g_autoptr(L2lProblem) a = l2l_task_sample (task, 3);
  g_autoptr(L2lProblem) b = l2l_task_sample (task, 3);
  g_autoptr(L2lProblem) c = l2l_task_sample (task, 4);
  gsize n = l2l_task_get_n_params (task);
  g_autofree float *theta_a = g_new (float, n), *theta_c = g_new (float, n);
  g_autofree float *grad = g_new (float, n);
  double losses_a[5], losses_b[5], loss_c;

  g_assert_cmpuint (n, ==, 784 * 20 + 20 + 20 * 10 + 10);
  l2l_problem_init (a, theta_a);
  l2l_problem_init (c, theta_c);
  g_assert_cmpfloat (fabs (theta_a[0]), <, 0.1);          /* N(0, 0.01²) */
  g_assert_cmpfloat (theta_a[0], !=, theta_c[0]);
  for (guint k = 0; k < 5; k++)
    {
      losses_a[k] = l2l_problem_loss_grad (a, theta_a, grad);
      losses_b[k] = l2l_problem_loss_grad (b, theta_a, grad);
    }
  g_assert_cmpmem (losses_a, sizeof losses_a, losses_b, sizeof losses_b);
  g_assert_cmpfloat (losses_a[0], !=, losses_a[1]);        /* a new minibatch each call */
  loss_c = l2l_problem_loss_grad (c, theta_a, grad);
  g_assert_cmpfloat (loss_c, !=, losses_a[0]);             /* another seed, other images */
}

static void
test_zero_weights (void)
{
  g_autoptr(L2lTask) task = l2l_task_new_from_spec ("mnist:hidden=20x20,act=relu", NULL);
  g_autoptr(L2lProblem) problem = l2l_task_sample (task, 1);
  gsize n = l2l_task_get_n_params (task);
  g_autofree float *theta = g_new0 (float, n), *grad = g_new (float, n);

  g_assert_cmpuint (n, ==, 784 * 20 + 20 + 20 * 20 + 20 + 20 * 10 + 10);
  /* all-zero weights: every class equally likely, loss ln 10 on every image */
  g_assert_cmpfloat_with_epsilon (l2l_problem_loss_grad (problem, theta, grad), log (10.0), 1e-6);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);
  g_test_add_func ("/engine/mnist/idx-good", test_idx_good);
  g_test_add_func ("/engine/mnist/idx-bad", test_idx_bad);
  g_test_add_func ("/engine/mnist/built-in", test_built_in_mnist);
  g_test_add_func ("/engine/mnist/fashion-mnist", test_fashion_mnist);
  g_test_add_data_func ("/engine/mnist/gradient/sigmoid", "mnist:hidden=8,batch=16", test_mlp_gradient);
  g_test_add_data_func ("/engine/mnist/gradient/relu", "mnist:hidden=8,act=relu,batch=16",
                        test_mlp_gradient);
  g_test_add_data_func ("/engine/mnist/gradient/two-layers", "mnist:hidden=6x5,batch=16",
                        test_mlp_gradient);
  g_test_add_data_func ("/engine/mnist/gradient/two-layers-relu",
                        "mnist:hidden=6x5,act=relu,batch=16", test_mlp_gradient);
  g_test_add_data_func ("/engine/mnist/hvp/sigmoid", "mnist:hidden=8,batch=16", test_mlp_hvp);
  g_test_add_data_func ("/engine/mnist/hvp/relu", "mnist:hidden=8,act=relu,batch=16",
                        test_mlp_hvp);
  g_test_add_data_func ("/engine/mnist/hvp/two-layers", "mnist:hidden=6x5,batch=16",
                        test_mlp_hvp);
  g_test_add_data_func ("/engine/mnist/hvp/two-layers-relu", "mnist:hidden=6x5,act=relu,batch=16",
                        test_mlp_hvp);
  g_test_add_func ("/engine/mnist/minibatches", test_minibatches);
  g_test_add_func ("/engine/mnist/zero-weights", test_zero_weights);
  return g_test_run ();
}
