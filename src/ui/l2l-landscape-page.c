/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "l2l-chart-gif.h"
#include "l2l-chart-results.h"
#include "l2l-landscape-page.h"

#define GRID 200

struct _L2lLandscapePage {
  L2lPage          parent_instance;

  GtkStack        *views;          /* "paths" and "probe" */
  L2lContourView  *contour_view;
  L2lContour      *contour;        /* the function shown, and this run's paths */
  char            *function_key;   /* its spec without the start, and the seed */
  L2lProblem      *problem;        /* the same function, for the readout */
  double           start[2];       /* where it starts */
  GtkScale        *step_scale;
  GPtrArray       *losses;         /* per optimizer, a GArray of each step's loss */
  guint            steps;          /* this run's */
  gboolean         rerun;          /* a click while running: run again when it ends */
  guint            rerun_id;       /* the idle that does */

  L2lChart        *probe;
  L2lChartView    *probe_view;
  GtkLabel        *probe_note;
};

G_DEFINE_FINAL_TYPE (L2lLandscapePage, l2l_landscape_page, L2L_TYPE_PAGE)

/* The function. */

/* "landscape:fn=rosenbrock,a=1,…" without its start=X,Y, and the seed: two
 * runs with the same key draw the same function, so the plot keeps its
 * frame when only the start moves. */
static char *
function_key (const char *spec,
              guint64     seed)
{
  g_auto(GStrv) parts = g_strsplit (spec, ",", -1);
  GString *key = g_string_new (NULL);
  gboolean in_start = FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_has_prefix (parts[i], "start="))
        in_start = TRUE;
      else if (strchr (parts[i], '=') != NULL || i == 0)
        in_start = FALSE;
      if (!in_start)
        g_string_append_printf (key, "%s,", parts[i]);
    }
  g_string_append_printf (key, "seed=%" G_GUINT64_FORMAT, seed);
  return g_string_free (key, FALSE);
}

/* The frame around the start and the minima (a random function's minimum is
 * near the origin): square in the function's units, with room around. */
static void
frame_of (const double *start,
          const double *minima,
          guint         n_minima,
          double       *lo,
          double       *hi)
{
  double half = 0.0;

  for (int d = 0; d < 2; d++)
    {
      lo[d] = MIN (start[d], 0.0);
      hi[d] = MAX (start[d], 0.0);
      if (n_minima > 0)
        lo[d] = hi[d] = start[d];
      for (guint m = 0; m < n_minima; m++)
        lo[d] = MIN (lo[d], minima[2 * m + d]), hi[d] = MAX (hi[d], minima[2 * m + d]);
      half = MAX (half, (hi[d] - lo[d]) / 2.0);
    }
  half = MAX (half * 1.15 + 0.5, 1.5);
  for (int d = 0; d < 2; d++)
    {
      double middle = (lo[d] + hi[d]) / 2.0;
      lo[d] = middle - half;
      hi[d] = middle + half;
    }
}

static char *
function_name (const char *spec)
{
  const char *fn = strstr (spec, "fn=");

  return fn ? g_strndup (fn + 3, strcspn (fn + 3, ",")) : g_strdup (spec);
}

/* Draws the sidebar's function (keeping the frame while it is the same
 * function); FALSE, leaving the plot as it was, when the sidebar's task is
 * not one the page can draw. */
static gboolean
draw_function (L2lLandscapePage *self)
{
  L2lExperimentPanel *panel = l2l_page_get_panel (L2L_PAGE (self));
  g_autofree char *spec = l2l_experiment_panel_get_task_spec (panel);
  guint64 seed = (guint64) gtk_spin_button_get_value (l2l_experiment_panel_get_spin (panel,
                                                                                     "seed"));
  g_autofree char *key = function_key (spec, seed), *name = NULL, *title = NULL;
  g_autoptr(L2lTask) task = l2l_task_new_from_spec (spec, NULL);
  double minima[8], lo[2], hi[2], start[2];
  float theta[2];
  guint n_minima;
  L2lProblem *problem;
  L2lContour *contour;

  if (task == NULL || l2l_task_get_n_params (task) != 2)
    return FALSE;
  problem = l2l_task_sample_held_out (task, l2l_seed_derive (seed, L2L_SEED_TEST, 0));
  l2l_problem_init (problem, theta);
  start[0] = theta[0];
  start[1] = theta[1];
  n_minima = l2l_landscape_problem_get_minima (problem, minima, 4);
  if (self->contour != NULL && g_strcmp0 (key, self->function_key) == 0 &&
      start[0] > self->contour->x_min && start[0] < self->contour->x_max &&
      start[1] > self->contour->y_min && start[1] < self->contour->y_max)
    {
      lo[0] = self->contour->x_min, hi[0] = self->contour->x_max;
      lo[1] = self->contour->y_min, hi[1] = self->contour->y_max;
    }
  else
    frame_of (start, minima, n_minima, lo, hi);

  name = function_name (spec);
  title = g_strdup_printf (_("%s from (%g, %g)"), name, start[0], start[1]);
  contour = l2l_contour_new (title, lo[0], hi[0], lo[1], hi[1], GRID, GRID);
  l2l_contour_fill (contour, problem);
  for (guint m = 0; m < n_minima; m++)
    l2l_contour_add_minimum (contour, minima[2 * m], minima[2 * m + 1]);

  g_clear_pointer (&self->contour, l2l_contour_free);
  g_clear_pointer (&self->problem, l2l_problem_free);
  g_free (self->function_key);
  self->contour = contour;
  self->problem = problem;
  memcpy (self->start, start, sizeof self->start);
  self->function_key = g_steal_pointer (&key);
  g_ptr_array_set_size (self->losses, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->step_scale), FALSE);
  l2l_contour_view_set_contour (self->contour_view, contour);
  return TRUE;
}

static void
on_panel_changed (L2lLandscapePage *self)
{
  if (!l2l_page_is_running (L2L_PAGE (self)))
    draw_function (self);
}

/* The page's task is a landscape: Rosenbrock, with the learned optimizer
 * trained on random landscapes racing, unless the settings chose otherwise. */
static void
choose_landscape_task (L2lLandscapePage *self)
{
  L2lExperimentPanel *panel = l2l_page_get_panel (L2L_PAGE (self));
  g_autofree char *spec = l2l_experiment_panel_get_task_spec (panel);
  GtkCheckButton *learned;

  if (g_str_has_prefix (spec, "landscape:"))
    return;
  l2l_experiment_panel_select_task (panel, "landscape");
  learned = l2l_experiment_panel_get_learned_check (panel, "lstm:landscape");
  if (learned != NULL)
    gtk_check_button_set_active (learned, TRUE);
}

static void
on_settings_loaded (L2lLandscapePage *self)
{
  choose_landscape_task (self);
  draw_function (self);
  l2l_page_update (L2L_PAGE (self));
}

/* The readout: the point, the function's value there, and where each
 * optimizer stands at the step shown. */
char *
l2l_landscape_page_readout (L2lLandscapePage *self,
                            double            x,
                            double            y)
{
  GString *text = g_string_new (NULL);
  float theta[2] = { (float) x, (float) y }, grad[2];
  guint step = (guint) gtk_range_get_value (GTK_RANGE (self->step_scale));

  if (self->problem != NULL)
    g_string_append_printf (text, _("x %.4g, y %.4g: f = %.4g"), x, y,
                            l2l_problem_loss_grad (self->problem, theta, grad));
  if (self->losses->len > 0 && gtk_widget_get_sensitive (GTK_WIDGET (self->step_scale)))
    {
      g_string_append_printf (text, "\n");
      g_string_append_printf (text, _("step %u:"), step);
      for (guint o = 0; o < self->losses->len; o++)
        {
          GArray *losses = self->losses->pdata[o];
          const L2lContourPath *path = self->contour->paths->pdata[o];

          if (step >= losses->len)
            g_string_append_printf (text, "\n%s  %s", path->name, _("not reached"));
          else if (isfinite (g_array_index (losses, double, step)))
            g_string_append_printf (text, "\n%s  %.4g", path->name,
                                    g_array_index (losses, double, step));
          else
            g_string_append_printf (text, "\n%s  %s", path->name, _("diverged"));
        }
    }
  return g_string_free (text, FALSE);
}

static char *
readout (double   x,
         double   y,
         gpointer user_data)
{
  return l2l_landscape_page_readout (user_data, x, y);
}

/* A click moves the start there and runs again. */
static void
on_point_clicked (L2lContourView   *view,
                  double            x,
                  double            y,
                  L2lLandscapePage *self)
{
  L2lExperimentPanel *panel = l2l_page_get_panel (L2L_PAGE (self));
  char sx[G_ASCII_DTOSTR_BUF_SIZE], sy[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *start = g_strdup_printf ("%s,%s", g_ascii_formatd (sx, sizeof sx, "%.3g", x),
                                            g_ascii_formatd (sy, sizeof sy, "%.3g", y));

  l2l_experiment_panel_set_task_option (panel, "start", start);
  if (l2l_page_is_running (L2L_PAGE (self)))
    {
      self->rerun = TRUE;
      l2l_page_stop (L2L_PAGE (self));
    }
  else
    l2l_page_run (L2L_PAGE (self));
}

static void
on_step_changed (L2lLandscapePage *self)
{
  if (self->contour == NULL || !gtk_widget_get_sensitive (GTK_WIDGET (self->step_scale)))
    return;
  self->contour->shown = (guint) gtk_range_get_value (GTK_RANGE (self->step_scale));
  l2l_contour_view_changed (self->contour_view);
}

/* The job. */

static gboolean
l2l_landscape_page_check (L2lPage  *page,
                          GError  **error)
{
  g_autofree char *spec = NULL;
  L2lCompareConfig config;
  gboolean valid = l2l_experiment_panel_build_compare (l2l_page_get_panel (page), &config,
                                                       &spec, error);

  l2l_compare_config_clear (&config);
  return valid;
}

static void
on_position (L2lJob           *job,
             guint             optimizer,
             guint             step,
             double            x,
             double            y,
             L2lLandscapePage *self)
{
  L2lContourPath *path = self->contour->paths->pdata[optimizer];
  GArray *losses = self->losses->pdata[optimizer];

  /* a diverged run goes on stepping; its path ends where it left (the
   * step's loss comes before its position) */
  if (step < losses->len && !isfinite (g_array_index (losses, double, step)))
    return;
  if (step == path->points->len / 2)
    {
      l2l_contour_path_append (path, x, y);
      l2l_contour_view_changed (self->contour_view);
    }
}

static void
on_point (L2lJob           *job,
          guint             optimizer,
          guint             step,
          double            mean,
          double            q25,
          double            q75,
          double            seconds,
          L2lLandscapePage *self)
{
  GArray *losses = self->losses->pdata[optimizer];

  if (step == losses->len)
    g_array_append_val (losses, mean);
}

static L2lJob *
l2l_landscape_page_create_job (L2lPage  *page,
                               GError  **error)
{
  L2lLandscapePage *self = L2L_LANDSCAPE_PAGE (page);
  g_autofree char *spec = NULL, *title = NULL, *name = NULL;
  L2lCompareConfig config;
  L2lJob *job;

  if (!l2l_experiment_panel_build_compare (l2l_page_get_panel (page), &config, &spec, error))
    {
      l2l_compare_config_clear (&config);
      return NULL;
    }
  if (!draw_function (self))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   _("%s is not a function of two coordinates"), spec);
      l2l_compare_config_clear (&config);
      return NULL;
    }
  config.runs = 1;
  config.tune.runs = 1;
  if (l2l_page_get_threads (page) > 0)
    config.threads = l2l_page_get_threads (page);
  self->steps = config.steps;
  name = function_name (spec);
  g_free (self->contour->title);
  self->contour->title = g_strdup_printf (_("%s from (%g, %g) · %u steps"), name,
                                          self->start[0], self->start[1], config.steps);
  g_ptr_array_set_size (self->losses, 0);
  for (guint o = 0; o < config.n_optimizers; o++)
    {
      l2l_contour_add_path (self->contour, config.optimizers[o].label, o);
      g_ptr_array_add (self->losses, g_array_new (FALSE, FALSE, sizeof (double)));
    }
  self->contour->shown = G_MAXUINT;
  gtk_range_set_range (GTK_RANGE (self->step_scale), 0, MAX (config.steps, 1));
  gtk_range_set_value (GTK_RANGE (self->step_scale), config.steps);
  job = l2l_job_new_compare (&config, spec);
  g_signal_connect (job, "compare-position", G_CALLBACK (on_position), self);
  g_signal_connect (job, "compare-point", G_CALLBACK (on_point), self);
  return job;
}

/* The probe of the run's optimizers, at the rates they ran with (tuned
 * ones included). */
static void
show_probe (L2lLandscapePage *self,
            L2lJob           *job)
{
  const L2lCompareConfig *config = l2l_job_get_compare_config (job);
  const L2lCompareResult *result = l2l_job_get_compare_result (job);
  g_autofree L2lOptimizerSpec *specs = g_memdup2 (config->optimizers,
                                                  config->n_optimizers * sizeof *specs);
  g_autoptr(L2lProbeResult) probe = NULL;
  g_autoptr(GError) error = NULL;
  L2lProbeConfig probe_config;

  for (guint o = 0; o < config->n_optimizers; o++)
    {
      specs[o].tune = FALSE;
      if (!result->entries[o].learned)
        specs[o].lr = result->entries[o].lr;
    }
  l2l_probe_config_init (&probe_config);
  probe = l2l_probe_run (specs, config->n_optimizers, &probe_config, NULL, &error);
  g_ptr_array_set_size (self->probe->series, 0);
  if (probe == NULL)
    {
      l2l_chart_set_empty_text (self->probe, error->message);
      l2l_chart_view_changed (self->probe_view);
      return;
    }
  l2l_chart_add_probe_result (self->probe, probe, _("%s, step %u"), _("%s, step %u"),
                              _("%s, g < 0"));
  l2l_chart_view_changed (self->probe_view);
}

/* After the stopped job has ended, the run the click asked for. */
static void
run_again (gpointer data)
{
  L2lLandscapePage *self = data;

  self->rerun_id = 0;
  l2l_page_run (L2L_PAGE (self));
}

static char *
l2l_landscape_page_finished (L2lPage      *page,
                             L2lJob       *job,
                             const GError *error,
                             double        seconds)
{
  L2lLandscapePage *self = L2L_LANDSCAPE_PAGE (page);
  guint diverged = 0;

  g_signal_handlers_disconnect_by_data (job, self);
  if (self->rerun && self->rerun_id == 0)
    self->rerun_id = g_idle_add_once (run_again, self);
  self->rerun = FALSE;
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup (_("Failed"));
  /* the slider scrubs what ran, a stopped run's steps too */
  {
    guint ran = 0;

    for (guint o = 0; o < self->losses->len; o++)
      ran = MAX (ran, ((GArray *) self->losses->pdata[o])->len);
    gtk_range_set_range (GTK_RANGE (self->step_scale), 0, MAX (ran, 2) - 1);
    gtk_range_set_value (GTK_RANGE (self->step_scale), MAX (ran, 1) - 1);
    gtk_widget_set_sensitive (GTK_WIDGET (self->step_scale), ran > 0);
    on_step_changed (self);
  }
  if (error != NULL)
    return g_strdup (_("Stopped"));
  show_probe (self, job);
  for (guint o = 0; o < self->losses->len; o++)
    {
      GArray *losses = self->losses->pdata[o];
      diverged += losses->len > 0 && !isfinite (g_array_index (losses, double, losses->len - 1));
    }
  if (diverged > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Ran in %.1f s; %u optimizer diverged",
                                         "Ran in %.1f s; %u optimizers diverged", diverged),
                            seconds, diverged);
  return g_strdup_printf (_("Ran in %.1f s"), seconds);
}

/* Export Chart… writes the view shown: the paths (GIF: growing) or the probe. */
static gboolean
l2l_landscape_page_export_picture (L2lPage     *page,
                                   const char  *path,
                                   int          width,
                                   int          height,
                                   GError     **error)
{
  L2lLandscapePage *self = L2L_LANDSCAPE_PAGE (page);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->views), "probe") == 0)
    {
      if (l2l_chart_gif_path (path))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("%s: a GIF animates the paths; export the probe as PNG, SVG or PDF"),
                       path);
          return FALSE;
        }
      return l2l_chart_save (self->probe, path, width, height, error);
    }
  if (self->contour == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("There is no function to draw"));
      return FALSE;
    }
  return l2l_contour_save (self->contour, (guint) gtk_range_get_value (GTK_RANGE (self->step_scale)),
                           path, width, height, error);
}

/* GObject. */

static void
l2l_landscape_page_dispose (GObject *object)
{
  L2lLandscapePage *self = L2L_LANDSCAPE_PAGE (object);

  /* a window closed before the rerun a click asked for */
  g_clear_handle_id (&self->rerun_id, g_source_remove);
  G_OBJECT_CLASS (l2l_landscape_page_parent_class)->dispose (object);
}

static void
l2l_landscape_page_finalize (GObject *object)
{
  L2lLandscapePage *self = L2L_LANDSCAPE_PAGE (object);

  g_clear_pointer (&self->contour, l2l_contour_free);
  g_clear_pointer (&self->problem, l2l_problem_free);
  g_free (self->function_key);
  g_ptr_array_unref (self->losses);
  l2l_chart_free (self->probe);
  G_OBJECT_CLASS (l2l_landscape_page_parent_class)->finalize (object);
}

static void
l2l_landscape_page_class_init (L2lLandscapePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  L2lPageClass *page_class = L2L_PAGE_CLASS (klass);

  object_class->dispose = l2l_landscape_page_dispose;
  object_class->finalize = l2l_landscape_page_finalize;
  page_class->check = l2l_landscape_page_check;
  page_class->create_job = l2l_landscape_page_create_job;
  page_class->finished = l2l_landscape_page_finished;
  page_class->export_picture = l2l_landscape_page_export_picture;
}

static GtkWidget *
toolbar (L2lLandscapePage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *switcher = gtk_stack_switcher_new ();
  GtkWidget *label = gtk_label_new_with_mnemonic (_("S_tep"));

  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), self->views);
  self->step_scale = GTK_SCALE (gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 1));
  gtk_scale_set_draw_value (self->step_scale, TRUE);
  gtk_scale_set_digits (self->step_scale, 0);
  gtk_widget_set_size_request (GTK_WIDGET (self->step_scale), 220, -1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->step_scale), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->step_scale),
                               _("Scrub along the paths: each optimizer as it stood at this step"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->step_scale));
  gtk_box_append (GTK_BOX (box), switcher);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->step_scale));
  return box;
}

static GtkWidget *
probe_view (L2lLandscapePage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  self->probe = l2l_chart_new (_("The update each optimizer proposes for a constant gradient g"),
                               "|g|", _("step downhill, −Δθ · sign(g)"), TRUE);
  l2l_chart_set_x_mode (self->probe, L2L_CHART_X_LOG_DATA, NULL);
  l2l_chart_set_empty_text (self->probe, _("Run to probe the optimizers"));
  self->probe_view = L2L_CHART_VIEW (l2l_chart_view_new ());
  l2l_chart_view_set_chart (self->probe_view, self->probe);
  self->probe_note = GTK_LABEL (gtk_label_new (
    _("Each optimizer is fed the same gradient g for 20 steps, for g from 10⁻⁶ to 100 of both "
      "signs. SGD’s step grows with |g| (−αg); Adam’s stays near α whatever |g| is "
      "(−α sign g); a learned optimizer’s curve shows the sign and the scale it learned, "
      "from zero state (step 1) and after 20 steps of the same gradient. A gap is a step "
      "uphill.")));
  gtk_label_set_wrap (self->probe_note, TRUE);
  gtk_label_set_xalign (self->probe_note, 0.0);
  gtk_widget_add_css_class (GTK_WIDGET (self->probe_note), "dim-label");
  gtk_widget_set_margin_start (GTK_WIDGET (self->probe_note), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->probe_note), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->probe_note), 6);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->probe_view));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->probe_note));
  return box;
}

static void
l2l_landscape_page_init (L2lLandscapePage *self)
{
  L2lExperimentPanel *panel = l2l_page_get_panel (L2L_PAGE (self));

  self->losses = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  self->views = GTK_STACK (gtk_stack_new ());
  self->contour_view = L2L_CONTOUR_VIEW (l2l_contour_view_new ());
  l2l_contour_view_set_readout (self->contour_view, readout, self);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->contour_view),
                               _("Click to start every optimizer there"));
  gtk_stack_add_titled (self->views, GTK_WIDGET (self->contour_view), "paths", _("Paths"));
  gtk_stack_add_titled (self->views, probe_view (self), "probe", _("What It Learned"));
  l2l_page_add_to_toolbar (L2L_PAGE (self), toolbar (self));
  /* one run at a time: the paths are redrawn, not kept */
  gtk_widget_set_visible (GTK_WIDGET (l2l_page_get_run_list (L2L_PAGE (self))), FALSE);
  l2l_page_set_content (L2L_PAGE (self), GTK_WIDGET (self->views));
  l2l_page_set_action_enabled (L2L_PAGE (self), "export-chart", TRUE);

  l2l_experiment_panel_set_mode (panel, L2L_PANEL_LANDSCAPE);
  choose_landscape_task (self);
  draw_function (self);
  g_signal_connect_swapped (panel, "changed", G_CALLBACK (on_panel_changed), self);
  g_signal_connect_swapped (panel, "loaded", G_CALLBACK (on_settings_loaded), self);
  g_signal_connect (self->contour_view, "point-clicked", G_CALLBACK (on_point_clicked), self);
  g_signal_connect_swapped (self->step_scale, "value-changed", G_CALLBACK (on_step_changed), self);
  l2l_page_update (L2L_PAGE (self));
}

L2lLandscapePage *
l2l_landscape_page_new (void)
{
  return g_object_new (L2L_TYPE_LANDSCAPE_PAGE, NULL);
}

L2lContour *
l2l_landscape_page_get_contour (L2lLandscapePage *self)
{
  return self->contour;
}

L2lContourView *
l2l_landscape_page_get_view (L2lLandscapePage *self)
{
  return self->contour_view;
}

GtkRange *
l2l_landscape_page_get_step_scale (L2lLandscapePage *self)
{
  return GTK_RANGE (self->step_scale);
}

L2lChart *
l2l_landscape_page_get_probe (L2lLandscapePage *self)
{
  return self->probe;
}

void
l2l_landscape_page_show_view (L2lLandscapePage *self,
                              const char       *name)
{
  gtk_stack_set_visible_child_name (self->views, name);
}
