/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "l2l-run-list.h"

typedef struct {
  guint           run;
  GtkWidget      *row;
  GtkCheckButton *shown;
  GtkWidget      *remove;
  char           *detail;
} Run;

struct _L2lRunList {
  GtkWidget   parent_instance;

  GtkWidget  *button;
  GtkListBox *list;
  GtkWidget  *empty;
  GPtrArray  *runs;      /* Run, oldest first */
};

G_DEFINE_FINAL_TYPE (L2lRunList, l2l_run_list, GTK_TYPE_WIDGET)

enum {
  SIGNAL_RUN_SHOWN,
  SIGNAL_RUN_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
run_free (gpointer data)
{
  Run *run = data;

  g_free (run->detail);
  g_free (run);
}

static Run *
find (L2lRunList *self,
      guint       id)
{
  for (guint i = 0; i < self->runs->len; i++)
    if (((Run *) self->runs->pdata[i])->run == id)
      return self->runs->pdata[i];
  return NULL;
}

static void
update_button (L2lRunList *self)
{
  g_autofree char *label = g_strdup_printf (_("Runs (%u)"), self->runs->len);

  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->button), label);
  gtk_widget_set_visible (self->empty, self->runs->len == 0);
}

static void
on_shown_toggled (GtkCheckButton *check,
                  L2lRunList     *self)
{
  Run *run = g_object_get_data (G_OBJECT (check), "l2l-run");

  g_signal_emit (self, signals[SIGNAL_RUN_SHOWN], 0, run->run, gtk_check_button_get_active (check));
}

static void
on_remove_clicked (GtkButton  *button,
                   L2lRunList *self)
{
  Run *run = g_object_get_data (G_OBJECT (button), "l2l-run");
  guint id = run->run;

  l2l_run_list_remove (self, id);
  g_signal_emit (self, signals[SIGNAL_RUN_REMOVED], 0, id);
}

void
l2l_run_list_add (L2lRunList *self,
                  guint       id,
                  const char *title,
                  const char *detail)
{
  Run *run = g_new0 (Run, 1);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  run->run = id;
  run->remove = remove;
  run->detail = g_strdup (detail);
  run->row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (run->row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (run->row), detail);
  run->shown = GTK_CHECK_BUTTON (gtk_check_button_new ());
  gtk_check_button_set_active (run->shown, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (run->shown), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (run->shown), _("Draw this run on the chart"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (run->row), GTK_WIDGET (run->shown));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (run->row), GTK_WIDGET (run->shown));
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove this run"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (run->row), remove);
  g_object_set_data (G_OBJECT (run->shown), "l2l-run", run);
  g_object_set_data (G_OBJECT (remove), "l2l-run", run);
  g_signal_connect (run->shown, "toggled", G_CALLBACK (on_shown_toggled), self);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);
  /* the newest first */
  gtk_list_box_prepend (self->list, run->row);
  g_ptr_array_add (self->runs, run);
  update_button (self);
}

void
l2l_run_list_set_outcome (L2lRunList *self,
                          guint       id,
                          const char *outcome)
{
  Run *run = find (self, id);
  g_autofree char *subtitle = NULL;

  if (run == NULL)
    return;
  subtitle = g_strdup_printf ("%s · %s", run->detail, outcome);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (run->row), subtitle);
}

void
l2l_run_list_set_shown (L2lRunList *self,
                        guint       id,
                        gboolean    shown)
{
  Run *run = find (self, id);

  if (run != NULL)
    gtk_check_button_set_active (run->shown, shown);
}

gboolean
l2l_run_list_get_shown (L2lRunList *self,
                        guint       id)
{
  Run *run = find (self, id);

  return run != NULL && gtk_check_button_get_active (run->shown);
}

void
l2l_run_list_remove (L2lRunList *self,
                     guint       id)
{
  Run *run = find (self, id);

  if (run == NULL)
    return;
  gtk_list_box_remove (self->list, run->row);
  g_ptr_array_remove (self->runs, run);
  update_button (self);
}

void
l2l_run_list_set_removable (L2lRunList *self,
                            guint       id,
                            gboolean    removable)
{
  Run *run = find (self, id);

  if (run != NULL)
    gtk_widget_set_sensitive (run->remove, removable);
}

gboolean
l2l_run_list_get_removable (L2lRunList *self,
                            guint       id)
{
  Run *run = find (self, id);

  return run != NULL && gtk_widget_get_sensitive (run->remove);
}

guint
l2l_run_list_get_n_runs (L2lRunList *self)
{
  return self->runs->len;
}

static void
l2l_run_list_dispose (GObject *object)
{
  L2lRunList *self = L2L_RUN_LIST (object);

  g_clear_pointer (&self->button, gtk_widget_unparent);
  G_OBJECT_CLASS (l2l_run_list_parent_class)->dispose (object);
}

static void
l2l_run_list_finalize (GObject *object)
{
  g_ptr_array_unref (L2L_RUN_LIST (object)->runs);
  G_OBJECT_CLASS (l2l_run_list_parent_class)->finalize (object);
}

static void
l2l_run_list_class_init (L2lRunListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = l2l_run_list_dispose;
  object_class->finalize = l2l_run_list_finalize;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  signals[SIGNAL_RUN_SHOWN] = g_signal_new ("run-shown", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                            2, G_TYPE_UINT, G_TYPE_BOOLEAN);
  signals[SIGNAL_RUN_REMOVED] = g_signal_new ("run-removed", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                              1, G_TYPE_UINT);
}

static void
l2l_run_list_init (L2lRunList *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->runs = g_ptr_array_new_with_free_func (run_free);
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  self->empty = gtk_label_new (_("No runs yet: press Run"));
  gtk_widget_add_css_class (self->empty, "dim-label");
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 360);
  gtk_widget_set_size_request (scroller, 380, -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));
  gtk_box_append (GTK_BOX (box), self->empty);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_popover_set_child (GTK_POPOVER (popover), box);

  self->button = gtk_menu_button_new ();
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->button), popover);
  gtk_widget_set_tooltip_text (self->button, _("The page’s runs: show, hide or remove them"));
  gtk_widget_set_parent (self->button, GTK_WIDGET (self));
  update_button (self);
}

GtkWidget *
l2l_run_list_new (void)
{
  return g_object_new (L2L_TYPE_RUN_LIST, NULL);
}
