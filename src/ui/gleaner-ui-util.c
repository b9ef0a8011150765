/* gleaner-ui-util.c: small pure helpers of the window (display text, copy text, export names)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <glib/gi18n.h>

#include "gleaner-result.h"
#include "gleaner-ui-util.h"

/* 12,345 with the locale's digit grouping. */
char *
gleaner_ui_format_count (guint64 n)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

char *
gleaner_ui_format_elapsed (double seconds)
{
  if (seconds < 10.0)
    /* Translators: the time one page took, in seconds */
    return g_strdup_printf (_("%.2f s"), seconds);
  /* Translators: the time one page took, in seconds */
  return g_strdup_printf (_("%.1f s"), seconds);
}

/* How long a run took: "3.2 s", "4 min 5 s", "1 h 2 min". */
char *
gleaner_ui_format_duration (double seconds)
{
  guint s;

  if (seconds < 60.0)
    return gleaner_ui_format_elapsed (MAX (seconds, 0.0));

  s = (guint)(seconds + 0.5);
  if (s < 3600)
    /* Translators: minutes and seconds, e.g. "4 min 5 s" */
    return g_strdup_printf (_("%u min %u s"), s / 60, s % 60);

  /* Translators: hours and minutes, e.g. "1 h 2 min" */
  return g_strdup_printf (_("%u h %u min"), s / 3600, (s % 3600) / 60);
}

char *
gleaner_ui_format_time_left (double seconds)
{
  guint s;

  if (seconds < 0.0 || seconds > 100.0 * 3600.0)
    return g_strdup ("");

  s = (guint)(seconds + 0.5);
  if (s < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %u second left",
                                         "About %u seconds left", s), s);
  if (s < 3600)
    {
      guint m = (s + 30) / 60;

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "About %u minute left",
                                           "About %u minutes left", m), m);
    }
  else
    {
      guint h = s / 3600;
      guint m = (s % 3600) / 60;

      /* Translators: hours and minutes left, e.g. "About 2 h 5 min left" */
      return g_strdup_printf (_("About %u h %u min left"), h, m);
    }
}

static const char *
non_null (const char *s)
{
  return s != NULL ? s : "";
}

/**
 * gleaner_ui_rows_to_text:
 * @results: (element-type GleanerResult): rows in view order
 *
 * Returns: (transfer full): the text Copy puts on the clipboard
 */
char *
gleaner_ui_rows_to_text (GPtrArray       *results,
                         GleanerCopyKind  kind)
{
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GleanerWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  GString *text;

  g_return_val_if_fail (results != NULL, NULL);

  switch (kind)
    {
    case GLEANER_COPY_TITLES_AND_URLS:
    case GLEANER_COPY_URLS:
      text = g_string_new (NULL);
      for (guint i = 0; i < results->len; i++)
        {
          GleanerResult *result = g_ptr_array_index (results, i);

          if (kind == GLEANER_COPY_TITLES_AND_URLS)
            {
              g_string_append (text, non_null (gleaner_result_get_title (result)));
              g_string_append_c (text, '\t');
            }
          g_string_append (text, non_null (gleaner_result_get_final_url (result)));
          g_string_append_c (text, '\n');
        }
      return g_string_free (text, FALSE);

    case GLEANER_COPY_MARKDOWN:
      /* Markdown escaping is the engine's business: reuse its writer. */
      stream = g_memory_output_stream_new_resizable ();
      writer = gleaner_writer_new (GLEANER_FORMAT_MARKDOWN, GLEANER_FIELD_TITLE, stream);
      for (guint i = 0; i < results->len && error == NULL; i++)
        gleaner_writer_write (writer, g_ptr_array_index (results, i), NULL, &error);
      if (error == NULL)
        gleaner_writer_finish (writer, NULL, &error);
      if (error != NULL)
        {
          g_warning ("Cannot format rows as Markdown: %s", error->message);
          return g_strdup ("");
        }
      /* Terminate before stealing: the stream's data is not NUL-terminated. */
      if (!g_output_stream_write_all (stream, "", 1, NULL, NULL, NULL) ||
          !g_output_stream_close (stream, NULL, NULL))
        return g_strdup ("");
      return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (stream));

    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * gleaner_ui_format_for_name:
 * @basename: a file name
 * @format: (out): the export format its extension names
 *
 * Returns: whether the extension of @basename is one of the export formats'
 */
gboolean
gleaner_ui_format_for_name (const char    *basename,
                            GleanerFormat *format)
{
  const char *dot;

  g_return_val_if_fail (basename != NULL, FALSE);

  dot = strrchr (basename, '.');
  if (dot == NULL || dot == basename || dot[1] == '\0')
    return FALSE;

  for (guint i = 0; i < GLEANER_N_FORMATS; i++)
    {
      if (g_ascii_strcasecmp (dot + 1, gleaner_format_get_extension (i)) == 0)
        {
          *format = i;
          return TRUE;
        }
    }
  if (g_ascii_strcasecmp (dot + 1, "htm") == 0)
    {
      *format = GLEANER_FORMAT_HTML;
      return TRUE;
    }

  return FALSE;
}

/**
 * gleaner_ui_resolve_export_file:
 * @chosen: the file picked in the save dialog
 * @chosen_format: the format picked in the dialog
 * @format: (out): the format to write
 *
 * The extension follows the format: a name without a format's extension gets
 * the chosen format's; a name the user typed with a format's extension
 * ("links.csv") is taken at its word.
 *
 * Returns: (transfer full): the file to write
 */
GFile *
gleaner_ui_resolve_export_file (GFile         *chosen,
                                GleanerFormat  chosen_format,
                                GleanerFormat *format)
{
  g_autofree char *basename = NULL;
  g_autofree char *with_extension = NULL;
  g_autoptr(GFile) parent = NULL;

  g_return_val_if_fail (G_IS_FILE (chosen), NULL);
  g_return_val_if_fail (format != NULL, NULL);

  basename = g_file_get_basename (chosen);
  if (basename != NULL && gleaner_ui_format_for_name (basename, format))
    return g_object_ref (chosen);

  *format = chosen_format;
  parent = g_file_get_parent (chosen);
  if (basename == NULL || parent == NULL)
    return g_object_ref (chosen);

  with_extension = g_strconcat (basename, ".", gleaner_format_get_extension (chosen_format), NULL);
  return g_file_get_child (parent, with_extension);
}

/**
 * gleaner_ui_export_folder_to_offer:
 * @written: a file an export just wrote
 *
 * The folder the next save dialog should open in: @written's, so repeated
 * exports land side by side. Not inside the document portal's folder (a
 * sandboxed app's view of a file the user picked; there the portal's own
 * file chooser remembers where the user was).
 *
 * Returns: (transfer full) (nullable): the folder, or %NULL to leave it to
 *   the dialog
 */
GFile *
gleaner_ui_export_folder_to_offer (GFile *written)
{
  g_autoptr(GFile) portal = NULL;
  g_autoptr(GFile) parent = NULL;

  g_return_val_if_fail (G_IS_FILE (written), NULL);

  parent = g_file_get_parent (written);
  if (parent == NULL || !g_file_is_native (parent))
    return NULL;

  portal = g_file_new_build_filename (g_get_user_runtime_dir (), "doc", NULL);
  if (g_file_equal (parent, portal) || g_file_has_prefix (parent, portal))
    return NULL;

  return g_steal_pointer (&parent);
}

gboolean
gleaner_ui_settings_has_key (GSettings  *settings,
                             const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  if (settings == NULL)
    return FALSE;

  g_object_get (settings, "settings-schema", &schema, NULL);
  return schema != NULL && g_settings_schema_has_key (schema, key);
}

double
gleaner_ui_settings_get_number (GSettings  *settings,
                                const char *key,
                                double      fallback)
{
  g_autoptr(GVariant) value = NULL;

  if (!gleaner_ui_settings_has_key (settings, key))
    return fallback;

  value = g_settings_get_value (settings, key);
  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BYTE:    return g_variant_get_byte (value);
    case G_VARIANT_CLASS_INT16:   return g_variant_get_int16 (value);
    case G_VARIANT_CLASS_UINT16:  return g_variant_get_uint16 (value);
    case G_VARIANT_CLASS_INT32:   return g_variant_get_int32 (value);
    case G_VARIANT_CLASS_UINT32:  return g_variant_get_uint32 (value);
    case G_VARIANT_CLASS_INT64:   return (double)g_variant_get_int64 (value);
    case G_VARIANT_CLASS_UINT64:  return (double)g_variant_get_uint64 (value);
    case G_VARIANT_CLASS_DOUBLE:  return g_variant_get_double (value);
    case G_VARIANT_CLASS_BOOLEAN:
    case G_VARIANT_CLASS_STRING:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
    case G_VARIANT_CLASS_VARIANT:
    case G_VARIANT_CLASS_MAYBE:
    case G_VARIANT_CLASS_ARRAY:
    case G_VARIANT_CLASS_TUPLE:
    case G_VARIANT_CLASS_DICT_ENTRY:
    case G_VARIANT_CLASS_HANDLE:
    default:
      g_warning ("Setting %s is not a number", key);
      return fallback;
    }
}

void
gleaner_ui_settings_set_number (GSettings  *settings,
                                const char *key,
                                double      value)
{
  g_autoptr(GVariant) current = NULL;
  GVariant *next = NULL;

  if (!gleaner_ui_settings_has_key (settings, key))
    return;

  current = g_settings_get_value (settings, key);
  switch (g_variant_classify (current))
    {
    case G_VARIANT_CLASS_BYTE:    next = g_variant_new_byte ((guchar)CLAMP (value, 0, G_MAXUINT8)); break;
    case G_VARIANT_CLASS_INT16:   next = g_variant_new_int16 ((gint16)CLAMP (value, G_MININT16, G_MAXINT16)); break;
    case G_VARIANT_CLASS_UINT16:  next = g_variant_new_uint16 ((guint16)CLAMP (value, 0, G_MAXUINT16)); break;
    case G_VARIANT_CLASS_INT32:   next = g_variant_new_int32 ((gint32)CLAMP (value, G_MININT32, G_MAXINT32)); break;
    case G_VARIANT_CLASS_UINT32:  next = g_variant_new_uint32 ((guint32)CLAMP (value, 0, G_MAXUINT32)); break;
    case G_VARIANT_CLASS_INT64:   next = g_variant_new_int64 ((gint64)value); break;
    case G_VARIANT_CLASS_UINT64:  next = g_variant_new_uint64 ((guint64)MAX (value, 0)); break;
    case G_VARIANT_CLASS_DOUBLE:  next = g_variant_new_double (value); break;
    case G_VARIANT_CLASS_BOOLEAN:
    case G_VARIANT_CLASS_STRING:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
    case G_VARIANT_CLASS_VARIANT:
    case G_VARIANT_CLASS_MAYBE:
    case G_VARIANT_CLASS_ARRAY:
    case G_VARIANT_CLASS_TUPLE:
    case G_VARIANT_CLASS_DICT_ENTRY:
    case G_VARIANT_CLASS_HANDLE:
    default:
      g_warning ("Setting %s is not a number", key);
      return;
    }

  g_variant_ref_sink (next);
  {
    g_autoptr(GSettingsSchema) schema = NULL;
    g_autoptr(GSettingsSchemaKey) schema_key = NULL;

    g_object_get (settings, "settings-schema", &schema, NULL);
    schema_key = g_settings_schema_get_key (schema, key);
    /* Out of the schema's range: keep what is there. */
    if (g_settings_schema_key_range_check (schema_key, next))
      g_settings_set_value (settings, key, next);
    else
      g_debug ("Setting %s: %g is out of range", key, value);
  }
  g_variant_unref (next);
}

/* The title a new session gets in History: the first few hosts of its links.
 * Hosts only, no words, so it reads the same in every language. */
#define TITLE_HOSTS      3
#define TITLE_SCAN_URLS  1000

char *
gleaner_ui_session_title (const char * const *urls,
                          gsize               n_urls)
{
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func (g_free);
  gboolean more = FALSE;
  GString *title = g_string_new (NULL);

  for (gsize i = 0; i < MIN (n_urls, TITLE_SCAN_URLS); i++)
    {
      g_autoptr(GUri) uri = g_uri_parse (urls[i], G_URI_FLAGS_NONE, NULL);
      const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;
      gboolean seen = FALSE;

      if (host == NULL || host[0] == '\0')
        host = urls[i];
      for (guint j = 0; j < hosts->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (hosts, j), host);
      if (seen)
        continue;
      if (hosts->len == TITLE_HOSTS)
        {
          more = TRUE;
          break;
        }
      g_ptr_array_add (hosts, g_strdup (host));
    }

  for (guint j = 0; j < hosts->len; j++)
    {
      if (j > 0)
        g_string_append (title, ", ");
      g_string_append (title, g_ptr_array_index (hosts, j));
    }
  if (more)
    g_string_append (title, ", …");

  return g_string_free (title, FALSE);
}

/* When a session was made, for History: "12 March 2026, 14:03" in the user's words. */
char *
gleaner_ui_format_date (gint64 time_us)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (time_us / G_USEC_PER_SEC);

  if (when == NULL)
    return g_strdup ("");

  /* Translators: the date and time a session began, in History;
   * see the format codes of g_date_time_format() */
  return g_date_time_format (when, _("%-d %B %Y, %H:%M"));
}

/**
 * gleaner_ui_thread_cpu_time_us:
 *
 * The calling thread's CPU time, in microseconds: what a slice of main-loop
 * work cost us, whatever else the machine was doing meanwhile (the window
 * paces its work by it). The monotonic clock where there is no such clock.
 */
gint64
gleaner_ui_thread_cpu_time_us (void)
{
#ifdef CLOCK_THREAD_CPUTIME_ID
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
    return (gint64)ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
#endif
  return g_get_monotonic_time ();
}

/**
 * gleaner_ui_release_free_memory:
 *
 * Hands the memory malloc holds free back to the system. The rows of a run
 * are made on the fetch and parser threads, each with its malloc arena, in
 * between the short-lived buffers of every request; those buffers, freed,
 * stay in the arenas around the rows (some 50 MB at 100,000 rows) unless
 * trimmed. Main thread; takes a few milliseconds. Does nothing without glibc.
 */
void
gleaner_ui_release_free_memory (void)
{
#ifdef __GLIBC__
  malloc_trim (0);
#endif
}
