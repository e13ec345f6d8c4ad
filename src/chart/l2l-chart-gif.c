/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-chart"

#include "config.h"

#include <gif_lib.h>
#include <gio/gio.h>
#include <string.h>

#include "l2l-chart-gif.h"

#define BINS 32768        /* colours at 5 bits a channel */
#define HOLD_LAST_CS 200
/* Pixels a frame leaves as they were: long runs of it compress to little. */
#define UNCHANGED 255

gboolean
l2l_chart_gif_path (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  return g_str_has_suffix (lower, ".gif");
}

typedef struct {
  guint64 count, r, g, b;
} Bin;

typedef struct {
  GifColorType colors[256];
  int          n_colors;     /* at most 255: the last index is UNCHANGED */
  gint16       lookup[BINS];    /* bin → palette index, −1 not yet known */
} Palette;

/* The pixel's colour over white (a drawing may leave some of it clear). */
static inline void
pixel_rgb (guint32  pixel,
           guint   *r,
           guint   *g,
           guint   *b)
{
  guint clear = 255 - (pixel >> 24);

  *r = ((pixel >> 16) & 0xff) + clear;
  *g = ((pixel >> 8) & 0xff) + clear;
  *b = (pixel & 0xff) + clear;
}

static inline guint
bin_of (guint r,
        guint g,
        guint b)
{
  return (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3);
}

static int
compare_bins (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const Bin *bins = user_data;
  guint64 ca = bins[*(const guint *) a].count, cb = bins[*(const guint *) b].count;

  if (ca != cb)
    return ca > cb ? -1 : 1;
  return (int) *(const guint *) a - (int) *(const guint *) b;
}

/* The 255 most common colours of @surface, each the mean of its bin. */
static void
palette_build (Palette         *palette,
               cairo_surface_t *surface)
{
  g_autofree Bin *bins = g_new0 (Bin, BINS);
  g_autofree guint *order = g_new (guint, BINS);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data = cairo_image_surface_get_data (surface);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint r, g, b;
        Bin *bin;

        pixel_rgb (((const guint32 *) (data + (gsize) y * stride))[x], &r, &g, &b);
        bin = &bins[bin_of (r, g, b)];
        bin->count++;
        bin->r += r;
        bin->g += g;
        bin->b += b;
      }
  for (guint i = 0; i < BINS; i++)
    order[i] = i;
  g_qsort_with_data (order, BINS, sizeof *order, compare_bins, bins);
  memset (palette->colors, 0, sizeof palette->colors);
  memset (palette->lookup, 0xff, sizeof palette->lookup);
  palette->n_colors = 0;
  for (guint i = 0; i < UNCHANGED && bins[order[i]].count > 0; i++)
    {
      const Bin *bin = &bins[order[i]];

      palette->colors[i].Red = (GifByteType) (bin->r / bin->count);
      palette->colors[i].Green = (GifByteType) (bin->g / bin->count);
      palette->colors[i].Blue = (GifByteType) (bin->b / bin->count);
      palette->lookup[order[i]] = (gint16) i;
      palette->n_colors++;
    }
}

/* The palette's nearest colour to @bin's middle, found once per bin. */
static guint8
palette_index (Palette *palette,
               guint    bin)
{
  if (palette->lookup[bin] < 0)
    {
      int r = (int) (bin >> 10) * 8 + 4, g = (int) ((bin >> 5) & 31) * 8 + 4;
      int b = (int) (bin & 31) * 8 + 4, best = 0, best_distance = G_MAXINT;

      for (int i = 0; i < palette->n_colors; i++)
        {
          int dr = r - palette->colors[i].Red, dg = g - palette->colors[i].Green;
          int db = b - palette->colors[i].Blue, distance = dr * dr + dg * dg + db * db;

          if (distance < best_distance)
            best = i, best_distance = distance;
        }
      palette->lookup[bin] = (gint16) best;
    }
  return (guint8) palette->lookup[bin];
}

static void
render_frame (L2lChartFrameFunc  draw,
              gpointer           data,
              guint              frame,
              cairo_surface_t   *surface)
{
  cairo_t *cr = cairo_create (surface);

  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
  draw (data, frame, cr, cairo_image_surface_get_width (surface),
        cairo_image_surface_get_height (surface));
  cairo_destroy (cr);
  cairo_surface_flush (surface);
}

static void
map_frame (Palette         *palette,
           cairo_surface_t *surface,
           guint8          *indices)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data = cairo_image_surface_get_data (surface);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint r, g, b;

        pixel_rgb (((const guint32 *) (data + (gsize) y * stride))[x], &r, &g, &b);
        indices[(gsize) y * width + x] = palette_index (palette, bin_of (r, g, b));
      }
}

static int
append_output (GifFileType       *gif,
               const GifByteType *bytes,
               int                length)
{
  g_byte_array_append (gif->UserData, bytes, (guint) length);
  return length;
}

/* Loop forever: the NETSCAPE2.0 application extension. */
static int
put_loop (GifFileType *gif)
{
  static const GifByteType id[] = "NETSCAPE2.0", loops[] = { 1, 0, 0 };

  if (EGifPutExtensionLeader (gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
      EGifPutExtensionBlock (gif, 11, id) == GIF_ERROR ||
      EGifPutExtensionBlock (gif, sizeof loops, loops) == GIF_ERROR)
    return GIF_ERROR;
  return EGifPutExtensionTrailer (gif);
}

/* The rectangle where @now differs from @before (the whole frame without a
 * @before); a 1 × 1 corner where nothing changed. */
static void
changed_rect (const guint8 *before,
              const guint8 *now,
              int           width,
              int           height,
              int          *rect)
{
  int x0 = width, y0 = height, x1 = -1, y1 = -1;

  if (before == NULL)
    {
      rect[0] = rect[1] = 0;
      rect[2] = width;
      rect[3] = height;
      return;
    }
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if (before[(gsize) y * width + x] != now[(gsize) y * width + x])
        {
          x0 = MIN (x0, x);
          x1 = MAX (x1, x);
          y0 = MIN (y0, y);
          y1 = MAX (y1, y);
        }
  if (x1 < 0)
    x0 = y0 = x1 = y1 = 0;
  rect[0] = x0;
  rect[1] = y0;
  rect[2] = x1 - x0 + 1;
  rect[3] = y1 - y0 + 1;
}

/* Writes @now, all of it when there is no @before; otherwise only the
 * rectangle that changed, its unchanged pixels UNCHANGED (transparent over
 * the frame before, which stays). */
static int
put_frame (GifFileType *gif,
           guint8      *before,
           guint8      *now,
           guint8      *line,
           int          width,
           int          height,
           guint        delay_cs)
{
  GraphicsControlBlock control = {
    .DisposalMode = DISPOSE_DO_NOT,
    .DelayTime = (int) delay_cs,
    .TransparentColor = before != NULL ? UNCHANGED : NO_TRANSPARENT_COLOR,
  };
  GifByteType extension[4];
  size_t length = EGifGCBToExtension (&control, extension);
  int rect[4];

  changed_rect (before, now, width, height, rect);
  if (EGifPutExtension (gif, GRAPHICS_EXT_FUNC_CODE, (int) length, extension) == GIF_ERROR ||
      EGifPutImageDesc (gif, rect[0], rect[1], rect[2], rect[3], false, NULL) == GIF_ERROR)
    return GIF_ERROR;
  for (int y = rect[1]; y < rect[1] + rect[3]; y++)
    {
      const guint8 *row = now + (gsize) y * width + rect[0];

      for (int x = 0; x < rect[2]; x++)
        line[x] = before != NULL && before[(gsize) y * width + rect[0] + x] == row[x]
                  ? UNCHANGED : row[x];
      if (EGifPutLine (gif, line, rect[2]) == GIF_ERROR)
        return GIF_ERROR;
    }
  return GIF_OK;
}

GBytes *
l2l_chart_encode_gif (L2lChartFrameFunc   draw,
                      gpointer            data,
                      guint               n_frames,
                      guint               delay_cs,
                      int                 width,
                      int                 height,
                      GError            **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autofree Palette *palette = g_new (Palette, 1);
  g_autofree guint8 *before = NULL, *now = NULL, *line = NULL;
  ColorMapObject *map = NULL;
  cairo_surface_t *surface;
  GifFileType *gif;
  int status = GIF_OK, code = 0;

  g_return_val_if_fail (n_frames > 0, NULL);
  if (width < 16 || height < 16 || width > 4096 || height > 4096)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "size %d × %d is outside 16 to 4096 for an animation", width, height);
      return NULL;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  render_frame (draw, data, n_frames - 1, surface);
  palette_build (palette, surface);
  before = g_new (guint8, (gsize) width * height);
  now = g_new (guint8, (gsize) width * height);
  line = g_new (guint8, width);

  gif = EGifOpen (bytes, append_output, &code);
  if (gif == NULL)
    status = GIF_ERROR;
  else
    {
      map = GifMakeMapObject (256, palette->colors);
      EGifSetGifVersion (gif, true);
      if (map == NULL ||
          EGifPutScreenDesc (gif, width, height, 8, 0, map) == GIF_ERROR ||
          put_loop (gif) == GIF_ERROR)
        status = GIF_ERROR;
      for (guint k = 0; k < n_frames && status == GIF_OK; k++)
        {
          guint8 *swap;

          render_frame (draw, data, k, surface);
          map_frame (palette, surface, now);
          status = put_frame (gif, k > 0 ? before : NULL, now, line, width, height,
                              k + 1 == n_frames ? HOLD_LAST_CS : delay_cs);
          swap = before, before = now, now = swap;
        }
      if (status == GIF_ERROR)
        code = gif->Error;
      if (EGifCloseFile (gif, status == GIF_OK ? &code : NULL) == GIF_ERROR)
        status = GIF_ERROR;
    }
  GifFreeMapObject (map);
  cairo_surface_destroy (surface);
  if (status == GIF_ERROR)
    {
      const char *why = GifErrorString (code);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot write the animation: %s",
                   why != NULL ? why : "out of memory");
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}
