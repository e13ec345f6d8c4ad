/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <string.h>

#include "l2l-engine.h"
#include "test-util.h"

/* Images in and out: planar RGB in [0, 1], grayscale spread, alpha dropped,
 * PNG written as 8 bits; damaged and tiny files refused with their name. */

static char *
art_path (const char *name)
{
  return g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "data", "art", name, NULL);
}

/* Written, then read back: every value rounded to the nearest 1/255, and
 * clamped where it left [0, 1]. */
static void
test_png_round_trip (void)
{
  const guint width = 20, height = 17;
  const gsize plane = (gsize) width * height;
  g_autofree float *pixels = g_new (float, 3 * plane);
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "out.png", NULL);
  g_autoptr(L2lImage) image = NULL;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < 3 * plane; i++)
    pixels[i] = (float) ((double) i / (3 * plane) * 1.2 - 0.1);   /* -0.1 … 1.1 */
  g_assert_true (l2l_image_save_png (pixels, width, height, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (test_util_count_entries (dir), ==, 1);
  image = l2l_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, width);
  g_assert_cmpuint (image->height, ==, height);
  for (gsize i = 0; i < 3 * plane; i++)
    {
      /* rounded half up, in float, as the writer does */
      double expected = floorf (CLAMP (pixels[i], 0.0f, 1.0f) * 255.0f + 0.5f) / 255.0;
      g_assert_cmpfloat (fabs (image->pixels[i] - expected), <, 1e-6);
    }
  test_util_remove_tree (dir);
}

/* An RGBA PNG: colour kept, alpha left out. */
static void
test_alpha_dropped (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 16, 16);
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "rgba.png", NULL);
  g_autoptr(L2lImage) image = NULL;
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, 0x336699 << 8 | 0x40);   /* R 0x33, G 0x66, B 0x99, alpha 0x40 */
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
  image = l2l_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (image->pixels[0], 0x33 / 255.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (image->pixels[256], 0x66 / 255.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (image->pixels[512 + 255], 0x99 / 255.0, 1e-6);
  test_util_remove_tree (dir);
}

/* The shipped JPEGs: a colour photo, and a grayscale one spread to RGB. */
static void
test_shipped_jpegs (void)
{
  g_autofree char *chelsea = art_path ("content/chelsea.jpg");
  g_autofree char *camera = art_path ("content/camera.jpg");
  g_autoptr(L2lImage) colour = NULL, gray = NULL;
  g_autoptr(GError) error = NULL;
  gsize plane, differ = 0;

  colour = l2l_image_load (chelsea, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (colour->width, >=, 16);
  plane = (gsize) colour->width * colour->height;
  for (gsize i = 0; i < plane; i++)
    differ += colour->pixels[i] != colour->pixels[plane + i];
  g_assert_cmpuint (differ, >, plane / 10);

  gray = l2l_image_load (camera, &error);
  g_assert_no_error (error);
  plane = (gsize) gray->width * gray->height;
  for (gsize i = 0; i < plane; i++)
    {
      g_assert_cmpfloat (gray->pixels[i], ==, gray->pixels[plane + i]);
      g_assert_cmpfloat (gray->pixels[i], ==, gray->pixels[2 * plane + i]);
    }
}

static void
expect_refused (const char *path,
                const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(L2lImage) image = l2l_image_load (path, &error);

  g_assert_null (image);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_bad_images (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "absent.png", NULL);
  g_autofree char *text = test_util_write_file (dir, "text.png", "not an image at all");
  g_autofree char *empty = test_util_write_file (dir, "empty.jpg", "");
  g_autofree char *tiny = g_build_filename (dir, "tiny.png", NULL);
  g_autofree char *truncated = g_build_filename (dir, "truncated.png", NULL);
  g_autofree char *good = g_build_filename (dir, "good.png", NULL);
  g_autofree char *photo = art_path ("content/coffee.jpg");
  g_autofree char *cut_jpeg = g_build_filename (dir, "cut.jpg", NULL);
  g_autofree char *contents = NULL, *jpeg = NULL;
  g_autoptr(GdkPixbuf) small = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 40, 15);
  g_autofree float *pixels = g_new0 (float, 3 * 64 * 64);
  gsize length;

  gdk_pixbuf_fill (small, 0);
  g_assert_true (gdk_pixbuf_save (small, tiny, "png", NULL, NULL));
  g_assert_true (l2l_image_save_png (pixels, 64, 64, good, NULL));
  g_assert_true (g_file_get_contents (good, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (truncated, contents, (gssize) length / 2, NULL));
  /* GdkPixbuf alone would take a JPEG cut at any point */
  g_assert_true (g_file_get_contents (photo, &jpeg, &length, NULL));
  g_assert_true (g_file_set_contents (cut_jpeg, jpeg, (gssize) length * 9 / 10, NULL));

  expect_refused (missing, "cannot read");
  expect_refused (text, "not an image this program reads (PNG or JPEG only)");
  expect_refused (empty, "not an image this program reads (PNG or JPEG only)");
  expect_refused (tiny, "40 × 15 pixels is smaller than 16 pixels a side");
  expect_refused (truncated, "a PNG cut short (no IEND chunk)");
  expect_refused (cut_jpeg, "a JPEG cut short");
  test_util_remove_tree (dir);
}

/* What GdkPixbuf would take but the README does not promise: other formats
 * under a .png name (BMP, ICO and TIFF, written here; GIF and SVG go by the
 * same first-bytes check), a PNG cut after some rows (taken before with the
 * rest blank); and images whose header claims 40000 × 40000 pixels,
 * refused from the header before decoding (a PNG like that took 4.7 GB and
 * 15 s to refuse). */
static void
test_unpromised_images (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *good = g_build_filename (dir, "good.png", NULL);
  g_autofree char *photo = art_path ("content/coffee.jpg");
  g_autoptr(GdkPixbuf) small = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 32, 32);
  g_autofree float *pixels = g_new0 (float, 3 * 64 * 64);
  g_autofree char *png = NULL, *jpeg = NULL;
  const char *const others[] = { "bmp", "ico", "tiff" };
  gsize png_length, jpeg_length;

  gdk_pixbuf_fill (small, 0x336699ff);
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-named.png", others[i]);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_true (gdk_pixbuf_save (small, path, others[i], NULL, NULL));
      expect_refused (path, "not an image this program reads (PNG or JPEG only)");
    }

  g_assert_true (l2l_image_save_png (pixels, 64, 64, good, NULL));
  g_assert_true (g_file_get_contents (good, &png, &png_length, NULL));
  {
    g_autofree char *cut = g_build_filename (dir, "cut.png", NULL);

    g_assert_true (g_file_set_contents (cut, png, (gssize) png_length - 12, NULL));
    expect_refused (cut, "a PNG cut short (no IEND chunk)");
  }
  {
    g_autofree char *huge = g_build_filename (dir, "huge.png", NULL);
    const guint8 side[4] = { 0, 0, 0x9c, 0x40 };   /* 40000, big-endian */

    memcpy (png + 16, side, 4);
    memcpy (png + 20, side, 4);
    g_assert_true (g_file_set_contents (huge, png, (gssize) png_length, NULL));
    expect_refused (huge, "40000 × 40000 pixels, more than 64 million");
  }
  g_assert_true (g_file_get_contents (photo, &jpeg, &jpeg_length, NULL));
  for (gsize i = 2; i + 9 < jpeg_length; i++)
    if ((guint8) jpeg[i] == 0xff && ((guint8) jpeg[i + 1] == 0xc0 || (guint8) jpeg[i + 1] == 0xc2))
      {
        g_autofree char *huge = g_build_filename (dir, "huge.jpg", NULL);

        jpeg[i + 5] = (char) 0x9c, jpeg[i + 6] = 0x40, jpeg[i + 7] = (char) 0x9c, jpeg[i + 8] = 0x40;
        g_assert_true (g_file_set_contents (huge, jpeg, (gssize) jpeg_length, NULL));
        expect_refused (huge, "40000 × 40000 pixels, more than 64 million");
        break;
      }
  test_util_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/image/png-round-trip", test_png_round_trip);
  g_test_add_func ("/engine/image/alpha-dropped", test_alpha_dropped);
  g_test_add_func ("/engine/image/shipped-jpegs", test_shipped_jpegs);
  g_test_add_func ("/engine/image/bad-images", test_bad_images);
  g_test_add_func ("/engine/image/unpromised", test_unpromised_images);
  return g_test_run ();
}
