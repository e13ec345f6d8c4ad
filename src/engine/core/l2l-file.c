/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"
/* realpath () */
#define _XOPEN_SOURCE 700

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "l2l-error.h"
#include "l2l-file.h"

/* The path that a write to @path would replace: links followed. */
static char *
resolve_output (const char *path)
{
  GStatBuf st;
  char *target;

  if (g_lstat (path, &st) == 0 && S_ISLNK (st.st_mode) &&
      (target = realpath (path, NULL)) != NULL)
    {
      char *copy = g_strdup (target);
      free (target);
      return copy;
    }
  return g_strdup (path);
}

/* An existing output must be a regular file: never a device, FIFO or folder,
 * nor a symbolic link that leads nowhere (dangling or a loop), which a
 * write would replace by a file. */
static gboolean
check_regular (const char  *path,
               const char  *shown,
               GError     **error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      if (g_lstat (path, &st) == 0 && S_ISLNK (st.st_mode))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s: a symbolic link that leads to no file (dangling, or a loop); it "
                       "is not replaced", shown);
          return FALSE;
        }
      return TRUE;
    }
  if (S_ISREG (st.st_mode))
    return TRUE;
  if (S_ISDIR (st.st_mode))
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "%s: is a folder, not a file", shown);
  else
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 "%s: exists and is not a regular file (a device, FIFO or socket); "
                 "it is not replaced", shown);
  return FALSE;
}

/* Where a write to @target goes first: a hidden name beside it, the same
 * for every write, so that a temporary a crash left behind is found and
 * removed (l2l_file_check_writable) or replaced by the next write. */
static char *
temporary_of (const char *target)
{
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *name = g_path_get_basename (target);
  g_autofree char *hidden = g_strconcat (".", name, ".l2l-tmp", NULL);

  return g_build_filename (dir, hidden, NULL);
}

/* @contents into @temporary, synced to disk; removed again on failure. */
static gboolean
write_temporary (const char  *temporary,
                 const char  *shown,
                 const char  *contents,
                 gsize        length,
                 GError     **error)
{
  int fd = g_open (temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  gsize done = 0;
  int saved_errno = 0;

  if (fd < 0)
    saved_errno = errno;
  while (fd >= 0 && saved_errno == 0 && done < length)
    {
      gssize wrote = write (fd, contents + done, length - done);

      if (wrote < 0 && errno != EINTR)
        saved_errno = errno;
      else if (wrote > 0)
        done += (gsize) wrote;
    }
  if (fd >= 0 && saved_errno == 0 && fsync (fd) != 0)
    saved_errno = errno;
  if (fd >= 0 && close (fd) != 0 && saved_errno == 0)
    saved_errno = errno;
  if (saved_errno == 0)
    return TRUE;
  g_unlink (temporary);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "%s: cannot write: %s", shown, g_strerror (saved_errno));
  return FALSE;
}

typedef struct {
  char *temporary;
  char *target;
  char *shown;
} Staged;

struct _L2lFileSet {
  GArray *staged;   /* of Staged, not yet renamed into place */
};

L2lFileSet *
l2l_file_set_new (void)
{
  L2lFileSet *set = g_new0 (L2lFileSet, 1);

  set->staged = g_array_new (FALSE, FALSE, sizeof (Staged));
  return set;
}

gboolean
l2l_file_set_add (L2lFileSet  *set,
                  const char  *path,
                  const char  *contents,
                  gsize        length,
                  GError     **error)
{
  Staged staged = { NULL, resolve_output (path), g_strdup (path) };

  if (!check_regular (staged.target, path, error))
    {
      g_free (staged.target);
      g_free (staged.shown);
      return FALSE;
    }
  staged.temporary = temporary_of (staged.target);
  if (!write_temporary (staged.temporary, path, contents, length, error))
    {
      g_free (staged.temporary);
      g_free (staged.target);
      g_free (staged.shown);
      return FALSE;
    }
  g_array_append_val (set->staged, staged);
  return TRUE;
}

gboolean
l2l_file_set_commit (L2lFileSet  *set,
                     GError     **error)
{
  while (set->staged->len > 0)
    {
      Staged *staged = &g_array_index (set->staged, Staged, 0);

      if (g_rename (staged->temporary, staged->target) != 0)
        {
          int saved_errno = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       "%s: cannot write: %s", staged->shown, g_strerror (saved_errno));
          return FALSE;
        }
      g_free (staged->temporary);
      g_free (staged->target);
      g_free (staged->shown);
      g_array_remove_index (set->staged, 0);
    }
  return TRUE;
}

void
l2l_file_set_free (L2lFileSet *set)
{
  if (set == NULL)
    return;
  for (guint i = 0; i < set->staged->len; i++)
    {
      Staged *staged = &g_array_index (set->staged, Staged, i);

      g_unlink (staged->temporary);
      g_free (staged->temporary);
      g_free (staged->target);
      g_free (staged->shown);
    }
  g_array_free (set->staged, TRUE);
  g_free (set);
}

gboolean
l2l_file_write_atomic (const char  *path,
                       const char  *contents,
                       gsize        length,
                       GError     **error)
{
  g_autoptr(L2lFileSet) set = l2l_file_set_new ();

  return l2l_file_set_add (set, path, contents, length, error) &&
         l2l_file_set_commit (set, error);
}

/* Opens @path for reading only if it is a regular file: without O_NONBLOCK,
 * open () on a FIFO waits for a writer forever, and a device (/dev/zero,
 * a terminal) is no file of ours either. */
static gboolean
open_regular (const char  *path,
              FILE       **file,
              GError     **error)
{
  struct stat info;
  int fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);

  if (fd < 0 || fstat (fd, &info) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: cannot read: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  if (!S_ISREG (info.st_mode))
    {
      close (fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: cannot read: not a regular file (%s)", path,
                   S_ISFIFO (info.st_mode) ? "a FIFO" :
                   S_ISSOCK (info.st_mode) ? "a socket" : "a device");
      return FALSE;
    }
  /* a regular file never blocks; reads go on as usual */
  if (fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
      (*file = fdopen (fd, "rb")) == NULL)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: cannot read: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
l2l_file_read (const char  *path,
               gsize        max_bytes,
               char       **contents,
               gsize       *length,
               GError     **error)
{
  GString *data;
  char buffer[65536];
  gsize got;
  FILE *file;

  if (g_str_has_prefix (path, "resource://"))
    {
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path + strlen ("resource://"),
                                                         G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      if (bytes == NULL)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                       "%s: cannot read: not built into this program", path);
          return FALSE;
        }
      if (length != NULL)
        *length = g_bytes_get_size (bytes);
      /* NUL-terminated like a file read, for text formats. */
      *contents = g_malloc (g_bytes_get_size (bytes) + 1);
      memcpy (*contents, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      (*contents)[g_bytes_get_size (bytes)] = '\0';
      return TRUE;
    }
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                   "%s: cannot read: is a folder", path);
      return FALSE;
    }
  if (!open_regular (path, &file, error))
    return FALSE;
  /* refused from its size alone, before a byte is kept (it may be sparse) */
  {
    struct stat info;

    if (fstat (fileno (file), &info) == 0 && (guint64) info.st_size > max_bytes)
      {
        g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                     "%s: larger than %" G_GSIZE_FORMAT " MB, more than such a file can be",
                     path, max_bytes >> 20);
        fclose (file);
        return FALSE;
      }
  }
  data = g_string_new (NULL);
  while ((got = fread (buffer, 1, sizeof buffer, file)) > 0)
    {
      if (data->len + got > max_bytes)
        {
          g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                       "%s: larger than %" G_GSIZE_FORMAT " MB, more than such a file can be",
                       path, max_bytes >> 20);
          fclose (file);
          g_string_free (data, TRUE);
          return FALSE;
        }
      g_string_append_len (data, buffer, (gssize) got);
    }
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
  g_autofree char *target = resolve_output (path);
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *temporary = temporary_of (target);
  GStatBuf st;

  if (!check_regular (target, path, error))
    return FALSE;
  /* what a crash in an earlier write of this output left behind */
  if (g_lstat (temporary, &st) == 0 && S_ISREG (st.st_mode))
    g_unlink (temporary);
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

/* One spelling per file: the real folder, then the name (links followed). */
static char *
canonical_output (const char *path)
{
  g_autofree char *target = resolve_output (path);
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *name = g_path_get_basename (target);
  char *real_dir = realpath (dir, NULL);
  char *canonical = g_build_filename (real_dir ? real_dir : dir, name, NULL);

  free (real_dir);
  return canonical;
}

gboolean
l2l_file_check_distinct (const char *const *paths,
                         const char *const *flags,
                         guint               n,
                         GError            **error)
{
  g_autofree char **canonical = g_new0 (char *, n);
  gboolean distinct = TRUE;

  for (guint i = 0; i < n && distinct; i++)
    {
      if (paths[i] == NULL)
        continue;
      canonical[i] = canonical_output (paths[i]);
      for (guint j = 0; j < i && distinct; j++)
        if (canonical[j] != NULL && g_str_equal (canonical[i], canonical[j]))
          {
            g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                         "%s and %s name the same file, %s; give each its own",
                         flags[j], flags[i], paths[i]);
            distinct = FALSE;
          }
    }
  for (guint i = 0; i < n; i++)
    g_free (canonical[i]);
  return distinct;
}

gboolean
l2l_file_check_not_inputs (const char *const *outputs,
                           const char *const *output_flags,
                           guint               n_outputs,
                           const char *const *inputs,
                           const char *const *input_flags,
                           guint               n_inputs,
                           GError            **error)
{
  for (guint i = 0; i < n_outputs; i++)
    {
      struct stat out;

      if (outputs[i] == NULL || g_stat (outputs[i], &out) != 0)
        continue;
      for (guint j = 0; j < n_inputs; j++)
        {
          struct stat in;

          if (inputs[j] == NULL || g_str_has_prefix (inputs[j], "resource://") ||
              g_stat (inputs[j], &in) != 0)
            continue;
          if (out.st_dev == in.st_dev && out.st_ino == in.st_ino)
            {
              g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                           "%s: %s is the file %s reads; an output never replaces an input",
                           output_flags[i], outputs[i], input_flags[j]);
              return FALSE;
            }
        }
    }
  return TRUE;
}

struct _L2lFileLock {
  int   fd;
  char *path;
};

L2lFileLock *
l2l_file_lock (const char  *path,
               const char  *flag,
               GError     **error)
{
  g_autofree char *target = resolve_output (path);
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *name = g_path_get_basename (target);
  g_autofree char *hidden = g_strconcat (".", name, ".l2l-lock", NULL);
  g_autofree char *lock_path = g_build_filename (dir, hidden, NULL);

  /* the holder removes the file before it lets go: a lock taken on a file
   * that was removed meanwhile protects nothing, so take it again */
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      struct stat held, now;
      int fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

      if (fd < 0)
        {
          int saved_errno = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       "%s: %s: cannot lock: %s", flag, path, g_strerror (saved_errno));
          return NULL;
        }
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          int saved_errno = errno;

          close (fd);
          if (saved_errno == EWOULDBLOCK)
            g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_OPTION,
                         "%s: another l2l is writing %s now (it holds %s); wait for it to "
                         "end or choose another name", flag, path, lock_path);
          else
            g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                         "%s: %s: cannot lock: %s", flag, path, g_strerror (saved_errno));
          return NULL;
        }
      if (fstat (fd, &held) == 0 && g_stat (lock_path, &now) == 0 &&
          held.st_dev == now.st_dev && held.st_ino == now.st_ino)
        {
          L2lFileLock *lock = g_new0 (L2lFileLock, 1);

          lock->fd = fd;
          lock->path = g_steal_pointer (&lock_path);
          return lock;
        }
      close (fd);
    }
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_AGAIN, "%s: %s: cannot lock: its lock file "
               "keeps changing", flag, path);
  return NULL;
}

void
l2l_file_unlock (L2lFileLock *lock)
{
  if (lock == NULL)
    return;
  g_unlink (lock->path);
  close (lock->fd);
  g_free (lock->path);
  g_free (lock);
}

char *
l2l_file_display_name (const char *path)
{
  static const char prefix[] = "resource:///io/github/l2lworkbench/Workbench/data/";

  if (g_str_has_prefix (path, prefix))
    return g_strconcat ("built-in ", path + strlen (prefix), NULL);
  return g_strdup (path);
}
