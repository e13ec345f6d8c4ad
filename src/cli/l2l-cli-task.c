/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-cli"

#include "config.h"

#include <string.h>

#include "l2l-cli-task.h"

L2lTask *
l2l_cli_task_from_flags (const char  *spec,
                         const char  *data,
                         GError     **error)
{
  g_autofree char *full = NULL;
  L2lTask *task;

  spec = spec ? spec : L2L_TASK_DEFAULT_SPEC;
  if (data != NULL)
    {
      if (strchr (data, ',') != NULL)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                       "--data: %s: a folder name with a comma cannot be passed on", data);
          return NULL;
        }
      full = g_strdup_printf ("%s%sdata=%s", spec, strchr (spec, ':') ? "," : ":", data);
    }
  task = l2l_task_new_from_spec (full ? full : spec, error);
  /* Name the flag the problem came from: the data set's folder, or the task. */
  if (task == NULL)
    g_prefix_error (error, "%s", g_strcmp0 (l2l_error_get_field (*error), "data") == 0
                                 ? "--data: " : "--task: ");
  return task;
}

L2lTask *
l2l_cli_task_or_problem (const char  *spec,
                         const char  *problem,
                         const char  *data,
                         GError     **error)
{
  if (spec != NULL && problem != NULL)
    {
      g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                           "--task and --problem exclude each other");
      return NULL;
    }
  if (problem != NULL)
    return l2l_task_quadratic_new_from_file (problem, error);
  return l2l_cli_task_from_flags (spec, data, error);
}
