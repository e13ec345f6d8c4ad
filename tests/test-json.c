/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/json/numbers", test_numbers);
  return g_test_run ();
}
