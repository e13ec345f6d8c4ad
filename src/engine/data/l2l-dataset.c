/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-cifar.h"
#include "l2l-dataset.h"
#include "l2l-engine-data.h"
#include "l2l-error.h"
#include "l2l-idx.h"
#include "l2l-refcount.h"

#define BUILT_IN_MNIST "resource:///io/github/l2lworkbench/Workbench/data/mnist-10k/"
#define FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"
#define HELD_OUT_PERCENT 15

/* How to get a data set that is not there, for the front ends to show. */
#define FASHION_MNIST_HINT "apt-get install dataset-fashion-mnist, or name a folder of its IDX files"
#define CIFAR10_HINT "get its binary version, cifar-10-binary.tar.gz, from its authors' page " \
  "(Alex Krizhevsky's \"The CIFAR-10 dataset\"), unpack it and name its folder, " \
  "cifar-10-batches-bin"

/* Data sets in use, shared: "kind|dir" → L2lDataset, not owned. The last
 * unref takes a data set out, so nothing stays loaded that nobody uses.
 * Recursive: a load that fails unrefs its half-made data set under the lock. */
static GRecMutex cache_lock;
static GHashTable *cache;

/* "DIR/NAME" or "DIR/NAME.gz", whichever exists; NULL if neither. */
static char *
find_file (const char *dir,
           const char *name)
{
  g_autofree char *plain = g_build_filename (dir, name, NULL);
  g_autofree char *gz = g_strconcat (plain, ".gz", NULL);

  if (g_file_test (plain, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&plain);
  if (g_file_test (gz, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&gz);
  return NULL;
}

typedef struct {
  L2lIdx *images;
  L2lIdx *labels;
} Part;

static void
part_clear (Part *part)
{
  g_clear_pointer (&part->images, l2l_idx_free);
  g_clear_pointer (&part->labels, l2l_idx_free);
}

static gboolean
load_part (Part        *part,
           const char  *images_path,
           const char  *labels_path,
           GError     **error)
{
  const guint8 *labels;
  gsize n;

  if ((part->images = l2l_idx_load (images_path, error)) == NULL ||
      (part->labels = l2l_idx_load (labels_path, error)) == NULL)
    return FALSE;
  if (part->images->n_dims != 3)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: holds %u-dimensional data, not images (3 dimensions)", images_path,
                   part->images->n_dims);
      return FALSE;
    }
  if (part->labels->n_dims != 1)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: holds %u-dimensional data, not labels (1 dimension)", labels_path,
                   part->labels->n_dims);
      return FALSE;
    }
  if (part->images->dims[0] != part->labels->dims[0])
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: %u images, but %s has %u labels", images_path, part->images->dims[0],
                   labels_path, part->labels->dims[0]);
      return FALSE;
    }
  labels = g_bytes_get_data (part->labels->data, &n);
  for (gsize i = 0; i < n; i++)
    if (labels[i] > 9)
      {
        g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                     "%s: label %" G_GSIZE_FORMAT " is %u, not a class 0–9", labels_path, i,
                     labels[i]);
        return FALSE;
      }
  return TRUE;
}

static L2lDataset *
load (const char  *kind,
      const char  *dir,
      GError     **error)
{
  g_autofree char *train_images = NULL, *train_labels = NULL;
  g_autofree char *test_images = NULL, *test_labels = NULL;
  g_autoptr(L2lDataset) dataset = g_new0 (L2lDataset, 1);
  Part train = { 0 }, test = { 0 };
  gsize pixels, n_train, n_test;
  gboolean ok = FALSE;

  g_atomic_ref_count_init (&dataset->ref_count);
  dataset->channels = 1;
  if (g_str_equal (kind, "cifar10"))
    {
      if (dir == NULL || *dir == '\0')
        {
          g_set_error_literal (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_DATA_NOT_INSTALLED,
                               "cifar10: no copy given: CIFAR-10 cannot ship with the program");
          l2l_error_set_hint (*error, CIFAR10_HINT);
          return NULL;
        }
      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: no such folder", dir);
          return NULL;
        }
      {
        g_autoptr(L2lCifar) cifar = l2l_cifar_load (dir, error);

        if (cifar == NULL)
          return NULL;
        dataset->channels = 3;
        dataset->width = dataset->height = L2L_CIFAR_SIDE;
        dataset->n_train = cifar->n_train;
        dataset->n_held_out = cifar->n_test;
        dataset->images = g_steal_pointer (&cifar->images);
        dataset->labels = g_steal_pointer (&cifar->labels);
      }
      dataset->source = g_strdup (dir);
      return g_steal_pointer (&dataset);
    }
  if ((dir == NULL || *dir == '\0') && g_str_equal (kind, "mnist"))
    {
      /* Referencing the bundle links it in; its constructor registers it. */
      g_assert (l2l_engine_data_get_resource () != NULL);
      train_images = g_strdup (BUILT_IN_MNIST "images-idx3-ubyte.gz");
      train_labels = g_strdup (BUILT_IN_MNIST "labels-idx1-ubyte.gz");
      dataset->source = g_strdup ("the MNIST subset built into L2L Workbench");
    }
  else
    {
      const char *folder = dir && *dir ? dir : FASHION_MNIST_DIR;

      if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
        {
          if (dir && *dir)
            g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: no such folder", folder);
          else
            {
              g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_DATA_NOT_INSTALLED,
                           "%s: no such folder: %s is not installed", folder, kind);
              l2l_error_set_hint (*error, FASHION_MNIST_HINT);
            }
          return NULL;
        }
      train_images = find_file (folder, "train-images-idx3-ubyte");
      train_labels = find_file (folder, "train-labels-idx1-ubyte");
      test_images = find_file (folder, "t10k-images-idx3-ubyte");
      test_labels = find_file (folder, "t10k-labels-idx1-ubyte");
      if (train_images == NULL || train_labels == NULL)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                       "%s: no %s[.gz] there", folder,
                       train_images == NULL ? "train-images-idx3-ubyte" : "train-labels-idx1-ubyte");
          return NULL;
        }
      dataset->source = g_strdup (folder);
    }

  if (!load_part (&train, train_images, train_labels, error) ||
      (test_images != NULL && test_labels != NULL &&
       !load_part (&test, test_images, test_labels, error)))
    goto out;
  dataset->height = train.images->dims[1];
  dataset->width = train.images->dims[2];
  if (test.images != NULL && (test.images->dims[1] != dataset->height ||
                              test.images->dims[2] != dataset->width))
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: images are %u × %u, but those of %s are %u × %u", test_images,
                   test.images->dims[1], test.images->dims[2], train_images, dataset->height,
                   dataset->width);
      goto out;
    }

  pixels = (gsize) dataset->width * dataset->height;
  n_train = train.images->dims[0];
  n_test = test.images ? test.images->dims[0] : 0;
  dataset->images = g_new (guint8, (n_train + n_test) * pixels);
  dataset->labels = g_new (guint8, n_train + n_test);
  memcpy (dataset->images, g_bytes_get_data (train.images->data, NULL), n_train * pixels);
  memcpy (dataset->labels, g_bytes_get_data (train.labels->data, NULL), n_train);
  if (n_test > 0)
    {
      memcpy (dataset->images + n_train * pixels, g_bytes_get_data (test.images->data, NULL),
              n_test * pixels);
      memcpy (dataset->labels + n_train, g_bytes_get_data (test.labels->data, NULL), n_test);
      dataset->n_train = (guint) n_train;
      dataset->n_held_out = (guint) n_test;
    }
  else
    {
      dataset->n_held_out = (guint) (n_train * HELD_OUT_PERCENT / 100);
      dataset->n_train = (guint) n_train - dataset->n_held_out;
    }
  if (dataset->n_train == 0 || dataset->n_held_out == 0)
    {
      g_set_error (error, L2L_ENGINE_ERROR, L2L_ENGINE_ERROR_INVALID_FILE,
                   "%s: %" G_GSIZE_FORMAT " images are too few to split into training and "
                   "held-out parts", train_images, n_train);
      goto out;
    }
  ok = TRUE;

out:
  part_clear (&train);
  part_clear (&test);
  return ok ? g_steal_pointer (&dataset) : NULL;
}

L2lDataset *
l2l_dataset_get (const char  *kind,
                 const char  *dir,
                 GError     **error)
{
  g_autofree char *key = g_strdup_printf ("%s|%s", kind, dir ? dir : "");
  L2lDataset *dataset;

  g_rec_mutex_lock (&cache_lock);
  if (cache == NULL)
    cache = g_hash_table_new (g_str_hash, g_str_equal);
  if ((dataset = g_hash_table_lookup (cache, key)) != NULL)
    l2l_dataset_ref (dataset);
  else if ((dataset = load (kind, dir, error)) != NULL)
    {
      dataset->cache_key = g_steal_pointer (&key);
      g_hash_table_insert (cache, dataset->cache_key, dataset);
    }
  g_rec_mutex_unlock (&cache_lock);
  /* every failure here is about the data option */
  if (dataset == NULL)
    l2l_error_set_field (error, "data");
  return dataset;
}

guint
l2l_dataset_count_loaded (void)
{
  guint n;

  g_rec_mutex_lock (&cache_lock);
  n = cache != NULL ? g_hash_table_size (cache) : 0;
  g_rec_mutex_unlock (&cache_lock);
  return n;
}

L2L_DEFINE_REF_FUNC (L2lDataset, l2l_dataset_ref)

void
l2l_dataset_unref (L2lDataset *dataset)
{
  gboolean last;

  if (dataset == NULL)
    return;
  /* Under the lock, so that a get cannot revive it between the drop to 0
   * and its removal. */
  g_rec_mutex_lock (&cache_lock);
  last = g_atomic_ref_count_dec (&dataset->ref_count);
  if (last && dataset->cache_key != NULL)
    g_hash_table_remove (cache, dataset->cache_key);
  g_rec_mutex_unlock (&cache_lock);
  if (!last)
    return;
  g_free (dataset->cache_key);
  g_free (dataset->source);
  g_free (dataset->images);
  g_free (dataset->labels);
  g_free (dataset);
}
