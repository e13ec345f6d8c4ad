/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Draws frame @frame (0 … n_frames − 1) of an animation. */
typedef void (*L2lChartFrameFunc) (gpointer  data,
                                   guint     frame,
                                   cairo_t  *cr,
                                   double    width,
                                   double    height);

/* Whether @path names a GIF file (.gif, any case). */
gboolean l2l_chart_gif_path    (const char *path);

/* The bytes of an animated GIF of @n_frames frames of @draw at @width ×
 * @height pixels (16 to 4096), each shown @delay_cs hundredths of a second
 * and the last held two seconds, looping. One palette serves every frame:
 * the last frame's most common colours, which is where an animation that
 * grows ends up. Frames after the first store only the rectangle that
 * changed. */
GBytes  *l2l_chart_encode_gif  (L2lChartFrameFunc   draw,
                                gpointer            data,
                                guint               n_frames,
                                guint               delay_cs,
                                int                 width,
                                int                 height,
                                GError            **error);

G_END_DECLS
