/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <string.h>

#include "l2l-error.h"
#include "l2l-file.h"
#include "l2l-image.h"

/* Refuses an image too large to keep before it is decoded, from its header. */
static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  gboolean *too_large = user_data;

  if ((guint64) width * (guint64) height > L2L_IMAGE_MAX_PIXELS)
    {
      *too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 1, 1);
    }
}

typedef enum {
  FORMAT_NONE,
  FORMAT_PNG,
  FORMAT_JPEG,
} Format;

/* PNG and JPEG only, by their first bytes: every GdkPixbuf loader (GIF,
 * BMP, SVG, TIFF, ICO, …) is reachable through the generic one, whatever
 * the file is called. */
static Format
sniff (const guint8 *data,
       gsize         length)
{
  if (length >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return FORMAT_PNG;
  if (length >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return FORMAT_JPEG;
  return FORMAT_NONE;
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static guint
be16 (const guint8 *p)
{
  return (guint) p[0] << 8 | p[1];
}

/* The size the header claims, read before anything is decoded: PNG's IHDR;
 * a JPEG's first start-of-frame segment, after the segments before it. */
static gboolean
header_size (const guint8 *data,
             gsize         length,
             Format        format,
             guint64      *width,
             guint64      *height)
{
  gsize i = 2;

  if (format == FORMAT_PNG)
    {
      if (length < 24 || memcmp (data + 12, "IHDR", 4) != 0)
        return FALSE;
      *width = be32 (data + 16);
      *height = be32 (data + 20);
      return TRUE;
    }
  while (i + 4 <= length && data[i] == 0xff)
    {
      const guint marker = data[i + 1];

      if (marker == 0xff)                     /* fill byte */
        i++;
      else if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8))
        i += 2;                               /* markers without a segment */
      else if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 &&
               marker != 0xcc)
        {
          if (i + 9 > length)
            return FALSE;
          *height = be16 (data + i + 5);
          *width = be16 (data + i + 7);
          return TRUE;
        }
      else if (marker == 0xda)                /* image data before any frame */
        return FALSE;
      else
        i += 2 + be16 (data + i + 2);
    }
  return FALSE;
}

/* GdkPixbuf's PNG loader takes a file cut after some of its rows, leaving
 * the rest blank: a whole PNG ends with its IEND chunk (allowing a short
 * trailer). */
static gboolean
png_is_cut_short (const guint8 *data,
                  gsize         length)
{
  const gsize tail = MIN (length, 1024);

  for (gsize i = length - tail; i + 4 <= length; i++)
    if (memcmp (data + i, "IEND", 4) == 0)
      return FALSE;
  return TRUE;
}

/* libjpeg fills a JPEG cut short with gray and only warns, so GdkPixbuf
 * takes it: a whole JPEG ends with the end-of-image marker FF D9 (allowing
 * a short trailer some cameras add). */
static gboolean
jpeg_is_cut_short (const guint8 *data,
                   gsize         length)
{
  const gsize tail = MIN (length, 1024);

  if (length < 4 || data[0] != 0xff || data[1] != 0xd8)
    return FALSE;
  for (gsize i = length - tail; i + 1 < length; i++)
    if (data[i] == 0xff && data[i + 1] == 0xd9)
      return FALSE;
  return TRUE;
}

L2lImage *
l2l_image_load (const char  *path,
                GError     **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(L2lImage) image = NULL;
  gboolean too_large = FALSE;
  guint64 claimed_width = 0, claimed_height = 0;
  Format format;
  GdkPixbuf *pixbuf;
  const guint8 *data;
  int stride, channels;
  gsize length, plane;

  if (!l2l_file_read (path, L2L_FILE_MAX_BINARY_BYTES, &contents, &length, error))
    return NULL;
  data = (const guint8 *) contents;
  if ((format = sniff (data, length)) == FORMAT_NONE)
    {
      l2l_set_file_error (error, path, "not an image this program reads (PNG or JPEG only)");
      return NULL;
    }
  if (!header_size (data, length, format, &claimed_width, &claimed_height))
    {
      l2l_set_file_error (error, path, "not an image that can be read: its header gives no "
                          "size");
      return NULL;
    }
  /* before decoding: GdkPixbuf decodes all of it, and only then scales */
  if (claimed_width * claimed_height > L2L_IMAGE_MAX_PIXELS)
    {
      l2l_set_file_error (error, path, "%" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT " pixels, "
                          "more than %u million", claimed_width, claimed_height,
                          L2L_IMAGE_MAX_PIXELS >> 20);
      return NULL;
    }
  if (format == FORMAT_PNG ? png_is_cut_short (data, length) : jpeg_is_cut_short (data, length))
    {
      l2l_set_file_error (error, path, format == FORMAT_PNG ? "a PNG cut short (no IEND chunk)"
                                       : "a JPEG cut short (no end-of-image marker)");
      return NULL;
    }
  /* Made only now: a loader must be closed before it goes. */
  loader = gdk_pixbuf_loader_new_with_type (format == FORMAT_PNG ? "png" : "jpeg", &local_error);
  if (loader == NULL)
    {
      l2l_set_file_error (error, path, "cannot read images: %s", local_error->message);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &too_large);
  if (!gdk_pixbuf_loader_write (loader, data, length, &local_error))
    gdk_pixbuf_loader_close (loader, NULL);   /* a loader must always be closed */
  else
    gdk_pixbuf_loader_close (loader, &local_error);
  if (local_error != NULL)
    {
      l2l_set_file_error (error, path, "not an image that can be read: %s",
                          local_error->message);
      return NULL;
    }
  if (too_large)
    {
      l2l_set_file_error (error, path, "more than %u million pixels", L2L_IMAGE_MAX_PIXELS >> 20);
      return NULL;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 ||
      gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB)
    {
      l2l_set_file_error (error, path, "not an 8-bit RGB or grayscale image");
      return NULL;
    }

  image = g_new0 (L2lImage, 1);
  image->width = (guint) gdk_pixbuf_get_width (pixbuf);
  image->height = (guint) gdk_pixbuf_get_height (pixbuf);
  if (MIN (image->width, image->height) < L2L_IMAGE_MIN_SIDE)
    {
      l2l_set_file_error (error, path, "%u × %u pixels is smaller than %u pixels a side",
                          image->width, image->height, L2L_IMAGE_MIN_SIDE);
      return NULL;
    }
  /* GdkPixbuf gives RGB or RGBA whatever the file held: grayscale comes
   * spread to three channels, and alpha is the fourth, left out here. */
  data = gdk_pixbuf_read_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  plane = (gsize) image->width * image->height;
  image->pixels = g_new (float, 3 * plane);
  for (guint y = 0; y < image->height; y++)
    for (guint x = 0; x < image->width; x++)
      for (guint c = 0; c < 3; c++)
        image->pixels[c * plane + (gsize) y * image->width + x] =
          data[(gsize) y * stride + (gsize) x * channels + c] * (1.0f / 255.0f);
  return g_steal_pointer (&image);
}

void
l2l_image_free (L2lImage *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image);
}

void
l2l_image_to_rgb8 (const float *pixels,
                   guint        width,
                   guint        height,
                   guint8      *rgb,
                   gsize        stride)
{
  const gsize plane = (gsize) width * height;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      for (guint c = 0; c < 3; c++)
        {
          float value = pixels[c * plane + (gsize) y * width + x];
          /* NaN, from a diverged run, is shown as black */
          value = isnan (value) ? 0.0f : CLAMP (value, 0.0f, 1.0f);
          rgb[(gsize) y * stride + (gsize) x * 3 + c] = (guint8) (value * 255.0f + 0.5f);
        }
}

gboolean
l2l_image_save_png (const float *pixels,
                    guint        width,
                    guint        height,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, (int) width,
                                                (int) height);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *png = NULL;
  guint8 *data;
  gsize length;
  int stride;

  if (pixbuf == NULL)
    return l2l_set_file_error (error, path, "%u × %u pixels cannot be written", width, height);
  data = gdk_pixbuf_get_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  l2l_image_to_rgb8 (pixels, width, height, data, (gsize) stride);
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &png, &length, "png", &local_error, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: cannot encode PNG: %s", path,
                   local_error->message);
      return FALSE;
    }
  return l2l_file_write_atomic (path, png, length, error);
}

gboolean
l2l_image_save_triple_png (const float *content,
                           const float *result,
                           const float *style,
                           guint        size,
                           const char  *path,
                           GError     **error)
{
  const float *parts[] = { content, result, style };
  const gsize row = (gsize) 3 * size;
  g_autofree float *triple = g_new (float, 3 * row * size);

  for (guint c = 0; c < 3; c++)
    for (guint y = 0; y < size; y++)
      for (guint p = 0; p < 3; p++)
        memcpy (triple + ((gsize) c * size + y) * row + (gsize) p * size,
                parts[p] + ((gsize) c * size + y) * size, size * sizeof (float));
  return l2l_image_save_png (triple, 3 * size, size, path, error);
}
