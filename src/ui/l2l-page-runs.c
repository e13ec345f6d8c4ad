/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "l2l-page-private.h"

/* A page's runs: each job's series in the chart, in the run list, shown,
 * hidden or removed together. */

/* The job's run appears: its series from now on, named in the legend and the
 * run list. Runs of another task are hidden: their losses are not comparable. */
guint
l2l_page_begin_run (L2lPage    *self,
                    const char *task,
                    const char *optimizers)
{
  L2lPagePrivate *priv = _l2l_page_get_private (self);
  guint run = ++priv->n_runs;
  g_autofree char *name = g_strdup_printf (_("run %u"), run);
  g_autofree char *title = NULL, *detail = NULL, *family = g_strndup (task, strcspn (task, ":"));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%H:%M");
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, priv->run_tasks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_str_equal (value, task))
      l2l_run_list_set_shown (priv->run_list, GPOINTER_TO_UINT (key), FALSE);
  l2l_chart_begin_run (priv->chart, run, name);
  gtk_stack_set_visible_child_name (priv->content_stack, "content");
  g_hash_table_insert (priv->run_tasks, GUINT_TO_POINTER (run), g_strdup (task));
  priv->current_run = run;
  title = g_strdup_printf (_("Run %u · %s"), run, family);
  detail = g_strdup_printf (_("%s · started %s"), optimizers, when);
  l2l_run_list_add (priv->run_list, run, title, detail);
  l2l_run_list_set_removable (priv->run_list, run, FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (priv->run_list), task);
  return run;
}

void
_l2l_page_on_run_shown (L2lRunList *list,
              guint       run,
              gboolean    shown,
              L2lPage    *self)
{
  L2lPagePrivate *priv = _l2l_page_get_private (self);

  l2l_chart_show_run (priv->chart, run, shown);
  l2l_chart_view_changed (priv->view);
}

void
_l2l_page_on_run_removed (L2lRunList *list,
                guint       run,
                L2lPage    *self)
{
  L2lPagePrivate *priv = _l2l_page_get_private (self);

  l2l_chart_remove_run (priv->chart, run);
  g_hash_table_remove (priv->run_tasks, GUINT_TO_POINTER (run));
  l2l_chart_view_changed (priv->view);
  if (g_hash_table_size (priv->run_tasks) == 0 &&
      gtk_stack_get_child_by_name (priv->content_stack, "empty") != NULL)
    gtk_stack_set_visible_child_name (priv->content_stack, "empty");
}

L2lRunList *
l2l_page_get_run_list (L2lPage *self)
{
  L2lPagePrivate *priv = _l2l_page_get_private (self);

  return priv->run_list;
}

void
l2l_page_add_to_toolbar (L2lPage   *self,
                         GtkWidget *widget)
{
  L2lPagePrivate *priv = _l2l_page_get_private (self);

  gtk_box_append (GTK_BOX (priv->toolbar), widget);
}

void
_l2l_page_clear_runs_action (GtkWidget  *widget,
                   const char *action,
                   GVariant   *parameter)
{
  L2lPagePrivate *priv = _l2l_page_get_private (L2L_PAGE (widget));

  g_autoptr(GList) runs = NULL;

  if (priv->chart == NULL)
    return;
  /* every run but the newest, from the list and the chart */
  runs = g_hash_table_get_keys (priv->run_tasks);
  for (GList *l = runs; l != NULL; l = l->next)
    if (GPOINTER_TO_UINT (l->data) != priv->n_runs &&
        GPOINTER_TO_UINT (l->data) != priv->current_run)
      {
        l2l_run_list_remove (priv->run_list, GPOINTER_TO_UINT (l->data));
        _l2l_page_on_run_removed (priv->run_list, GPOINTER_TO_UINT (l->data), L2L_PAGE (widget));
      }
}
