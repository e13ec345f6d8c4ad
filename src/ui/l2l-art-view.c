/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "l2l-art-view.h"
#include "l2l-engine.h"

#define THUMBNAIL_SIZE 56
#define TILE_SIZE 150
#define ENLARGED_SIZE 560

/* The photos and paintings of data/art, built into the engine. */
static const char *const shipped_content[] = {
  "chelsea", "camera", "astronaut", "coffee", "rocket", "hubble-deep-field", NULL,
};
static const char *const shipped_style[] = { "starry-night", "the-scream", NULL };

typedef struct {
  L2lArtView  *view;
  gboolean     style;
  GtkFlowBox  *thumbnails;
  GtkLabel    *file_label;     /* the name of a file not among the thumbnails */
} Picker;

struct _L2lArtView {
  GtkWidget     parent_instance;
  Picker        pickers[2];    /* content, style */
  GtkFlowBox   *tiles;
  GPtrArray    *pictures;      /* GtkPicture per tile: content, style, optimizers… */
  GPtrArray    *captions;      /* GtkLabel per tile */
  GPtrArray    *names;         /* char * per tile */
  L2lChartView *chart_view;
};

enum {
  SIGNAL_IMAGE_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (L2lArtView, l2l_art_view, GTK_TYPE_WIDGET)

static char *
shipped_uri (gboolean    style,
             const char *name)
{
  return g_strdup_printf (L2L_ART_SHIPPED "%s/%s.jpg", style ? "style" : "content", name);
}

/* Pickers. */

static void
choose (Picker     *picker,
        const char *path)
{
  g_signal_emit (picker->view, signals[SIGNAL_IMAGE_CHOSEN], 0, picker->style, path);
}

static void
on_thumbnail_activated (GtkFlowBox      *box,
                        GtkFlowBoxChild *child,
                        Picker          *picker)
{
  choose (picker, g_object_get_data (G_OBJECT (child), "uri"));
}

static void
on_open_response (GtkNativeDialog *dialog,
                  int              response,
                  Picker          *picker)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        choose (picker, path);
    }
  g_object_unref (dialog);
}

static void
on_open_clicked (GtkButton *button,
                 Picker    *picker)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (picker->style ? _("Open Style Image") : _("Open Content Image"),
                                        GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_pixbuf_formats (filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), picker);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         Picker        *picker)
{
  g_autofree char *path = g_file_get_path (g_value_get_object (value));

  if (path == NULL)
    return FALSE;
  choose (picker, path);
  return TRUE;
}

static GtkWidget *
picker_build (Picker            *picker,
              L2lArtView        *view,
              gboolean           style,
              const char *const *names)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (style ? _("Style") : _("Content"));
  GtkWidget *open = gtk_button_new_with_mnemonic (_("_Open Image…"));
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

  picker->view = view;
  picker->style = style;
  picker->thumbnails = GTK_FLOW_BOX (gtk_flow_box_new ());
  picker->file_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_flow_box_set_selection_mode (picker->thumbnails, GTK_SELECTION_SINGLE);
  gtk_flow_box_set_min_children_per_line (picker->thumbnails, 2);
  gtk_flow_box_set_max_children_per_line (picker->thumbnails, 6);
  gtk_flow_box_set_homogeneous (picker->thumbnails, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (picker->thumbnails), GTK_ALIGN_START);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *uri = shipped_uri (style, names[i]);
      /* decoded at the size shown: a full-size texture would be scaled down
       * again on every frame that draws it */
      g_autoptr(GdkPixbuf) pixbuf =
        gdk_pixbuf_new_from_resource_at_scale (uri + strlen ("resource://"), 2 * THUMBNAIL_SIZE,
                                               2 * THUMBNAIL_SIZE, TRUE, NULL);
      g_autoptr(GdkTexture) texture = gdk_texture_new_for_pixbuf (pixbuf);
      /* an image, not a picture: it keeps to its pixel size */
      GtkWidget *thumbnail = gtk_image_new_from_paintable (GDK_PAINTABLE (texture));
      GtkWidget *child = gtk_flow_box_child_new ();

      gtk_image_set_pixel_size (GTK_IMAGE (thumbnail), THUMBNAIL_SIZE);
      gtk_widget_set_tooltip_text (child, names[i]);
      gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), thumbnail);
      g_object_set_data_full (G_OBJECT (child), "uri", g_steal_pointer (&uri), g_free);
      gtk_flow_box_append (picker->thumbnails, child);
    }
  g_signal_connect (picker->thumbnails, "child-activated", G_CALLBACK (on_thumbnail_activated),
                    picker);
  g_signal_connect (open, "clicked", G_CALLBACK (on_open_clicked), picker);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), picker);
  gtk_widget_add_controller (box, GTK_EVENT_CONTROLLER (drop));

  gtk_widget_add_css_class (title, "heading");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (picker->file_label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_tooltip_text (box, style ? _("Choose a painting, open an image file, or drop one here")
                                          : _("Choose a photo, open an image file, or drop one here"));
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (picker->thumbnails));
  gtk_box_append (GTK_BOX (row), open);
  gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), row);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (picker->file_label));
  return box;
}

static void
picker_show (Picker     *picker,
             const char *value)
{
  g_autofree char *base = NULL;
  GtkFlowBoxChild *child;

  gtk_flow_box_unselect_all (picker->thumbnails);
  for (guint i = 0; (child = gtk_flow_box_get_child_at_index (picker->thumbnails, (int) i)); i++)
    if (g_strcmp0 (g_object_get_data (G_OBJECT (child), "uri"), value) == 0)
      {
        gtk_flow_box_select_child (picker->thumbnails, child);
        gtk_label_set_text (picker->file_label, NULL);
        return;
      }
  base = value && *value ? g_path_get_basename (value) : NULL;
  gtk_label_set_text (picker->file_label,
                      base ? base : picker->style ? _("the shipped Starry Night")
                                                  : _("the shipped training photos"));
}

/* Tiles. */

static void
show_large (L2lArtView *self,
            guint       tile,
            GtkWindow  *window)
{
  GtkWidget *picture = gtk_picture_new_for_paintable (
    gtk_picture_get_paintable (self->pictures->pdata[tile]));
  GtkEventController *keys = gtk_shortcut_controller_new ();

  /* Escape closes it, as it would a dialog */
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (GTK_WIDGET (window), keys);
  gtk_window_set_title (window, self->names->pdata[tile]);
  gtk_window_set_transient_for (window, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_set_destroy_with_parent (window, TRUE);
  gtk_widget_set_size_request (picture, ENLARGED_SIZE, ENLARGED_SIZE);
  gtk_window_set_child (window, picture);
  gtk_window_present (window);
}

static void
on_tile_activated (GtkFlowBox      *box,
                   GtkFlowBoxChild *child,
                   L2lArtView      *self)
{
  show_large (self, (guint) gtk_flow_box_child_get_index (child), GTK_WINDOW (gtk_window_new ()));
}

static void
add_tile (L2lArtView *self,
          const char *name)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *caption = gtk_label_new (name);

  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (picture, TILE_SIZE, TILE_SIZE);
  gtk_widget_add_css_class (picture, "art-tile");
  /* two short lines rather than one that widens every tile */
  gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (caption), 16);
  gtk_label_set_justify (GTK_LABEL (caption), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_flow_box_append (self->tiles, box);
  g_ptr_array_add (self->pictures, picture);
  g_ptr_array_add (self->captions, caption);
  g_ptr_array_add (self->names, g_strdup (name));
}

static GdkTexture *
texture_from_floats (const float *pixels,
                     guint        side)
{
  const gsize stride = (gsize) 3 * side;
  guint8 *rgb = g_malloc (stride * side);
  g_autoptr(GBytes) bytes = NULL;

  l2l_image_to_rgb8 (pixels, side, side, rgb, stride);
  bytes = g_bytes_new_take (rgb, stride * side);
  return gdk_memory_texture_new ((int) side, (int) side, GDK_MEMORY_R8G8B8, bytes, stride);
}

/* Public. */

L2lChartView *
l2l_art_view_get_chart_view (L2lArtView *self)
{
  return self->chart_view;
}

void
l2l_art_view_show_choice (L2lArtView *self,
                          const char *content,
                          const char *style)
{
  picker_show (&self->pickers[0], content);
  picker_show (&self->pickers[1], style);
}

void
l2l_art_view_begin (L2lArtView        *self,
                    const char *const *labels,
                    guint              n_labels)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tiles))) != NULL)
    gtk_flow_box_remove (self->tiles, child);
  g_ptr_array_set_size (self->pictures, 0);
  g_ptr_array_set_size (self->captions, 0);
  g_ptr_array_set_size (self->names, 0);
  add_tile (self, _("content"));
  add_tile (self, _("style"));
  for (guint i = 0; i < n_labels; i++)
    add_tile (self, labels[i]);
}

void
l2l_art_view_set_inputs (L2lArtView  *self,
                         guint        side,
                         const float *content,
                         const float *style)
{
  g_autoptr(GdkTexture) content_texture = texture_from_floats (content, side);
  g_autoptr(GdkTexture) style_texture = texture_from_floats (style, side);

  if (self->pictures->len < 2)
    return;
  gtk_picture_set_paintable (self->pictures->pdata[0], GDK_PAINTABLE (content_texture));
  gtk_picture_set_paintable (self->pictures->pdata[1], GDK_PAINTABLE (style_texture));
}

void
l2l_art_view_update (L2lArtView *self,
                     guint       optimizer,
                     guint       step,
                     double      loss,
                     GBytes     *rgb,
                     guint       side)
{
  const guint tile = optimizer + 2;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *caption = NULL;

  if (tile >= self->pictures->len)
    return;
  texture = gdk_memory_texture_new ((int) side, (int) side, GDK_MEMORY_R8G8B8, rgb,
                                    (gsize) 3 * side);
  gtk_picture_set_paintable (self->pictures->pdata[tile], GDK_PAINTABLE (texture));
  /* TRANSLATORS: an optimizer's tile: its name, the step and the loss there */
  caption = g_strdup_printf (_("%s · step %u\nloss %.4g"), (char *) self->names->pdata[tile],
                             step, loss);
  gtk_label_set_text (self->captions->pdata[tile], caption);
}

void
l2l_art_view_choose_shipped (L2lArtView *self,
                             gboolean    style,
                             const char *name)
{
  g_autofree char *uri = shipped_uri (style, name);

  choose (&self->pickers[style ? 1 : 0], uri);
}

guint
l2l_art_view_get_selected (L2lArtView *self)
{
  g_autoptr(GList) selected = gtk_flow_box_get_selected_children (self->tiles);
  int index = selected ? gtk_flow_box_child_get_index (selected->data) : -1;

  return index >= 2 ? (guint) index - 2 : 0;
}

guint
l2l_art_view_get_n_tiles (L2lArtView *self)
{
  return self->pictures->len;
}

static GdkTexture *
tile_texture (L2lArtView *self,
              guint       tile)
{
  GdkPaintable *paintable;

  if (tile >= self->pictures->len)
    return NULL;
  paintable = gtk_picture_get_paintable (self->pictures->pdata[tile]);
  return GDK_IS_TEXTURE (paintable) ? GDK_TEXTURE (paintable) : NULL;
}

GdkTexture *
l2l_art_view_get_texture (L2lArtView *self,
                          guint       optimizer)
{
  return tile_texture (self, optimizer + 2);
}

GdkTexture *
l2l_art_view_get_input_texture (L2lArtView *self,
                                gboolean    style)
{
  return tile_texture (self, style ? 1 : 0);
}

GtkWindow *
l2l_art_view_enlarge (L2lArtView *self,
                      guint       optimizer)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_flow_box_select_child (self->tiles,
                             gtk_flow_box_get_child_at_index (self->tiles, (int) optimizer + 2));
  show_large (self, optimizer + 2, window);
  return window;
}

/* Type. */

static void
l2l_art_view_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (l2l_art_view_parent_class)->dispose (object);
}

static void
l2l_art_view_finalize (GObject *object)
{
  L2lArtView *self = L2L_ART_VIEW (object);

  g_ptr_array_unref (self->pictures);
  g_ptr_array_unref (self->captions);
  g_ptr_array_unref (self->names);
  G_OBJECT_CLASS (l2l_art_view_parent_class)->finalize (object);
}

static void
l2l_art_view_class_init (L2lArtViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = l2l_art_view_dispose;
  object_class->finalize = l2l_art_view_finalize;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "artview");
  signals[SIGNAL_IMAGE_CHOSEN] =
    g_signal_new ("image-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
l2l_art_view_init (L2lArtView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkWidget *inputs = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (widget)),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (widget)), 8);
  self->pictures = g_ptr_array_new ();
  self->captions = g_ptr_array_new ();
  self->names = g_ptr_array_new_with_free_func (g_free);

  gtk_box_append (GTK_BOX (inputs), picker_build (&self->pickers[0], self, FALSE, shipped_content));
  gtk_box_append (GTK_BOX (inputs), picker_build (&self->pickers[1], self, TRUE, shipped_style));
  gtk_widget_set_parent (inputs, widget);

  self->tiles = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->tiles, GTK_SELECTION_SINGLE);
  gtk_flow_box_set_max_children_per_line (self->tiles, 8);
  gtk_flow_box_set_homogeneous (self->tiles, TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->tiles), _("Click an image to see it large"));
  g_signal_connect (self->tiles, "child-activated", G_CALLBACK (on_tile_activated), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->tiles));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), TILE_SIZE + 32);
  gtk_widget_set_parent (scroller, widget);

  self->chart_view = L2L_CHART_VIEW (l2l_chart_view_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->chart_view), TRUE);
  gtk_widget_set_size_request (GTK_WIDGET (self->chart_view), -1, 220);
  gtk_widget_set_parent (GTK_WIDGET (self->chart_view), widget);
  gtk_widget_set_margin_start (inputs, 12);
  gtk_widget_set_margin_end (inputs, 12);
  gtk_widget_set_margin_top (inputs, 8);
  l2l_art_view_begin (self, NULL, 0);
}
