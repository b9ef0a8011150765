/* test-exporter.c: the export writers (escaping of hostile text) and atomic file export
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* unshare (), for a private mount namespace */
#define _GNU_SOURCE 1

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "gleaner-error.h"
#include "gleaner-exporter.h"
#include "gleaner-result-private.h"
#include "gleaner-test-utils.h"
#include "gleaner-title-parser.h"

/* Root in a private mount namespace: the disk-full and read-only tests mount
 * tmpfs and read-only binds that vanish with the process. */
static gboolean have_private_mounts;
static mode_t   test_umask;

/* A stream that records the size of every write and can fail on demand. */
#define TEST_TYPE_COUNTING_STREAM (test_counting_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestCountingStream, test_counting_stream, TEST, COUNTING_STREAM, GOutputStream)

struct _TestCountingStream
{
  GOutputStream  parent_instance;
  GArray        *writes;      /* gsize */
  gsize          total;
  gboolean       broken;      /* fail every write with G_IO_ERROR_BROKEN_PIPE */
};

G_DEFINE_FINAL_TYPE (TestCountingStream, test_counting_stream, G_TYPE_OUTPUT_STREAM)

static gssize
test_counting_stream_write (GOutputStream  *stream,
                            const void     *buffer,
                            gsize           count,
                            GCancellable   *cancellable,
                            GError        **error)
{
  TestCountingStream *self = TEST_COUNTING_STREAM (stream);

  if (self->broken)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "Broken pipe");
      return -1;
    }

  g_array_append_val (self->writes, count);
  self->total += count;
  return count;
}

static void
test_counting_stream_finalize (GObject *object)
{
  TestCountingStream *self = TEST_COUNTING_STREAM (object);

  g_array_unref (self->writes);

  G_OBJECT_CLASS (test_counting_stream_parent_class)->finalize (object);
}

static void
test_counting_stream_class_init (TestCountingStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_counting_stream_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = test_counting_stream_write;
}

static void
test_counting_stream_init (TestCountingStream *self)
{
  self->writes = g_array_new (FALSE, FALSE, sizeof (gsize));
}

/* Rows ------------------------------------------------------------------- */

static GleanerResult *
make_result (guint64     id,
             const char *url,
             const char *title)
{
  GleanerResult *result = gleaner_result_new_for_url (id, url);

  if (title != NULL)
    {
      GleanerPageFacts *facts = gleaner_page_facts_new ();

      facts->has_title = TRUE;
      facts->title = g_strdup (title);
      facts->encoding = g_strdup ("UTF-8");
      facts->encoding_source = GLEANER_ENCODING_SOURCE_HEADER;
      _gleaner_result_take_facts (result, facts);
      _gleaner_result_set_status (result, 200, "OK");
    }

  return result;
}

/* Two rows every format is checked against, byte for byte. */
static GPtrArray *
make_example_rows (void)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  GleanerResult *result;
  GleanerPageFacts *facts;

  result = gleaner_result_new_for_url (1, "https://example.com/");
  _gleaner_result_set_final_url (result, "https://www.example.com/", 1);
  _gleaner_result_set_status (result, 200, "OK");
  _gleaner_result_set_content_type (result, "text/html; charset=UTF-8");
  _gleaner_result_set_body (result, 1256, FALSE);
  _gleaner_result_set_elapsed (result, 0.1234);
  facts = gleaner_page_facts_new ();
  facts->has_title = TRUE;
  facts->title = g_strdup ("Example Domain");
  facts->description = g_strdup ("An \"example\", page");
  facts->lang = g_strdup ("en");
  facts->h1 = g_strdup ("not asked for");
  facts->encoding = g_strdup ("UTF-8");
  facts->encoding_source = GLEANER_ENCODING_SOURCE_HEADER;
  _gleaner_result_take_facts (result, facts);
  g_ptr_array_add (rows, result);

  result = gleaner_result_new_for_url (2, "https://bad.example/");
  _gleaner_result_set_elapsed (result, 0.5);
  _gleaner_result_set_error (result, GLEANER_ERROR_DNS, "Could not resolve host");
  g_ptr_array_add (rows, result);

  return rows;
}

static char *
write_to_string (GleanerFormat  format,
                 GleanerFields  fields,
                 GPtrArray     *rows)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GleanerWriter) writer = gleaner_writer_new (format, fields, stream);
  g_autoptr(GError) error = NULL;
  gsize len;
  char *data;

  for (guint i = 0; i < rows->len; i++)
    {
      gleaner_writer_write (writer, g_ptr_array_index (rows, i), NULL, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (gleaner_writer_get_n_rows (writer), ==, rows->len);
  gleaner_writer_finish (writer, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);

  len = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream));
  data = g_malloc (len + 1);
  if (len > 0)
    memcpy (data, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream)), len);
  data[len] = '\0';

  /* Whatever the rows hold, the output is text. */
  g_assert_null (memchr (data, '\0', len));
  g_assert_true (g_utf8_validate (data, len, NULL));

  return data;
}

/* Parsers for checking the output ---------------------------------------- */

/* RFC 4180, strictly: CRLF after every record, quotes only around a whole field,
 * nothing after a closing quote but a comma or the line end. */
static GPtrArray *
parse_csv (const char *data)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  const char *p = data;

  while (*p != '\0')
    {
      GPtrArray *fields = g_ptr_array_new ();

      for (;;)
        {
          GString *field = g_string_new (NULL);

          if (*p == '"')
            {
              for (p++;; p++)
                {
                  g_assert_true (*p != '\0');
                  if (*p == '"')
                    {
                      if (p[1] != '"')
                        break;
                      p++;
                    }
                  g_string_append_c (field, *p);
                }
              p++;
            }
          else
            {
              for (; *p != ',' && *p != '\r' && *p != '\0'; p++)
                {
                  g_assert_cmpint (*p, !=, '"');
                  g_assert_cmpint (*p, !=, '\n');
                  g_string_append_c (field, *p);
                }
            }
          g_ptr_array_add (fields, g_string_free (field, FALSE));

          if (*p == ',')
            {
              p++;
              continue;
            }
          g_assert_cmpint (p[0], ==, '\r');
          g_assert_cmpint (p[1], ==, '\n');
          p += 2;
          break;
        }

      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (records, g_ptr_array_free (fields, FALSE));
    }

  return records;
}

/* LF-terminated lines, TAB-separated cells, backslash escapes \t \n \r \\ only. */
static GPtrArray *
parse_tsv (const char *data)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
  g_auto(GStrv) lines = NULL;

  g_assert_null (strchr (data, '\r'));
  if (*data == '\0')
    return records;
  g_assert_true (g_str_has_suffix (data, "\n"));

  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i + 1] != NULL; i++)
    {
      char **cells = g_strsplit (lines[i], "\t", -1);

      for (guint j = 0; cells[j] != NULL; j++)
        {
          GString *cell = g_string_new (NULL);

          for (const char *p = cells[j]; *p != '\0'; p++)
            {
              if (*p != '\\')
                {
                  g_string_append_c (cell, *p);
                  continue;
                }
              switch (*++p)
                {
                case 't':  g_string_append_c (cell, '\t'); break;
                case 'n':  g_string_append_c (cell, '\n'); break;
                case 'r':  g_string_append_c (cell, '\r'); break;
                case '\\': g_string_append_c (cell, '\\'); break;
                default:   g_assert_not_reached ();
                }
            }
          g_free (cells[j]);
          cells[j] = g_string_free (cell, FALSE);
        }
      g_ptr_array_add (records, cells);
    }

  return records;
}

/* Reads "- [text](destination)" as CommonMark would: backslash escapes in the
 * text, no unescaped bracket inside it, and a destination that nothing in it
 * can end early. */
static void
parse_markdown_link (const char  *line,
                     char       **text,
                     char       **destination)
{
  GString *out = g_string_new (NULL);
  const char *p;

  g_assert_true (g_str_has_prefix (line, "- ["));
  for (p = line + 3; *p != ']'; p++)
    {
      g_assert_true (*p != '\0' && *p != '[' && *p != '\n');
      if (*p == '\\')
        {
          p++;
          g_assert_nonnull (strchr ("\\`*_[]<>&~", *p));
          g_assert_true (*p != '\0');
        }
      g_string_append_c (out, *p);
    }
  *text = g_string_free (out, FALSE);

  g_assert_cmpint (p[1], ==, '(');
  p += 2;
  out = g_string_new (NULL);
  for (; *p != ')'; p++)
    {
      g_assert_true (*p != '\0');
      g_assert_null (strchr ("( <>\\\t\r\n", *p));
      g_string_append_c (out, *p);
    }
  g_assert_cmpstr (p + 1, ==, "");
  *destination = g_string_free (out, FALSE);
}

/* "- [[url][description]]" with no bracket in either part. */
static void
parse_org_link (const char  *line,
                char       **url,
                char       **description)
{
  const char *mid;
  const char *end;

  g_assert_true (g_str_has_prefix (line, "- [["));
  g_assert_true (g_str_has_suffix (line, "]]"));
  mid = strstr (line, "][");
  g_assert_nonnull (mid);
  end = line + strlen (line) - 2;

  *url = g_strndup (line + 4, mid - (line + 4));
  *description = g_strndup (mid + 2, end - (mid + 2));
  g_assert_null (strpbrk (*url, "[] \t\r\n"));
  g_assert_null (strpbrk (*description, "[]\r\n"));
}

static const char * const html_elements[] = {
  "html", "head", "meta", "title", "body", "ul", "li", "a", NULL
};

static void
collect_links (xmlNode   *node,
               GPtrArray *texts,
               GPtrArray *hrefs)
{
  for (; node != NULL; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE)
        continue;

      g_assert_true (g_strv_contains (html_elements, (const char *)node->name));
      if (g_str_equal (node->name, "a"))
        {
          xmlChar *text = xmlNodeGetContent (node);
          xmlChar *href = xmlGetProp (node, (const xmlChar *)"href");

          g_ptr_array_add (texts, g_strdup ((const char *)text));
          g_ptr_array_add (hrefs, g_strdup ((const char *)href));
          xmlFree (text);
          xmlFree (href);
          g_assert_null (node->children == NULL ? NULL : node->children->next);
        }
      collect_links (node->children, texts, hrefs);
    }
}

/* The <a> texts and hrefs (NULL when absent) of an HTML export, read by libxml2;
 * fails on any element an export does not write (a <script>, say). */
static void
parse_html_links (const char  *data,
                  GPtrArray  **texts,
                  GPtrArray  **hrefs)
{
  htmlDocPtr doc;

  g_assert_true (g_str_has_prefix (data, "<!DOCTYPE html>\n"));
  g_assert_nonnull (strstr (data, "<meta charset=\"utf-8\">"));
  g_assert_true (g_str_has_suffix (data, "</html>\n"));

  doc = htmlReadMemory (data, strlen (data), NULL, "UTF-8",
                        HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
  g_assert_nonnull (doc);

  *texts = g_ptr_array_new_with_free_func (g_free);
  *hrefs = g_ptr_array_new_with_free_func (g_free);
  collect_links (xmlDocGetRootElement (doc), *texts, *hrefs);
  xmlFreeDoc (doc);
}

static JsonObject *
json_row (JsonNode *node)
{
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static void
assert_json_member (JsonObject *object,
                    const char *name,
                    const char *expected)
{
  JsonNode *node = json_object_get_member (object, name);

  g_assert_nonnull (node);
  if (expected == NULL)
    g_assert_true (JSON_NODE_HOLDS_NULL (node));
  else
    g_assert_cmpstr (json_node_get_string (node), ==, expected);
}

/* JSON has no raw control characters in strings: only the LFs between rows. */
static void
assert_strict_json_text (const char *data)
{
  for (const guchar *p = (const guchar *)data; *p != '\0'; p++)
    g_assert_true (*p >= 0x20 || *p == '\n');
}

/* Names, labels ------------------------------------------------------------ */

static void
test_formats (void)
{
  static const struct
  {
    const char *name;
    const char *extension;
    const char *mime_type;
  } expected[GLEANER_N_FORMATS] = {
    { "titles", "txt", "text/plain" },
    { "tsv", "tsv", "text/tab-separated-values" },
    { "csv", "csv", "text/csv" },
    { "json", "json", "application/json" },
    { "jsonl", "jsonl", "application/jsonl" },
    { "markdown", "md", "text/markdown" },
    { "html", "html", "text/html" },
    { "org", "org", "text/org" },
  };
  static const char * const all_columns[] = {
    "url", "final_url", "status", "title", "description", "og_title", "og_site_name",
    "canonical", "lang", "h1", "redirects", "content_type", "encoding", "encoding_source",
    "bytes", "elapsed_ms", "error_kind", "error", NULL
  };
  static const char * const title_columns[] = {
    "url", "final_url", "status", "title", "redirects", "content_type", "encoding",
    "encoding_source", "bytes", "elapsed_ms", "error_kind", "error", NULL
  };
  g_auto(GStrv) columns = NULL;
  GleanerFormat format;

  for (guint i = 0; i < GLEANER_N_FORMATS; i++)
    {
      const char *label = gleaner_format_get_label (i);

      g_assert_cmpstr (gleaner_format_to_string (i), ==, expected[i].name);
      g_assert_cmpstr (gleaner_format_get_extension (i), ==, expected[i].extension);
      g_assert_cmpstr (gleaner_format_get_mime_type (i), ==, expected[i].mime_type);
      g_assert_nonnull (label);
      g_assert_cmpstr (label, !=, "");
      g_assert_true (gleaner_format_from_string (expected[i].name, &format));
      g_assert_cmpint (format, ==, i);
    }
  g_assert_cmpstr (gleaner_format_get_label (GLEANER_FORMAT_TSV), ==, "Tab-separated values (TSV)");
  g_assert_false (gleaner_format_from_string ("xml", &format));
  g_assert_false (gleaner_format_from_string ("", &format));

  g_assert_true (gleaner_format_from_filename ("/tmp/links.CSV", &format));
  g_assert_cmpint (format, ==, GLEANER_FORMAT_CSV);
  g_assert_true (gleaner_format_from_filename ("a.b/notes.md", &format));
  g_assert_cmpint (format, ==, GLEANER_FORMAT_MARKDOWN);
  g_assert_true (gleaner_format_from_filename ("dump.ndjson", &format));
  g_assert_cmpint (format, ==, GLEANER_FORMAT_JSONL);
  g_assert_true (gleaner_format_from_filename ("page.htm", &format));
  g_assert_cmpint (format, ==, GLEANER_FORMAT_HTML);
  g_assert_true (gleaner_format_from_filename ("titles.txt", &format));
  g_assert_cmpint (format, ==, GLEANER_FORMAT_TITLES);
  g_assert_false (gleaner_format_from_filename ("a.b/noextension", &format));
  g_assert_false (gleaner_format_from_filename (".csv", &format));
  g_assert_false (gleaner_format_from_filename ("x.pdf", &format));

  columns = gleaner_export_get_columns (GLEANER_FIELDS_ALL);
  g_assert_cmpstrv (columns, all_columns);
  g_clear_pointer (&columns, g_strfreev);
  columns = gleaner_export_get_columns (GLEANER_FIELD_NONE);
  g_assert_cmpstrv (columns, title_columns);
}

static void
test_lifecycle (void)
{
  for (guint i = 0; i < GLEANER_N_FORMATS; i++)
    {
      GOutputStream *stream = g_memory_output_stream_new_resizable ();
      GleanerResult *result = make_result (1, "https://example.org/", "Example");
      GleanerWriter *writer = gleaner_writer_new (i, GLEANER_FIELDS_ALL, stream);
      g_autoptr(GError) error = NULL;

      gleaner_writer_write (writer, result, NULL, &error);
      g_assert_no_error (error);
      gleaner_writer_finish (writer, NULL, &error);
      g_assert_no_error (error);
      g_assert_false (g_output_stream_is_closed (stream));
      gleaner_writer_free (writer);

      g_assert_finalize_object (result);
      g_assert_finalize_object (stream);
    }
}

/* Exact output ------------------------------------------------------------ */

static const char * const example_output[GLEANER_N_FORMATS] = {
  [GLEANER_FORMAT_TITLES] =
    "Example Domain\n"
    "\n",
  [GLEANER_FORMAT_TSV] =
    "url\tfinal_url\tstatus\ttitle\tdescription\tlang\tredirects\tcontent_type\tencoding\t"
    "encoding_source\tbytes\telapsed_ms\terror_kind\terror\n"
    "https://example.com/\thttps://www.example.com/\t200\tExample Domain\tAn \"example\", page\t"
    "en\t1\ttext/html; charset=UTF-8\tUTF-8\theader\t1256\t123\t\t\n"
    "https://bad.example/\thttps://bad.example/\t\t\t\t\t0\t\t\t\t0\t500\tdns\t"
    "Could not resolve host\n",
  [GLEANER_FORMAT_CSV] =
    "url,final_url,status,title,description,lang,redirects,content_type,encoding,"
    "encoding_source,bytes,elapsed_ms,error_kind,error\r\n"
    "https://example.com/,https://www.example.com/,200,Example Domain,\"An \"\"example\"\", page\","
    "en,1,text/html; charset=UTF-8,UTF-8,header,1256,123,,\r\n"
    "https://bad.example/,https://bad.example/,,,,,0,,,,0,500,dns,Could not resolve host\r\n",
  [GLEANER_FORMAT_JSON] =
    "[\n"
    "{\"url\":\"https://example.com/\",\"final_url\":\"https://www.example.com/\",\"status\":200,"
    "\"title\":\"Example Domain\",\"description\":\"An \\\"example\\\", page\",\"lang\":\"en\","
    "\"redirects\":1,\"content_type\":\"text/html; charset=UTF-8\",\"encoding\":\"UTF-8\","
    "\"encoding_source\":\"header\",\"bytes\":1256,\"elapsed_ms\":123,\"error_kind\":null,"
    "\"error\":null},\n"
    "{\"url\":\"https://bad.example/\",\"final_url\":\"https://bad.example/\",\"status\":null,"
    "\"title\":null,\"description\":null,\"lang\":null,\"redirects\":0,\"content_type\":null,"
    "\"encoding\":null,\"encoding_source\":null,\"bytes\":0,\"elapsed_ms\":500,"
    "\"error_kind\":\"dns\",\"error\":\"Could not resolve host\"}\n"
    "]\n",
  [GLEANER_FORMAT_JSONL] =
    "{\"url\":\"https://example.com/\",\"final_url\":\"https://www.example.com/\",\"status\":200,"
    "\"title\":\"Example Domain\",\"description\":\"An \\\"example\\\", page\",\"lang\":\"en\","
    "\"redirects\":1,\"content_type\":\"text/html; charset=UTF-8\",\"encoding\":\"UTF-8\","
    "\"encoding_source\":\"header\",\"bytes\":1256,\"elapsed_ms\":123,\"error_kind\":null,"
    "\"error\":null}\n"
    "{\"url\":\"https://bad.example/\",\"final_url\":\"https://bad.example/\",\"status\":null,"
    "\"title\":null,\"description\":null,\"lang\":null,\"redirects\":0,\"content_type\":null,"
    "\"encoding\":null,\"encoding_source\":null,\"bytes\":0,\"elapsed_ms\":500,"
    "\"error_kind\":\"dns\",\"error\":\"Could not resolve host\"}\n",
  [GLEANER_FORMAT_MARKDOWN] =
    "- [Example Domain](https://example.com/)\n"
    "- [https://bad.example/](https://bad.example/)\n",
  [GLEANER_FORMAT_HTML] =
    "<!DOCTYPE html>\n"
    "<html>\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<title>Links</title>\n"
    "</head>\n"
    "<body>\n"
    "<ul>\n"
    "<li><a href=\"https://example.com/\">Example Domain</a></li>\n"
    "<li><a href=\"https://bad.example/\">https://bad.example/</a></li>\n"
    "</ul>\n"
    "</body>\n"
    "</html>\n",
  [GLEANER_FORMAT_ORG] =
    "- [[https://example.com/][Example Domain]]\n"
    "- [[https://bad.example/][https://bad.example/]]\n",
};

static const char * const empty_output[GLEANER_N_FORMATS] = {
  [GLEANER_FORMAT_TITLES] = "",
  [GLEANER_FORMAT_TSV] =
    "url\tfinal_url\tstatus\ttitle\tredirects\tcontent_type\tencoding\tencoding_source\t"
    "bytes\telapsed_ms\terror_kind\terror\n",
  [GLEANER_FORMAT_CSV] =
    "url,final_url,status,title,redirects,content_type,encoding,encoding_source,"
    "bytes,elapsed_ms,error_kind,error\r\n",
  [GLEANER_FORMAT_JSON] = "[\n]\n",
  [GLEANER_FORMAT_JSONL] = "",
  [GLEANER_FORMAT_MARKDOWN] = "",
  [GLEANER_FORMAT_HTML] =
    "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Links</title>\n"
    "</head>\n<body>\n<ul>\n</ul>\n</body>\n</html>\n",
  [GLEANER_FORMAT_ORG] = "",
};

static void
test_exact (gconstpointer data)
{
  GleanerFormat format = GPOINTER_TO_UINT (data);
  g_autoptr(GPtrArray) rows = make_example_rows ();
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autofree char *output = NULL;
  g_autofree char *empty = NULL;

  output = write_to_string (format, GLEANER_FIELD_DESCRIPTION | GLEANER_FIELD_LANG, rows);
  g_assert_cmpstr (output, ==, example_output[format]);

  empty = write_to_string (format, GLEANER_FIELD_NONE, none);
  g_assert_cmpstr (empty, ==, empty_output[format]);
}

/* Hostile text ------------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *title;    /* as the page gave it; may be invalid UTF-8 */
  const char *plain;    /* what one-line formats show (titles, markdown, html, org) */
  const char *kept;     /* what tsv and csv cells hold (TAB, LF, CR survive) */
  const char *json;     /* what JSON gives back; NULL: the title itself */
  gboolean    formula;  /* csv writes a leading ' */
} Hostile;

#define BAD "\xef\xbf\xbd"        /* U+FFFD */
#define RLO "\xe2\x80\xae"
#define RLE "\xe2\x80\xab"
#define PDF "\xe2\x80\xac"
#define RLI "\xe2\x81\xa7"
#define PDI "\xe2\x81\xa9"
#define RLM "\xe2\x80\x8f"

static const Hostile hostile[] = {
  { "quotes", "Say \"hi\", it's 'fine'", "Say \"hi\", it's 'fine'", "Say \"hi\", it's 'fine'", NULL, FALSE },
  { "tab", "a\tb", "a b", "a\tb", NULL, FALSE },
  { "newlines", "one\ntwo\r\nthree\rfour", "one two  three four", "one\ntwo\r\nthree\rfour", NULL, FALSE },
  { "script", "<script>alert(1)</script>", "<script>alert(1)</script>", "<script>alert(1)</script>", NULL, FALSE },
  { "markdown-breakout", "](javascript:alert(1))", "](javascript:alert(1))", "](javascript:alert(1))", NULL, FALSE },
  { "org-breakout", "[[x]] ]][[elisp:(kill-emacs)]]", "[[x]] ]][[elisp:(kill-emacs)]]",
    "[[x]] ]][[elisp:(kill-emacs)]]", NULL, FALSE },
  { "formula-equals", "=1+1", "=1+1", "=1+1", NULL, TRUE },
  { "formula-plus", "+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", NULL, TRUE },
  { "formula-minus", "-2", "-2", "-2", NULL, TRUE },
  { "formula-at", "@SUM(1+1)", "@SUM(1+1)", "@SUM(1+1)", NULL, TRUE },
  { "formula-tab", "\t=1+1", " =1+1", "\t=1+1", NULL, TRUE },
  { "formula-cr", "\r=1+1", " =1+1", "\r=1+1", NULL, TRUE },
  { "formula-fullwidth", "\xef\xbc\x9d" "1+1", "\xef\xbc\x9d" "1+1", "\xef\xbc\x9d" "1+1", NULL, TRUE },
  { "not-formula", "a=1, b-2", "a=1, b-2", "a=1, b-2", NULL, FALSE },
  { "invalid-utf8", "bad \xff\xfe end \xc3", "bad " BAD BAD " end " BAD, "bad " BAD BAD " end " BAD,
    "bad " BAD BAD " end " BAD, FALSE },
  { "controls", "bell\a esc\x1b[31m del\x7f nel\xc2\x85 us\x1f end",
    "bell  esc [31m del  nel  us  end", "bell  esc [31m del  nel  us  end", NULL, FALSE },
  { "bidi-override", "user" RLO "cod.exe", "user" RLO "cod.exe" PDF, "user" RLO "cod.exe" PDF, NULL, FALSE },
  { "bidi-nested", "a" RLI "b" RLE "c", "a" RLI "b" RLE "c" PDF PDI, "a" RLI "b" RLE "c" PDF PDI, NULL, FALSE },
  { "bidi-balanced", "x" RLO "y" PDF "z", "x" RLO "y" PDF "z", "x" RLO "y" PDF "z", NULL, FALSE },
  { "markdown-chars", "C:\\dir\\*_x_* `code` ~~s~~ a&b <i>", "C:\\dir\\*_x_* `code` ~~s~~ a&b <i>",
    "C:\\dir\\*_x_* `code` ~~s~~ a&b <i>", NULL, FALSE },
  { "line-separators", "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", "a b c", "a b c", NULL, FALSE },
  { "rtl-text", "日本語 — עברית " RLM "(1)", "日本語 — עברית " RLM "(1)", "日本語 — עברית " RLM "(1)", NULL, FALSE },
  { "long", NULL, NULL, NULL, NULL, FALSE },     /* filled in by hostile_rows () */
  { "noncharacters", "a\xef\xbf\xbf b\xef\xb7\x90 c\xf4\x8f\xbf\xbe", "a" BAD " b" BAD " c" BAD,
    "a" BAD " b" BAD " c" BAD, NULL, FALSE },
  { "empty", "", "", "", NULL, FALSE },
  { "no-title", NULL, NULL, NULL, NULL, FALSE },
};

#define LONG_INDEX 22

static char *long_title;

/* Every hostile string as title, description and error message of one row. */
static GPtrArray *
hostile_rows (void)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_cmpstr (hostile[LONG_INDEX].name, ==, "long");
  if (long_title == NULL)
    {
      GString *s = g_string_new (NULL);

      for (guint i = 0; i < 40000; i++)
        g_string_append (s, "ab<\",");
      long_title = g_string_free (s, FALSE);
    }

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *url = g_strdup_printf ("https://example.org/%u?q=a_b", i);
      const char *title = i == LONG_INDEX ? long_title : hostile[i].title;
      GleanerResult *result = make_result (i, url, title);

      if (title != NULL)
        {
          GleanerPageFacts *facts = gleaner_page_facts_new ();

          facts->has_title = TRUE;
          facts->title = g_strdup (title);
          facts->description = g_strdup (title);
          _gleaner_result_take_facts (result, facts);
          _gleaner_result_set_error (result, GLEANER_ERROR_NETWORK, title);
        }
      g_ptr_array_add (rows, result);
    }

  return rows;
}

static const char *
expected_plain (guint i)
{
  return i == LONG_INDEX ? long_title : hostile[i].plain;
}

static const char *
expected_kept (guint i)
{
  return i == LONG_INDEX ? long_title : hostile[i].kept;
}

static const char *
expected_json (guint i)
{
  if (i == LONG_INDEX)
    return long_title;
  return hostile[i].json != NULL ? hostile[i].json : hostile[i].title;
}

/* The text of a link: the title, or the URL when the title is missing or empty. */
static char *
expected_link_text (guint i)
{
  const char *plain = expected_plain (i);

  if (plain == NULL || *plain == '\0')
    return g_strdup_printf ("https://example.org/%u?q=a_b", i);
  return g_strdup (plain);
}

static void
test_hostile_titles (void)
{
  g_autoptr(GPtrArray) rows = hostile_rows ();
  g_autofree char *output = write_to_string (GLEANER_FORMAT_TITLES, GLEANER_FIELD_NONE, rows);
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, rows->len + 1);
  g_assert_cmpstr (lines[rows->len], ==, "");
  for (guint i = 0; i < rows->len; i++)
    {
      g_test_message ("%s", hostile[i].name);
      g_assert_cmpstr (lines[i], ==, expected_plain (i) != NULL ? expected_plain (i) : "");
    }
}

static void
check_table (GPtrArray *records,
             gboolean   csv)
{
  /* url final_url status title description redirects ... error_kind error */
  const guint title_col = 3, description_col = 4, error_col = 12;

  g_assert_cmpuint (records->len, ==, G_N_ELEMENTS (hostile) + 1);
  g_assert_cmpstr (((char **)records->pdata[0])[title_col], ==, "title");

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      char **cells = records->pdata[i + 1];
      g_autofree char *expected = NULL;
      g_autofree char *url = g_strdup_printf ("https://example.org/%u?q=a_b", i);

      g_test_message ("%s", hostile[i].name);
      g_assert_cmpuint (g_strv_length (cells), ==, 13);
      if (expected_kept (i) == NULL)
        expected = g_strdup ("");
      else
        expected = g_strconcat (csv && hostile[i].formula ? "'" : "", expected_kept (i), NULL);

      g_assert_cmpstr (cells[0], ==, url);
      g_assert_cmpstr (cells[title_col], ==, expected);
      g_assert_cmpstr (cells[description_col], ==, expected);
      g_assert_cmpstr (cells[error_col], ==, expected);
    }
}

static void
test_hostile_tsv (void)
{
  g_autoptr(GPtrArray) rows = hostile_rows ();
  g_autofree char *output = write_to_string (GLEANER_FORMAT_TSV, GLEANER_FIELD_DESCRIPTION, rows);
  g_autoptr(GPtrArray) records = parse_tsv (output);

  check_table (records, FALSE);
}

static void
test_hostile_csv (void)
{
  g_autoptr(GPtrArray) rows = hostile_rows ();
  g_autofree char *output = write_to_string (GLEANER_FORMAT_CSV, GLEANER_FIELD_DESCRIPTION, rows);
  g_autoptr(GPtrArray) records = parse_csv (output);

  check_table (records, TRUE);
}

static void
check_json_object (JsonObject *object,
                   guint       i)
{
  g_autofree char *url = g_strdup_printf ("https://example.org/%u?q=a_b", i);

  g_test_message ("%s", hostile[i].name);
  assert_json_member (object, "url", url);
  assert_json_member (object, "title", expected_json (i));
  assert_json_member (object, "description", expected_json (i));
  assert_json_member (object, "error", expected_json (i));
  assert_json_member (object, "error_kind", expected_json (i) != NULL ? "network" : NULL);
}

static void
test_hostile_json (void)
{
  g_autoptr(GPtrArray) rows = hostile_rows ();
  g_autofree char *output = write_to_string (GLEANER_FORMAT_JSON, GLEANER_FIELD_DESCRIPTION, rows);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  assert_strict_json_text (output);
  json_parser_load_from_data (parser, output, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, rows->len);

  for (guint i = 0; i < rows->len; i++)
    check_json_object (json_row (json_array_get_element (array, i)), i);
}

static void
test_hostile_jsonl (void)
{
  g_autoptr(GPtrArray) rows = hostile_rows ();
  g_autofree char *output = write_to_string (GLEANER_FORMAT_JSONL, GLEANER_FIELD_DESCRIPTION, rows);
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);

  assert_strict_json_text (output);
  g_assert_cmpuint (g_strv_length (lines), ==, rows->len + 1);
  g_assert_cmpstr (lines[rows->len], ==, "");

  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      check_json_object (json_row (json_parser_get_root (parser)), i);
    }
}

static void
test_hostile_markdown (void)
{
  g_autoptr(GPtrArray) rows = hostile_rows ();
  g_autofree char *output = write_to_string (GLEANER_FORMAT_MARKDOWN, GLEANER_FIELD_NONE, rows);
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, rows->len + 1);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *text = NULL;
      g_autofree char *destination = NULL;
      g_autofree char *expected = expected_link_text (i);
      g_autofree char *url = g_strdup_printf ("https://example.org/%u?q=a_b", i);

      g_test_message ("%s", hostile[i].name);
      parse_markdown_link (lines[i], &text, &destination);
      g_assert_cmpstr (text, ==, expected);
      g_assert_cmpstr (destination, ==, url);
    }

  /* Two written out: the escapes themselves. */
  g_assert_cmpstr (lines[4], ==, "- [\\](javascript:alert(1))](https://example.org/4?q=a_b)");
  g_assert_cmpstr (lines[19], ==,
                   "- [C:\\\\dir\\\\\\*\\_x\\_\\* \\`code\\` \\~\\~s\\~\\~ a\\&b \\<i\\>]"
                   "(https://example.org/19?q=a_b)");
}

static void
test_hostile_html (void)
{
  g_autoptr(GPtrArray) rows = hostile_rows ();
  g_autofree char *output = write_to_string (GLEANER_FORMAT_HTML, GLEANER_FIELD_NONE, rows);
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GPtrArray) hrefs = NULL;

  parse_html_links (output, &texts, &hrefs);
  g_assert_cmpuint (texts->len, ==, rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *expected = expected_link_text (i);
      g_autofree char *url = g_strdup_printf ("https://example.org/%u?q=a_b", i);

      g_test_message ("%s", hostile[i].name);
      g_assert_cmpstr (texts->pdata[i], ==, expected);
      g_assert_cmpstr (hrefs->pdata[i], ==, url);
    }

  g_assert_nonnull (strstr (output,
                            "<li><a href=\"https://example.org/3?q=a_b\">"
                            "&lt;script&gt;alert(1)&lt;/script&gt;</a></li>\n"));
  g_assert_nonnull (strstr (output,
                            "<li><a href=\"https://example.org/0?q=a_b\">"
                            "Say &quot;hi&quot;, it&#39;s &#39;fine&#39;</a></li>\n"));
}

static void
test_hostile_org (void)
{
  g_autoptr(GPtrArray) rows = hostile_rows ();
  g_autofree char *output = write_to_string (GLEANER_FORMAT_ORG, GLEANER_FIELD_NONE, rows);
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, rows->len + 1);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autofree char *url = NULL;
      g_autofree char *description = NULL;
      g_autofree char *expected = expected_link_text (i);
      g_autofree char *expected_url = g_strdup_printf ("https://example.org/%u?q=a_b", i);

      g_test_message ("%s", hostile[i].name);
      parse_org_link (lines[i], &url, &description);
      g_strdelimit (expected, "[", '{');
      g_strdelimit (expected, "]", '}');
      g_assert_cmpstr (description, ==, expected);
      g_assert_cmpstr (url, ==, expected_url);
    }

  g_assert_cmpstr (lines[5], ==,
                   "- [[https://example.org/5?q=a_b][{{x}} }}{{elisp:(kill-emacs)}}]]");
}

/* Hostile URLs: link destinations that try to end early or are not http(s). */
static void
test_hostile_urls (void)
{
  static const char * const urls[] = {
    "https://example.org/a b(c)<d>\\e[f]\"g'h",
    "javascript:alert(1)",
    "HTTPS://EXAMPLE.ORG/Up",
    "https://example.org/" RLO "x",
    " javascript:alert(2)",
    "https://example.org/\xef\xbf\xbf\xef\xb7\x90",
  };
  static const char * const titles[] = { "T", "J", "U", "B", NULL, "N" };
  static const char *expected_markdown =
    "- [T](https://example.org/a%20b%28c%29%3Cd%3E%5Ce[f]\"g'h)\n"
    "- J\n"
    "- [U](HTTPS://EXAMPLE.ORG/Up)\n"
    "- [B](https://example.org/%E2%80%AEx)\n"
    "-  javascript:alert(2)\n"
    "- [N](https://example.org/%EF%BF%BF%EF%B7%90)\n";
  static const char *expected_org =
    "- [[https://example.org/a%20b(c)<d>%5Ce%5Bf%5D\"g'h][T]]\n"
    "- J\n"
    "- [[HTTPS://EXAMPLE.ORG/Up][U]]\n"
    "- [[https://example.org/%E2%80%AEx][B]]\n"
    "-  javascript:alert(2)\n"
    "- [[https://example.org/%EF%BF%BF%EF%B7%90][N]]\n";
  static const char *expected_html =
    "<li><a href=\"https://example.org/a%20b(c)&lt;d&gt;\\e[f]&quot;g&#39;h\">T</a></li>\n"
    "<li><a>J</a></li>\n"
    "<li><a href=\"HTTPS://EXAMPLE.ORG/Up\">U</a></li>\n"
    "<li><a href=\"https://example.org/%E2%80%AEx\">B</a></li>\n"
    "<li><a> javascript:alert(2)</a></li>\n"
    "<li><a href=\"https://example.org/%EF%BF%BF%EF%B7%90\">N</a></li>\n";
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *markdown = NULL;
  g_autofree char *org = NULL;
  g_autofree char *html = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GPtrArray) hrefs = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    g_ptr_array_add (rows, make_result (i, urls[i], titles[i]));

  markdown = write_to_string (GLEANER_FORMAT_MARKDOWN, GLEANER_FIELD_NONE, rows);
  g_assert_cmpstr (markdown, ==, expected_markdown);
  org = write_to_string (GLEANER_FORMAT_ORG, GLEANER_FIELD_NONE, rows);
  g_assert_cmpstr (org, ==, expected_org);
  html = write_to_string (GLEANER_FORMAT_HTML, GLEANER_FIELD_NONE, rows);
  g_assert_nonnull (strstr (html, expected_html));

  parse_html_links (html, &texts, &hrefs);
  /* a noncharacter in an href once made libxml2 lose the rest of the element */
  g_assert_cmpuint (hrefs->len, ==, 6);
  g_assert_cmpstr (texts->pdata[5], ==, "N");
  g_assert_cmpstr (hrefs->pdata[0], ==, "https://example.org/a%20b(c)<d>\\e[f]\"g'h");
  g_assert_null (hrefs->pdata[1]);
  g_assert_null (hrefs->pdata[4]);
}

/* json-glib 1.6 writes U+001F raw, which strict JSON parsers refuse. */
static void
test_json_unit_separator (void)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *output = NULL;

  g_test_summary ("U+001F in a title is escaped in JSON (json-glib 1.6 leaves it raw)");
  g_ptr_array_add (rows, make_result (1, "https://example.org/", "a\x1f" "b\x1f"));
  output = write_to_string (GLEANER_FORMAT_JSONL, GLEANER_FIELD_NONE, rows);
  assert_strict_json_text (output);
  g_assert_nonnull (strstr (output, "\"title\":\"a\\u001fb\\u001f\""));
}

/* A member that changes kind from row to row (string, null, number): json-glib
 * cannot re-initialise a node that held a value without a use-after-free. */
static void
test_json_kind_changes (void)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;

  g_test_summary ("A JSON member changes kind between rows without touching freed memory");
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *title = g_strdup_printf ("Title %u", i);

      g_ptr_array_add (rows, make_result (i, "https://example.org/", i % 3 == 0 ? NULL : title));
    }
  output = write_to_string (GLEANER_FORMAT_JSONL, GLEANER_FIELD_NONE, rows);
  lines = g_strsplit (output, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 13);

  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *title = g_strdup_printf ("Title %u", i);
      JsonObject *object;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      object = json_row (json_parser_get_root (parser));
      assert_json_member (object, "title", i % 3 == 0 ? NULL : title);
      assert_json_member (object, "encoding", i % 3 == 0 ? NULL : "UTF-8");
      if (i % 3 == 0)
        g_assert_true (json_object_get_null_member (object, "status"));
      else
        g_assert_cmpint (json_object_get_int_member (object, "status"), ==, 200);
    }
}

/* Output in blocks ------------------------------------------------------------ */

static void
test_blocks (void)
{
  g_autoptr(TestCountingStream) stream = g_object_new (TEST_TYPE_COUNTING_STREAM, NULL);
  g_autoptr(GleanerWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  gsize expected = 0;

  writer = gleaner_writer_new (GLEANER_FORMAT_TITLES, GLEANER_FIELD_NONE, G_OUTPUT_STREAM (stream));
  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *title = g_strdup_printf ("Title number %u of a long list", i);
      g_autoptr(GleanerResult) result = make_result (i, "https://example.org/", title);

      expected += strlen (title) + 1;
      gleaner_writer_write (writer, result, NULL, &error);
      g_assert_no_error (error);
      if (i == 100)
        g_assert_cmpuint (stream->writes->len, ==, 0);
    }
  gleaner_writer_finish (writer, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (stream->total, ==, expected);
  g_assert_cmpuint (stream->writes->len, >, 1);
  for (guint i = 0; i + 1 < stream->writes->len; i++)
    g_assert_cmpuint (g_array_index (stream->writes, gsize, i), >=, 64 * 1024);
}

static void
test_flush (void)
{
  g_autoptr(TestCountingStream) stream = g_object_new (TEST_TYPE_COUNTING_STREAM, NULL);
  g_autoptr(GleanerWriter) writer = NULL;
  g_autoptr(GleanerResult) result = make_result (1, "https://example.org/", "One");
  g_autoptr(GError) error = NULL;

  writer = gleaner_writer_new (GLEANER_FORMAT_JSONL, GLEANER_FIELD_NONE, G_OUTPUT_STREAM (stream));
  gleaner_writer_write (writer, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stream->total, ==, 0);
  gleaner_writer_flush (writer, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stream->total, >, 0);
}

/* A stream writer reports the stream's own error, and keeps reporting it. */
static void
test_stream_error (void)
{
  g_autoptr(TestCountingStream) stream = g_object_new (TEST_TYPE_COUNTING_STREAM, NULL);
  g_autoptr(GleanerWriter) writer = NULL;
  g_autoptr(GleanerResult) result = make_result (1, "https://example.org/", "One");
  g_autoptr(GError) error = NULL;

  stream->broken = TRUE;
  writer = gleaner_writer_new (GLEANER_FORMAT_CSV, GLEANER_FIELD_NONE, G_OUTPUT_STREAM (stream));
  gleaner_writer_write (writer, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (gleaner_writer_flush (writer, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_clear_error (&error);

  stream->broken = FALSE;
  g_assert_false (gleaner_writer_write (writer, result, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_clear_error (&error);
  g_assert_false (gleaner_writer_finish (writer, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_assert_cmpuint (stream->total, ==, 0);
}

/* Files -------------------------------------------------------------------- */

typedef struct
{
  char *dir;
  char *mount_point;    /* to unmount in teardown */
  char *locked_dir;     /* to make writable again in teardown */
} FileFixture;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          struct stat st;

          if (lstat (child, &st) == 0 && S_ISDIR (st.st_mode))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
file_fixture_setup (FileFixture   *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("gleaner-exporter-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
file_fixture_teardown (FileFixture   *fixture,
                       gconstpointer  data)
{
  if (fixture->mount_point != NULL)
    umount2 (fixture->mount_point, MNT_DETACH);
  if (fixture->locked_dir != NULL)
    g_chmod (fixture->locked_dir, 0755);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->mount_point);
  g_free (fixture->locked_dir);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* The names in @dir, sorted, joined by ",". */
static char *
list_dir (const char *path)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (",", (char **)names->pdata);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static void
write_file (const char *path,
            const char *contents,
            int         mode)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_NONE, mode, &error);
  g_assert_no_error (error);
}

static GPtrArray *
title_rows (guint n)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Title %u", i + 1);

      g_ptr_array_add (rows, make_result (i, "https://example.org/", title));
    }

  return rows;
}

static void
test_file_create (FileFixture   *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "out.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) rows = title_rows (3);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *names = NULL;
  struct stat st;

  g_assert_true (gleaner_export_to_file (file, GLEANER_FORMAT_TITLES, GLEANER_FIELD_NONE, rows,
                                         NULL, &error));
  g_assert_no_error (error);

  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "Title 1\nTitle 2\nTitle 3\n");
  names = list_dir (fixture->dir);
  g_assert_cmpstr (names, ==, "out.txt");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644 & ~test_umask);
}

static void
test_file_replace (FileFixture   *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "out.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) rows = title_rows (2);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *names = NULL;
  struct stat st;

  write_file (path, "old contents\n", 0600);
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);

  gleaner_export_to_file (file, GLEANER_FORMAT_TITLES, GLEANER_FIELD_NONE, rows, NULL, &error);
  g_assert_no_error (error);

  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "Title 1\nTitle 2\n");
  names = list_dir (fixture->dir);
  g_assert_cmpstr (names, ==, "out.txt");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
}

static void
test_file_symlink (FileFixture   *fixture,
                   gconstpointer  data)
{
  g_autofree char *real = g_build_filename (fixture->dir, "real.txt", NULL);
  g_autofree char *link = g_build_filename (fixture->dir, "link.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (link);
  g_autoptr(GPtrArray) rows = title_rows (1);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *names = NULL;
  struct stat st;

  write_file (real, "old\n", 0644);
  g_assert_cmpint (symlink ("real.txt", link), ==, 0);

  gleaner_export_to_file (file, GLEANER_FORMAT_TITLES, GLEANER_FIELD_NONE, rows, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpint (lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  contents = read_file (real);
  g_assert_cmpstr (contents, ==, "Title 1\n");
  names = list_dir (fixture->dir);
  g_assert_cmpstr (names, ==, "link.txt,real.txt");
}

static void
assert_write_error (GError     *error,
                    const char *path,
                    const char *cause)
{
  g_autofree char *expected = g_strdup_printf ("Could not write “%s”: %s", path, cause);

  g_assert_error (error, GLEANER_ERROR, GLEANER_ERROR_WRITE);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_file_missing_dir (FileFixture   *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "missing", "out.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) rows = title_rows (1);
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;

  g_assert_false (gleaner_export_to_file (file, GLEANER_FORMAT_CSV, GLEANER_FIELD_NONE, rows,
                                          NULL, &error));
  assert_write_error (error, path, g_strerror (ENOENT));
  names = list_dir (fixture->dir);
  g_assert_cmpstr (names, ==, "");
}

static void
test_file_not_regular (FileFixture   *fixture,
                       gconstpointer  data)
{
  g_autofree char *sub = g_build_filename (fixture->dir, "sub", NULL);
  g_autofree char *fifo = g_build_filename (fixture->dir, "fifo", NULL);
  g_autoptr(GFile) sub_file = g_file_new_for_path (sub);
  g_autoptr(GFile) fifo_file = g_file_new_for_path (fifo);
  g_autoptr(GPtrArray) rows = title_rows (1);
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  struct stat st;

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);

  g_assert_false (gleaner_export_to_file (sub_file, GLEANER_FORMAT_TITLES, GLEANER_FIELD_NONE, rows,
                                          NULL, &error));
  assert_write_error (error, sub, g_strerror (EISDIR));
  g_clear_error (&error);

  g_assert_false (gleaner_export_to_file (fifo_file, GLEANER_FORMAT_TITLES, GLEANER_FIELD_NONE, rows,
                                          NULL, &error));
  assert_write_error (error, fifo, "not a regular file");

  g_assert_cmpint (lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  names = list_dir (fixture->dir);
  g_assert_cmpstr (names, ==, "fifo,sub");
}

static void
test_file_unwritable_dir (FileFixture   *fixture,
                          gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->dir, "locked", NULL);
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *probe = g_build_filename (dir, "probe", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) rows = title_rows (10);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *names = NULL;
  int expected_errno;
  int fd;

  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  write_file (path, "old\n", 0644);

  if (geteuid () == 0)
    {
      /* Root ignores permissions: make the directory a read-only mount. */
      if (!have_private_mounts ||
          mount (dir, dir, "none", MS_BIND, NULL) != 0)
        {
          g_test_skip ("needs root in a private mount namespace");
          return;
        }
      fixture->mount_point = g_strdup (dir);
      g_assert_cmpint (mount ("none", dir, "none", MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), ==, 0);
      expected_errno = EROFS;
    }
  else
    {
      g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
      fixture->locked_dir = g_strdup (dir);
      expected_errno = EACCES;
    }

  fd = g_open (probe, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd >= 0)
    {
      close (fd);
      g_unlink (probe);
      g_test_skip ("the directory stays writable here");
      return;
    }

  g_assert_false (gleaner_export_to_file (file, GLEANER_FORMAT_CSV, GLEANER_FIELD_NONE, rows,
                                          NULL, &error));
  assert_write_error (error, path, g_strerror (expected_errno));
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "old\n");
  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "out.csv");
}

static void
test_file_disk_full (FileFixture   *fixture,
                     gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fixture->dir, "small", NULL);
  g_autofree char *path = g_build_filename (dir, "out.txt", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) rows = title_rows (30000);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *names = NULL;

  g_test_summary ("Disk full: the error names the file and the cause, the old file survives");
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  if (!have_private_mounts || mount ("tmpfs", dir, "tmpfs", 0, "size=64k") != 0)
    {
      g_test_skip ("needs root in a private mount namespace to mount a small tmpfs");
      return;
    }
  fixture->mount_point = g_strdup (dir);
  write_file (path, "old\n", 0644);

  /* 30000 rows of about 10 bytes: more than the 64 KiB the file system holds. */
  g_assert_false (gleaner_export_to_file (file, GLEANER_FORMAT_TITLES, GLEANER_FIELD_NONE, rows,
                                          NULL, &error));
  assert_write_error (error, path, g_strerror (ENOSPC));
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "old\n");
  names = list_dir (dir);
  g_assert_cmpstr (names, ==, "out.txt");
}

static void
test_file_changed_meanwhile (FileFixture   *fixture,
                             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "out.tsv", NULL);
  g_autofree char *other = g_build_filename (fixture->dir, "other", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) rows = title_rows (5);
  const char *expected = "it was changed by another program during the export";
  enum { REPLACED, APPENDED, CREATED, N_WAYS };

  for (guint way = 0; way < N_WAYS; way++)
    {
      g_autoptr(GleanerWriter) writer = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *names = NULL;
      const char *expected_contents = NULL;

      g_unlink (path);
      if (way != CREATED)
        write_file (path, "old\n", 0644);

      writer = gleaner_writer_new_for_file (GLEANER_FORMAT_TSV, GLEANER_FIELD_NONE, file, NULL, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < rows->len; i++)
        {
          gleaner_writer_write (writer, g_ptr_array_index (rows, i), NULL, &error);
          g_assert_no_error (error);
        }

      switch (way)
        {
        case REPLACED:
          /* another program saved the file atomically */
          write_file (other, "theirs\n", 0644);
          g_assert_cmpint (g_rename (other, path), ==, 0);
          expected_contents = "theirs\n";
          break;
        case APPENDED:
          {
            FILE *f = fopen (path, "a");

            g_assert_nonnull (f);
            fputs ("more\n", f);
            fclose (f);
            expected_contents = "old\nmore\n";
          }
          break;
        case CREATED:
          write_file (path, "new\n", 0644);
          expected_contents = "new\n";
          break;
        default:
          g_assert_not_reached ();
        }

      g_assert_false (gleaner_writer_finish (writer, NULL, &error));
      assert_write_error (error, path, expected);
      g_clear_pointer (&writer, gleaner_writer_free);

      contents = read_file (path);
      g_assert_cmpstr (contents, ==, expected_contents);
      names = list_dir (fixture->dir);
      g_assert_cmpstr (names, ==, "out.tsv");
    }
}

/* A writer freed before it finished leaves nothing behind and the target as it was. */
static void
test_file_abandoned (FileFixture   *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "out.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) rows = title_rows (20000);
  g_autoptr(GleanerWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) entries = NULL;

  write_file (path, "old\n", 0644);
  writer = gleaner_writer_new_for_file (GLEANER_FORMAT_JSON, GLEANER_FIELD_NONE, file, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      gleaner_writer_write (writer, g_ptr_array_index (rows, i), NULL, &error);
      g_assert_no_error (error);
    }

  /* The rows went to a hidden file beside the target. */
  names = list_dir (fixture->dir);
  entries = g_strsplit (names, ",", -1);
  g_assert_cmpuint (g_strv_length (entries), ==, 2);
  g_assert_true (g_str_has_prefix (entries[0], ".out.json."));
  g_assert_cmpstr (entries[1], ==, "out.json");
  g_clear_pointer (&names, g_free);

  g_clear_pointer (&writer, gleaner_writer_free);
  names = list_dir (fixture->dir);
  g_assert_cmpstr (names, ==, "out.json");
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "old\n");
}

static void
test_file_cancelled (FileFixture   *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "out.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) rows = title_rows (10);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GleanerWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *contents = NULL;

  write_file (path, "old\n", 0644);

  writer = gleaner_writer_new_for_file (GLEANER_FORMAT_CSV, GLEANER_FIELD_NONE, file, cancellable,
                                        &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      gleaner_writer_write (writer, g_ptr_array_index (rows, i), cancellable, &error);
      g_assert_no_error (error);
    }
  g_cancellable_cancel (cancellable);
  g_assert_false (gleaner_writer_finish (writer, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_pointer (&writer, gleaner_writer_free);
  g_clear_error (&error);

  g_assert_false (gleaner_export_to_file (file, GLEANER_FORMAT_CSV, GLEANER_FIELD_NONE, rows,
                                          cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  names = list_dir (fixture->dir);
  g_assert_cmpstr (names, ==, "out.csv");
  contents = read_file (path);
  g_assert_cmpstr (contents, ==, "old\n");
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} ExportWait;

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportWait *wait = user_data;

  g_assert_null (source);
  wait->ok = gleaner_export_to_file_finish (result, &wait->error);
  g_assert_true (wait->ok == (wait->error == NULL));
  wait->done = TRUE;
}

static void
test_file_async (FileFixture   *fixture,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "out.jsonl", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing", "out.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing_file = g_file_new_for_path (missing);
  g_autoptr(GPtrArray) rows = title_rows (1000);
  ExportWait wait = { FALSE, FALSE, NULL };
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  gleaner_export_to_file_async (file, GLEANER_FORMAT_JSONL, GLEANER_FIELD_NONE, rows, NULL,
                                export_done_cb, &wait);
  g_assert_true (gleaner_test_wait_for_flag (NULL, &wait.done, 30000));
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);

  contents = read_file (path);
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1001);
  g_assert_true (g_str_has_prefix (lines[999], "{\"url\":\"https://example.org/\""));
  g_assert_nonnull (strstr (lines[999], "\"title\":\"Title 1000\""));

  wait.done = FALSE;
  gleaner_export_to_file_async (missing_file, GLEANER_FORMAT_JSONL, GLEANER_FIELD_NONE, rows,
                                NULL, export_done_cb, &wait);
  g_assert_true (gleaner_test_wait_for_flag (NULL, &wait.done, 30000));
  g_assert_false (wait.ok);
  assert_write_error (wait.error, missing, g_strerror (ENOENT));
  g_clear_error (&wait.error);
}

/* A long export streams through a file writer in constant memory. */
static void
test_file_large (FileFixture   *fixture,
                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "big.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GleanerWriter) writer = NULL;
  g_autoptr(GleanerResult) result = make_result (1, "https://example.org/", "Same, again");
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) records = NULL;
  const char *row = "https://example.org/,https://example.org/,200,\"Same, again\",0,,UTF-8,header,0,0,,\r\n";
  const guint n = 100000;

  writer = gleaner_writer_new_for_file (GLEANER_FORMAT_CSV, GLEANER_FIELD_NONE, file, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      gleaner_writer_write (writer, result, NULL, &error);
      g_assert_no_error (error);
    }
  gleaner_writer_finish (writer, NULL, &error);
  g_assert_no_error (error);

  contents = read_file (path);
  g_assert_true (g_str_has_prefix (contents, empty_output[GLEANER_FORMAT_CSV]));
  g_assert_cmpuint (strlen (contents), ==, strlen (empty_output[GLEANER_FORMAT_CSV]) + n * strlen (row));
  g_assert_true (g_str_has_suffix (contents, row));
  records = parse_csv (contents);
  g_assert_cmpuint (records->len, ==, n + 1);
}

/* Throughput (-m perf) ---------------------------------------------------- */

static void
test_throughput (void)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  const guint n = 200000;

  if (!g_test_perf ())
    {
      g_test_skip ("run with -m perf");
      return;
    }

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *url = g_strdup_printf ("https://news.example.org/2026/11/%u/story-about-things", i);
      g_autofree char *title = g_strdup_printf (i % 10 == 0 ? "Überschrift Nummer %u — Nachrichten"
                                                            : "Story number %u about things | Example News",
                                                i);
      GleanerResult *result = make_result (i, url, i % 20 == 0 ? NULL : title);

      _gleaner_result_set_body (result, 30000 + i, FALSE);
      _gleaner_result_set_elapsed (result, 0.2 + i / 1000.0);
      if (i % 20 == 0)
        _gleaner_result_set_error (result, GLEANER_ERROR_TIMEOUT, "Timed out after 30 seconds");
      g_ptr_array_add (rows, result);
    }

  for (guint format = 0; format < GLEANER_N_FORMATS; format++)
    {
      g_autoptr(TestCountingStream) stream = g_object_new (TEST_TYPE_COUNTING_STREAM, NULL);
      g_autoptr(GleanerWriter) writer = gleaner_writer_new (format, GLEANER_FIELD_NONE,
                                                            G_OUTPUT_STREAM (stream));
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      double seconds;

      for (guint i = 0; i < n; i++)
        gleaner_writer_write (writer, g_ptr_array_index (rows, i % rows->len), NULL, &error);
      gleaner_writer_finish (writer, NULL, &error);
      g_assert_no_error (error);
      seconds = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;

      g_test_message ("%-8s %9.0f rows/s  %6.1f MB/s", gleaner_format_to_string (format),
                      n / seconds, stream->total / seconds / 1e6);
    }
}

int
main (int   argc,
      char *argv[])
{
  /* Before any thread exists: root gets a mount namespace of its own, so the
   * tmpfs and read-only mounts of the file tests never leak out. */
  if (geteuid () == 0 && unshare (CLONE_NEWNS) == 0 &&
      mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == 0)
    have_private_mounts = TRUE;
  test_umask = umask (022);
  umask (test_umask);

  /* No G_TEST_OPTION_ISOLATE_DIRS: every file goes to a g_dir_make_tmp ()
   * directory of its own test, and the option leaks in GLib 2.74 (LeakSanitizer). */
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gleaner/exporter/formats", test_formats);
  g_test_add_func ("/gleaner/exporter/lifecycle", test_lifecycle);
  for (guint i = 0; i < GLEANER_N_FORMATS; i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/gleaner/exporter/exact/%s",
                                                    gleaner_format_to_string (i));

      g_test_add_data_func (test_path, GUINT_TO_POINTER (i), test_exact);
    }
  g_test_add_func ("/gleaner/exporter/hostile/titles", test_hostile_titles);
  g_test_add_func ("/gleaner/exporter/hostile/tsv", test_hostile_tsv);
  g_test_add_func ("/gleaner/exporter/hostile/csv", test_hostile_csv);
  g_test_add_func ("/gleaner/exporter/hostile/json", test_hostile_json);
  g_test_add_func ("/gleaner/exporter/hostile/jsonl", test_hostile_jsonl);
  g_test_add_func ("/gleaner/exporter/hostile/markdown", test_hostile_markdown);
  g_test_add_func ("/gleaner/exporter/hostile/html", test_hostile_html);
  g_test_add_func ("/gleaner/exporter/hostile/org", test_hostile_org);
  g_test_add_func ("/gleaner/exporter/hostile/urls", test_hostile_urls);
  g_test_add_func ("/gleaner/exporter/json-unit-separator", test_json_unit_separator);
  g_test_add_func ("/gleaner/exporter/json-kind-changes", test_json_kind_changes);
  g_test_add_func ("/gleaner/exporter/blocks", test_blocks);
  g_test_add_func ("/gleaner/exporter/flush", test_flush);
  g_test_add_func ("/gleaner/exporter/stream-error", test_stream_error);

#define ADD_FILE_TEST(name, func) \
  g_test_add ("/gleaner/exporter/file/" name, FileFixture, NULL, \
              file_fixture_setup, func, file_fixture_teardown)

  ADD_FILE_TEST ("create", test_file_create);
  ADD_FILE_TEST ("replace", test_file_replace);
  ADD_FILE_TEST ("symlink", test_file_symlink);
  ADD_FILE_TEST ("missing-dir", test_file_missing_dir);
  ADD_FILE_TEST ("not-regular", test_file_not_regular);
  ADD_FILE_TEST ("unwritable-dir", test_file_unwritable_dir);
  ADD_FILE_TEST ("disk-full", test_file_disk_full);
  ADD_FILE_TEST ("changed-meanwhile", test_file_changed_meanwhile);
  ADD_FILE_TEST ("abandoned", test_file_abandoned);
  ADD_FILE_TEST ("cancelled", test_file_cancelled);
  ADD_FILE_TEST ("async", test_file_async);
  ADD_FILE_TEST ("large", test_file_large);

  g_test_add_func ("/gleaner/exporter/throughput", test_throughput);

  return g_test_run ();
}
