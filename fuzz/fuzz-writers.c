/* fuzz-writers.c: libFuzzer target running every export writer on rows of arbitrary bytes
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Input: byte 0 selects the fact columns (GleanerFields bits), byte 1 the HTTP
 * status (0: none), byte 2 the error kind; the rest is split at NUL bytes into
 * title, url, final_url, error message, description, og_title, og_site_name,
 * canonical, lang, h1, content_type, encoding. A missing part is NULL. Bit 7 of
 * byte 0 means the page had no title element (no facts at all). Fact strings reach the writers as raw
 * bytes (invalid UTF-8 included), as a buggy parser could hand them over.
 *
 * Each input is written as two rows (the fuzzed one, then a plain one) in every
 * format, and each output is checked: valid UTF-8 without NUL; JSON and JSON Lines
 * parse back (json-glib) to the title after g_utf8_make_valid(); the CSV and TSV
 * title cell reads back (strict readers below) to the expected sanitised text; the
 * HTML has exactly the markup the writer adds (no '<' or '>' from the data) and
 * libxml2 reads the link text back; Markdown and Org links cannot be broken out of.
 * The expected sanitising is written out again here, independently of the
 * exporter. */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "gleaner-error.h"
#include "gleaner-exporter.h"
#include "gleaner-result-private.h"
#include "gleaner-title-parser.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

enum
{
  PART_TITLE,
  PART_URL,
  PART_FINAL_URL,
  PART_ERROR,
  PART_DESCRIPTION,
  PART_OG_TITLE,
  PART_OG_SITE_NAME,
  PART_CANONICAL,
  PART_LANG,
  PART_H1,
  PART_CONTENT_TYPE,
  PART_ENCODING,
  N_PARTS
};

#define PLAIN_URL "https://example.org/plain"

/* The reference sanitising of line formats: make valid, controls and line
 * separators to spaces (TAB, CR, LF kept when @keep_breaks), noncharacters to
 * U+FFFD, open bidi embeddings and isolates closed at the end. */
static char *
reference_sanitize (const char *raw,
                    gboolean    keep_breaks)
{
  g_autofree char *valid = g_utf8_make_valid (raw, -1);
  g_autoptr(GArray) open = g_array_new (FALSE, FALSE, sizeof (gunichar));
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (keep_breaks && (c == '\t' || c == '\r' || c == '\n'))
        {
          g_string_append_unichar (out, c);
          continue;
        }
      if (g_unichar_iscntrl (c) ||
          type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR)
        {
          g_string_append_c (out, ' ');
          continue;
        }
      if ((c >= 0xfdd0 && c <= 0xfdef) || (c & 0xffff) == 0xfffe || (c & 0xffff) == 0xffff)
        {
          g_string_append_unichar (out, 0xfffd);
          continue;
        }

      if ((c >= 0x202a && c <= 0x202e && c != 0x202c) || (c >= 0x2066 && c <= 0x2068))
        {
          g_array_append_val (open, c);
        }
      else if (c == 0x202c)
        {
          if (open->len > 0 && g_array_index (open, gunichar, open->len - 1) < 0x2066)
            g_array_set_size (open, open->len - 1);
        }
      else if (c == 0x2069)
        {
          for (guint i = open->len; i > 0; i--)
            {
              if (g_array_index (open, gunichar, i - 1) >= 0x2066)
                {
                  g_array_set_size (open, i - 1);
                  break;
                }
            }
        }
      g_string_append_unichar (out, c);
    }

  for (guint i = open->len; i > 0; i--)
    g_string_append_unichar (out, g_array_index (open, gunichar, i - 1) >= 0x2066 ? 0x2069 : 0x202c);

  return g_string_free (out, FALSE);
}

static gboolean
reference_is_formula (const char *text)
{
  switch (g_utf8_get_char (text))
    {
    case '=': case '+': case '-': case '@': case '\t': case '\r': case '\n':
    case 0xff1d: case 0xff0b: case 0xff0d: case 0xff20:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_http (const char *url)
{
  return g_ascii_strncasecmp (url, "http://", 7) == 0 ||
         g_ascii_strncasecmp (url, "https://", 8) == 0;
}

/* What a link shows in markdown, html and org. */
static char *
reference_link_text (const char *title,
                     const char *url)
{
  if (title != NULL)
    {
      char *text = reference_sanitize (title, FALSE);

      if (text[strspn (text, " ")] != '\0')
        return text;
      g_free (text);
    }
  return reference_sanitize (url, FALSE);
}

/* Both sides fully percent-decoded must agree: the writers only ever encode. */
static void
assert_same_url (const char *written,
                 const char *url)
{
  g_autofree char *a = g_uri_unescape_string (written, NULL);
  g_autofree char *b = g_uri_unescape_string (url, NULL);

  g_assert_cmpstr (a, ==, b);
}

static guint
count_char (const char *s,
            char        c)
{
  guint n = 0;

  for (; *s != '\0'; s++)
    n += *s == c;
  return n;
}

static GPtrArray *
parse_csv (const char *p)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);

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
                  g_assert_true (*p != '"' && *p != '\n');
                  g_string_append_c (field, *p);
                }
            }
          g_ptr_array_add (fields, g_string_free (field, FALSE));
          if (*p == ',')
            {
              p++;
              continue;
            }
          g_assert_true (p[0] == '\r' && p[1] == '\n');
          p += 2;
          break;
        }
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (records, g_ptr_array_free (fields, FALSE));
    }

  return records;
}

static char *
tsv_unescape (const char *cell)
{
  GString *out = g_string_new (NULL);

  for (const char *p = cell; *p != '\0'; p++)
    {
      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }
      switch (*++p)
        {
        case 't':  g_string_append_c (out, '\t'); break;
        case 'n':  g_string_append_c (out, '\n'); break;
        case 'r':  g_string_append_c (out, '\r'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        default:   g_assert_not_reached ();
        }
    }

  return g_string_free (out, FALSE);
}

static char *
run_writer (GleanerFormat  format,
            GleanerFields  fields,
            GPtrArray     *rows)
{
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GleanerWriter) writer = gleaner_writer_new (format, fields, stream);
  g_autoptr(GError) error = NULL;
  gsize len;
  char *out;

  for (guint i = 0; i < rows->len; i++)
    {
      gleaner_writer_write (writer, g_ptr_array_index (rows, i), NULL, &error);
      g_assert_no_error (error);
    }
  gleaner_writer_finish (writer, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);

  len = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream));
  out = g_malloc (len + 1);
  if (len > 0)
    memcpy (out, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream)), len);
  out[len] = '\0';

  g_assert_null (memchr (out, '\0', len));
  g_assert_true (g_utf8_validate (out, len, NULL));

  return out;
}

static void
check_json_object (JsonNode   *node,
                   const char *title,
                   const char *url)
{
  JsonObject *object;
  JsonNode *member;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);

  member = json_object_get_member (object, "title");
  g_assert_nonnull (member);
  if (title == NULL)
    {
      g_assert_true (JSON_NODE_HOLDS_NULL (member));
    }
  else
    {
      g_autofree char *valid = g_utf8_make_valid (title, -1);

      g_assert_cmpstr (json_node_get_string (member), ==, valid);
    }
  g_assert_cmpstr (json_object_get_string_member (object, "url"), ==, url);
}

static void
check_json (const char *out,
            gboolean    lines,
            const char *title,
            const char *url)
{
  for (const guchar *p = (const guchar *)out; *p != '\0'; p++)
    g_assert_true (*p >= 0x20 || *p == '\n');

  if (lines)
    {
      g_auto(GStrv) parts = g_strsplit (out, "\n", -1);

      g_assert_cmpuint (g_strv_length (parts), ==, 3);
      for (guint i = 0; i < 2; i++)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          g_autoptr(GError) error = NULL;

          json_parser_load_from_data (parser, parts[i], -1, &error);
          g_assert_no_error (error);
          if (i == 0)
            check_json_object (json_parser_get_root (parser), title, url);
          else
            check_json_object (json_parser_get_root (parser), "Plain", PLAIN_URL);
        }
    }
  else
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonArray *array;

      json_parser_load_from_data (parser, out, -1, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
      array = json_node_get_array (json_parser_get_root (parser));
      g_assert_cmpuint (json_array_get_length (array), ==, 2);
      check_json_object (json_array_get_element (array, 0), title, url);
      check_json_object (json_array_get_element (array, 1), "Plain", PLAIN_URL);
    }
}

static void
check_table (const char *out,
             gboolean    csv,
             const char *title)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *cell = NULL;
  char **header;
  guint title_col = 3;

  if (csv)
    {
      records = parse_csv (out);
    }
  else
    {
      g_auto(GStrv) lines = NULL;

      g_assert_null (strchr (out, '\r'));
      g_assert_true (g_str_has_suffix (out, "\n"));
      lines = g_strsplit (out, "\n", -1);
      records = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
      for (guint i = 0; lines[i + 1] != NULL; i++)
        g_ptr_array_add (records, g_strsplit (lines[i], "\t", -1));
    }

  g_assert_cmpuint (records->len, ==, 3);
  if (!csv)
    {
      /* every escape in every cell is one of \t \n \r \\ */
      for (guint i = 0; i < records->len; i++)
        for (char **c = records->pdata[i]; *c != NULL; c++)
          g_free (tsv_unescape (*c));
    }
  header = records->pdata[0];
  g_assert_cmpstr (header[title_col], ==, "title");
  g_assert_cmpuint (g_strv_length (records->pdata[1]), ==, g_strv_length (header));
  g_assert_cmpuint (g_strv_length (records->pdata[2]), ==, g_strv_length (header));

  cell = csv ? g_strdup (((char **)records->pdata[1])[title_col])
             : tsv_unescape (((char **)records->pdata[1])[title_col]);
  if (title == NULL)
    {
      expected = g_strdup ("");
    }
  else
    {
      g_autofree char *kept = reference_sanitize (title, TRUE);

      expected = g_strconcat (csv && reference_is_formula (kept) ? "'" : "", kept, NULL);
    }
  g_assert_cmpstr (cell, ==, expected);
  g_assert_cmpstr (((char **)records->pdata[2])[title_col], ==, "Plain");
}

static void
check_titles (const char *out,
              const char *title)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_autofree char *expected = reference_sanitize (title != NULL ? title : "", FALSE);

  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[0], ==, expected);
  g_assert_cmpstr (lines[1], ==, "Plain");
}

static void
check_markdown (const char *out,
                const char *title,
                const char *url)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_autofree char *expected = reference_link_text (title, url);
  GString *text = g_string_new (NULL);
  g_autofree char *text_str = NULL;
  const char *p = lines[0];

  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[1], ==, "- [Plain](" PLAIN_URL ")");

  g_assert_true (g_str_has_prefix (p, is_http (url) ? "- [" : "- "));
  p += is_http (url) ? 3 : 2;
  for (; *p != '\0' && !(is_http (url) && *p == ']'); p++)
    {
      g_assert_true (*p != '[' && *p != ']');
      if (*p == '\\')
        {
          p++;
          g_assert_true (*p != '\0' && strchr ("\\`*_[]<>&~", *p) != NULL);
        }
      else
        {
          g_assert_true (strchr ("`*_<>&~", *p) == NULL);
        }
      g_string_append_c (text, *p);
    }
  text_str = g_string_free (text, FALSE);
  g_assert_cmpstr (text_str, ==, expected);

  if (is_http (url))
    {
      g_autofree char *destination = NULL;
      const char *end;

      g_assert_true (g_str_has_prefix (p, "]("));
      p += 2;
      end = p + strcspn (p, "()<>\\ \t\r\n");
      g_assert_cmpstr (end, ==, ")");
      destination = g_strndup (p, end - p);
      assert_same_url (destination, url);
    }
}

static void
check_org (const char *out,
           const char *title,
           const char *url)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  g_autofree char *expected = reference_link_text (title, url);
  const char *line = lines[0];

  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[1], ==, "- [[" PLAIN_URL "][Plain]]");
  g_strdelimit (expected, "[", '{');
  g_strdelimit (expected, "]", '}');

  if (is_http (url))
    {
      const char *mid = strstr (line, "][");
      g_autofree char *link = NULL;
      g_autofree char *description = NULL;

      g_assert_cmpuint (count_char (line, '['), ==, 3);
      g_assert_cmpuint (count_char (line, ']'), ==, 3);
      g_assert_true (g_str_has_prefix (line, "- [["));
      g_assert_true (g_str_has_suffix (line, "]]"));
      g_assert_nonnull (mid);
      link = g_strndup (line + 4, mid - line - 4);
      description = g_strndup (mid + 2, strlen (mid + 2) - 2);
      g_assert_null (strpbrk (link, " \\\t\r\n"));
      assert_same_url (link, url);
      g_assert_cmpstr (description, ==, expected);
    }
  else
    {
      g_assert_true (g_str_has_prefix (line, "- "));
      g_assert_cmpstr (line + 2, ==, expected);
    }
}

static void
collect_links (xmlNode   *node,
               GPtrArray *texts,
               GPtrArray *hrefs)
{
  static const char * const allowed[] = { "html", "head", "meta", "title", "body", "ul", "li", "a", NULL };

  for (; node != NULL; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE)
        continue;
      g_assert_true (g_strv_contains (allowed, (const char *)node->name));
      if (g_str_equal (node->name, "a"))
        {
          xmlChar *text = xmlNodeGetContent (node);
          xmlChar *href = xmlGetProp (node, (const xmlChar *)"href");

          g_ptr_array_add (texts, g_strdup ((const char *)text));
          g_ptr_array_add (hrefs, g_strdup ((const char *)href));
          xmlFree (text);
          xmlFree (href);
        }
      collect_links (node->children, texts, hrefs);
    }
}

static void
check_html (const char *out,
            const char *title,
            const char *url)
{
  g_autofree char *expected = reference_link_text (title, url);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) hrefs = g_ptr_array_new_with_free_func (g_free);
  htmlDocPtr doc;

  /* 12 brackets of the document, 4 per row: none comes from the data. */
  g_assert_cmpuint (count_char (out, '<'), ==, 12 + 2 * 4);
  g_assert_cmpuint (count_char (out, '>'), ==, 12 + 2 * 4);

  doc = htmlReadMemory (out, strlen (out), NULL, "UTF-8",
                        HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
  g_assert_nonnull (doc);
  collect_links (xmlDocGetRootElement (doc), texts, hrefs);
  xmlFreeDoc (doc);

  g_assert_cmpuint (texts->len, ==, 2);
  g_assert_cmpstr (texts->pdata[0], ==, expected);
  g_assert_cmpstr (texts->pdata[1], ==, "Plain");
  if (is_http (url))
    assert_same_url (hrefs->pdata[0], url);
  else
    g_assert_null (hrefs->pdata[0]);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  xmlInitParser ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *copy = NULL;
  const char *parts[N_PARTS] = { NULL };
  GleanerResult *result;
  GleanerPageFacts *facts = NULL;
  GleanerFields fields;
  const char *p;
  const char *end;
  guint n_parts = 0;

  if (size < 3 || size > 64 * 1024)
    return 0;

  fields = data[0] & GLEANER_FIELDS_ALL;

  /* NUL-terminated copy so the last part is a C string too. */
  copy = g_malloc (size - 3 + 1);
  memcpy (copy, data + 3, size - 3);
  copy[size - 3] = '\0';
  end = copy + (size - 3);
  for (p = copy; p <= end && n_parts < N_PARTS; p += strlen (p) + 1)
    parts[n_parts++] = p;

  result = gleaner_result_new_for_url (1, parts[PART_URL] != NULL ? parts[PART_URL] : "");
  if (parts[PART_FINAL_URL] != NULL)
    _gleaner_result_set_final_url (result, parts[PART_FINAL_URL], data[1] % 4);
  if (data[1] != 0)
    _gleaner_result_set_status (result, 100 + data[1], "Reason");
  if (data[2] % GLEANER_ERROR_N_KINDS != 0)
    _gleaner_result_set_error (result, data[2] % GLEANER_ERROR_N_KINDS, parts[PART_ERROR]);
  _gleaner_result_set_content_type (result, parts[PART_CONTENT_TYPE]);
  _gleaner_result_set_body (result, size * 1000, FALSE);
  _gleaner_result_set_elapsed (result, size / 7.0);

  if (data[0] & 0x80)
    parts[PART_TITLE] = NULL;
  if (parts[PART_TITLE] != NULL)
    {
      facts = gleaner_page_facts_new ();
      facts->has_title = TRUE;
      facts->title = g_strdup (parts[PART_TITLE]);
      facts->description = g_strdup (parts[PART_DESCRIPTION]);
      facts->og_title = g_strdup (parts[PART_OG_TITLE]);
      facts->og_site_name = g_strdup (parts[PART_OG_SITE_NAME]);
      facts->canonical = g_strdup (parts[PART_CANONICAL]);
      facts->lang = g_strdup (parts[PART_LANG]);
      facts->h1 = g_strdup (parts[PART_H1]);
      facts->encoding = g_strdup (parts[PART_ENCODING]);
      facts->encoding_source = data[1] % 7;
      _gleaner_result_take_facts (result, facts);
    }

  rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (rows, result);
  result = gleaner_result_new_for_url (2, PLAIN_URL);
  facts = gleaner_page_facts_new ();
  facts->has_title = TRUE;
  facts->title = g_strdup ("Plain");
  _gleaner_result_take_facts (result, facts);
  g_ptr_array_add (rows, result);

  {
    GleanerResult *fuzzed = g_ptr_array_index (rows, 0);
    const char *title = parts[PART_TITLE];
    const char *url = gleaner_result_get_url (fuzzed);

    for (guint format = 0; format < GLEANER_N_FORMATS; format++)
      {
        g_autofree char *out = run_writer (format, fields, rows);

        switch (format)
          {
          case GLEANER_FORMAT_TITLES:   check_titles (out, title); break;
          case GLEANER_FORMAT_TSV:      check_table (out, FALSE, title); break;
          case GLEANER_FORMAT_CSV:      check_table (out, TRUE, title); break;
          case GLEANER_FORMAT_JSON:     check_json (out, FALSE, title, url); break;
          case GLEANER_FORMAT_JSONL:    check_json (out, TRUE, title, url); break;
          case GLEANER_FORMAT_MARKDOWN: check_markdown (out, title, url); break;
          case GLEANER_FORMAT_HTML:     check_html (out, title, url); break;
          case GLEANER_FORMAT_ORG:      check_org (out, title, url); break;
          default:                      g_assert_not_reached ();
          }
      }
  }

  return 0;
}
