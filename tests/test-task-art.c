/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "test-util.h"

/* The art task family: images as optimizees, drawn from files, folders or
 * the shipped photos, training and held-out kept apart, every draw from the
 * function's seed; and the resampler behind its crops. */

static char *
art_path (const char *name)
{
  return g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "data", "art", name, NULL);
}

/* A @size² PNG whose every value is a multiple of 1/255, so that it reads
 * back exactly: a gradient, or one colour when @flat ≥ 0. */
static char *
write_png (const char *dir,
           const char *name,
           guint       width,
           guint       height,
           int         flat)
{
  const gsize plane = (gsize) width * height;
  g_autofree float *pixels = g_new (float, 3 * plane);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  for (gsize i = 0; i < 3 * plane; i++)
    pixels[i] = (flat >= 0 ? flat : (int) ((i * 7) % 256)) / 255.0f;
  g_assert_true (l2l_image_save_png (pixels, width, height, path, &error));
  g_assert_no_error (error);
  return path;
}

static L2lTask *
task_new (const char *spec)
{
  g_autoptr(GError) error = NULL;
  L2lTask *task = l2l_task_new_from_spec (spec, &error);

  g_assert_no_error (error);
  g_assert_nonnull (task);
  return task;
}

static void
test_resample_identity_and_constant (void)
{
  L2lImage image = { .width = 40, .height = 30 };
  g_autofree float *out = g_new (float, 3 * 20 * 20);

  image.pixels = g_new (float, 3 * 40 * 30);
  for (guint i = 0; i < 3 * 40 * 30; i++)
    image.pixels[i] = (float) i;
  /* same size: a plain copy of the crop */
  l2l_image_crop_resize (&image, 5, 7, 20, 20, out);
  for (guint c = 0; c < 3; c++)
    for (guint y = 0; y < 20; y++)
      for (guint x = 0; x < 20; x++)
        g_assert_cmpfloat (out[(c * 20 + y) * 20 + x], ==,
                           image.pixels[(c * 30 + y + 7) * 40 + x + 5]);
  /* a flat image stays flat, shrunk or enlarged */
  for (guint i = 0; i < 3 * 40 * 30; i++)
    image.pixels[i] = 0.25f;
  l2l_image_crop_resize (&image, 0, 0, 30, 20, out);
  for (guint i = 0; i < 3 * 20 * 20; i++)
    g_assert_cmpfloat (fabsf (out[i] - 0.25f), <, 1e-6f);
  l2l_image_crop_resize (&image, 3, 3, 10, 20, out);
  for (guint i = 0; i < 3 * 20 * 20; i++)
    g_assert_cmpfloat (fabsf (out[i] - 0.25f), <, 1e-6f);
  g_free (image.pixels);
}

/* Halving a checkerboard averages it: no pixel survives aliased (away from
 * the edges, where the filter has fewer taps). */
static void
test_resample_checkerboard (void)
{
  L2lImage image = { .width = 32, .height = 32 };
  g_autofree float *out = g_new (float, 3 * 16 * 16);

  image.pixels = g_new (float, 3 * 32 * 32);
  for (guint c = 0; c < 3; c++)
    for (guint y = 0; y < 32; y++)
      for (guint x = 0; x < 32; x++)
        image.pixels[(c * 32 + y) * 32 + x] = (float) ((x + y) % 2);
  l2l_image_center_square (&image, 16, out);
  for (guint c = 0; c < 3; c++)
    for (guint y = 1; y < 15; y++)
      for (guint x = 1; x < 15; x++)
        g_assert_cmpfloat (fabsf (out[(c * 16 + y) * 16 + x] - 0.5f), <, 1e-6f);
  g_free (image.pixels);
}

/* The default task: 64 px, the shipped photos, training apart from
 * held-out, the same seed the same image. */
static void
test_defaults (void)
{
  g_autoptr(L2lTask) task = task_new ("art");
  const gsize n = 3 * 64 * 64;
  g_autoptr(L2lProblem) a = l2l_task_sample (task, 7);
  g_autoptr(L2lProblem) b = l2l_task_sample (task, 7);
  g_autoptr(L2lProblem) c = l2l_task_sample (task, 8);
  g_autoptr(L2lProblem) held = l2l_task_sample_held_out (task, 7);
  g_autofree float *theta = g_new (float, n);
  g_autofree float *grad = g_new (float, n);
  double loss, largest = 0.0;

  g_assert_cmpuint (l2l_task_get_n_params (task), ==, n);
  g_assert_cmpstr (l2l_task_get_spec (task), ==,
                   "art:content=,held-out=,style=,size=64,alpha=1,beta=30,gamma=10,"
                   "content-layer=2,init=content,net=");
  g_assert_cmpuint (l2l_art_problem_get_size (a), ==, 64);
  g_assert_cmpmem (l2l_art_problem_get_content (a), n * sizeof (float),
                   l2l_art_problem_get_content (b), n * sizeof (float));
  g_assert_true (memcmp (l2l_art_problem_get_content (a), l2l_art_problem_get_content (c),
                         n * sizeof (float)) != 0);
  g_assert_true (memcmp (l2l_art_problem_get_content (a), l2l_art_problem_get_content (held),
                         n * sizeof (float)) != 0);
  for (gsize i = 0; i < n; i++)
    g_assert_true (l2l_art_problem_get_content (a)[i] >= 0.0f &&
                   l2l_art_problem_get_content (a)[i] <= 1.0f);

  /* θ0 is the content; the loss is finite and the gradient not zero */
  l2l_problem_init (a, theta);
  g_assert_cmpmem (theta, n * sizeof (float), l2l_art_problem_get_content (a), n * sizeof (float));
  loss = l2l_problem_loss_grad (a, theta, grad);
  g_assert_true (isfinite (loss) && loss > 0.0);
  for (gsize i = 0; i < n; i++)
    largest = MAX (largest, fabsf (grad[i]));
  g_assert_cmpfloat (largest, >, 0.0);

  /* a problem of another family is not an art problem */
  {
    g_autoptr(L2lTask) quadratic = task_new ("quadratic");
    g_autoptr(L2lProblem) q = l2l_task_sample (quadratic, 0);
    g_assert_null (l2l_art_problem_get_content (q));
    g_assert_cmpuint (l2l_art_problem_get_size (q), ==, 0);
  }
}

/* One file: its centred square, as is when it is already the size; the
 * held-out problems use it too, and init=noise starts from U[0, 1). */
static void
test_one_file (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *content = write_png (dir, "c.png", 32, 32, -1);
  g_autofree char *spec = g_strdup_printf ("art:content=%s,size=32", content);
  g_autofree char *noise_spec = g_strdup_printf ("%s,init=noise", spec);
  g_autoptr(L2lTask) task = task_new (spec);
  g_autoptr(L2lTask) noisy = task_new (noise_spec);
  g_autoptr(L2lImage) image = l2l_image_load (content, NULL);
  g_autoptr(L2lProblem) a = l2l_task_sample (task, 1);
  g_autoptr(L2lProblem) held = l2l_task_sample_held_out (task, 2);
  g_autoptr(L2lProblem) n1 = l2l_task_sample (noisy, 1);
  g_autoptr(L2lProblem) n2 = l2l_task_sample (noisy, 2);
  const gsize n = 3 * 32 * 32;
  g_autofree float *t1 = g_new (float, n), *t2 = g_new (float, n);

  g_assert_cmpmem (l2l_art_problem_get_content (a), n * sizeof (float), image->pixels,
                   n * sizeof (float));
  g_assert_cmpmem (l2l_art_problem_get_content (held), n * sizeof (float), image->pixels,
                   n * sizeof (float));
  l2l_problem_init (n1, t1);
  l2l_problem_init (n2, t2);
  g_assert_true (memcmp (t1, t2, n * sizeof (float)) != 0);
  g_assert_true (memcmp (t1, image->pixels, n * sizeof (float)) != 0);
  for (gsize i = 0; i < n; i++)
    g_assert_true (t1[i] >= 0.0f && t1[i] < 1.0f);
  test_util_remove_tree (dir);
}

/* A folder: its PNG and JPEG files (others ignored), crops from the seed;
 * a flat image gives flat crops of its colour. held-out may name another. */
static void
test_folder (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *train = g_build_filename (dir, "train", NULL);
  g_autofree char *held = g_build_filename (dir, "held", NULL);
  g_autofree char *spec = NULL;
  g_autoptr(L2lTask) task = NULL;
  const gsize n = 3 * 32 * 32;
  gboolean seen[2] = { FALSE, FALSE };

  g_assert_cmpint (g_mkdir (train, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (held, 0755), ==, 0);
  g_free (write_png (train, "dark.png", 60, 40, 51));
  g_free (write_png (train, "light.png", 40, 70, 204));
  g_free (test_util_write_file (train, "README.txt", "not an image"));
  g_free (write_png (held, "mid.png", 50, 50, 102));
  spec = g_strdup_printf ("art:content=%s,held-out=%s,size=32", train, held);
  task = task_new (spec);

  for (guint64 seed = 0; seed < 16; seed++)
    {
      g_autoptr(L2lProblem) p = l2l_task_sample (task, seed);
      g_autoptr(L2lProblem) h = l2l_task_sample_held_out (task, seed);
      const float *c = l2l_art_problem_get_content (p);
      const float v = c[0];

      g_assert_true (fabsf (v - 0.2f) < 1e-6f || fabsf (v - 0.8f) < 1e-6f);
      seen[v > 0.5f] = TRUE;
      for (gsize i = 0; i < n; i++)
        {
          g_assert_cmpfloat (fabsf (c[i] - v), <, 1e-6f);
          g_assert_cmpfloat (fabsf (l2l_art_problem_get_content (h)[i] - 0.4f), <, 1e-6f);
        }
    }
  g_assert_true (seen[0] && seen[1]);
  test_util_remove_tree (dir);
}

/* Crops of a real photo differ from seed to seed (position and side). */
static void
test_crops_vary (void)
{
  g_autofree char *folder = art_path ("content");
  g_autofree char *spec = g_strdup_printf ("art:content=%s,size=32", folder);
  g_autoptr(L2lTask) task = task_new (spec);
  g_autoptr(L2lProblem) a = l2l_task_sample (task, 100);
  g_autoptr(L2lProblem) b = l2l_task_sample (task, 101);

  g_assert_true (memcmp (l2l_art_problem_get_content (a), l2l_art_problem_get_content (b),
                         3 * 32 * 32 * sizeof (float)) != 0);
}

typedef struct {
  const char *name;
  const char *options;   /* "@" stands for the test's folder */
  const char *needle;
} BadCase;

static const BadCase bad_cases[] = {
  { "missing-content", "content=@/absent.jpg", "absent.jpg" },
  { "corrupt-content", "content=@/corrupt.png", "corrupt.png" },
  { "empty-folder", "content=@/empty", "no PNG or JPEG images in this folder" },
  { "missing-style", "style=@/absent.png", "absent.png" },
  { "missing-held-out", "held-out=@/absent.png", "absent.png" },
  { "bad-net", "net=@/corrupt.png", "corrupt.png" },
  { "too-small", "size=16", "16 × 16 pixels are too few for layer 4" },
  { "content-layer", "content-layer=5", "content-layer: 5, but the feature net has layers 0 to 4" },
  { "size-range", "size=8", "size" },
  { "init", "init=zeros", "init" },
};

/* The loss and gradient with a team of two threads (bands of the feature
 * network's rows, the style term's layers) give the same bits as the
 * calling thread alone. */
static void
test_threads_same_bits (void)
{
  g_autoptr(L2lTask) task = task_new ("art");
  g_autoptr(L2lParallel) team = l2l_parallel_new (2);
  const gsize n = l2l_task_get_n_params (task);
  g_autofree float *theta = g_new (float, n);
  float *grads[2];
  double losses[2];

  for (guint t = 0; t < 2; t++)
    {
      g_autoptr(L2lProblem) problem = l2l_task_sample (task, 7);

      l2l_problem_set_parallel (problem, t == 0 ? NULL : team);
      l2l_problem_init (problem, theta);
      grads[t] = g_new (float, n);
      losses[t] = l2l_problem_loss_grad (problem, theta, grads[t]);
    }
  g_assert_cmpfloat (losses[0], ==, losses[1]);
  g_assert_cmpmem (grads[0], n * sizeof (float), grads[1], n * sizeof (float));
  g_free (grads[0]);
  g_free (grads[1]);
}

static void
test_bad (gconstpointer data)
{
  const BadCase *bad = data;
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *empty = g_build_filename (dir, "empty", NULL);
  g_auto(GStrv) parts = g_strsplit (bad->options, "@", -1);
  g_autofree char *options = g_strjoinv (dir, parts);
  g_autofree char *spec = g_strdup_printf ("art:%s", options);
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lTask) task = NULL;

  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  g_free (test_util_write_file (dir, "corrupt.png", "\x89PNG\r\n\x1a\nnot really"));
  task = l2l_task_new_from_spec (spec, &error);
  g_assert_null (task);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, bad->needle));
  test_util_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  l2l_engine_init (1);

  g_test_add_func ("/art-task/resample/identity-and-constant", test_resample_identity_and_constant);
  g_test_add_func ("/art-task/resample/checkerboard", test_resample_checkerboard);
  g_test_add_func ("/art-task/defaults", test_defaults);
  g_test_add_func ("/art-task/one-file", test_one_file);
  g_test_add_func ("/art-task/folder", test_folder);
  g_test_add_func ("/art-task/crops-vary", test_crops_vary);
  g_test_add_func ("/art-task/threads-same-bits", test_threads_same_bits);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/art-task/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad);
    }
  return g_test_run ();
}
