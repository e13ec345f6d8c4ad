/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-error.h"
#include "l2l-refcount.h"
#include "l2l-task.h"
#include "l2l-task-art.h"
#include "l2l-task-cnn.h"
#include "l2l-task-landscape.h"
#include "l2l-task-mlp.h"
#include "l2l-task-quadratic.h"

static const L2lTaskFamily *const families[] = {
  &l2l_task_quadratic_family,
  &l2l_task_mnist_family,
  &l2l_task_fashion_mnist_family,
  &l2l_task_cnn_family,
  &l2l_task_art_family,
  &l2l_task_landscape_family,
  NULL,
};

const L2lTaskFamily *const *
l2l_task_families (void)
{
  return families;
}

const L2lTaskFamily *
l2l_task_family_lookup (const char *name)
{
  for (guint i = 0; families[i] != NULL; i++)
    if (g_str_equal (families[i]->name, name))
      return families[i];
  return NULL;
}

const L2lTaskFamily *
l2l_task_family_of_spec (const char *spec)
{
  g_autofree char *name = g_strndup (spec, strcspn (spec, ":"));

  return l2l_task_family_lookup (name);
}

double
l2l_task_family_default_lr (const L2lTaskFamily *family,
                            const char          *optimizer,
                            double               fallback)
{
  for (guint i = 0; family != NULL && family->rates != NULL && family->rates[i].optimizer; i++)
    if (g_str_equal (family->rates[i].optimizer, optimizer))
      return family->rates[i].lr;
  return fallback;
}

/* The family of "name:key=value,…" and its options, parsed and checked. */
static const L2lTaskFamily *
parse_spec (const char  *spec,
            L2lOptions **options_out,
            GError     **error)
{
  g_autofree char *name = NULL;
  g_autofree char *owner = NULL;
  g_autoptr(L2lOptions) options = NULL;
  const char *colon = strchr (spec, ':');
  const L2lTaskFamily *family;

  name = colon ? g_strndup (spec, colon - spec) : g_strdup (spec);
  family = l2l_task_family_lookup (name);
  if (family == NULL)
    {
      GString *known = g_string_new (NULL);
      for (guint i = 0; families[i] != NULL; i++)
        g_string_append_printf (known, "%s%s", i ? ", " : "", families[i]->name);
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                   "unknown task '%s' (known: %s)", name, known->str);
      g_string_free (known, TRUE);
      return NULL;
    }
  owner = g_strdup_printf ("task %s", family->name);
  options = l2l_options_new_defaults (family->options, family->n_options);
  if (!l2l_options_parse (options, colon ? colon + 1 : NULL, owner, error) ||
      (family->check != NULL && !family->check (options, error)))
    return NULL;
  *options_out = g_steal_pointer (&options);
  return family;
}

/* The family whose own form @spec has ("file:PATH"), or NULL. */
static const L2lTaskFamily *
prefix_owner (const char *spec)
{
  for (guint i = 0; families[i] != NULL; i++)
    if (families[i]->spec_prefix != NULL && g_str_has_prefix (spec, families[i]->spec_prefix))
      return families[i];
  return NULL;
}

gboolean
l2l_task_spec_check (const char  *spec,
                     GError     **error)
{
  g_autoptr(L2lOptions) options = NULL;

  return prefix_owner (spec) != NULL || parse_spec (spec, &options, error) != NULL;
}

void
l2l_task_spec_inputs (const char *spec,
                      GPtrArray  *paths,
                      GPtrArray  *keys)
{
  g_autoptr(L2lOptions) options = NULL;
  const L2lTaskFamily *family;

  if ((family = prefix_owner (spec)) != NULL)
    {
      g_ptr_array_add (paths, g_strdup (spec + strlen (family->spec_prefix)));
      g_ptr_array_add (keys, g_strdup ("problem"));
      return;
    }
  if (parse_spec (spec, &options, NULL) == NULL)
    return;
  for (guint i = 0; i < options->n_infos; i++)
    if (options->infos[i].type == L2L_OPTION_STRING && *options->values[i] != '\0')
      {
        g_ptr_array_add (paths, g_strdup (options->values[i]));
        g_ptr_array_add (keys, g_strdup (options->infos[i].key));
      }
}

L2lTask *
l2l_task_new_from_spec (const char  *spec,
                        GError     **error)
{
  g_autoptr(L2lOptions) options = NULL;
  const L2lTaskFamily *family;

  if ((family = prefix_owner (spec)) != NULL)
    return family->create_prefixed (spec + strlen (family->spec_prefix), error);
  if ((family = parse_spec (spec, &options, error)) == NULL)
    return NULL;
  return family->create (options, error);
}

void
l2l_task_init_base (L2lTask            *task,
                    const L2lTaskClass *klass,
                    char               *spec,
                    gsize               n_params)
{
  task->klass = klass;
  g_atomic_ref_count_init (&task->ref_count);
  task->spec = spec;
  task->n_params = n_params;
  task->n_groups = 1;
  task->groups[0] = (L2lTaskGroup) { "all", 0, n_params };
}

gpointer
l2l_task_problem_new (gsize                  size,
                      const L2lProblemClass *klass,
                      L2lTask               *task,
                      guint64                seed)
{
  L2lTaskProblem *problem;

  g_assert (size >= sizeof (L2lTaskProblem));
  problem = g_malloc0 (size);
  problem->base.klass = klass;
  problem->base.n_params = task->n_params;
  problem->task = l2l_task_ref (task);
  problem->seed = seed;
  return problem;
}

void
l2l_task_problem_free (L2lProblem *problem)
{
  l2l_task_unref (((L2lTaskProblem *) problem)->task);
  g_free (problem);
}

void
l2l_task_set_groups (L2lTask           *task,
                     guint              n,
                     const char *const *names,
                     const gsize       *counts)
{
  gsize start = 0;

  g_assert (n >= 1 && n <= L2L_TASK_MAX_GROUPS);
  task->n_groups = n;
  for (guint g = 0; g < n; g++)
    {
      task->groups[g] = (L2lTaskGroup) { names[g], start, counts[g] };
      start += counts[g];
    }
  g_assert (start == task->n_params);
}

static void
task_free (L2lTask *task)
{
  g_free (task->spec);
  task->klass->finalize (task);
}

L2L_DEFINE_REF_COUNTING (L2lTask, l2l_task_ref, l2l_task_unref, task_free)

const L2lTaskFamily *
l2l_task_get_family (const L2lTask *task)
{
  return l2l_task_family_of_spec (task->spec);
}

const char *
l2l_task_get_spec (const L2lTask *task)
{
  return task->spec;
}

gsize
l2l_task_get_n_params (const L2lTask *task)
{
  return task->n_params;
}

const L2lTaskGroup *
l2l_task_get_groups (const L2lTask *task,
                     guint         *n_groups)
{
  *n_groups = task->n_groups;
  return task->groups;
}

char *
l2l_task_groups_to_string (const L2lTask *task)
{
  GString *text = g_string_new (NULL);

  for (guint g = 0; g < task->n_groups; g++)
    g_string_append_printf (text, "%s%s", g ? "," : "", task->groups[g].name);
  return g_string_free (text, FALSE);
}

L2lProblem *
l2l_task_sample (L2lTask *task,
                 guint64  seed)
{
  return task->klass->sample (task, seed);
}

L2lProblem *
l2l_task_sample_held_out (L2lTask *task,
                          guint64  seed)
{
  if (task->klass->sample_held_out != NULL)
    return task->klass->sample_held_out (task, seed);
  return task->klass->sample (task, seed);
}

void
l2l_problem_init (L2lProblem *problem,
                  float      *theta)
{
  problem->klass->init (problem, theta);
}

double
l2l_problem_loss_grad (L2lProblem  *problem,
                       const float *theta,
                       float       *grad)
{
  return problem->klass->loss_grad (problem, theta, grad);
}

gboolean
l2l_problem_has_hvp (const L2lProblem *problem)
{
  return problem->klass->hvp != NULL;
}

void
l2l_problem_hvp (L2lProblem  *problem,
                 const float *theta,
                 const float *v,
                 float       *out)
{
  g_return_if_fail (problem->klass->hvp != NULL);
  problem->klass->hvp (problem, theta, v, out);
}

void
l2l_problem_mark (L2lProblem     *problem,
                  L2lProblemMark *mark)
{
  if (problem->klass->mark != NULL)
    problem->klass->mark (problem, mark);
  else
    memset (mark, 0, sizeof *mark);
}

void
l2l_problem_rewind (L2lProblem           *problem,
                    const L2lProblemMark *mark)
{
  if (problem->klass->rewind != NULL)
    problem->klass->rewind (problem, mark);
}

void
l2l_problem_set_parallel (L2lProblem  *problem,
                          L2lParallel *parallel)
{
  problem->parallel = parallel;
}

void
l2l_problem_free (L2lProblem *problem)
{
  if (problem != NULL)
    problem->klass->free (problem);
}
