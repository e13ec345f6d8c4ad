/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gif_lib.h>
#include <math.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-util.h"

/* Runs the built l2l (path in $L2L_CLI) and returns its exit status. */
static int
run_l2l (const char *const *args,
         char              **out,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *ignored_out = NULL, *ignored_err = NULL;
  const char *l2l = g_getenv ("L2L_CLI");
  int wait_status;

  g_assert_nonnull (l2l);
  g_ptr_array_add (argv, (char *) l2l);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                out ? out : &ignored_out, err ? err : &ignored_err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

typedef struct {
  const char *name;
  const char *args[12];
  const char *needle;     /* must appear in the one-line message */
} BadCase;

/* "@" starting an argument, or after its ':' (lstm:@/ck.safetensors), stands
 * for the test's folder. */
static const BadCase bad_cases[] = {
  { "unknown-flag", { "compare", "--bogus", NULL }, "--bogus" },
  { "unknown-subcommand", { "frobnicate", NULL }, "unknown subcommand 'frobnicate'" },
  { "unknown-optimizer", { "compare", "--optimizers", "sgd,adamw", NULL },
    "unknown optimizer 'adamw'" },
  { "unknown-task", { "compare", "--task", "cubic", NULL }, "--task: unknown task 'cubic'" },
  { "bad-task-option", { "compare", "--task", "quadratic:dims=x", NULL },
    "dims: 'x' is not a whole number" },
  { "steps-not-a-number", { "compare", "--steps", "ten", NULL },
    "--steps: 'ten' is not a whole number" },
  { "runs-zero", { "compare", "--runs", "0", NULL }, "--runs: 0 is outside the range" },
  { "seed-negative", { "compare", "--seed", "-3", NULL }, "--seed: '-3'" },
  { "lr-not-a-number", { "compare", "--lr", "adam=fast", NULL },
    "--lr: adam: 'fast' is not a learning rate" },
  { "lr-not-chosen", { "compare", "--optimizers", "sgd", "--lr", "adam=0.1", NULL },
    "--lr: 'adam' is not among the chosen optimizers" },
  { "lr-negative", { "compare", "--lr", "sgd=-1", NULL },
    "--lr: sgd: the learning rate must be above 0, got -1" },
  { "tune-grid", { "compare", "--tune", "--tune-grid", "10:1:4", NULL }, "--tune-grid" },
  { "tune-objective", { "compare", "--tune-objective", "best", NULL },
    "--tune-objective: 'best'" },
  { "task-and-problem", { "compare", "--task", "quadratic", "--problem", "@/p.json", NULL },
    "exclude each other" },
  { "problem-missing", { "compare", "--problem", "@/absent.json", NULL },
    "absent.json: cannot read" },
  { "problem-malformed", { "compare", "--problem", "@/malformed.json", NULL },
    "malformed.json: not valid JSON" },
  { "problem-mis-sized", { "compare", "--problem", "@/mis-sized.json", NULL },
    "mis-sized.json: y has 3 entries, expected 2" },
  { "problem-not-numbers", { "compare", "--problem", "@/words.json", NULL },
    "words.json: W[1][0] is not a number" },
  { "output-folder-missing", { "compare", "--json", "@/no/such/dir/out.json", NULL },
    "out.json: folder" },
  { "output-is-folder", { "compare", "--json", "@", NULL }, "is a folder" },
  { "table-step-too-large", { "compare", "--steps", "10", "--table-steps", "50", NULL },
    "--table-steps: 50 is outside the range 0 to 10" },
  { "extra-argument", { "compare", "quadratic", NULL }, "unexpected argument 'quadratic'" },
  { "tune-unknown-flag", { "tune", "--runs", "5", NULL }, "--runs" },
  { "train-no-out", { "train", "--epochs", "1", NULL }, "--out FILE is required" },
  { "train-unroll-too-long", { "train", "--steps", "20", "--unroll", "50", "--out", "@/o", NULL },
    "--unroll: 50 is more than steps (20)" },
  { "train-weights-list", { "train", "--steps", "3", "--unroll", "3", "--weights", "1,2",
                            "--out", "@/o", NULL }, "a list needs one number per step, 3" },
  { "train-weights-scheme", { "train", "--weights", "steep", "--out", "@/o", NULL },
    "'steep' is not uniform, linear" },
  { "train-preprocess", { "train", "--preprocess", "log", "--out", "@/o", NULL },
    "--preprocess: 'log' is not none, logsign" },
  { "train-arch", { "train", "--arch", "gru", "--out", "@/o", NULL },
    "--arch: 'gru' is not lstm" },
  { "train-features", { "train", "--features", "logsign,curvature", "--out", "@/o", NULL },
    "--features: 'curvature' is not grad, logsign" },
  { "train-features-twice", { "train", "--features", "momentum:0.9,momentum:0.9", "--out", "@/o",
                              NULL }, "--features: 'momentum:0.9' is in the list twice" },
  { "train-meta-gradient", { "train", "--task", "art:size=32", "--meta-gradient",
                             "second-order", "--out", "@/o", NULL },
    "--meta-gradient: second-order needs Hessian-vector products" },
  { "train-es-pairs", { "train", "--meta-gradient", "es", "--es-pairs", "0", "--out", "@/o",
                        NULL }, "--es-pairs: 0 is outside the range 1 to 1000000" },
  { "train-es-sigma", { "train", "--meta-gradient", "es", "--es-sigma", "-1", "--out", "@/o",
                        NULL }, "--es-sigma: -1 is outside the range" },
  { "train-imitate", { "train", "--imitate", "lbfgs=0.1", "--out", "@/o", NULL },
    "--imitate: 'lbfgs=0.1' is not none or a hand-written optimizer and its learning rate" },
  { "train-imitate-rate", { "train", "--imitate", "adam=-1", "--out", "@/o", NULL },
    "--imitate: 'adam=-1' is not none" },
  { "train-schedule-features", { "train", "--arch", "schedule", "--features", "step", "--out",
                                 "@/o", NULL },
    "the schedule optimizer needs a feature besides step" },
  { "train-hidden", { "train", "--hidden", "0", "--out", "@/o", NULL },
    "--hidden: 0 is outside the range" },
  { "train-meta-lr", { "train", "--meta-lr", "fast", "--out", "@/o", NULL },
    "--meta-lr: 'fast' is not a number" },
  { "train-threads", { "train", "--threads", "0", "--out", "@/o", NULL },
    "--threads: 0 is outside the range 1 to 1024" },
  { "train-resume-missing", { "train", "--resume", "@/absent.safetensors", "--out", "@/o", NULL },
    "absent.safetensors: cannot read" },
  { "train-resume-not-checkpoint", { "train", "--resume", "@/p.json", "--out", "@/o", NULL },
    "p.json: header length" },
  { "train-resume-with-settings", { "train", "--resume", "@/p.json", "--batch", "4", "--out",
                                    "@/o", NULL }, "--batch: with --resume the settings" },
  { "train-out-folder-missing", { "train", "--epochs", "1", "--out", "@/no/dir/o", NULL },
    "folder" },
  { "info-missing", { "info", "@/absent.safetensors", NULL }, "absent.safetensors: cannot read" },
  { "info-not-checkpoint", { "info", "@/malformed.json", NULL }, "malformed.json:" },
  { "info-no-file", { "info", NULL }, "expected one FILE" },
  { "plot-format", { "compare", "--plot", "@/chart.gif", NULL },
    "--plot: " },
  { "x-axis", { "compare", "--x-axis", "time", NULL }, "--x-axis: 'time' is not step, seconds or log-seconds" },
  { "tune-budget-alone", { "compare", "--tune-budget", "8", NULL },
    "--tune-budget: only with --tune-hyper" },
  { "tune-budget-zero", { "compare", "--tune-hyper", "--tune-budget", "0", NULL },
    "--tune-budget: 0 is outside the range 1 to 100000" },
  { "hyper-form", { "compare", "--hyper", "momentum=0.9", NULL },
    "--hyper: 'momentum=0.9' is not of the form optimizer.name=value" },
  { "hyper-name", { "compare", "--hyper", "sgd.beta1=0.5", NULL },
    "--hyper: sgd has no hyper-parameter 'beta1' (it has momentum)" },
  { "hyper-range", { "compare", "--hyper", "adam.beta2=1", NULL },
    "--hyper: beta2: 1 is outside the range 0 to 0.999999" },
  { "hyper-searched", { "compare", "--tune-hyper", "--hyper", "nag.momentum=0.5", NULL },
    "--hyper: nag is searched by --tune-hyper" },
  { "hyper-learned", { "compare", "--optimizers", "sgd,lstm:quadratic", "--hyper",
                       "lstm:quadratic.momentum=0.5", NULL },
    "is a learned optimizer and has no hyper-parameters" },
  { "plot-size", { "compare", "--plot", "@/chart.png", "--plot-size", "huge", NULL },
    "--plot-size: 'huge' is not WIDTHxHEIGHT" },
  { "train-plot-format", { "train", "--out", "@/o", "--plot", "@/c.bmp", NULL }, "--plot: " },
  { "data-not-a-data-task", { "compare", "--data", "@", NULL },
    "--data: task quadratic: unknown option 'data'" },
  { "data-missing", { "compare", "--task", "mnist", "--data", "@/absent", NULL },
    "--data: " },
  { "data-no-files", { "train", "--task", "fashion-mnist", "--data", "@", "--out", "@/o", NULL },
    "no train-images-idx3-ubyte[.gz] there" },
  { "cnn-classes", { "compare", "--task", "cnn:classes=3", NULL },
    "classes: '3' is not a list of labels or ranges from 0 to 9 naming at least two" },
  { "cnn-cifar-no-folder", { "compare", "--task", "cnn:dataset=cifar10", NULL },
    "cifar10: no copy given" },
  { "cnn-cifar-empty-folder", { "compare", "--task", "cnn:dataset=cifar10", "--data", "@", NULL },
    "data_batch_1.bin" },
  { "train-per-group-resume", { "train", "--resume", "@/p.json", "--per-group", "--out", "@/o",
                                NULL }, "--per-group: with --resume the settings" },
  { "mnist-hidden", { "compare", "--task", "mnist:hidden=20y20", NULL },
    "hidden: '20y20' is not 1 to 4 layer widths" },
  /* Found by fuzzing and review (issue 8): each once crashed, hung or lost data. */
  { "task-trailing-comma", { "compare", "--task", "quadratic:dims=10,", NULL },
    "--task: task quadratic: '' is not of the form key=value" },
  { "task-only-comma", { "train", "--task", "quadratic:,", "--out", "@/o", NULL },
    "'' is not of the form key=value" },
  { "tune-task-trailing-comma", { "tune", "--task", "mnist:hidden=20,", NULL },
    "'' is not of the form key=value" },
  { "problem-empty", { "compare", "--problem", "@/empty.json", NULL }, "empty.json: " },
  { "problem-deep", { "compare", "--problem", "@/deep.json", NULL },
    "deep.json: nested more than 64 deep" },
  { "problem-wide", { "compare", "--problem", "@/wide.json", NULL },
    "wide.json: W[1] is not a row of 1000000 numbers" },
  { "problem-endless", { "compare", "--problem", "/dev/zero", NULL },
    "/dev/zero: cannot read: not a regular file (a device)" },
  { "problem-fifo", { "compare", "--problem", "@/fifo", NULL },
    "fifo: cannot read: not a regular file (a FIFO)" },
  { "task-minibatch-too-big", { "compare", "--task", "cnn:dataset=mnist,channels=256,batch=60000",
                                 NULL }, "batch: minibatches of 60000 images of 1 × 28 × 28 need" },
  { "train-minibatches-too-big", { "train", "--task", "cnn:dataset=mnist,channels=64,batch=4096",
                                   "--batch", "100", "--out", "@/o", NULL },
    "--batch: 100 functions of 225610 parameters with their minibatches in unrolls of 20 steps" },
  { "compare-threads-too-big", { "compare", "--task", "cnn:dataset=mnist,channels=64,batch=4096",
                                 "--threads", "64", NULL },
    "--threads: the minibatches and activations of a problem a thread need" },
  { "compare-too-big", { "compare", "--steps", "1000000", "--runs", "100000", NULL },
    "--runs: the losses of every step of every run need 3200.0 GB" },
  { "same-csv-json", { "compare", "--json", "@/out.csv", NULL },
    "--csv and --json name the same file" },
  { "same-csv-plot-spelled-apart", { "compare", "--plot", "@/./out.csv", NULL },
    "--csv and --plot name the same file" },
  { "train-out-history", { "train", "--out", "@/o", "--history", "@/o", NULL },
    "--out and --history name the same file" },
  { "train-history-resume", { "train", "--out", "@/o.safetensors", "--history",
                              "@/o.resume.safetensors",
                              NULL },
    "the resume file beside --out and --history name the same file" },
  { "output-fifo", { "train", "--out", "@/o", "--history", "@/fifo", NULL },
    "fifo: exists and is not a regular file" },
  { "output-link-to-fifo", { "tune", "--json", "@/link-to-fifo", NULL },
    "link-to-fifo: exists and is not a regular file" },
  { "train-epochs-range", { "train", "--epochs", "2000000000", "--out", "@/o", NULL },
    "--epochs: 2000000000 is outside the range 0 to 1000000000" },
  { "train-meta-lr-schedule", { "train", "--meta-lr-schedule", "step", "--out", "@/o", NULL },
    "--meta-lr-schedule: 'step' is not constant or cosine" },
  { "train-scale-range", { "train", "--scale-range", "0.5", "--out", "@/o", NULL },
    "--scale-range: 0.5 is outside the range 1 to 1000000" },
  { "train-average", { "train", "--average", "1", "--out", "@/o", NULL },
    "--average: 1 is outside the range 0 to 0.999999" },
  { "train-meta-objective", { "train", "--meta-objective", "sum", "--out", "@/o", NULL },
    "--meta-objective: 'sum' is not loss or log" },
  { "train-output-init", { "train", "--output-init", "ones", "--out", "@/o", NULL },
    "--output-init: 'ones' is not random or zero" },
  { "train-curriculum", { "train", "--curriculum", "5000", "--out", "@/o", NULL },
    "--curriculum: 5000 is outside the range 0 to 1000" },
  { "compare-lstm-missing", { "compare", "--optimizers", "adam,lstm:@/absent.safetensors", NULL },
    "absent.safetensors: no such file, and no pretrained lstm optimizer of that name "
    "(pretrained: " },
  { "compare-arch-mismatch", { "compare", "--optimizers", "mlp:lstm:quadratic", NULL },
    "no pretrained mlp optimizer of that name (pretrained: lstm:art," },
  /* l2l art: every bad image or feature net is named, and no folder or file made */
  { "art-no-content", { "art", "--out-dir", "@/out", NULL }, "--content is required" },
  { "art-no-out-dir", { "art", "--content", "@/art-photo.png", NULL }, "--out-dir is required" },
  { "art-content-missing", { "art", "--content", "@/absent.png", "--out-dir", "@/out", NULL },
    "absent.png: cannot read: No such file" },
  { "art-content-not-image", { "art", "--content", "@/p.json", "--out-dir", "@/out", NULL },
    "p.json: not an image" },
  { "art-content-truncated", { "art", "--content", "@/art-truncated.jpg", "--out-dir", "@/out",
                               NULL }, "art-truncated.jpg: " },
  { "art-content-tiny", { "art", "--content", "@/art-tiny.png", "--out-dir", "@/out", NULL },
    "art-tiny.png: 8 × 8 pixels" },
  { "art-style-not-image", { "art", "--content", "@/art-photo.png", "--style", "@/p.json",
                             "--out-dir", "@/out", NULL }, "p.json: not an image" },
  { "art-net-truncated", { "art", "--content", "@/art-photo.png", "--net", "@/art-net.safetensors",
                           "--out-dir", "@/out", NULL }, "art-net.safetensors: " },
  { "art-net-not-net", { "art", "--content", "@/art-photo.png", "--net", "@/p.json",
                         "--out-dir", "@/out", NULL }, "p.json: " },
  { "art-net-layers-mismatch", { "art", "--content", "@/art-photo.png", "--net",
                                 "@/art-mismatch.safetensors", "--out-dir", "@/out", NULL },
    "art-mismatch.safetensors: tensor convs.0.weight has shape [4, 3, 1, 1], expected [4, 3, 3, 3]" },
  { "art-size-range", { "art", "--content", "@/art-photo.png", "--size", "8", "--out-dir",
                        "@/out", NULL }, "--size: 8 is outside the range 16 to 1024" },
  { "art-size-too-small-for-net", { "art", "--content", "@/art-photo.png", "--size", "20",
                                    "--out-dir", "@/out", NULL }, "--size: 20 × 20 pixels are too few" },
  { "art-init", { "art", "--content", "@/art-photo.png", "--init", "zeros", "--out-dir", "@/out",
                  NULL }, "--init: 'zeros' is not one of content, noise" },
  { "art-comma", { "art", "--content", "@/a,b.png", "--out-dir", "@/out", NULL },
    "a name with a comma cannot be passed on" },
  { "art-plot-is-content", { "art", "--content", "@/art-photo.png", "--plot", "@/art-photo.png",
                             "--out-dir", "@/out", NULL },
    "art-photo.png is the file --content reads" },
  { "train-problem-not-utf8", { "train", "--problem", "@/not-utf8-\xff.json", "--out", "@/o",
                                NULL }, "--problem: file:" },
  { "lr-twice", { "compare", "--optimizers", "sgd", "--lr", "sgd=0.1,sgd=0.2", NULL },
    "--lr: sgd is given twice" },
  { "task-option-twice", { "compare", "--task", "quadratic:dims=10,dims=20", NULL },
    "task quadratic: dims is given twice" },
  { "hyper-just-below-one", { "compare", "--optimizers", "adam", "--hyper",
                              "adam.beta2=0.9999999999999999", NULL },
    "0.9999999999999999 is outside the range 0 to 0.999999" },
  { "output-dangling-link", { "compare", "--json", "@/dangling-link", NULL },
    "dangling-link: a symbolic link that leads to no file (dangling, or a loop)" },
  { "output-link-loop", { "compare", "--json", "@/loop-a", NULL },
    "loop-a: a symbolic link that leads to no file" },
  { "input-json-is-problem", { "compare", "--problem", "@/p.json", "--json", "@/p.json", NULL },
    "p.json is the file --problem reads; an output never replaces an input" },
  { "input-json-links-to-problem", { "compare", "--problem", "@/p.json", "--json",
                                     "@/link-to-p.json", NULL },
    "link-to-p.json is the file --problem reads" },
  { "input-json-is-checkpoint", { "compare", "--optimizers", "sgd,lstm:@/ck.safetensors",
                                  "--json", "@/ck.safetensors", NULL },
    "ck.safetensors is the file --optimizers reads" },
  { "input-out-is-resume", { "train", "--resume", "@/ck.resume.safetensors", "--out",
                             "@/ck.resume.safetensors", NULL },
    "ck.resume.safetensors is the file --resume reads" },
};

static char *
source_path (const char *relative)
{
  return g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", relative, NULL);
}

/* The first @percent of a file, as a download cut short leaves it. */
static void
write_truncated (const char *from,
                 const char *to,
                 guint       percent)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, length * percent / 100, NULL));
}

/* Images for l2l art's cases: a photo, a truncated JPEG, a tiny PNG and a
 * truncated feature net. */
static void
write_art_inputs (const char *dir)
{
  g_autofree char *photo = source_path ("tests/data/art-32/content.png");
  g_autofree char *jpeg = source_path ("data/art/content/chelsea.jpg");
  g_autofree char *net = source_path ("data/art/feature-nets/inception-v3-stem.safetensors");
  /* layers say 3 × 3, the tensor is 1 × 1 (a seed of the feature-net fuzzer) */
  g_autofree char *mismatch = source_path ("tests/fuzz/corpus/feature-net/mismatch");
  g_autofree char *mismatch_copy = g_build_filename (dir, "art-mismatch.safetensors", NULL);
  g_autofree char *photo_copy = g_build_filename (dir, "art-photo.png", NULL);
  g_autofree char *truncated = g_build_filename (dir, "art-truncated.jpg", NULL);
  g_autofree char *tiny = g_build_filename (dir, "art-tiny.png", NULL);
  g_autofree char *net_copy = g_build_filename (dir, "art-net.safetensors", NULL);
  g_autoptr(GdkPixbuf) small = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 8, 8);

  write_truncated (photo, photo_copy, 100);
  write_truncated (jpeg, truncated, 40);
  write_truncated (net, net_copy, 50);
  write_truncated (mismatch, mismatch_copy, 100);
  gdk_pixbuf_fill (small, 0x336699ff);
  g_assert_true (gdk_pixbuf_save (small, tiny, "png", NULL, NULL));
}

/* Inputs that only some cases need: big ones are made for them alone. */
static void
write_special_inputs (const char *dir,
                      const char *name)
{
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *link = g_build_filename (dir, "link-to-fifo", NULL);

  if (g_str_equal (name, "problem-empty"))
    g_free (test_util_write_file (dir, "empty.json", ""));
  else if (g_str_equal (name, "problem-deep"))
    {
      g_autofree char *deep = g_strnfill (100000, '[');
      g_free (test_util_write_file (dir, "deep.json", deep));
    }
  else if (g_str_equal (name, "problem-wide"))
    {
      /* A first row of 10⁶ columns, then 10⁵ short rows: 10¹¹ floats if
       * allocated before the rows are checked. */
      GString *wide = g_string_new ("{\"W\": [[0");
      g_autofree char *text = NULL;

      for (guint i = 1; i < 1000000; i++)
        g_string_append (wide, ",0");
      g_string_append (wide, "]");
      for (guint i = 1; i < 100000; i++)
        g_string_append (wide, ",[0]");
      g_string_append (wide, "], \"y\": [0], \"theta0\": [0]}");
      text = g_string_free (wide, FALSE);
      g_free (test_util_write_file (dir, "wide.json", text));
    }
  else if (g_str_has_prefix (name, "art-"))
    write_art_inputs (dir);
  else if (g_str_equal (name, "train-problem-not-utf8"))
    g_free (test_util_write_file (dir, "not-utf8-\xff.json",
                                  "{\"W\": [[1]], \"y\": [1], \"theta0\": [0]}"));
  else if (g_str_has_prefix (name, "input-"))
    {
      g_autofree char *p = g_build_filename (dir, "p.json", NULL);
      g_autofree char *to_p = g_build_filename (dir, "link-to-p.json", NULL);
      g_autofree char *ck = g_build_filename (dir, "ck.safetensors", NULL);
      const char *train[] = { "train", "--task", "quadratic", "--epochs", "1", "--batch", "2",
                              "--steps", "4", "--unroll", "2", "--out", ck, NULL };

      g_assert_cmpint (symlink (p, to_p), ==, 0);
      g_assert_cmpint (run_l2l (train, NULL, NULL), ==, 0);
    }
  else if (g_str_has_prefix (name, "output-") || g_str_equal (name, "problem-fifo"))
    {
      g_autofree char *dangling = g_build_filename (dir, "dangling-link", NULL);
      g_autofree char *nowhere = g_build_filename (dir, "no-such-folder", "x.json", NULL);
      g_autofree char *loop_a = g_build_filename (dir, "loop-a", NULL);
      g_autofree char *loop_b = g_build_filename (dir, "loop-b", NULL);

      g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
      g_assert_cmpint (symlink (fifo, link), ==, 0);
      g_assert_cmpint (symlink (nowhere, dangling), ==, 0);
      g_assert_cmpint (symlink (loop_b, loop_a), ==, 0);
      g_assert_cmpint (symlink (loop_a, loop_b), ==, 0);
    }
}

static void
test_bad_input (gconstpointer data)
{
  const BadCase *bad = data;
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *csv = g_build_filename (dir, "out.csv", NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  guint inputs;

  g_free (test_util_write_file (dir, "p.json", "{\"W\": [[1]], \"y\": [1], \"theta0\": [0]}"));
  g_free (test_util_write_file (dir, "malformed.json", "{\"W\": [[1, 2]"));
  g_free (test_util_write_file (dir, "mis-sized.json",
                                "{\"W\": [[1, 2], [3, 4]], \"y\": [1, 2, 3], \"theta0\": [0, 0]}"));
  g_free (test_util_write_file (dir, "words.json",
                                "{\"W\": [[1], [\"two\"]], \"y\": [1, 2], \"theta0\": [0]}"));
  write_special_inputs (dir, bad->name);
  inputs = test_util_count_entries (dir);

  for (guint i = 0; bad->args[i] != NULL; i++)
    {
      g_autofree char *arg = NULL;
      const char *at = strstr (bad->args[i], ":@/");

      if (bad->args[i][0] == '@')
        arg = g_strconcat (dir, bad->args[i] + 1, NULL);
      else if (at != NULL)
        arg = g_strdup_printf ("%.*s:%s%s", (int) (at - bad->args[i]), bad->args[i], dir, at + 2);
      else
        arg = g_strdup (bad->args[i]);
      g_ptr_array_add (args, g_steal_pointer (&arg));
    }
  if (g_str_equal (bad->args[0], "compare"))
    {
      g_ptr_array_add (args, g_strdup ("--csv"));
      g_ptr_array_add (args, g_strdup (csv));
    }
  g_ptr_array_add (args, NULL);

  g_assert_cmpint (run_l2l ((const char *const *) args->pdata, NULL, &err), ==, 2);
  g_test_message ("stderr: %s", err);
  lines = g_strsplit (g_strchomp (err), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_true (g_str_has_prefix (lines[0], "l2l"));
  g_assert_nonnull (strstr (lines[0], bad->needle));
  /* nothing written, not even a temporary, and nothing replaced */
  g_assert_cmpuint (test_util_count_entries (dir), ==, inputs);
  if (g_str_has_prefix (bad->name, "output-"))
    {
      g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
      GStatBuf st;
      g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
      g_assert_true (S_ISFIFO (st.st_mode));
    }
  test_util_remove_tree (dir);
}

static void
test_compare_writes_files (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *csv = g_build_filename (dir, "losses.csv", NULL);
  g_autofree char *csv2 = g_build_filename (dir, "again.csv", NULL);
  g_autofree char *json = g_build_filename (dir, "summary.json", NULL);
  g_autofree char *out = NULL, *contents = NULL, *contents2 = NULL, *summary = NULL;
  g_autofree char *plot = g_build_filename (dir, "chart.svg", NULL);
  g_autofree char *svg = NULL;
  /* and the same CSV on 1 and 3 threads */
  const char *args[] = { "compare", "--runs", "7", "--steps", "12", "--seed", "3",
                         "--tune", "--tune-runs", "3", "--csv", csv, "--json", json,
                         "--plot", plot, "--threads", "1", NULL };
  const char *again[] = { "compare", "--runs", "7", "--steps", "12", "--seed", "3",
                          "--tune", "--tune-runs", "3", "--csv", csv2, "--threads", "3", NULL };
  g_auto(GStrv) lines = NULL;
  gsize len, len2;

  g_assert_cmpint (run_l2l (args, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "optimizer"));
  g_assert_nonnull (strstr (out, "mean @12"));
  for (const char *const *name = (const char *const[]) { "sgd", "rmsprop", "adam", "nag", NULL };
       *name; name++)
    g_assert_nonnull (strstr (out, *name));

  g_assert_true (g_file_get_contents (csv, &contents, &len, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "optimizer,run,step,loss,seconds");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 4 * 7 * 13 + 1);
  g_assert_true (g_file_get_contents (json, &summary, NULL, NULL));
  g_assert_nonnull (strstr (summary, "\"final_median\""));
  g_assert_true (g_file_get_contents (plot, &svg, NULL, NULL));
  g_assert_nonnull (strstr (svg, "<svg"));

  /* the same seed gives the same losses to the bit (the times differ) */
  g_assert_cmpint (run_l2l (again, NULL, NULL), ==, 0);
  g_assert_true (g_file_get_contents (csv2, &contents2, &len2, NULL));
  {
    g_autofree char *losses = test_util_csv_losses (contents);
    g_autofree char *losses2 = test_util_csv_losses (contents2);
    g_assert_cmpstr (losses, ==, losses2);
  }
  test_util_remove_tree (dir);
}

static void
test_divergence_in_table (void)
{
  const char *args[] = { "compare", "--optimizers", "sgd,adam", "--lr", "sgd=10",
                         "--runs", "5", NULL };
  g_autofree char *out = NULL;

  g_assert_cmpint (run_l2l (args, &out, NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "diverged"));
  g_assert_nonnull (strstr (out, "5/5"));
}

static void
test_tune_subcommand (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *json = g_build_filename (dir, "tune.json", NULL);
  g_autofree char *out = NULL, *contents = NULL;
  const char *args[] = { "tune", "--optimizers", "adam,nag", "--tune-runs", "4",
                         "--steps", "20", "--json", json, NULL };

  g_assert_cmpint (run_l2l (args, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "adam: learning rate"));
  g_assert_nonnull (strstr (out, "nag: learning rate"));
  g_assert_true (g_file_get_contents (json, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"objective\""));
  test_util_remove_tree (dir);
}

static JsonObject *
load_json_object (JsonParser *parser,
                  const char *path)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* A learning rate of 1e20 (json-glib alone writes 1e+20.0) and the losses
 * it blows up to: the JSON still parses and says 1e20. */
static void
test_compare_json_huge_numbers (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *json = g_build_filename (dir, "huge.json", NULL);
  const char *args[] = { "compare", "--task", "quadratic", "--steps", "3", "--runs", "2",
                         "--optimizers", "sgd", "--lr", "sgd=1e20", "--json", json, NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *entry;

  g_assert_cmpint (run_l2l (args, NULL, NULL), ==, 0);
  root = load_json_object (parser, json);
  entry = json_array_get_object_element (json_object_get_array_member (root, "optimizers"), 0);
  g_assert_cmpfloat (json_object_get_double_member (entry, "learning_rate"), ==, 1e20);
  test_util_remove_tree (dir);
}

/* A problem file whose name is not UTF-8 (any bytes make a name): the
 * JSON that names it is still UTF-8, the bytes shown as U+FFFD. */
static void
test_compare_json_non_utf8_name (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *problem = g_build_filename (dir, "p-\xff.json", NULL);
  g_autofree char *json = g_build_filename (dir, "r.json", NULL);
  const char *args[] = { "compare", "--problem", problem, "--steps", "2", "--optimizers", "sgd",
                         "--json", json, NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  g_assert_true (g_file_set_contents (problem, "{\"W\": [[1]], \"y\": [1], \"theta0\": [0]}",
                                      -1, NULL));
  g_assert_cmpint (run_l2l (args, NULL, NULL), ==, 0);
  root = load_json_object (parser, json);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (root, "task"),
                                   "p-\xef\xbf\xbd.json"));
  test_util_remove_tree (dir);
}

/* --tune-hyper in `l2l tune`: the best configurations in the table, every
 * one drawn in the JSON beside its objective, the chosen one under "hyper";
 * the same seed draws and chooses the same. */
static void
test_tune_hyper (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *json = g_build_filename (dir, "tune.json", NULL);
  g_autofree char *json2 = g_build_filename (dir, "again.json", NULL);
  g_autofree char *out = NULL, *out2 = NULL, *contents = NULL, *contents2 = NULL;
  const char *args[] = { "tune", "--optimizers", "sgd,adam", "--tune-hyper", "--tune-budget",
                         "9", "--tune-runs", "3", "--steps", "15", "--json", json, NULL };
  const char *again[] = { "tune", "--optimizers", "sgd,adam", "--tune-hyper", "--tune-budget",
                          "9", "--tune-runs", "3", "--steps", "15", "--threads", "1",
                          "--json", json2, NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *sgd, *adam;
  JsonArray *objective, *momentum;
  guint best = 0;

  g_assert_cmpint (run_l2l (args, &out, NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "A random search of 9 configurations per optimizer"));
  g_assert_nonnull (strstr (out, "beta2"));
  g_assert_nonnull (strstr (out, "sgd: learning rate"));
  g_assert_nonnull (strstr (strstr (out, "sgd: learning rate"), ", momentum "));
  g_assert_nonnull (strstr (out, ", beta1 "));

  root = load_json_object (parser, json);
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (root, "tuning"), "hyper_budget"), ==, 9);
  sgd = json_array_get_object_element (json_object_get_array_member (root, "optimizers"), 0);
  adam = json_array_get_object_element (json_object_get_array_member (root, "optimizers"), 1);
  objective = json_object_get_array_member (sgd, "objective");
  momentum = json_object_get_array_member (sgd, "momentum");
  g_assert_cmpuint (json_array_get_length (objective), ==, 9);
  g_assert_cmpuint (json_array_get_length (momentum), ==, 9);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (adam, "beta2")), ==, 9);
  for (guint k = 1; k < 9; k++)
    if (!JSON_NODE_HOLDS_NULL (json_array_get_element (objective, k)) &&
        json_array_get_double_element (objective, k) <
          json_array_get_double_element (objective, best))
      best = k;
  /* the chosen configuration is the lowest objective's, rate and momentum */
  g_assert_cmpfloat (json_object_get_double_member (sgd, "learning_rate"), ==,
                     json_array_get_double_element (json_object_get_array_member (sgd, "grid"),
                                                    best));
  g_assert_cmpfloat (json_object_get_double_member (
                       json_object_get_object_member (sgd, "hyper"), "momentum"), ==,
                     json_array_get_double_element (momentum, best));
  g_assert_true (json_object_has_member (json_object_get_object_member (adam, "hyper"), "beta1"));

  g_assert_cmpint (run_l2l (again, &out2, NULL), ==, 0);
  g_assert_cmpstr (out, ==, out2);
  g_assert_true (g_file_get_contents (json, &contents, NULL, NULL));
  g_assert_true (g_file_get_contents (json2, &contents2, NULL, NULL));
  g_assert_cmpstr (contents, ==, contents2);
  test_util_remove_tree (dir);
}

/* `l2l compare --tune-hyper`: the chosen values under the table and in the JSON. */
static void
test_compare_tune_hyper (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *json = g_build_filename (dir, "r.json", NULL);
  g_autofree char *out = NULL;
  const char *args[] = { "compare", "--optimizers", "rmsprop,nag", "--tune-hyper",
                         "--tune-budget", "6", "--tune-runs", "3", "--runs", "4", "--steps",
                         "15", "--json", json, NULL };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *optimizers;
  JsonObject *rmsprop, *nag;

  g_assert_cmpint (run_l2l (args, &out, NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "Tuned with the rate (6 configurations each): rmsprop alpha "));
  g_assert_nonnull (strstr (out, "; nag momentum "));
  optimizers = json_object_get_array_member (load_json_object (parser, json), "optimizers");
  rmsprop = json_array_get_object_element (optimizers, 0);
  nag = json_array_get_object_element (optimizers, 1);
  /* tuned: no longer torch's defaults (0.99; 0.9), and among the drawn */
  g_assert_cmpfloat (json_object_get_double_member (
                       json_object_get_object_member (rmsprop, "hyper"), "alpha"), !=, 0.99);
  g_assert_cmpfloat (json_object_get_double_member (
                       json_object_get_object_member (nag, "hyper"), "momentum"), !=, 0.9);
  g_assert_true (json_object_get_boolean_member (
                   json_object_get_object_member (nag, "hyper"), "nesterov"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (rmsprop, "tuning"), "alpha")), ==, 6);
  test_util_remove_tree (dir);
}

/* --hyper fixes a rule's other hyper-parameters: the runs change, the JSON
 * says so, and a rate tuned on the grid is tuned with them. */
static void
test_compare_hyper (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *plain = g_build_filename (dir, "plain.json", NULL);
  g_autofree char *fixed = g_build_filename (dir, "fixed.json", NULL);
  const char *without[] = { "compare", "--optimizers", "sgd,adam", "--lr", "sgd=0.02",
                            "--runs", "5", "--steps", "20", "--tune", "--tune-runs", "3",
                            "--json", plain, NULL };
  const char *with[] = { "compare", "--optimizers", "sgd,adam", "--lr", "sgd=0.02", "--hyper",
                         "sgd.momentum=0.9,adam.beta1=0.5,adam.beta2=0.99", "--runs", "5",
                         "--steps", "20", "--tune", "--tune-runs", "3", "--json", fixed, NULL };
  g_autoptr(JsonParser) a = json_parser_new (), b = json_parser_new ();
  JsonArray *first, *second;
  JsonObject *sgd_hyper, *adam_hyper;

  g_assert_cmpint (run_l2l (without, NULL, NULL), ==, 0);
  g_assert_cmpint (run_l2l (with, NULL, NULL), ==, 0);
  first = json_object_get_array_member (load_json_object (a, plain), "optimizers");
  second = json_object_get_array_member (load_json_object (b, fixed), "optimizers");
  sgd_hyper = json_object_get_object_member (json_array_get_object_element (second, 0), "hyper");
  adam_hyper = json_object_get_object_member (json_array_get_object_element (second, 1), "hyper");
  g_assert_cmpfloat (json_object_get_double_member (sgd_hyper, "momentum"), ==, 0.9);
  g_assert_cmpfloat (json_object_get_double_member (adam_hyper, "beta1"), ==, 0.5);
  g_assert_cmpfloat (json_object_get_double_member (adam_hyper, "beta2"), ==, 0.99);
  /* momentum moves SGD; Adam's rate was tuned with its betas, the grid's objective moves */
  for (guint i = 0; i < 2; i++)
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (first, i),
                                                      "final_mean"), !=,
                       json_object_get_double_member (json_array_get_object_element (second, i),
                                                      "final_mean"));
  g_assert_cmpfloat (json_array_get_double_element (
                       json_object_get_array_member (
                         json_object_get_object_member (json_array_get_object_element (first, 1),
                                                        "tuning"), "objective"), 12), !=,
                     json_array_get_double_element (
                       json_object_get_array_member (
                         json_object_get_object_member (json_array_get_object_element (second, 1),
                                                        "tuning"), "objective"), 12));
  test_util_remove_tree (dir);
}

static void
test_help (void)
{
  const char *top[] = { "--help", NULL };
  const char *compare[] = { "compare", "--help", NULL };
  const char *flags[] = { "--task", "--problem", "--optimizers", "--lr", "--tune",
                          "--tune-runs", "--tune-objective", "--tune-grid", "--steps",
                          "--runs", "--seed", "--csv", "--json", "--table-steps", NULL };
  g_autofree char *out = NULL, *compare_out = NULL;

  g_assert_cmpint (run_l2l (top, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "compare"));
  g_assert_nonnull (strstr (out, "tune"));
  g_assert_cmpint (run_l2l (compare, &compare_out, NULL), ==, 0);
  for (guint i = 0; flags[i] != NULL; i++)
    {
      g_autofree char *flag = g_strconcat (flags[i], " ", NULL);
      g_autofree char *flag_eq = g_strconcat (flags[i], "=", NULL);
      g_assert_true (strstr (compare_out, flag) || strstr (compare_out, flag_eq));
    }
}

/* A small trained optimizer, by the CLI itself, in @dir. */
static char *
train_small (const char *dir)
{
  g_autofree char *history = g_build_filename (dir, "h.csv", NULL);
  char *out = g_build_filename (dir, "q.safetensors", NULL);
  const char *args[] = { "train", "--epochs", "4", "--batch", "8", "--steps", "20",
                         "--unroll", "5", "--eval-every", "2", "--eval-runs", "5",
                         "--out", out, "--history", history, NULL };
  g_autofree char *stdout_text = NULL, *csv = NULL;

  g_assert_cmpint (run_l2l (args, &stdout_text, NULL), ==, 0);
  g_assert_nonnull (strstr (stdout_text, "Held-out loss"));
  g_assert_true (g_file_get_contents (history, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "epoch,meta_loss,eval_loss,seconds\n0,,"));
  return out;
}

static void
test_train_info_compare (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *out = train_small (dir);
  g_autofree char *resume = g_build_filename (dir, "q.resume.safetensors", NULL);
  g_autofree char *lstm = g_strconcat ("adam,lstm:", out, NULL);
  g_autofree char *info = NULL, *compare = NULL, *err = NULL, *trained = NULL;
  const char *info_args[] = { "info", out, NULL };
  const char *compare_args[] = { "compare", "--optimizers", lstm, "--runs", "3", "--steps",
                                 "10", "--tune", "--tune-runs", "2", NULL };
  const char *lr_args[] = { "compare", "--optimizers", lstm, "--lr", "lstm:q=0.1", NULL };
  const char *tune_args[] = { "tune", "--optimizers", lstm, NULL };
  const char *resume_args[] = { "train", "--resume", resume, "--epochs", "6", "--out", out,
                                NULL };

  g_assert_cmpint (run_l2l (info_args, &info, NULL), ==, 0);
  g_assert_nonnull (strstr (info, "cells.0.weight_ih"));
  g_assert_nonnull (strstr (info, "[80, 2]"));
  g_assert_nonnull (strstr (info, "kind             best"));
  g_assert_cmpint (run_l2l (compare_args, &compare, NULL), ==, 0);
  g_assert_nonnull (strstr (compare, "lstm:q"));
  g_assert_nonnull (strstr (compare, "learned"));
  g_assert_cmpint (run_l2l (lr_args, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "is a learned optimizer and has no learning rate"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_l2l (tune_args, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "has no learning rate to tune"));
  g_assert_cmpint (run_l2l (resume_args, &trained, NULL), ==, 0);
  g_assert_nonnull (strstr (trained, "6 epochs"));
  test_util_remove_tree (dir);
}

/* The paper's successors from the terminal: trained, described, raced by
 * ARCH:FILE, and refused under another architecture's name. */
static void
test_successors (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *out = g_build_filename (dir, "m.safetensors", NULL);
  g_autofree char *as_mlp = g_strconcat ("mlp:", out, NULL);
  g_autofree char *race_list = g_strconcat ("adam,", as_mlp, NULL);
  g_autofree char *as_lstm = g_strconcat ("lstm:", out, NULL);
  g_autofree char *trained = NULL, *info = NULL, *raced = NULL, *err = NULL;
  const char *train[] = { "train", "--arch", "mlp", "--features", "grad-rms,momentum:0.9,step",
                          "--meta-gradient", "second-order", "--keep", "final", "--epochs", "2",
                          "--batch", "4", "--steps", "6", "--unroll", "3", "--eval-runs", "2",
                          "--eval-every", "1", "--out", out, NULL };
  const char *info_args[] = { "info", as_mlp, NULL };
  const char *race[] = { "compare", "--optimizers", race_list, "--runs", "2", "--steps", "5",
                         NULL };
  const char *refused[] = { "compare", "--optimizers", as_lstm, NULL };

  g_assert_cmpint (run_l2l (train, &trained, NULL), ==, 0);
  g_assert_nonnull (strstr (trained, "meta-gradient second-order, keeping the best final loss"));
  g_assert_cmpint (run_l2l (info_args, &info, NULL), ==, 0);
  g_assert_nonnull (strstr (info, "2 × 20 MLP (mlp)"));
  g_assert_nonnull (strstr (info, "Inputs: grad-rms,momentum:0.9,step"));
  g_assert_nonnull (strstr (info, "layers.0.weight"));
  g_assert_nonnull (strstr (info, "[20, 9]"));
  g_assert_nonnull (strstr (info, "format_version   2"));
  g_assert_cmpint (run_l2l (race, &raced, NULL), ==, 0);
  g_assert_nonnull (strstr (raced, "mlp:m "));
  g_assert_cmpint (run_l2l (refused, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "the file holds a learned optimizer of architecture mlp, not "
                                 "lstm"));
  test_util_remove_tree (dir);
}

/* One LSTM per group of the cnn: l2l info lists the groups and the prefixed
 * tensors; the optimizer races on the cnn and is refused on a quadratic. */
static void
test_per_group (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *out = g_build_filename (dir, "g.safetensors", NULL);
  g_autofree char *lstm = g_strconcat ("adam,lstm:", out, NULL);
  g_autofree char *trained = NULL, *info = NULL, *raced = NULL, *err = NULL;
  const char *task = "cnn:dataset=mnist,channels=2,fc=4,batch=8";
  const char *train[] = { "train", "--task", task, "--per-group", "--epochs", "2", "--steps",
                          "4", "--unroll", "2", "--eval-runs", "1", "--out", out, NULL };
  const char *info_args[] = { "info", out, NULL };
  const char *race[] = { "compare", "--task", task, "--optimizers", lstm, "--runs", "2",
                         "--steps", "3", NULL };
  const char *refused[] = { "compare", "--optimizers", lstm, NULL };

  g_assert_cmpint (run_l2l (train, &trained, NULL), ==, 0);
  g_assert_nonnull (strstr (trained, "One LSTM per parameter group: conv,fc"));
  g_assert_cmpint (run_l2l (info_args, &info, NULL), ==, 0);
  g_assert_nonnull (strstr (info, "Parameter groups: conv,fc, one LSTM each"));
  g_assert_nonnull (strstr (info, "conv.cells.0.weight_ih"));
  g_assert_nonnull (strstr (info, "fc.out.bias"));
  g_assert_cmpint (run_l2l (race, &raced, NULL), ==, 0);
  g_assert_nonnull (strstr (raced, "lstm:g"));
  g_assert_cmpint (run_l2l (refused, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--optimizers: lstm:g has one LSTM per parameter group "
                                 "(conv,fc) but task quadratic"));
  test_util_remove_tree (dir);
}

static void
test_mnist_tasks (void)
{
  const char *compare[] = { "compare", "--task", "mnist:hidden=8,batch=16", "--runs", "2",
                            "--steps", "5", NULL };
  const char *tune[] = { "tune", "--task", "mnist:batch=8", "--optimizers", "adam",
                         "--tune-runs", "1", "--steps", "3", "--tune-grid", "1e-3:1e-1:1", NULL };
  g_autofree char *out = NULL, *tuned = NULL;

  g_assert_cmpint (run_l2l (compare, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Task mnist:hidden=8,act=sigmoid,batch=16,data= · 2 runs"));
  g_assert_cmpint (run_l2l (tune, &tuned, NULL), ==, 0);
  g_assert_nonnull (strstr (tuned, "adam: learning rate"));
}

/* Issue 26: the landscape family works where a task does: compare, tune and
 * train (a few epochs on fn=random, second order through its exact
 * Hessian-vector products). */
static void
test_landscape_task (void)
{
  const char *compare[] = { "compare", "--task", "landscape:fn=rosenbrock", "--optimizers",
                            "sgd,adam", "--lr", "sgd=1e-3,adam=0.1", "--runs", "2", "--steps", "50", NULL };
  const char *tune[] = { "tune", "--task", "landscape:fn=beale,noise=0.1", "--optimizers", "nag",
                         "--tune-runs", "2", "--steps", "20", NULL };
  g_autofree char *dir = g_dir_make_tmp ("l2l-test-XXXXXX", NULL);
  g_autofree char *net = g_build_filename (dir, "landscape.safetensors", NULL);
  const char *train[] = { "train", "--task", "landscape:fn=random", "--epochs", "3", "--batch", "4",
                          "--steps", "20", "--unroll", "5", "--meta-gradient", "second-order",
                          "--out", net, NULL };
  g_autofree char *out = NULL, *tuned = NULL, *trained = NULL;

  g_assert_cmpint (run_l2l (compare, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Task landscape:fn=rosenbrock,a=1,b=100,"));
  g_assert_nonnull (strstr (out, " · 2 runs × 50 steps"));
  g_assert_cmpint (run_l2l (tune, &tuned, NULL), ==, 0);
  g_assert_nonnull (strstr (tuned, "nag: learning rate"));
  g_assert_cmpint (run_l2l (train, &trained, NULL), ==, 0);
  g_assert_true (g_file_test (net, G_FILE_TEST_EXISTS));
  g_unlink (net);
  g_rmdir (dir);
}

/* Issue 26: `l2l paths` writes each step of each optimizer from the start:
 * SGD's steps on Rosenbrock are its rule's, computed here; the plot comes in
 * every format, a GIF a frame a step or a chunk of steps; without files it
 * prints where each ended; a task of more than two coordinates is refused. */
static void
test_paths (void)
{
  g_autofree char *dir = g_dir_make_tmp ("l2l-test-XXXXXX", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "paths.csv", NULL);
  g_autofree char *png = g_build_filename (dir, "paths.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "paths.svg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "paths.pdf", NULL);
  g_autofree char *gif = g_build_filename (dir, "paths.gif", NULL);
  const char *run[] = { "paths", "--task", "landscape:fn=rosenbrock", "--optimizers", "sgd,adam",
                        "--lr", "sgd=1e-3,adam=0.05", "--hyper", "sgd.momentum=0", "--steps", "30",
                        "--csv", csv_path, "--plot", png, NULL };
  const char *plots[][8] = {
    { "paths", "--task", "landscape:fn=himmelblau", "--steps", "10", "--plot", svg, NULL },
    { "paths", "--task", "landscape:fn=beale,start=1,1", "--steps", "10", "--plot", pdf, NULL },
  };
  /* 30 steps: a frame a step; 250: a frame every 3 steps, and the last */
  const char *animations[][8] = {
    { "paths", "--steps", "30", "--plot", gif, "--plot-size", "300x200" },
    { "paths", "--steps", "250", "--plot", gif, "--plot-size", "300x200" },
  };
  const guint frames[] = { 31, 85 };
  const char *quadratic[] = { "paths", "--task", "quadratic", "--plot", png, NULL };
  const char *table_only[] = { "paths", "--steps", "5", NULL };
  g_autofree char *out = NULL, *err = NULL, *csv = NULL;
  g_auto(GStrv) lines = NULL;
  double x = -1.5, y = 2.0;
  guint sgd_rows = 0;

  g_assert_cmpint (run_l2l (run, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "sgd "));
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "optimizer,step,x,y,loss");
  for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);
      float fx = (float) x, fy = (float) y, gx, gy;

      if (!g_str_equal (cells[0], "sgd"))
        continue;
      g_assert_cmpuint (g_ascii_strtoull (cells[1], NULL, 10), ==, sgd_rows);
      /* θ ← θ − lr ∇f, in float, as the engine steps */
      g_assert_cmpfloat (fabs (g_ascii_strtod (cells[2], NULL) - fx), <=, 1e-6);
      g_assert_cmpfloat (fabs (g_ascii_strtod (cells[3], NULL) - fy), <=, 1e-6);
      gx = -2.0f * (1.0f - fx) - 400.0f * fx * (fy - fx * fx);
      gy = 200.0f * (fy - fx * fx);
      x = fx - 1e-3f * gx;
      y = fy - 1e-3f * gy;
      sgd_rows++;
    }
  g_assert_cmpuint (sgd_rows, ==, 31);
  {
    g_autoptr(GdkPixbuf) image = gdk_pixbuf_new_from_file (png, NULL);
    g_assert_nonnull (image);
  }
  for (guint i = 0; i < G_N_ELEMENTS (plots); i++)
    g_assert_cmpint (run_l2l (plots[i], NULL, NULL), ==, 0);
  g_assert_true (g_file_test (svg, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < G_N_ELEMENTS (animations); i++)
    {
      g_autoptr(GdkPixbufAnimation) animation = NULL;
      GifFileType *file;
      int code = 0;

      g_assert_cmpint (run_l2l (animations[i], NULL, NULL), ==, 0);
      animation = gdk_pixbuf_animation_new_from_file (gif, NULL);
      g_assert_nonnull (animation);
      g_assert_false (gdk_pixbuf_animation_is_static_image (animation));
      g_assert_cmpint (gdk_pixbuf_animation_get_width (animation), ==, 300);
      file = DGifOpenFileName (gif, &code);
      g_assert_nonnull (file);
      g_assert_cmpint (DGifSlurp (file), ==, GIF_OK);
      g_assert_cmpint (file->ImageCount, ==, frames[i]);
      DGifCloseFile (file, &code);
    }

  g_assert_cmpint (run_l2l (quadratic, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "the task has 10 parameters"));
  g_clear_pointer (&err, g_free);
  /* no file asked for: where each optimizer ended, and each one's rate */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_l2l (table_only, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\nadam (lr 0.05)"));
  g_assert_nonnull (strstr (out, " after 5 steps\n"));
  g_unlink (csv_path);
  g_unlink (png);
  g_unlink (svg);
  g_unlink (pdf);
  g_unlink (gif);
  g_rmdir (dir);
}

/* Issue 26: `l2l probe` writes SGD's update −αg for every g of both signs,
 * at step 1 and at --steps, and a plot; bad input is refused with exit 2. */
static void
test_probe (void)
{
  g_autofree char *dir = g_dir_make_tmp ("l2l-test-XXXXXX", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "probe.csv", NULL);
  g_autofree char *png = g_build_filename (dir, "probe.png", NULL);
  const char *run[] = { "probe", "--optimizers", "sgd,adam,lstm:landscape", "--lr",
                        "sgd=0.01,adam=0.1", "--points", "5", "--steps", "7", "--csv", csv_path,
                        "--plot", png, NULL };
  const char *bad[][6] = {
    { "probe", "--points", "1", NULL },
    { "probe", "--min", "-1", NULL },
    { "probe", "--max", "1e39", NULL },
    { "probe", "--optimizers", "sgd", "--tune", NULL },
    { "probe", "--optimizers", "lstm:cnn", NULL },
  };
  g_autofree char *out = NULL, *csv = NULL;
  g_auto(GStrv) lines = NULL;
  guint sgd_rows = 0, rows = 0;

  g_assert_cmpint (run_l2l (run, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "lstm:landscape"));
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "optimizer,g,step,update");
  for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);
      guint step = (guint) g_ascii_strtoull (cells[2], NULL, 10);

      rows++;
      g_assert_true (step == 1 || step == 7);
      if (g_str_equal (cells[0], "sgd"))
        {
          double g = g_ascii_strtod (cells[1], NULL), update = g_ascii_strtod (cells[3], NULL);

          g_assert_cmpfloat (fabs (update + 0.01 * g), <=, 1e-6 * fabs (0.01 * g));
          sgd_rows++;
        }
    }
  /* 3 optimizers × 2 steps × 5 magnitudes of each sign */
  g_assert_cmpuint (rows, ==, 60);
  g_assert_cmpuint (sgd_rows, ==, 20);
  {
    g_autoptr(GdkPixbuf) image = gdk_pixbuf_new_from_file (png, NULL);
    g_assert_nonnull (image);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (run_l2l (bad[i], NULL, &err), ==, 2);
      g_assert_true (g_str_has_prefix (err, "l2l probe: "));
      /* a bad setting is named by its flag */
      if (i < 3)
        g_assert_true (g_str_has_prefix (err + strlen ("l2l probe: "), bad[i][1]));
    }
  g_unlink (csv_path);
  g_unlink (png);
  g_rmdir (dir);
}

static gboolean
file_appears (const char *path)
{
  for (guint i = 0; i < 200 && !g_file_test (path, G_FILE_TEST_EXISTS); i++)
    g_usleep (50000);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Ctrl-C: the run stops, saves the best optimizer and the resume state, and
 * says how to go on; both files load, and neither a temporary nor the lock
 * stays. While it ran, a second training on its --out was refused. */
static void
test_train_interrupt (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *out = g_build_filename (dir, "q.safetensors", NULL);
  g_autofree char *resume = g_build_filename (dir, "q.resume.safetensors", NULL);
  const char *argv[] = { g_getenv ("L2L_CLI"), "train", "--epochs", "100000000", "--batch",
                         "8", "--steps", "20", "--unroll", "5", "--eval-runs", "5", "--out",
                         out, NULL };
  const char *info_out[] = { "info", out, NULL };
  const char *info_resume[] = { "info", resume, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  GPid pid;
  int err_fd, wait_status;
  GString *err_text = g_string_new (NULL);
  char buffer[256];
  gssize got;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, NULL, &err_fd, &error);
  g_assert_no_error (error);
  g_assert_true (file_appears (resume));   /* saved at the untrained evaluation */
  /* a second training on the same --out is refused while this one runs */
  {
    const char *again[] = { "train", "--epochs", "3", "--out", out, NULL };
    g_autofree char *again_err = NULL;

    g_assert_cmpint (run_l2l (again, NULL, &again_err), ==, 2);
    g_test_message ("%s", again_err);
    g_assert_nonnull (strstr (again_err, "--out: another l2l is writing"));
  }
  g_usleep (300000);
  kill (pid, SIGINT);
  while ((got = read (err_fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (err_text, buffer, got);
  close (err_fd);
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  g_spawn_close_pid (pid);
  err = g_string_free (err_text, FALSE);
  g_test_message ("%s", err);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 130);
  g_assert_nonnull (strstr (err, "interrupted after epoch"));
  g_assert_nonnull (strstr (err, "--resume"));
  g_assert_cmpint (run_l2l (info_out, NULL, NULL), ==, 0);
  g_assert_cmpint (run_l2l (info_resume, NULL, NULL), ==, 0);
  g_assert_cmpuint (test_util_count_entries (dir), ==, 2);   /* no temporary left */
  test_util_remove_tree (dir);
}

/* The rows of one optimizer in a compare CSV, without its label and times. */
static char *
csv_rows_of (const char *csv,
             const char *label)
{
  g_auto(GStrv) lines = g_strsplit (csv, "\n", -1);
  g_autofree char *prefix = g_strconcat (label, ",", NULL);
  GString *rows = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      {
        *strrchr (lines[i], ',') = '\0';   /* the losses, not the times */
        g_string_append_printf (rows, "%s\n", lines[i] + strlen (prefix));
      }
  return g_string_free (rows, FALSE);
}

/* --threads 3 trains the φ that --threads 1 does, and so does a run resumed
 * with another thread count; compared by the trajectories they give. */
static void
test_train_threads (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  const char *names[] = { "one", "three", "resumed" };
  const char *threads[] = { "1", "3", "2" };
  g_autofree char *csv_path = g_build_filename (dir, "losses.csv", NULL);
  g_autofree char *optimizers = NULL, *csv = NULL, *rows_one = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.safetensors", names[i]);
      g_autofree char *out = g_build_filename (dir, name, NULL);
      const char *args[] = { "train", "--epochs", i == 2 ? "2" : "4", "--batch", "8",
                             "--steps", "20", "--unroll", "5", "--eval-every", "2",
                             "--eval-runs", "5", "--threads", threads[i], "--out", out, NULL };

      g_assert_cmpint (run_l2l (args, NULL, NULL), ==, 0);
      if (i == 2)
        {
          g_autofree char *resume = g_build_filename (dir, "resumed.resume.safetensors", NULL);
          const char *more[] = { "train", "--resume", resume, "--epochs", "4", "--threads", "3",
                                 "--out", out, NULL };
          g_assert_cmpint (run_l2l (more, NULL, NULL), ==, 0);
        }
    }
  optimizers = g_strdup_printf ("lstm:%s/one.safetensors,lstm:%s/three.safetensors,"
                                "lstm:%s/resumed.safetensors", dir, dir, dir);
  {
    const char *args[] = { "compare", "--optimizers", optimizers, "--runs", "5", "--steps",
                           "20", "--csv", csv_path, NULL };
    g_assert_cmpint (run_l2l (args, NULL, NULL), ==, 0);
  }
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  rows_one = csv_rows_of (csv, "lstm:one");
  g_assert_cmpuint (strlen (rows_one), >, 0);
  for (guint i = 1; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *label = g_strconcat ("lstm:", names[i], NULL);
      g_autofree char *rows = csv_rows_of (csv, label);
      g_assert_cmpstr (rows, ==, rows_one);
    }
  test_util_remove_tree (dir);
}

/* Ctrl-C in the middle of an MNIST evaluation (the untrained net's, on 2,000
 * held-out functions, minutes of work) ends the run within a step or so. */
static void
test_train_interrupt_evaluation (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *out = g_build_filename (dir, "m.safetensors", NULL);
  const char *argv[] = { g_getenv ("L2L_CLI"), "train", "--task", "mnist", "--eval-runs",
                         "2000", "--threads", "2", "--out", out, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;
  int wait_status;
  gint64 sent;
  double seconds;

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                 G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  g_usleep (1500000);
  sent = g_get_monotonic_time ();
  kill (pid, SIGINT);
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  seconds = (g_get_monotonic_time () - sent) / 1e6;
  g_spawn_close_pid (pid);
  g_test_message ("exited %.3f s after SIGINT", seconds);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 130);
  g_assert_cmpfloat (seconds, <, 1.0 * TEST_UTIL_TIME_SCALE);
  test_util_remove_tree (dir);
}

/* The manual is made from the same tables as --help: every flag of every
 * subcommand is in it, with its help. */
static void
test_man_page (void)
{
  const char *names[] = { "compare", "tune", "train", "art", NULL };
  g_autofree char *man = NULL;

  g_assert_true (g_file_get_contents (g_getenv ("L2L_MAN"), &man, NULL, NULL));
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *args[] = { names[i], "--help", NULL };
      g_autofree char *help = NULL;
      g_auto(GStrv) lines = NULL;

      g_assert_cmpint (run_l2l (args, &help, NULL), ==, 0);
      lines = g_strsplit (help, "\n", -1);
      for (guint k = 0; lines[k] != NULL; k++)
        {
          const char *flag = g_strstrip (lines[k]);
          g_autofree char *name = NULL, *roff = NULL;
          g_auto(GStrv) words = NULL;

          if (!g_str_has_prefix (flag, "--") || g_str_has_prefix (flag, "--help"))
            continue;
          name = g_strndup (flag, strcspn (flag, "= "));
          words = g_strsplit (name, "-", -1);
          roff = g_strjoinv ("\\-", words);
          g_test_message ("%s %s", names[i], name);
          g_assert_nonnull (strstr (man, roff));
        }
    }
}

/* A missing CIFAR-10 folder: the whole line names the flag, the problem and
 * where to get CIFAR-10, and no other data set (once it said to install
 * Fashion-MNIST's package). */
static void
test_cifar_missing_message (void)
{
  const char *args[] = { "compare", "--task", "cnn:dataset=cifar10", NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (run_l2l (args, NULL, &err), ==, 2);
  g_assert_cmpstr (err, ==,
                   "l2l compare: --data: cifar10: no copy given: CIFAR-10 cannot ship with the "
                   "program (get its binary version, cifar-10-binary.tar.gz, from its authors' "
                   "page (Alex Krizhevsky's \"The CIFAR-10 dataset\"), unpack it and name its "
                   "folder, cifar-10-batches-bin)\n");
}

/* Until @pid catches SIGINT (its SigCgt mask in /proc): a start-up slowed by
 * a busy machine must not turn the interrupt into a kill. */
static void
wait_for_interrupt_handler (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);

  for (guint tries = 0; tries < 10000; tries++)
    {
      g_autofree char *status = NULL;
      const char *caught;

      if (g_file_get_contents (path, &status, NULL, NULL) &&
          (caught = strstr (status, "SigCgt:")) != NULL &&
          g_ascii_strtoull (caught + strlen ("SigCgt:"), NULL, 16) & (1u << (SIGINT - 1)))
        return;
      g_usleep (1000);
    }
  g_assert_not_reached ();
}

/* Ctrl-C while the task is still being made (MNIST loading) is not lost: the
 * run stops as soon as it starts, exits 130 and writes nothing. */
static void
test_interrupt_before_job (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *csv = g_build_filename (dir, "l.csv", NULL);
  const char *argv[] = { g_getenv ("L2L_CLI"), "compare", "--task", "mnist", "--runs", "1000",
                         "--csv", csv, NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;
  int wait_status;

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                 G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  wait_for_interrupt_handler (pid);
  kill (pid, SIGINT);
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 130);
  g_assert_cmpuint (test_util_count_entries (dir), ==, 0);
  test_util_remove_tree (dir);
}

/* `l2l train --task mnist` with no settings trains with the defaults that
 * `l2l train --help` prints for mnist (the engine's, which the GUI uses too). */
static void
test_train_family_defaults (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *out = g_build_filename (dir, "m.safetensors", NULL);
  const char *help[] = { "train", "--help", NULL };
  const char *train[] = { "train", "--task", "mnist", "--epochs", "0", "--out", out, NULL };
  const char *info[] = { "info", out, NULL };
  g_autofree char *help_text = NULL, *info_text = NULL;
  g_auto(GStrv) lines = NULL;
  const char *mnist_line = NULL;
  const struct { const char *flag, *key; } settings[] = {
    { "--batch ", "batch " }, { "--eval-every ", "eval_every " },
    { "--eval-runs ", "eval_runs " }, { "--meta-lr ", "meta_lr " },
    { "--preprocess ", "preprocess " }, { "--output-scale ", "output_scale " },
  };

  g_assert_cmpint (run_l2l (help, &help_text, NULL), ==, 0);
  lines = g_strsplit (help_text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (g_strchug (lines[i]), "mnist "))
      mnist_line = lines[i];
  g_assert_nonnull (mnist_line);
  g_assert_nonnull (strstr (mnist_line, "--epochs 400"));
  g_assert_cmpint (run_l2l (train, NULL, NULL), ==, 0);
  g_assert_cmpint (run_l2l (info, &info_text, NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      const char *value = strstr (mnist_line, settings[i].flag) + strlen (settings[i].flag);
      g_autofree char *word = g_strndup (value, strcspn (value, " "));
      g_autofree char *expected = g_strdup_printf ("%s%*s%s", settings[i].key,
                                                   (int) (17 - strlen (settings[i].key)), "",
                                                   word);
      g_test_message ("%s", expected);
      g_assert_nonnull (strstr (info_text, expected));
    }
  test_util_remove_tree (dir);
}

/* The pretrained optimizers by name: listed, described, raced; a file of
 * the same name wins; an unknown name is refused with the known ones. */
static void
test_pretrained (void)
{
  const char *list[] = { "optimizers", NULL };
  const char *info[] = { "info", "lstm:mnist", NULL };
  const char *race[] = { "compare", "--optimizers", "adam,lstm:quadratic", "--runs", "5",
                         "--steps", "10", NULL };
  const char *unknown[] = { "compare", "--optimizers", "lstm:cubic", NULL };
  g_autofree char *list_out = NULL, *info_out = NULL, *race_out = NULL, *err = NULL;

  g_assert_cmpint (run_l2l (list, &list_out, NULL), ==, 0);
  g_assert_nonnull (strstr (list_out, "lstm:quadratic"));
  g_assert_nonnull (strstr (list_out, "lstm:mnist"));
  g_assert_nonnull (strstr (list_out, "lstm:cnn"));
  g_assert_cmpint (run_l2l (info, &info_out, NULL), ==, 0);
  g_assert_nonnull (strstr (info_out, "task             mnist:"));
  g_assert_cmpint (run_l2l (race, &race_out, NULL), ==, 0);
  g_assert_nonnull (strstr (race_out, "lstm:quadratic  learned"));
  g_assert_nonnull (strstr (race_out, "\nLowest mean at step 10: "));
  /* what the learned one cost to train: 1000 epochs of 128 functions */
  g_assert_nonnull (strstr (race_out, " s, 128000 functions\n"));
  g_assert_nonnull (strstr (race_out, "every other at p < 0.01 (paired Wilcoxon; largest p "));
  g_assert_cmpint (run_l2l (unknown, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "lstm:cubic: no such file, and no pretrained lstm optimizer of "
                                 "that name (pretrained: lstm:art, lstm:cnn, schedule:cnn, "
                                 "lstm:landscape, lstm:mnist, lstm:mnist-second-order, schedule:mnist, "
                                 "lstm:quadratic, schedule:quadratic)"));
}

/* Mean absolute difference of two images of one size, and their sizes. */
static double
image_difference (const char *a,
                  const char *b,
                  int        *width,
                  int        *height)
{
  g_autoptr(GdkPixbuf) x = gdk_pixbuf_new_from_file (a, NULL);
  g_autoptr(GdkPixbuf) y = gdk_pixbuf_new_from_file (b, NULL);
  const guint8 *p, *q;
  double total = 0.0;
  int n;

  g_assert_nonnull (x);
  g_assert_nonnull (y);
  *width = gdk_pixbuf_get_width (x);
  *height = gdk_pixbuf_get_height (x);
  if (gdk_pixbuf_get_width (y) != *width || gdk_pixbuf_get_height (y) != *height)
    return -1.0;
  p = gdk_pixbuf_read_pixels (x);
  q = gdk_pixbuf_read_pixels (y);
  n = gdk_pixbuf_get_rowstride (x) * *height;
  g_assert_cmpint (gdk_pixbuf_get_rowstride (y) * *height, ==, n);
  for (int i = 0; i < n; i++)
    total += abs ((int) p[i] - (int) q[i]);
  return total / n / 255.0;
}

/* A short l2l art run: an image and a triple per optimizer, of the right
 * sizes, the styled image not the content; the CSV and the plot too. */
static void
test_art (void)
{
  g_autofree char *dir = test_util_make_tmpdir ();
  g_autofree char *content = source_path ("tests/data/art-32/content.png");
  g_autofree char *out_dir = g_build_filename (dir, "styled", NULL);
  g_autofree char *csv = g_build_filename (dir, "art.csv", NULL);
  g_autofree char *plot = g_build_filename (dir, "art.svg", NULL);
  g_autofree char *adam = g_build_filename (out_dir, "adam.png", NULL);
  g_autofree char *triple = g_build_filename (out_dir, "adam-triple.png", NULL);
  g_autofree char *sgd = g_build_filename (out_dir, "sgd.png", NULL);
  g_autofree char *learned = g_build_filename (out_dir, "lstm-quadratic.png", NULL);
  g_autofree char *out = NULL, *losses = NULL;
  const char *args[] = { "art", "--content", content, "--size", "32", "--steps", "12",
                         "--optimizers", "adam,sgd,lstm:quadratic", "--out-dir", out_dir,
                         "--csv", csv, "--plot", plot, NULL };
  g_auto(GStrv) lines = NULL;
  int width, height;

  g_assert_cmpint (run_l2l (args, &out, NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "1 run × 12 steps"));
  g_assert_nonnull (strstr (out, "0.1 "));   /* adam's rate suited to images */
  g_assert_cmpfloat (image_difference (adam, content, &width, &height), >, 0.01);
  g_assert_cmpint (width, ==, 32);
  g_assert_cmpint (height, ==, 32);
  g_assert_cmpfloat (image_difference (sgd, content, &width, &height), >, 0.0);
  g_assert_true (g_file_test (learned, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpfloat (image_difference (triple, triple, &width, &height), ==, 0.0);
  g_assert_cmpint (width, ==, 96);
  g_assert_cmpint (height, ==, 32);
  g_assert_true (g_file_get_contents (csv, &losses, NULL, NULL));
  lines = g_strsplit (losses, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 3 * 13 + 1);
  g_assert_true (g_file_test (plot, G_FILE_TEST_IS_REGULAR));
  /* six images and nothing else in the folder */
  g_assert_cmpuint (test_util_count_entries (out_dir), ==, 6);
  test_util_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/bad-input/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad_input);
    }
  g_test_add_func ("/cli/compare/writes-files", test_compare_writes_files);
  g_test_add_func ("/cli/compare/divergence-in-table", test_divergence_in_table);
  g_test_add_func ("/cli/tune", test_tune_subcommand);
  g_test_add_func ("/cli/tune/hyper", test_tune_hyper);
  g_test_add_func ("/cli/compare/tune-hyper", test_compare_tune_hyper);
  g_test_add_func ("/cli/compare/hyper", test_compare_hyper);
  g_test_add_func ("/cli/compare/json-huge-numbers", test_compare_json_huge_numbers);
  g_test_add_func ("/cli/compare/json-non-utf8-name", test_compare_json_non_utf8_name);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/train/info-compare-resume", test_train_info_compare);
  g_test_add_func ("/cli/bad-input/cifar-missing-message", test_cifar_missing_message);
  g_test_add_func ("/cli/man-page", test_man_page);
  g_test_add_func ("/cli/train/interrupt", test_train_interrupt);
  g_test_add_func ("/cli/train/interrupt-evaluation", test_train_interrupt_evaluation);
  g_test_add_func ("/cli/interrupt-before-job", test_interrupt_before_job);
  g_test_add_func ("/cli/train/family-defaults", test_train_family_defaults);
  g_test_add_func ("/cli/pretrained", test_pretrained);
  g_test_add_func ("/cli/train/threads", test_train_threads);
  g_test_add_func ("/cli/mnist", test_mnist_tasks);
  g_test_add_func ("/cli/landscape", test_landscape_task);
  g_test_add_func ("/cli/paths", test_paths);
  g_test_add_func ("/cli/probe", test_probe);
  g_test_add_func ("/cli/train/per-group", test_per_group);
  g_test_add_func ("/cli/train/successors", test_successors);
  g_test_add_func ("/cli/art", test_art);
  return g_test_run ();
}
