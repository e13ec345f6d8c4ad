/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <cblas.h>
#include <float.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "l2l-error.h"
#include "l2l-file.h"
#include "l2l-json.h"
#include "l2l-rng.h"
#include "l2l-task-quadratic.h"

/* How a problem loaded from a file names itself: "file:PATH". */
#define FILE_PREFIX "file:"

typedef enum {
  DIST_GAUSSIAN,
  DIST_UNIFORM,
} Dist;

typedef struct {
  L2lProblem base;
  gsize      rows;      /* m */
  gsize      cols;      /* n = n_params */
  float     *W;         /* [m × n], row-major */
  float     *y;         /* [m] */
  float     *theta0;    /* [n] */
  float     *residual;  /* [m] scratch: Wθ − y */
} QuadraticProblem;

typedef struct {
  L2lTask           base;
  gsize             dims;
  Dist              dist;
  double            theta0_std;
  QuadraticProblem *fixed;   /* set for a problem loaded from a file */
} QuadraticTask;

static void
quadratic_problem_init (L2lProblem *problem,
                        float      *theta)
{
  QuadraticProblem *self = (QuadraticProblem *) problem;

  memcpy (theta, self->theta0, self->cols * sizeof (float));
}

static double
quadratic_problem_loss_grad (L2lProblem  *problem,
                             const float *theta,
                             float       *grad)
{
  QuadraticProblem *self = (QuadraticProblem *) problem;
  int m = (int) self->rows, n = (int) self->cols;
  double loss = 0.0;

  memcpy (self->residual, self->y, self->rows * sizeof (float));
  cblas_sgemv (CblasRowMajor, CblasNoTrans, m, n, 1.0f, self->W, n, theta, 1,
               -1.0f, self->residual, 1);
  for (int i = 0; i < m; i++)
    loss += (double) self->residual[i] * self->residual[i];
  cblas_sgemv (CblasRowMajor, CblasTrans, m, n, 2.0f, self->W, n, self->residual, 1,
               0.0f, grad, 1);
  return loss;
}

/* f = ‖Wθ − y‖² has the constant Hessian 2WᵀW: out = 2Wᵀ(Wv). */
static void
quadratic_problem_hvp (L2lProblem  *problem,
                       const float *theta,
                       const float *v,
                       float       *out)
{
  QuadraticProblem *self = (QuadraticProblem *) problem;
  int m = (int) self->rows, n = (int) self->cols;

  (void) theta;
  cblas_sgemv (CblasRowMajor, CblasNoTrans, m, n, 1.0f, self->W, n, v, 1, 0.0f,
               self->residual, 1);
  cblas_sgemv (CblasRowMajor, CblasTrans, m, n, 2.0f, self->W, n, self->residual, 1, 0.0f,
               out, 1);
}

static void
quadratic_problem_free (L2lProblem *problem)
{
  QuadraticProblem *self = (QuadraticProblem *) problem;

  g_free (self->W);
  g_free (self);
}

static const L2lProblemClass quadratic_problem_class = {
  .init = quadratic_problem_init,
  .loss_grad = quadratic_problem_loss_grad,
  .hvp = quadratic_problem_hvp,
  .free = quadratic_problem_free,
};

/* One allocation holds W, y, θ0 and the residual scratch. */
static QuadraticProblem *
quadratic_problem_new (gsize rows,
                       gsize cols)
{
  QuadraticProblem *self = g_new0 (QuadraticProblem, 1);

  self->base.klass = &quadratic_problem_class;
  self->base.n_params = cols;
  self->rows = rows;
  self->cols = cols;
  self->W = g_new0 (float, rows * cols + rows + cols + rows);
  self->y = self->W + rows * cols;
  self->theta0 = self->y + rows;
  self->residual = self->theta0 + cols;
  return self;
}

static QuadraticProblem *
quadratic_problem_copy (const QuadraticProblem *other)
{
  QuadraticProblem *self = quadratic_problem_new (other->rows, other->cols);

  memcpy (self->W, other->W,
          (other->rows * other->cols + other->rows + other->cols) * sizeof (float));
  return self;
}

static L2lProblem *
quadratic_task_sample (L2lTask *task,
                       guint64  seed)
{
  QuadraticTask *self = (QuadraticTask *) task;
  QuadraticProblem *problem;
  gsize n = self->dims;
  L2lRng rng;

  if (self->fixed != NULL)
    return &quadratic_problem_copy (self->fixed)->base;

  problem = quadratic_problem_new (n, n);
  l2l_rng_init (&rng, seed);
  for (gsize i = 0; i < n * n + n; i++)   /* W, then y: they are adjacent */
    problem->W[i] = (float) (self->dist == DIST_GAUSSIAN ? l2l_rng_normal (&rng)
                                                         : l2l_rng_uniform (&rng));
  for (gsize i = 0; i < n; i++)
    problem->theta0[i] = (float) (self->theta0_std * l2l_rng_normal (&rng));
  return &problem->base;
}

static void
quadratic_task_finalize (L2lTask *task)
{
  QuadraticTask *self = (QuadraticTask *) task;

  if (self->fixed != NULL)
    quadratic_problem_free (&self->fixed->base);
  g_free (self);
}

static const L2lTaskClass quadratic_task_class = {
  .sample = quadratic_task_sample,
  .finalize = quadratic_task_finalize,
};

static const char *const dist_choices[] = { "gaussian", "uniform", NULL };

static const L2lOptionInfo quadratic_options[] = {
  { "dims", L2L_OPTION_INT, "10", 1, 4096, NULL,
    "Dimension of θ; W is dims × dims" },
  { "dist", L2L_OPTION_CHOICE, "gaussian", 0, 0, dist_choices,
    "Distribution of W and y: gaussian N(0,1) (the paper) or uniform U[0,1) (its code)" },
  { "theta0-std", L2L_OPTION_DOUBLE, "0.01", 0, 1e6, NULL,
    "Standard deviation σ of the initial θ0 ~ N(0, σ²)" },
};

static L2lTask *
quadratic_task_create (const L2lOptions  *options,
                       GError           **error)
{
  QuadraticTask *self = g_new0 (QuadraticTask, 1);
  g_autofree char *values = l2l_options_to_string (options);

  self->dims = (gsize) l2l_options_get_int (options, "dims");
  self->dist = g_str_equal (l2l_options_get_string (options, "dist"), "uniform")
               ? DIST_UNIFORM : DIST_GAUSSIAN;
  self->theta0_std = l2l_options_get_double (options, "theta0-std");
  l2l_task_init_base (&self->base, &quadratic_task_class,
                      g_strdup_printf ("quadratic:%s", values), self->dims);
  return &self->base;
}

const L2lTaskFamily l2l_task_quadratic_family = {
  .name = "quadratic",
  .description = "Random quadratics f(θ) = ‖Wθ − y‖²",
  .options = quadratic_options,
  .n_options = G_N_ELEMENTS (quadratic_options),
  .create = quadratic_task_create,
  .spec_prefix = FILE_PREFIX,
  .create_prefixed = l2l_task_quadratic_new_from_file,
};

/* Reading a problem file. Every message names the file and the member. */

static gboolean
read_number_array (JsonNode    *node,
                   float       *out,
                   gsize        expected,
                   const char  *path,
                   const char  *what,
                   GError     **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: %s is not an array of numbers", path, what);
      return FALSE;
    }
  array = json_node_get_array (node);
  if (json_array_get_length (array) != expected)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: %s has %u entries, expected %" G_GSIZE_FORMAT,
                   path, what, json_array_get_length (array), expected);
      return FALSE;
    }
  for (gsize i = 0; i < expected; i++)
    {
      JsonNode *element = json_array_get_element (array, (guint) i);
      GType type = JSON_NODE_HOLDS_VALUE (element) ? json_node_get_value_type (element)
                                                   : G_TYPE_INVALID;
      double value;

      if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                       "%s: %s[%" G_GSIZE_FORMAT "] is not a number", path, what, i);
          return FALSE;
        }
      value = json_node_get_double (element);
      if (!isfinite (value) || fabs (value) > FLT_MAX)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                       "%s: %s[%" G_GSIZE_FORMAT "] = %g does not fit a float",
                       path, what, i, value);
          return FALSE;
        }
      out[i] = (float) value;
    }
  return TRUE;
}

static JsonNode *
require_member (JsonObject  *root,
                const char  *name,
                const char  *path,
                GError     **error)
{
  JsonNode *node = json_object_get_member (root, name);

  if (node == NULL)
    g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                 "%s: missing member \"%s\"", path, name);
  return node;
}

static QuadraticProblem *
load_problem (const char  *path,
              GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  QuadraticProblem *problem;
  JsonNode *W_node, *y_node, *theta0_node;
  JsonArray *W_rows;
  JsonObject *root;
  g_autofree char *contents = NULL;
  gsize rows, cols, length;

  if (!l2l_file_read (path, L2L_FILE_MAX_JSON_BYTES, &contents, &length, error) ||
      (parser = l2l_json_parse (contents, length, JSON_NODE_OBJECT, path, "a problem with W, y and "
                                       "theta0", error)) == NULL)
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  if ((W_node = require_member (root, "W", path, error)) == NULL ||
      (y_node = require_member (root, "y", path, error)) == NULL ||
      (theta0_node = require_member (root, "theta0", path, error)) == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (W_node) ||
      json_array_get_length (json_node_get_array (W_node)) == 0 ||
      !JSON_NODE_HOLDS_ARRAY (json_array_get_element (json_node_get_array (W_node), 0)) ||
      json_array_get_length (json_array_get_array_element (json_node_get_array (W_node), 0)) == 0)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: W must be a non-empty array of rows of numbers", path);
      return NULL;
    }
  W_rows = json_node_get_array (W_node);
  rows = json_array_get_length (W_rows);
  cols = json_array_get_length (json_array_get_array_element (W_rows, 0));
  /* Every length is checked before rows × cols floats are allocated: each
   * number then stands in the file, so the file's size bounds the memory. */
  for (gsize i = 0; i < rows; i++)
    {
      JsonNode *row = json_array_get_element (W_rows, (guint) i);
      if (!JSON_NODE_HOLDS_ARRAY (row) || json_array_get_length (json_node_get_array (row)) != cols)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                       "%s: W[%" G_GSIZE_FORMAT "] is not a row of %" G_GSIZE_FORMAT
                       " numbers like W[0]", path, i, cols);
          return NULL;
        }
    }

  problem = quadratic_problem_new (rows, cols);
  for (gsize i = 0; i < rows; i++)
    {
      g_autofree char *what = g_strdup_printf ("W[%" G_GSIZE_FORMAT "]", i);
      if (!read_number_array (json_array_get_element (W_rows, (guint) i),
                              problem->W + i * cols, cols, path, what, error))
        goto fail;
    }
  if (!read_number_array (y_node, problem->y, rows, path, "y", error) ||
      !read_number_array (theta0_node, problem->theta0, cols, path, "theta0", error))
    goto fail;
  return problem;

fail:
  quadratic_problem_free (&problem->base);
  return NULL;
}

L2lTask *
l2l_task_quadratic_new_from_file (const char  *path,
                                  GError     **error)
{
  QuadraticProblem *problem = load_problem (path, error);
  QuadraticTask *self;

  if (problem == NULL)
    return NULL;
  self = g_new0 (QuadraticTask, 1);
  self->dims = problem->cols;
  self->fixed = problem;
  l2l_task_init_base (&self->base, &quadratic_task_class,
                      g_strconcat (FILE_PREFIX, path, NULL), problem->cols);
  return &self->base;
}
