/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "l2l-engine.h"
#include "l2l-json.h"

/* Every double the engine writes to JSON reads back as the same double:
 * the huge ones that json-glib alone writes as 1e+20.0 (not JSON), the
 * smallest subnormals, negative zero and the ordinary ones; and a string
 * that only looks like such a number is left as it is. */
static void
test_numbers (void)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonArray *array;
  gsize length;

  for (int e = 17; e <= 308; e++)
    {
      const double one = pow (10.0, e), five = 5.0 * pow (10.0, e - 1);

      g_array_append_val (values, one);
      g_array_append_val (values, five);
    }
  {
    const double others[] = { 5e-324, 1e-310, 2.2250738585072014e-308, -0.0, 0.0, 1.0, -1e20,
                              0.1, 123.456, 1e-7, G_MAXDOUBLE, -G_MAXDOUBLE };
    g_array_append_vals (values, others, G_N_ELEMENTS (others));
  }
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "1e+20.0 \"2e+5.0\"");
  for (guint i = 0; i < values->len; i++)
    json_builder_add_double_value (builder, g_array_index (values, double, i));
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);

  for (guint pretty = 0; pretty < 2; pretty++)
    {
      g_clear_pointer (&text, g_free);
      text = l2l_json_to_data (root, pretty, &length);
      g_assert_cmpuint (length, ==, strlen (text));
      g_assert_null (strstr (text, "e+20.0,"));
      g_assert_true (json_parser_load_from_data (parser, text, (gssize) length, &error));
      g_assert_no_error (error);
      array = json_node_get_array (json_parser_get_root (parser));
      g_assert_cmpuint (json_array_get_length (array), ==, values->len + 1);
      g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "1e+20.0 \"2e+5.0\"");
      for (guint i = 0; i < values->len; i++)
        {
          const double want = g_array_index (values, double, i);
          const double got = json_node_get_double (json_array_get_element (array, i + 1));

          g_assert_cmpfloat (got, ==, want);
          g_assert_cmpint (signbit (got), ==, signbit (want));
        }
    }
}

/* A string that is not UTF-8 (a file's name may hold any bytes) comes out
 * as valid JSON with U+FFFD in their place; so does a safetensors header's
 * metadata, which is written the same way. */
static void
test_not_utf8 (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *dir = g_dir_make_tmp ("l2l-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.safetensors", NULL);
  g_autoptr(L2lSafetensorsWriter) writer = l2l_safetensors_writer_new ();
  g_autoptr(L2lSafetensors) file = NULL;
  const float value = 1.0f;
  const guint64 dims[1] = { 1 };
  gsize length;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "task");
  json_builder_add_string_value (builder, "file:/tmp/p-\xff.json");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = l2l_json_to_data (root, FALSE, &length);
  g_assert_true (g_utf8_validate (text, (gssize) length, NULL));
  g_assert_true (json_parser_load_from_data (parser, text, (gssize) length, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "task"), ==, "file:/tmp/p-\xef\xbf\xbd.json");

  l2l_safetensors_writer_add_metadata (writer, "task", "file:/tmp/p-\xff.json");
  l2l_safetensors_writer_add_tensor (writer, "x", &value, 1, dims);
  g_assert_true (l2l_safetensors_writer_write (writer, path, &error));
  file = l2l_safetensors_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (l2l_safetensors_get_metadata (file, "task"), ==, "file:/tmp/p-\xef\xbf\xbd.json");
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/json/numbers", test_numbers);
  g_test_add_func ("/engine/json/not-utf8", test_not_utf8);
  return g_test_run ();
}
