/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "l2l-file.h"

gboolean
l2l_file_write_atomic (const char  *path,
                       const char  *contents,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, contents, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   "%s: cannot write: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
l2l_file_read (const char  *path,
               char       **contents,
               gsize       *length,
               GError     **error)
{
  GString *data;
  char buffer[65536];
  gsize got;
  FILE *file;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                   "%s: cannot read: is a folder", path);
      return FALSE;
    }
  file = g_fopen (path, "rb");
  if (file == NULL)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: cannot read: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  data = g_string_new (NULL);
  while ((got = fread (buffer, 1, sizeof buffer, file)) > 0)
    g_string_append_len (data, buffer, (gssize) got);
  if (ferror (file))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO,
                   "%s: cannot read: input/output error", path);
      fclose (file);
      g_string_free (data, TRUE);
      return FALSE;
    }
  fclose (file);
  if (length != NULL)
    *length = data->len;
  *contents = g_string_free (data, FALSE);
  return TRUE;
}

gboolean
l2l_file_check_writable (const char  *path,
                         GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                   "%s: is a folder, not a file", path);
      return FALSE;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   "%s: folder %s does not exist", path, dir);
      return FALSE;
    }
  if (g_access (dir, W_OK) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: cannot write in folder %s: %s", path, dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}
