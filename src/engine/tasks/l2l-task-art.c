/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "l2l-engine"

#include "config.h"

#include <string.h>

#include "l2l-art-objective.h"
#include "l2l-error.h"
#include "l2l-image.h"
#include "l2l-rng.h"
#include "l2l-task-art.h"

#define SHIPPED "resource:///io/github/l2lworkbench/Workbench/data/art/"
#define SHIPPED_NET SHIPPED "feature-nets/inception-v3-stem.safetensors"
#define SHIPPED_STYLE SHIPPED "style/starry-night.jpg"

/* data/art/README.md's split: the Figure 8 tests never see these in training. */
static const char *const shipped_training[] = {
  SHIPPED "content/astronaut.jpg", SHIPPED "content/coffee.jpg",
  SHIPPED "content/rocket.jpg", SHIPPED "content/hubble-deep-field.jpg", NULL,
};
static const char *const shipped_held_out[] = {
  SHIPPED "content/chelsea.jpg", SHIPPED "content/camera.jpg", NULL,
};

/* Where a function's content comes from: one image's centred square, or a
 * random crop of one of several. */
typedef struct {
  GPtrArray *images;   /* L2lImage */
  float     *fixed;    /* one image: its square at the task's size */
} ContentSet;

typedef struct {
  L2lTask        base;
  L2lFeatureNet *net;
  guint          size;
  L2lArtWeights  weights;
  gboolean       init_noise;
  float         *style;      /* [3 × size × size] */
  ContentSet     training;
  ContentSet     held_out;
} ArtTask;

typedef struct {
  L2lTaskProblem   base;       /* of an ArtTask */
  float           *content;
  L2lArtObjective *objective;
} ArtProblem;

static const L2lProblemClass art_problem_class;

static void
art_problem_init (L2lProblem *problem,
                  float      *theta)
{
  ArtProblem *self = (ArtProblem *) problem;
  const ArtTask *task = (const ArtTask *) self->base.task;
  L2lRng rng;

  if (!task->init_noise)
    {
      memcpy (theta, self->content, problem->n_params * sizeof (float));
      return;
    }
  l2l_rng_init (&rng, self->base.seed ^ G_GUINT64_CONSTANT (0x6e6f697365));
  for (gsize i = 0; i < problem->n_params; i++)
    theta[i] = (float) l2l_rng_uniform (&rng);
}

static double
art_problem_loss_grad (L2lProblem  *problem,
                       const float *theta,
                       float       *grad)
{
  L2lArtObjective *objective = ((ArtProblem *) problem)->objective;

  l2l_art_objective_set_parallel (objective, problem->parallel);
  return l2l_art_objective_eval (objective, theta, grad, NULL);
}

static void
art_problem_free (L2lProblem *problem)
{
  ArtProblem *self = (ArtProblem *) problem;

  l2l_art_objective_free (self->objective);
  g_free (self->content);
  l2l_task_problem_free (problem);
}

static const L2lProblemClass art_problem_class = {
  .init = art_problem_init,
  .loss_grad = art_problem_loss_grad,
  .free = art_problem_free,
};

static void
content_set_draw (const ContentSet *set,
                  guint64           seed,
                  guint             size,
                  float            *out)
{
  const L2lImage *image;
  guint shorter, least, side;
  L2lRng rng;

  if (set->fixed != NULL)
    {
      memcpy (out, set->fixed, (gsize) 3 * size * size * sizeof (float));
      return;
    }
  l2l_rng_init (&rng, seed ^ G_GUINT64_CONSTANT (0x63726f70));
  image = g_ptr_array_index (set->images, l2l_rng_below (&rng, set->images->len));
  shorter = MIN (image->width, image->height);
  least = (shorter + 1) / 2;
  side = least + l2l_rng_below (&rng, shorter - least + 1);
  l2l_image_crop_resize (image, l2l_rng_below (&rng, image->width - side + 1),
                         l2l_rng_below (&rng, image->height - side + 1), side, size, out);
}

static L2lProblem *
art_sample_from (L2lTask          *task,
                 const ContentSet *set,
                 guint64           seed)
{
  ArtTask *art = (ArtTask *) task;
  ArtProblem *self = l2l_task_problem_new (sizeof (ArtProblem), &art_problem_class, task, seed);

  self->content = g_new (float, task->n_params);
  content_set_draw (set, seed, art->size, self->content);
  /* The size and the content layer were checked when the task was made. */
  self->objective = l2l_art_objective_new (art->net, self->content, art->style, art->size,
                                           art->size, &art->weights, NULL);
  g_assert (self->objective != NULL);
  return &self->base.base;
}

static L2lProblem *
art_task_sample (L2lTask *task,
                 guint64  seed)
{
  return art_sample_from (task, &((ArtTask *) task)->training, seed);
}

static L2lProblem *
art_task_sample_held_out (L2lTask *task,
                          guint64  seed)
{
  return art_sample_from (task, &((ArtTask *) task)->held_out, seed);
}

static void
content_set_clear (ContentSet *set)
{
  g_clear_pointer (&set->images, g_ptr_array_unref);
  g_clear_pointer (&set->fixed, g_free);
}

static void
art_task_finalize (L2lTask *task)
{
  ArtTask *self = (ArtTask *) task;

  content_set_clear (&self->training);
  content_set_clear (&self->held_out);
  g_free (self->style);
  l2l_feature_net_unref (self->net);
  g_free (self);
}

static const L2lTaskClass art_task_class = {
  .sample = art_task_sample,
  .sample_held_out = art_task_sample_held_out,
  .finalize = art_task_finalize,
};

static gboolean
is_image_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".jpg") ||
         g_str_has_suffix (lower, ".jpeg");
}

static gint
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The PNG and JPEG files of @folder, sorted so that seeds mean the same
 * images on every machine. */
static char **
list_folder (const char  *folder,
             GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, error);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (is_image_name (name))
      g_ptr_array_add (paths, g_build_filename (folder, name, NULL));
  if (paths->len == 0)
    {
      l2l_set_file_error (error, folder, "no PNG or JPEG images in this folder");
      return NULL;
    }
  g_ptr_array_sort (paths, compare_paths);
  g_ptr_array_add (paths, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
}

static gboolean
content_set_load (ContentSet         *set,
                  const char *const  *paths,
                  guint               size,
                  GError            **error)
{
  set->images = g_ptr_array_new_with_free_func ((GDestroyNotify) l2l_image_free);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      L2lImage *image = l2l_image_load (paths[i], error);
      if (image == NULL)
        return FALSE;
      g_ptr_array_add (set->images, image);
    }
  if (set->images->len == 1)
    {
      set->fixed = g_new (float, (gsize) 3 * size * size);
      l2l_image_center_square (g_ptr_array_index (set->images, 0), size, set->fixed);
    }
  return TRUE;
}

/* @value: a file, a folder, or "" for @shipped. */
static gboolean
content_set_load_option (ContentSet         *set,
                         const char         *value,
                         const char *const  *shipped,
                         guint               size,
                         GError            **error)
{
  g_auto(GStrv) listed = NULL;
  const char *one[] = { value, NULL };

  if (*value == '\0')
    return content_set_load (set, shipped, size, error);
  if (g_file_test (value, G_FILE_TEST_IS_DIR))
    return (listed = list_folder (value, error)) != NULL &&
           content_set_load (set, (const char *const *) listed, size, error);
  return content_set_load (set, one, size, error);
}

static const char *const init_choices[] = { "content", "noise", NULL };

/* α, β, γ: chosen by styling chelsea with starry-night at 64 and 128 px
 * with tuned Adam for 128 steps and looking (README, neural art). */
static const L2lOptionInfo art_options[] = {
  { "content", L2L_OPTION_STRING, "", 0, 0, NULL,
    "Content photo, or a folder of them (empty: the shipped training photos)" },
  { "held-out", L2L_OPTION_STRING, "", 0, 0, NULL,
    "Photos for comparisons and evaluations (empty: the shipped held-out photos, "
    "chelsea and camera, or the content when it is given)" },
  { "style", L2L_OPTION_STRING, "", 0, 0, NULL,
    "Style image (empty: the shipped Starry Night)" },
  { "size", L2L_OPTION_INT, "64", 16, 1024, NULL, "Side of the square image in pixels" },
  { "alpha", L2L_OPTION_DOUBLE, "1", 0, 1e9, NULL, "Weight of the content loss" },
  { "beta", L2L_OPTION_DOUBLE, "30", 0, 1e9, NULL, "Weight of the style loss" },
  { "gamma", L2L_OPTION_DOUBLE, "10", 0, 1e9, NULL, "Weight of the smoothness loss" },
  { "content-layer", L2L_OPTION_INT, "2", 0, L2L_FEATURE_NET_MAX_LAYERS - 1, NULL,
    "Feature layer of the content loss" },
  { "init", L2L_OPTION_CHOICE, "content", 0, 0, init_choices,
    "Start from the content image or from uniform noise" },
  { "net", L2L_OPTION_STRING, "", 0, 0, NULL,
    "Feature network (empty: the shipped InceptionV3 stem)" },
};

/* The file option @key names, or @fallback where it is empty. */
static const char *
path_option (const L2lOptions *options,
             const char       *key,
             const char       *fallback)
{
  const char *path = l2l_options_get_string (options, key);

  return *path ? path : fallback;
}

static L2lTask *
art_task_create (const L2lOptions  *options,
                 GError           **error)
{
  g_autofree char *values = l2l_options_to_string (options);
  const char *content = l2l_options_get_string (options, "content");
  g_autoptr(L2lImage) style = NULL;
  g_autoptr(L2lFeatureRun) probe = NULL;
  ArtTask *self = g_new0 (ArtTask, 1);
  const char *field;
  gsize n_params;

  self->size = (guint) l2l_options_get_int (options, "size");
  self->weights.alpha = l2l_options_get_double (options, "alpha");
  self->weights.beta = l2l_options_get_double (options, "beta");
  self->weights.gamma = l2l_options_get_double (options, "gamma");
  self->weights.content_layer = (guint) l2l_options_get_int (options, "content-layer");
  self->init_noise = g_str_equal (l2l_options_get_string (options, "init"), "noise");
  n_params = (gsize) 3 * self->size * self->size;
  l2l_task_init_base (&self->base, &art_task_class, g_strdup_printf ("art:%s", values), n_params);

  /* each failure is about one option: the file it names, or the size */
  field = "net";
  if ((self->net = l2l_feature_net_load (path_option (options, "net", SHIPPED_NET), error)) == NULL)
    goto failed;
  if (self->weights.content_layer >= self->net->n_layers)
    {
      l2l_set_field_error (error, L2L_ENGINE_ERROR_INVALID_OPTION, "task art", "content-layer",
                           "%u, but the feature net has layers 0 to %u",
                           self->weights.content_layer, self->net->n_layers - 1);
      goto failed;
    }
  field = "size";
  if ((probe = l2l_feature_run_new (self->net, self->size, self->size, error)) == NULL)
    goto failed;
  field = "style";
  if ((style = l2l_image_load (path_option (options, "style", SHIPPED_STYLE), error)) == NULL)
    goto failed;
  field = "content";
  if (!content_set_load_option (&self->training, content, shipped_training, self->size, error))
    goto failed;
  field = *l2l_options_get_string (options, "held-out") ? "held-out" : "content";
  if (!content_set_load_option (&self->held_out, path_option (options, "held-out", content),
                                shipped_held_out, self->size, error))
    goto failed;
  self->style = g_new (float, n_params);
  l2l_image_center_square (style, self->size, self->style);
  return &self->base;

failed:
  l2l_error_set_field (error, field);
  l2l_task_unref (&self->base);
  return NULL;
}

/* The art task @problem was drawn from; NULL for another family's problem. */
static const ArtTask *
art_task_of (L2lProblem *problem)
{
  return problem->klass == &art_problem_class
         ? (const ArtTask *) ((L2lTaskProblem *) problem)->task : NULL;
}

const float *
l2l_art_problem_get_content (L2lProblem *problem)
{
  return problem->klass == &art_problem_class ? ((ArtProblem *) problem)->content : NULL;
}

const float *
l2l_art_problem_get_style (L2lProblem *problem)
{
  const ArtTask *task = art_task_of (problem);

  return task != NULL ? task->style : NULL;
}

guint
l2l_art_problem_get_size (L2lProblem *problem)
{
  const ArtTask *task = art_task_of (problem);

  return task != NULL ? task->size : 0;
}

/* Tuned on 64 px held-out crops over 128 steps (README, neural art): the
 * image's scale is far from the optimizers' defaults. */
static const L2lFamilyRate art_rates[] = {
  { "sgd", 0.05 }, { "rmsprop", 0.01 }, { "adam", 0.1 }, { "nag", 0.02 }, { NULL, 0 },
};

/* The paper's setup: T = 128 steps in unrolls of K = 32. An epoch of two
 * 64 px functions (one a core) takes 1.2 s on 2 cores, an evaluation of
 * four 1.5 s: about 11 minutes in all. */
const L2lTaskFamily l2l_task_art_family = {
  .name = "art",
  .description = "Neural style transfer: the image is the optimizee",
  .options = art_options,
  .n_options = G_N_ELEMENTS (art_options),
  .create = art_task_create,
  .train_steps = 128,
  .train_unroll = 32,
  .train_batch = 2,
  .train_epochs = 500,
  .train_eval_every = 25,
  .train_eval_runs = 4,
  .rates = art_rates,
};
