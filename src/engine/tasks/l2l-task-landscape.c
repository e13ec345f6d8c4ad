/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <math.h>
#include <string.h>

#include "l2l-error.h"
#include "l2l-rng.h"
#include "l2l-task-landscape.h"

typedef enum {
  FN_ROSENBROCK,
  FN_BEALE,
  FN_HIMMELBLAU,
  FN_RASTRIGIN,
  FN_QUADRATIC,
  FN_RANDOM,
} Fn;

/* In the order of the option's choices. */
static const char *const fn_choices[] = {
  "rosenbrock", "beale", "himmelblau", "rastrigin", "quadratic", "random", NULL,
};

/* Where each function starts unless told: the classic pictures' starts. */
static const double classic_starts[][2] = {
  { -1.5, 2.0 }, { 1.0, 1.5 }, { 0.0, 0.0 }, { -2.2, 2.7 }, { -4.0, 3.0 },
};

/* One function of the plane: @scale × fn(x − shift_x, y − shift_y). */
typedef struct {
  Fn     fn;
  double a, b;            /* rosenbrock */
  double kappa, angle;    /* quadratic; angle in radians */
  double scale;
  double shift[2];
} Surface;

/* The value, gradient [2] and Hessian [xx, xy, yx, yy] at (@x, @y). */
static double
surface_evaluate (const Surface *s,
                  double         x,
                  double         y,
                  double        *g,
                  double        *h)
{
  double f;

  x -= s->shift[0];
  y -= s->shift[1];
  switch (s->fn)
    {
    case FN_ROSENBROCK:
      {
        double r = y - x * x;
        f = (s->a - x) * (s->a - x) + s->b * r * r;
        g[0] = -2.0 * (s->a - x) - 4.0 * s->b * x * r;
        g[1] = 2.0 * s->b * r;
        h[0] = 2.0 - 4.0 * s->b * r + 8.0 * s->b * x * x;
        h[1] = h[2] = -4.0 * s->b * x;
        h[3] = 2.0 * s->b;
        break;
      }
    case FN_BEALE:
      {
        /* Σ tᵢ², tᵢ = cᵢ − x + x yⁱ: H = 2 Σ (∇tᵢ ∇tᵢᵀ + tᵢ ∇²tᵢ) */
        const double c[3] = { 1.5, 2.25, 2.625 };
        const double p[4] = { 1.0, y, y * y, y * y * y };   /* powers of y */

        f = 0.0;
        g[0] = g[1] = h[0] = h[1] = h[2] = h[3] = 0.0;
        for (int i = 1; i <= 3; i++)
          {
            double t = c[i - 1] - x + x * p[i];
            double tx = p[i] - 1.0, ty = i * x * p[i - 1];
            double txy = i * p[i - 1], tyy = i > 1 ? i * (i - 1) * x * p[i - 2] : 0.0;

            f += t * t;
            g[0] += 2.0 * t * tx;
            g[1] += 2.0 * t * ty;
            h[0] += 2.0 * tx * tx;
            h[1] += 2.0 * (tx * ty + t * txy);
            h[3] += 2.0 * (ty * ty + t * tyy);
          }
        h[2] = h[1];
        break;
      }
    case FN_HIMMELBLAU:
      {
        double u = x * x + y - 11.0, v = x + y * y - 7.0;
        f = u * u + v * v;
        g[0] = 4.0 * x * u + 2.0 * v;
        g[1] = 2.0 * u + 4.0 * y * v;
        h[0] = 4.0 * u + 8.0 * x * x + 2.0;
        h[1] = h[2] = 4.0 * x + 4.0 * y;
        h[3] = 2.0 + 4.0 * v + 8.0 * y * y;
        break;
      }
    case FN_RASTRIGIN:
      f = 20.0 + x * x + y * y - 10.0 * (cos (2.0 * G_PI * x) + cos (2.0 * G_PI * y));
      g[0] = 2.0 * x + 20.0 * G_PI * sin (2.0 * G_PI * x);
      g[1] = 2.0 * y + 20.0 * G_PI * sin (2.0 * G_PI * y);
      h[0] = 2.0 + 40.0 * G_PI * G_PI * cos (2.0 * G_PI * x);
      h[1] = h[2] = 0.0;
      h[3] = 2.0 + 40.0 * G_PI * G_PI * cos (2.0 * G_PI * y);
      break;
    case FN_QUADRATIC:
    case FN_RANDOM:
    default:
      {
        /* u along the axis at angle, v across it; λ₁ = kappa, λ₂ = 1 */
        double c = cos (s->angle), sn = sin (s->angle);
        double u = c * x + sn * y, v = -sn * x + c * y;
        f = 0.5 * (s->kappa * u * u + v * v);
        g[0] = s->kappa * u * c - v * sn;
        g[1] = s->kappa * u * sn + v * c;
        h[0] = s->kappa * c * c + sn * sn;
        h[1] = h[2] = (s->kappa - 1.0) * c * sn;
        h[3] = s->kappa * sn * sn + c * c;
        break;
      }
    }
  for (int i = 0; i < 2; i++)
    g[i] *= s->scale;
  for (int i = 0; i < 4; i++)
    h[i] *= s->scale;
  return s->scale * f;
}

/* Problems. */

typedef struct {
  L2lProblem base;
  Surface    surface;
  double     start[2];
  double     noise;
  L2lRng     rng;      /* the gradient noise */
  double     hessian[4];
} LandscapeProblem;

static void
landscape_problem_init (L2lProblem *problem,
                        float      *theta)
{
  LandscapeProblem *self = (LandscapeProblem *) problem;

  theta[0] = (float) self->start[0];
  theta[1] = (float) self->start[1];
}

static double
landscape_problem_loss_grad (L2lProblem  *problem,
                             const float *theta,
                             float       *grad)
{
  LandscapeProblem *self = (LandscapeProblem *) problem;
  double g[2], f = surface_evaluate (&self->surface, theta[0], theta[1], g, self->hessian);

  for (int i = 0; i < 2; i++)
    grad[i] = (float) (g[i] + (self->noise > 0.0 ? self->noise * l2l_rng_normal (&self->rng)
                                                 : 0.0));
  return f;
}

/* The noise is in the gradient only: the Hessian is the function's own. */
static void
landscape_problem_hvp (L2lProblem  *problem,
                       const float *theta,
                       const float *v,
                       float       *out)
{
  LandscapeProblem *self = (LandscapeProblem *) problem;
  double g[2], h[4];

  surface_evaluate (&self->surface, theta[0], theta[1], g, h);
  out[0] = (float) (h[0] * v[0] + h[1] * v[1]);
  out[1] = (float) (h[2] * v[0] + h[3] * v[1]);
}

static void
landscape_problem_mark (L2lProblem     *problem,
                        L2lProblemMark *mark)
{
  mark->rng = ((LandscapeProblem *) problem)->rng;
}

static void
landscape_problem_rewind (L2lProblem           *problem,
                          const L2lProblemMark *mark)
{
  ((LandscapeProblem *) problem)->rng = mark->rng;
}

static void
landscape_problem_free (L2lProblem *problem)
{
  g_free (problem);
}

static const L2lProblemClass landscape_problem_class = {
  .init = landscape_problem_init,
  .loss_grad = landscape_problem_loss_grad,
  .hvp = landscape_problem_hvp,
  .free = landscape_problem_free,
};

/* With noise a problem's gradients depend on where its stream stands. */
static const L2lProblemClass noisy_landscape_problem_class = {
  .init = landscape_problem_init,
  .loss_grad = landscape_problem_loss_grad,
  .hvp = landscape_problem_hvp,
  .mark = landscape_problem_mark,
  .rewind = landscape_problem_rewind,
  .free = landscape_problem_free,
};

/* Tasks. */

typedef struct {
  L2lTask  base;
  Surface  surface;     /* fn other than random */
  gboolean has_start;
  double   start[2];
  double   noise;
} LandscapeTask;

/* A random function of the seed: half rotated quadratics (kappa 1 … 100),
 * half shifted Rosenbrocks (b 10 … 100, scaled by 0.1 … 10), each from a
 * start of its own. */
static void
draw_random (L2lRng  *rng,
             Surface *surface,
             double  *start)
{
  memset (surface, 0, sizeof *surface);
  surface->scale = 1.0;
  if (l2l_rng_below (rng, 2) == 0)
    {
      double radius = 2.0 + 2.0 * l2l_rng_uniform (rng), at = 2.0 * G_PI * l2l_rng_uniform (rng);

      surface->fn = FN_QUADRATIC;
      surface->kappa = pow (10.0, 2.0 * l2l_rng_uniform (rng));
      surface->angle = G_PI * l2l_rng_uniform (rng);
      start[0] = radius * cos (at);
      start[1] = radius * sin (at);
    }
  else
    {
      surface->fn = FN_ROSENBROCK;
      surface->a = 1.0;
      surface->b = pow (10.0, 1.0 + l2l_rng_uniform (rng));
      surface->scale = pow (10.0, 2.0 * l2l_rng_uniform (rng) - 1.0);
      surface->shift[0] = 2.0 * l2l_rng_uniform (rng) - 1.0;
      surface->shift[1] = 2.0 * l2l_rng_uniform (rng) - 1.0;
      start[0] = surface->shift[0] + classic_starts[FN_ROSENBROCK][0] + 0.5 * l2l_rng_normal (rng);
      start[1] = surface->shift[1] + classic_starts[FN_ROSENBROCK][1] + 0.5 * l2l_rng_normal (rng);
    }
}

static L2lProblem *
landscape_task_sample (L2lTask *task,
                       guint64  seed)
{
  LandscapeTask *self = (LandscapeTask *) task;
  LandscapeProblem *problem = g_new0 (LandscapeProblem, 1);
  L2lRng rng;

  problem->base.klass = self->noise > 0.0 ? &noisy_landscape_problem_class
                                          : &landscape_problem_class;
  problem->base.n_params = 2;
  problem->noise = self->noise;
  l2l_rng_init (&rng, seed);
  if (self->surface.fn == FN_RANDOM)
    draw_random (&rng, &problem->surface, problem->start);
  else
    {
      problem->surface = self->surface;
      memcpy (problem->start, classic_starts[self->surface.fn], sizeof problem->start);
    }
  if (self->has_start)
    memcpy (problem->start, self->start, sizeof problem->start);
  /* the noise's own stream, the same for the same seed */
  l2l_rng_init (&problem->rng, seed ^ G_GUINT64_CONSTANT (0x6c616e6473636170));
  return &problem->base;
}

static void
landscape_task_finalize (L2lTask *task)
{
  g_free (task);
}

static const L2lTaskClass landscape_task_class = {
  .sample = landscape_task_sample,
  .finalize = landscape_task_finalize,
};

static const L2lOptionInfo landscape_options[] = {
  { "fn", L2L_OPTION_CHOICE, "rosenbrock", 0, 0, fn_choices,
    "The function: rosenbrock, beale, himmelblau, rastrigin, a rotated quadratic, or random "
    "(a rotated quadratic or a shifted Rosenbrock per seed, for meta-training)" },
  { "a", L2L_OPTION_DOUBLE, "1", -1e6, 1e6, NULL, "Rosenbrock's a: the minimum is at (a, a²)" },
  { "b", L2L_OPTION_DOUBLE, "100", 0, 1e6, NULL, "Rosenbrock's b: how steep the valley's walls are" },
  { "kappa", L2L_OPTION_DOUBLE, "10", 1, 1e6, NULL,
    "The quadratic's condition number λ₁/λ₂ (λ₂ = 1)" },
  { "angle", L2L_OPTION_DOUBLE, "30", -360, 360, NULL,
    "The quadratic's long axis, in degrees from x" },
  { "start", L2L_OPTION_STRING, "", 0, 0, NULL,
    "Where every path starts, X,Y; empty: the function's classic start" },
  { "noise", L2L_OPTION_DOUBLE, "0", 0, 1e6, NULL,
    "Standard deviation of Gaussian noise added to each gradient (from the function's seed)" },
};

/* "X,Y": two finite numbers. */
static gboolean
parse_start (const char  *text,
             double      *start,
             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  if (g_strv_length (parts) == 2 &&
      l2l_parse_double (g_strstrip (parts[0]), &start[0]) && isfinite (start[0]) &&
      l2l_parse_double (g_strstrip (parts[1]), &start[1]) && isfinite (start[1]))
    return TRUE;
  g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
               "start: “%s” is not a point X,Y", text);
  l2l_error_set_field (error, "start");
  return FALSE;
}

static gboolean
landscape_check (const L2lOptions  *options,
                 GError           **error)
{
  const char *start = l2l_options_get_string (options, "start");
  double point[2];

  return *start == '\0' || parse_start (start, point, error);
}

static L2lTask *
landscape_task_create (const L2lOptions  *options,
                       GError           **error)
{
  LandscapeTask *self;
  const char *fn = l2l_options_get_string (options, "fn");
  const char *start = l2l_options_get_string (options, "start");
  g_autofree char *values = NULL;
  double point[2];

  if (*start != '\0' && !parse_start (start, point, error))
    return NULL;
  self = g_new0 (LandscapeTask, 1);
  for (guint i = 0; fn_choices[i] != NULL; i++)
    if (g_str_equal (fn, fn_choices[i]))
      self->surface.fn = (Fn) i;
  self->surface.a = l2l_options_get_double (options, "a");
  self->surface.b = l2l_options_get_double (options, "b");
  self->surface.kappa = l2l_options_get_double (options, "kappa");
  self->surface.angle = l2l_options_get_double (options, "angle") * G_PI / 180.0;
  self->surface.scale = 1.0;
  self->has_start = *start != '\0';
  memcpy (self->start, point, sizeof point);
  self->noise = l2l_options_get_double (options, "noise");
  values = l2l_options_to_string (options);
  l2l_task_init_base (&self->base, &landscape_task_class,
                      g_strdup_printf ("landscape:%s", values), 2);
  return &self->base;
}

/* Rosenbrock's valley from its classic start: SGD and NAG leave it above
 * about 2e-3, and Adam at its own default creeps 0.2 in 200 steps. */
static const L2lFamilyRate landscape_rates[] = {
  { "sgd", 1e-3 }, { "rmsprop", 0.01 }, { "adam", 0.05 }, { "nag", 1e-3 }, { NULL, 0 },
};

const L2lTaskFamily l2l_task_landscape_family = {
  .name = "landscape",
  .description = "A function of two coordinates (Rosenbrock, Beale, …), to watch optimizers move",
  .options = landscape_options,
  .n_options = G_N_ELEMENTS (landscape_options),
  .create = landscape_task_create,
  .check = landscape_check,
  .rates = landscape_rates,
};

gboolean
l2l_landscape_evaluate (const char *fn,
                        double      x,
                        double      y,
                        double     *value,
                        double     *grad,
                        double     *hessian)
{
  Surface surface = { .a = 1.0, .b = 100.0, .kappa = 10.0, .angle = 30.0 * G_PI / 180.0,
                      .scale = 1.0 };

  for (guint i = 0; i < FN_RANDOM; i++)
    if (g_str_equal (fn, fn_choices[i]))
      {
        surface.fn = (Fn) i;
        *value = surface_evaluate (&surface, x, y, grad, hessian);
        return TRUE;
      }
  return FALSE;
}

/* Where @surface has its minima (shifted as it is), at most 4; none for
 * FN_RANDOM, which only a drawn problem resolves. */
static guint
surface_minima (const Surface *surface,
                double         found[4][2])
{
  guint n = 0;

  switch (surface->fn)
    {
    case FN_ROSENBROCK:
      found[n][0] = surface->a, found[n][1] = surface->a * surface->a, n++;
      break;
    case FN_BEALE:
      found[n][0] = 3.0, found[n][1] = 0.5, n++;
      break;
    case FN_HIMMELBLAU:
      {
        const double minima[4][2] = { { 3.0, 2.0 }, { -2.805118, 3.131312 },
                                      { -3.779310, -3.283186 }, { 3.584428, -1.848126 } };
        memcpy (found, minima, sizeof minima);
        n = 4;
        break;
      }
    case FN_RASTRIGIN:
    case FN_QUADRATIC:
      found[n][0] = 0.0, found[n][1] = 0.0, n++;
      break;
    case FN_RANDOM:
    default:
      break;
    }
  for (guint i = 0; i < n; i++)
    {
      found[i][0] += surface->shift[0];
      found[i][1] += surface->shift[1];
    }
  return n;
}

static guint
copy_minima (const double found[4][2],
             guint        n,
             double      *xy,
             guint        max)
{
  for (guint i = 0; i < MIN (n, max); i++)
    {
      xy[2 * i] = found[i][0];
      xy[2 * i + 1] = found[i][1];
    }
  return MIN (n, max);
}

guint
l2l_landscape_get_minima (const L2lTask *task,
                          double        *xy,
                          guint          max)
{
  double found[4][2];

  if (l2l_task_get_family (task) != &l2l_task_landscape_family)
    return 0;
  return copy_minima (found, surface_minima (&((const LandscapeTask *) task)->surface, found),
                      xy, max);
}

guint
l2l_landscape_problem_get_minima (const L2lProblem *problem,
                                  double           *xy,
                                  guint             max)
{
  double found[4][2];

  if (problem->klass != &landscape_problem_class &&
      problem->klass != &noisy_landscape_problem_class)
    return 0;
  return copy_minima (found, surface_minima (&((const LandscapeProblem *) problem)->surface,
                                             found), xy, max);
}
