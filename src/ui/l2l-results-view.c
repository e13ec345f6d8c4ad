/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "l2l-results-view.h"

enum {
  COLUMN_OPTIMIZER,
  COLUMN_RATE,
  COLUMN_TUNED,
  COLUMN_MEAN,
  COLUMN_MEDIAN,
  COLUMN_DIVERGED,
  COLUMN_TIME,
  COLUMN_TRAINING,
  N_COLUMNS
};

/* One optimizer's row: its cells as shown, and the numbers they sort by
 * (NaN: by the text). */
#define L2L_TYPE_RESULTS_ROW (l2l_results_row_get_type ())
G_DECLARE_FINAL_TYPE (L2lResultsRow, l2l_results_row, L2L, RESULTS_ROW, GObject)

struct _L2lResultsRow {
  GObject  parent_instance;
  char    *cells[N_COLUMNS];
  double   keys[N_COLUMNS];
};

G_DEFINE_FINAL_TYPE (L2lResultsRow, l2l_results_row, G_TYPE_OBJECT)

static void
l2l_results_row_finalize (GObject *object)
{
  L2lResultsRow *self = L2L_RESULTS_ROW (object);

  for (guint c = 0; c < N_COLUMNS; c++)
    g_free (self->cells[c]);
  G_OBJECT_CLASS (l2l_results_row_parent_class)->finalize (object);
}

static void
l2l_results_row_class_init (L2lResultsRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = l2l_results_row_finalize;
}

static void
l2l_results_row_init (L2lResultsRow *self)
{
  for (guint c = 0; c < N_COLUMNS; c++)
    self->keys[c] = NAN;
}

struct _L2lResultsView {
  GtkWidget      parent_instance;

  GtkWidget     *box;
  GtkLabel      *header;
  GtkColumnView *table;
  GtkWidget     *scroller;
  GtkLabel      *footer;
  GListStore    *rows;
  GtkColumnViewColumn *columns[N_COLUMNS];
};

G_DEFINE_FINAL_TYPE (L2lResultsView, l2l_results_view, GTK_TYPE_WIDGET)

/* "33 s, 128000 functions": what a learned optimizer's meta-training cost. */
static char *
cost_text (const L2lCompareEntry *entry)
{
  g_autofree char *functions = g_strdup_printf ("%" G_GUINT64_FORMAT, entry->train_functions);

  return g_strdup_printf (_("%.0f s, %s functions"), entry->train_seconds, functions);
}

static L2lResultsRow *
make_row (const L2lCompareResult *result,
          const L2lCompareEntry  *entry)
{
  L2lResultsRow *row = g_object_new (L2L_TYPE_RESULTS_ROW, NULL);
  const guint last = result->steps;
  const double per_step = l2l_compare_entry_seconds_per_step (result, entry);
  char mean[32], median[32];

  l2l_results_format_loss (mean, sizeof mean, entry->stats.mean[last]);
  l2l_results_format_loss (median, sizeof median, entry->stats.median[last]);
  row->cells[COLUMN_OPTIMIZER] = g_strdup (entry->label);
  row->cells[COLUMN_RATE] = entry->learned ? g_strdup (_("learned"))
                                           : g_strdup_printf ("%.4g", entry->lr);
  row->keys[COLUMN_RATE] = entry->learned ? INFINITY : entry->lr;
  row->cells[COLUMN_TUNED] = g_strdup (entry->tuning ? _("yes") : _("no"));
  row->cells[COLUMN_MEAN] = g_strdup (mean);
  row->keys[COLUMN_MEAN] = isfinite (entry->stats.mean[last]) ? entry->stats.mean[last] : INFINITY;
  row->cells[COLUMN_MEDIAN] = g_strdup (median);
  row->keys[COLUMN_MEDIAN] = isfinite (entry->stats.median[last]) ? entry->stats.median[last]
                                                                  : INFINITY;
  row->cells[COLUMN_DIVERGED] = g_strdup_printf ("%u/%u", entry->diverged_runs, result->runs);
  row->keys[COLUMN_DIVERGED] = entry->diverged_runs;
  row->cells[COLUMN_TIME] = per_step < 1e-3 ? g_strdup_printf ("%.3g µs", 1e6 * per_step)
                                            : g_strdup_printf ("%.3g ms", 1e3 * per_step);
  row->keys[COLUMN_TIME] = per_step;
  row->cells[COLUMN_TRAINING] = !entry->learned ? g_strdup ("–")
    : isnan (entry->train_seconds) ? g_strdup (_("unknown"))
    : cost_text (entry);
  row->keys[COLUMN_TRAINING] = entry->learned && !isnan (entry->train_seconds)
                               ? entry->train_seconds : -1.0;
  return row;
}

/* Above the table, as `l2l compare` prints it but in the user's language:
 * the task and how the rates were tuned. */
static char *
notes_above (const L2lCompareResult *result)
{
  GString *out = g_string_new (NULL);
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, result->seed);
  gboolean tuned = FALSE;

  for (guint i = 0; i < result->n_entries; i++)
    tuned |= result->entries[i].tuning != NULL;
  g_string_append_printf (out, ngettext ("Task %s · %u run × %u steps · seed %s",
                                         "Task %s · %u runs × %u steps · seed %s", result->runs),
                          result->task_spec, result->runs, result->steps, seed);
  if (tuned)
    {
      g_string_append_c (out, '\n');
      g_string_append_printf (out, ngettext ("Tuned on %u other function over %g…%g (%u a decade), "
                                             "minimising the %s",
                                             "Tuned on %u other functions over %g…%g (%u a decade), "
                                             "minimising the %s", result->tune.runs),
                              result->tune.runs, result->tune.lr_min, result->tune.lr_max,
                              result->tune.per_decade,
                              result->tune.objective == L2L_TUNE_FINAL ? _("mean final loss")
                                                                       : _("mean summed loss"));
    }
  return g_string_free (out, FALSE);
}

/* Below it: the hyper-parameters a search chose, and the best optimizer with
 * its interval and whether the paired tests put it below every other. */
static char *
notes_below (const L2lCompareResult *result)
{
  GString *out = g_string_new (NULL), *hyper = g_string_new (NULL);
  const L2lCompareEntry *best;
  const char *against;
  double worst_p;
  char lo[32], hi[32];

  for (guint i = 0; i < result->n_entries; i++)
    {
      const L2lCompareEntry *entry = &result->entries[i];

      if (entry->tuning == NULL || entry->tuning->hypers == NULL)
        continue;
      g_string_append_printf (hyper, "%s%s ", hyper->len ? "; " : "", entry->label);
      l2l_results_append_hyper (hyper, entry->info, &entry->hyper);
    }
  if (hyper->len > 0)
    g_string_append_printf (out, _("Tuned with the rate (%u configurations each): %s"),
                            result->tune.hyper_budget, hyper->str);
  g_string_free (hyper, TRUE);
  if ((best = l2l_results_find_best (result, &worst_p, &against)) != NULL)
    {
      l2l_results_format_loss (lo, sizeof lo, best->final_ci95[0]);
      l2l_results_format_loss (hi, sizeof hi, best->final_ci95[1]);
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append_printf (out, worst_p < 0.01
                              ? _("Lowest mean at step %u: %s (95 %% interval %s to %s); below "
                                  "every other at p < 0.01 (paired Wilcoxon; largest p %.2g, "
                                  "against %s)")
                              : _("Lowest mean at step %u: %s (95 %% interval %s to %s); not "
                                  "significantly below every other at p < 0.01 (paired "
                                  "Wilcoxon; largest p %.2g, against %s)"),
                              result->steps, best->label, lo, hi, worst_p, against);
    }
  return g_string_free (out, FALSE);
}

void
l2l_results_view_set (L2lResultsView         *self,
                      const L2lCompareResult *result)
{
  g_autofree char *header = NULL, *footer = NULL, *mean = NULL, *median = NULL;
  GtkAdjustment *across;

  g_list_store_remove_all (self->rows);
  gtk_widget_set_visible (self->box, result != NULL);
  if (result == NULL)
    return;
  header = notes_above (result);
  footer = notes_below (result);
  gtk_label_set_text (self->header, header);
  gtk_label_set_text (self->footer, footer);
  gtk_widget_set_visible (GTK_WIDGET (self->footer), *footer != '\0');
  mean = g_strdup_printf (_("mean @%u"), result->steps);
  median = g_strdup_printf (_("median @%u"), result->steps);
  gtk_column_view_column_set_title (self->columns[COLUMN_MEAN], mean);
  gtk_column_view_column_set_title (self->columns[COLUMN_MEDIAN], median);
  for (guint i = 0; i < result->n_entries; i++)
    {
      g_autoptr(L2lResultsRow) row = make_row (result, &result->entries[i]);
      g_list_store_append (self->rows, row);
    }
  /* a new table starts at its first column, names in view */
  across = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (self->table));
  if (across != NULL)
    gtk_adjustment_set_value (across, gtk_adjustment_get_lower (across));
}

char *
l2l_results_view_to_tsv (L2lResultsView *self)
{
  GListModel *shown = G_LIST_MODEL (gtk_column_view_get_model (self->table));
  GString *tsv = g_string_new (NULL);

  for (guint c = 0; c < N_COLUMNS; c++)
    g_string_append_printf (tsv, "%s%s", c ? "\t" : "",
                            gtk_column_view_column_get_title (self->columns[c]));
  g_string_append_c (tsv, '\n');
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(L2lResultsRow) row = g_list_model_get_item (shown, i);

      for (guint c = 0; c < N_COLUMNS; c++)
        g_string_append_printf (tsv, "%s%s", c ? "\t" : "", row->cells[c]);
      g_string_append_c (tsv, '\n');
    }
  return g_string_free (tsv, FALSE);
}

static void
on_copy (L2lResultsView *self)
{
  g_autofree char *tsv = l2l_results_view_to_tsv (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), tsv);
}

GtkColumnView *
l2l_results_view_get_column_view (L2lResultsView *self)
{
  return self->table;
}

/* Cells. */

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  column)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), GPOINTER_TO_UINT (column) == COLUMN_OPTIMIZER ? 0 : 1);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  column)
{
  L2lResultsRow *row = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      row->cells[GPOINTER_TO_UINT (column)]);
}

/* Numbers by value (a row without one after those with), text by text. */
static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      column)
{
  const L2lResultsRow *x = a, *y = b;
  guint c = GPOINTER_TO_UINT (column);

  if (isnan (x->keys[c]) || isnan (y->keys[c]))
    return g_utf8_collate (x->cells[c], y->cells[c]);
  return x->keys[c] < y->keys[c] ? -1 : x->keys[c] > y->keys[c];
}

static void
l2l_results_view_dispose (GObject *object)
{
  L2lResultsView *self = L2L_RESULTS_VIEW (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->rows);
  G_OBJECT_CLASS (l2l_results_view_parent_class)->dispose (object);
}

static void
l2l_results_view_class_init (L2lResultsViewClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = l2l_results_view_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static GtkLabel *
note_label (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");
  return GTK_LABEL (label);
}

static void
l2l_results_view_init (L2lResultsView *self)
{
  const char *titles[N_COLUMNS] = {
    N_("optimizer"), N_("learning rate"), N_("tuned"), N_("mean"), N_("median"),
    N_("diverged"), N_("time/step"), N_("meta-training"),
  };
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  GtkSortListModel *sorted;
  GtkNoSelection *selection;

  self->rows = g_list_store_new (L2L_TYPE_RESULTS_ROW);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_margin_start (self->box, 12);
  gtk_widget_set_margin_end (self->box, 12);
  gtk_widget_set_margin_bottom (self->box, 6);
  self->header = note_label ();
  gtk_widget_set_hexpand (GTK_WIDGET (self->header), TRUE);
  gtk_widget_set_valign (copy, GTK_ALIGN_START);
  gtk_widget_add_css_class (copy, "flat");
  gtk_widget_set_tooltip_text (copy, _("Copy the table (tab-separated, for a spreadsheet)"));
  g_signal_connect_swapped (copy, "clicked", G_CALLBACK (on_copy), self);
  gtk_box_append (GTK_BOX (top), GTK_WIDGET (self->header));
  gtk_box_append (GTK_BOX (top), copy);
  gtk_box_append (GTK_BOX (self->box), top);

  self->table = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->table), "data-table");
  for (guint c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkCustomSorter *sorter;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (c));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (c));
      self->columns[c] = gtk_column_view_column_new (_(titles[c]), factory);
      sorter = gtk_custom_sorter_new (compare_rows, GUINT_TO_POINTER (c), NULL);
      gtk_column_view_column_set_sorter (self->columns[c], GTK_SORTER (sorter));
      g_object_unref (sorter);
      gtk_column_view_column_set_resizable (self->columns[c], TRUE);
      gtk_column_view_append_column (self->table, self->columns[c]);
      g_object_unref (self->columns[c]);
    }
  gtk_column_view_column_set_expand (self->columns[COLUMN_OPTIMIZER], TRUE);
  sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->rows)),
                                    g_object_ref (gtk_column_view_get_sorter (self->table)));
  selection = gtk_no_selection_new (G_LIST_MODEL (sorted));
  gtk_column_view_set_model (self->table, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  /* as tall as the table up to 200 px, scrolled beyond: the chart keeps the room */
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (self->scroller), 200);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->table));
  gtk_box_append (GTK_BOX (self->box), self->scroller);
  self->footer = note_label ();
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->footer));
  gtk_widget_set_visible (self->box, FALSE);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
}

GtkWidget *
l2l_results_view_new (void)
{
  return g_object_new (L2L_TYPE_RESULTS_VIEW, NULL);
}
