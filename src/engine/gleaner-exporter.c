/* gleaner-exporter.c: streaming writers for every export format, and atomic file export
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every string in a row is untrusted (it came from the web, or from the user's list).
 *
 * All formats: text is made valid UTF-8 first (g_utf8_make_valid: one U+FFFD per bad
 * byte); NUL cannot occur (C strings).
 *
 * Line formats (all but json and jsonl) then "sanitise" each cell:
 *  - C0 controls, DEL, C1 controls (U+0080..U+009F), U+2028 and U+2029 become a space;
 *    so do TAB, LF and CR, except in tsv (escaped) and csv (quoted), which keep them;
 *  - Unicode noncharacters (U+FDD0..U+FDEF, U+xFFFE, U+xFFFF) become U+FFFD;
 *  - bidi embeddings, overrides and isolates (U+202A..U+202E, U+2066..U+2069) that a cell
 *    leaves open are closed at its end (PDF/PDI appended), so a title cannot reorder the
 *    cells or the URL shown after it ("Trojan Source"). Balanced text is unchanged.
 *
 * titles    one line per row (LF); "" for a row without a title, so line N is row N.
 * tsv       header row, LF line ends; in cells TAB, LF, CR and backslash are written as
 *           \t \n \r \\ (the convention of PostgreSQL's text COPY and "linear TSV");
 *           an absent value is an empty cell.
 * csv       RFC 4180: CRLF after every record, a field holding , " CR or LF is quoted,
 *           quotes doubled; UTF-8 without a BOM. A text cell that a spreadsheet would run
 *           as a formula (first character = + - @ TAB CR LF, or full-width ＝ ＋ － ＠)
 *           gets a leading ' (OWASP's CSV injection advice): "-2" is written "'-2".
 * json      "[\n", one compact object per row joined by ",\n", then "\n]\n" ("[\n]\n"
 *           without rows); jsonl: one compact object per line. Built by json-glib; null
 *           for absent values; text kept as is (after make_valid). json-glib 1.6 leaves
 *           U+001F raw, which is not JSON: we rewrite that byte as \u001f.
 * markdown  "- [text](url)"; in the text \ ` * _ [ ] < > & ~ are backslash-escaped; in
 *           the URL space, controls, bidi controls, noncharacters, ( ) < > and \ are
 *           percent-encoded so nothing can close the link early.
 * html      an HTML5 document with one <li><a href="url">text</a></li> per row; & < > " '
 *           are written as entities everywhere; in href, space, controls, bidi controls and
 *           noncharacters are percent-encoded.
 * org       "- [[url][text]]"; Org has no escape for ] in a description, so [ and ]
 *           become { and } there; in the URL [ ] \ space and controls are percent-encoded.
 *
 * In markdown, html and org the text is the title, or the URL when the title is missing
 * or blank; only http: and https: URLs become links (javascript:, file:, elisp:, ...
 * rows are written as text alone).
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "gleaner-error.h"
#include "gleaner-result.h"
#include "gleaner-exporter.h"

/* Output is handed to the stream or file in blocks of at least this size. */
#define BLOCK_SIZE (64 * 1024)

/* Longest file name part we copy into a temporary name (NAME_MAX is 255). */
#define MAX_TMP_BASENAME 200

typedef enum
{
  COLUMN_URL,
  COLUMN_FINAL_URL,
  COLUMN_STATUS,
  COLUMN_TITLE,
  COLUMN_DESCRIPTION,
  COLUMN_OG_TITLE,
  COLUMN_OG_SITE_NAME,
  COLUMN_CANONICAL,
  COLUMN_LANG,
  COLUMN_H1,
  COLUMN_REDIRECTS,
  COLUMN_CONTENT_TYPE,
  COLUMN_ENCODING,
  COLUMN_ENCODING_SOURCE,
  COLUMN_BYTES,
  COLUMN_ELAPSED_MS,
  COLUMN_ERROR_KIND,
  COLUMN_ERROR,
  N_COLUMNS
} Column;

static const struct
{
  const char    *name;
  GleanerFields  fact;      /* optional fact columns; 0 for columns always present */
} column_info[N_COLUMNS] = {
  [COLUMN_URL]             = { "url", 0 },
  [COLUMN_FINAL_URL]       = { "final_url", 0 },
  [COLUMN_STATUS]          = { "status", 0 },
  [COLUMN_TITLE]           = { "title", 0 },
  [COLUMN_DESCRIPTION]     = { "description", GLEANER_FIELD_DESCRIPTION },
  [COLUMN_OG_TITLE]        = { "og_title", GLEANER_FIELD_OG_TITLE },
  [COLUMN_OG_SITE_NAME]    = { "og_site_name", GLEANER_FIELD_OG_SITE_NAME },
  [COLUMN_CANONICAL]       = { "canonical", GLEANER_FIELD_CANONICAL },
  [COLUMN_LANG]            = { "lang", GLEANER_FIELD_LANG },
  [COLUMN_H1]              = { "h1", GLEANER_FIELD_H1 },
  [COLUMN_REDIRECTS]       = { "redirects", 0 },
  [COLUMN_CONTENT_TYPE]    = { "content_type", 0 },
  [COLUMN_ENCODING]        = { "encoding", 0 },
  [COLUMN_ENCODING_SOURCE] = { "encoding_source", 0 },
  [COLUMN_BYTES]           = { "bytes", 0 },
  [COLUMN_ELAPSED_MS]      = { "elapsed_ms", 0 },
  [COLUMN_ERROR_KIND]      = { "error_kind", 0 },
  [COLUMN_ERROR]           = { "error", 0 },
};

static const struct
{
  const char *name;
  const char *extension;
  const char *mime_type;
} format_info[GLEANER_N_FORMATS] = {
  [GLEANER_FORMAT_TITLES]   = { "titles", "txt", "text/plain" },
  [GLEANER_FORMAT_TSV]      = { "tsv", "tsv", "text/tab-separated-values" },
  [GLEANER_FORMAT_CSV]      = { "csv", "csv", "text/csv" },
  [GLEANER_FORMAT_JSON]     = { "json", "json", "application/json" },
  [GLEANER_FORMAT_JSONL]    = { "jsonl", "jsonl", "application/jsonl" },
  [GLEANER_FORMAT_MARKDOWN] = { "markdown", "md", "text/markdown" },
  [GLEANER_FORMAT_HTML]     = { "html", "html", "text/html" },
  [GLEANER_FORMAT_ORG]      = { "org", "org", "text/org" },
};

/* One cell of a row: text (NULL when absent) or a number. */
typedef struct
{
  const char *text;
  gint64      number;
  gboolean    is_number;
} Cell;

/* The temporary file of a file writer and what we knew of the target when we
 * started. Owned by the writer; used on the writer's thread only. */
typedef struct
{
  char        *display_name;    /* the target as the user named it, UTF-8 */
  char        *path;            /* the file we replace (a symlink's target) */
  char        *tmp_path;        /* NULL once renamed */
  int          fd;              /* -1 once closed */
  gboolean     existed;
  struct stat  before;
} FileTarget;

struct _GleanerWriter
{
  GleanerFormat   format;
  GleanerFields   fields;
  Column          active[N_COLUMNS];
  guint           n_active;

  /* owned */
  GOutputStream  *stream;       /* stream writers */
  FileTarget     *target;       /* file writers */
  GString        *buffer;       /* output not yet written */
  GString        *scratch;      /* one sanitised cell */
  GString        *bidi_stack;   /* open bidi embeddings ('E') and isolates ('I') */
  JsonGenerator  *generator;    /* json, jsonl: one generator and one object for all rows */
  JsonNode       *root;
  JsonNode       *json_values[N_COLUMNS];   /* borrowed: members of root's object */
  GError         *failure;      /* the first error; every later call returns it again */

  guint64         n_rows;
  guint           started : 1;
  guint           finished : 1;
};

static const char html_header[] =
  "<!DOCTYPE html>\n"
  "<html>\n"
  "<head>\n"
  "<meta charset=\"utf-8\">\n"
  "<title>Links</title>\n"
  "</head>\n"
  "<body>\n"
  "<ul>\n";

static const char html_footer[] =
  "</ul>\n"
  "</body>\n"
  "</html>\n";

static void
file_target_free (FileTarget *target)
{
  if (target == NULL)
    return;

  if (target->fd >= 0)
    close (target->fd);
  if (target->tmp_path != NULL)
    g_unlink (target->tmp_path);

  g_free (target->display_name);
  g_free (target->path);
  g_free (target->tmp_path);
  g_free (target);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FileTarget, file_target_free)

static gboolean
set_file_error (GError     **error,
                const char  *display_name,
                int          errsv)
{
  /* Translators: the first %s is a file name, the second the reason (from the system) */
  g_set_error (error, GLEANER_ERROR, GLEANER_ERROR_WRITE, _("Could not write “%s”: %s"),
               display_name, g_strerror (errsv));
  return FALSE;
}

static gboolean
is_http_url (const char *url)
{
  return g_ascii_strncasecmp (url, "http://", 7) == 0 ||
         g_ascii_strncasecmp (url, "https://", 8) == 0;
}

/* Unicode noncharacters: never meant for interchange, parse errors in HTML, and
 * libxml2 gives up on the element holding one. */
static gboolean
is_noncharacter (gunichar c)
{
  return (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe;
}

/* Characters that are invisible or change the layout of a line. */
static gboolean
is_hidden_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || is_noncharacter (c) ||
         c == 0x2028 || c == 0x2029 ||
         c == 0x061c || c == 0x200e || c == 0x200f ||
         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static void
append_int (GString *out,
            gint64   value)
{
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 u = value < 0 ? -(guint64)value : (guint64)value;

  do
    {
      *--p = '0' + u % 10;
      u /= 10;
    }
  while (u != 0);

  if (value < 0)
    *--p = '-';

  g_string_append_len (out, p, buf + sizeof buf - p);
}

static void
append_percent (GString *out,
                guchar   byte)
{
  static const char hex[] = "0123456789ABCDEF";

  g_string_append_c (out, '%');
  g_string_append_c (out, hex[byte >> 4]);
  g_string_append_c (out, hex[byte & 0xf]);
}

/* Appends @url with controls, spaces, bidi controls and the ASCII characters in
 * @also percent-encoded. Other non-ASCII text is kept as it is. */
static void
append_url_encoded (GString    *out,
                    const char *url,
                    const char *also)
{
  g_autofree char *valid = NULL;

  if (!g_utf8_validate (url, -1, NULL))
    url = valid = g_utf8_make_valid (url, -1);

  for (const char *s = url; *s != '\0';)
    {
      guchar b = *s;

      if (b < 0x80)
        {
          if (b <= 0x20 || b == 0x7f || strchr (also, b) != NULL)
            append_percent (out, b);
          else
            g_string_append_c (out, b);
          s++;
        }
      else
        {
          const char *next = g_utf8_next_char (s);

          if (is_hidden_control (g_utf8_get_char (s)))
            {
              for (; s < next; s++)
                append_percent (out, *s);
            }
          else
            {
              g_string_append_len (out, s, next - s);
              s = next;
            }
        }
    }
}

/* Returns @text made safe for a line format (see the top of this file): @text
 * itself when nothing needs changing, else the contents of self->scratch, valid
 * until the next call. */
static const char *
sanitize (GleanerWriter *self,
          const char    *text,
          gboolean       keep_breaks)
{
  g_autofree char *valid = NULL;
  GString *out = self->scratch;
  GString *stack = self->bidi_stack;
  const guchar *p;
  guint n_isolates = 0;

  for (p = (const guchar *)text; *p >= 0x20 && *p < 0x7f; p++)
    ;
  if (*p == '\0')
    return text;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  g_string_truncate (out, 0);
  g_string_truncate (stack, 0);

  for (const char *s = text; *s != '\0';)
    {
      const char *next = g_utf8_next_char (s);
      gunichar c = (guchar)*s < 0x80 ? (guchar)*s : g_utf8_get_char (s);

      if (c < 0x20 || c == 0x7f)
        {
          if (keep_breaks && (c == '\t' || c == '\n' || c == '\r'))
            g_string_append_c (out, c);
          else
            g_string_append_c (out, ' ');
        }
      else if ((c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029)
        {
          g_string_append_c (out, ' ');
        }
      else if (is_noncharacter (c))
        {
          g_string_append (out, "\xef\xbf\xbd");
        }
      else
        {
          switch (c)
            {
            case 0x202a: case 0x202b: case 0x202d: case 0x202e:   /* LRE RLE LRO RLO */
              g_string_append_c (stack, 'E');
              break;
            case 0x2066: case 0x2067: case 0x2068:                /* LRI RLI FSI */
              g_string_append_c (stack, 'I');
              n_isolates++;
              break;
            case 0x202c:                                          /* PDF */
              if (stack->len > 0 && stack->str[stack->len - 1] == 'E')
                g_string_truncate (stack, stack->len - 1);
              break;
            case 0x2069:                                          /* PDI */
              /* Closes the last isolate and the embeddings inside it. The scan
               * is paid for by what it pops, so this stays linear. */
              if (n_isolates > 0)
                {
                  gsize i = stack->len;

                  while (stack->str[--i] != 'I')
                    ;
                  g_string_truncate (stack, i);
                  n_isolates--;
                }
              break;
            default:
              break;
            }

          g_string_append_len (out, s, next - s);
        }

      s = next;
    }

  for (gsize i = stack->len; i > 0; i--)
    g_string_append (out, stack->str[i - 1] == 'I' ? "\xe2\x81\xa9" : "\xe2\x80\xac");

  return out->str;
}

static gboolean
is_blank (const char *text)
{
  for (; *text == ' '; text++)
    ;
  return *text == '\0';
}

static void
append_tsv_text (GString    *out,
                 const char *text)
{
  for (;;)
    {
      gsize run = strcspn (text, "\t\n\r\\");

      g_string_append_len (out, text, run);
      text += run;

      switch (*text)
        {
        case '\0': return;
        case '\t': g_string_append (out, "\\t"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\\': g_string_append (out, "\\\\"); break;
        default:   g_assert_not_reached ();
        }
      text++;
    }
}

static gboolean
is_formula_start (const char *text)
{
  switch (text[0])
    {
    case '=': case '+': case '-': case '@': case '\t': case '\r': case '\n':
      return TRUE;
    case '\xef':
      /* Full-width ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20), which some
       * spreadsheets fold to ASCII. */
      return text[1] == '\xbc' &&
             (text[2] == '\x9d' || text[2] == '\x8b' || text[2] == '\x8d' || text[2] == '\xa0');
    default:
      return FALSE;
    }
}

static void
append_csv_text (GString    *out,
                 const char *text)
{
  gboolean quote = text[strcspn (text, ",\"\r\n")] != '\0';

  if (quote)
    g_string_append_c (out, '"');
  if (is_formula_start (text))
    g_string_append_c (out, '\'');

  for (;;)
    {
      const char *q = strchr (text, '"');

      if (q == NULL)
        {
          g_string_append (out, text);
          break;
        }
      g_string_append_len (out, text, q + 1 - text);
      g_string_append_c (out, '"');
      text = q + 1;
    }

  if (quote)
    g_string_append_c (out, '"');
}

static void
append_html_text (GString    *out,
                  const char *text)
{
  for (;;)
    {
      gsize run = strcspn (text, "&<>\"'");

      g_string_append_len (out, text, run);
      text += run;

      switch (*text)
        {
        case '\0': return;
        case '&':  g_string_append (out, "&amp;"); break;
        case '<':  g_string_append (out, "&lt;"); break;
        case '>':  g_string_append (out, "&gt;"); break;
        case '"':  g_string_append (out, "&quot;"); break;
        case '\'': g_string_append (out, "&#39;"); break;
        default:   g_assert_not_reached ();
        }
      text++;
    }
}

static void
append_markdown_text (GString    *out,
                      const char *text)
{
  for (;;)
    {
      gsize run = strcspn (text, "\\`*_[]<>&~");

      g_string_append_len (out, text, run);
      text += run;
      if (*text == '\0')
        return;
      g_string_append_c (out, '\\');
      g_string_append_c (out, *text);
      text++;
    }
}

static void
append_org_text (GString    *out,
                 const char *text)
{
  for (;;)
    {
      gsize run = strcspn (text, "[]");

      g_string_append_len (out, text, run);
      text += run;
      if (*text == '\0')
        return;
      g_string_append_c (out, *text == '[' ? '{' : '}');
      text++;
    }
}

/* The text a link shows: the title, or the URL when there is none. */
static const char *
link_text (GleanerWriter *self,
           GleanerResult *result)
{
  const char *title = gleaner_result_get_title (result);

  if (title != NULL)
    {
      const char *text = sanitize (self, title, FALSE);

      if (!is_blank (text))
        return text;
    }

  return sanitize (self, gleaner_result_get_url (result), FALSE);
}

static void
fill_cell (Cell          *cell,
           Column         column,
           GleanerResult *result)
{
  const char *text = NULL;

  cell->text = NULL;
  cell->number = 0;
  cell->is_number = FALSE;

  switch (column)
    {
    case COLUMN_URL:
      cell->text = gleaner_result_get_url (result);
      break;
    case COLUMN_FINAL_URL:
      cell->text = gleaner_result_get_final_url (result);
      break;
    case COLUMN_STATUS:
      /* 0: no HTTP response at all, so no status to report */
      cell->number = gleaner_result_get_status (result);
      cell->is_number = cell->number != 0;
      break;
    case COLUMN_TITLE:
    case COLUMN_DESCRIPTION:
    case COLUMN_OG_TITLE:
    case COLUMN_OG_SITE_NAME:
    case COLUMN_CANONICAL:
    case COLUMN_LANG:
    case COLUMN_H1:
      cell->text = gleaner_result_get_fact (result, column == COLUMN_TITLE ? GLEANER_FIELD_TITLE
                                                                           : column_info[column].fact);
      break;
    case COLUMN_REDIRECTS:
      cell->number = gleaner_result_get_redirect_count (result);
      cell->is_number = TRUE;
      break;
    case COLUMN_CONTENT_TYPE:
      cell->text = gleaner_result_get_content_type (result);
      break;
    case COLUMN_ENCODING:
      cell->text = gleaner_result_get_encoding (result);
      break;
    case COLUMN_ENCODING_SOURCE:
      text = gleaner_encoding_source_to_string (gleaner_result_get_encoding_source (result));
      cell->text = (text != NULL && *text != '\0') ? text : NULL;
      break;
    case COLUMN_BYTES:
      cell->number = (gint64)MIN (gleaner_result_get_body_bytes (result), (guint64)G_MAXINT64);
      cell->is_number = TRUE;
      break;
    case COLUMN_ELAPSED_MS:
      {
        double ms = gleaner_result_get_elapsed (result) * 1000.0;

        if (!(ms >= 0.0))
          ms = 0.0;
        cell->number = ms < 1e15 ? (gint64)floor (ms + 0.5) : (gint64)1e15;
        cell->is_number = TRUE;
      }
      break;
    case COLUMN_ERROR_KIND:
      text = gleaner_error_kind_to_string (gleaner_result_get_error_kind (result));
      cell->text = (text != NULL && *text != '\0') ? text : NULL;
      break;
    case COLUMN_ERROR:
      cell->text = gleaner_result_get_error_message (result);
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

/* Sets the value of member @i of the row object. A node is changed in place only
 * when it keeps its kind: json_node_init_*() on a node that held a value leaves
 * a dangling pointer behind in json-glib (json_node_unset() does not clear it),
 * so a change of kind gets a fresh node instead. */
static void
set_json_value (GleanerWriter *self,
                guint          i,
                const Cell    *cell)
{
  JsonNode *node = self->json_values[i];
  JsonNode *fresh = NULL;

  if (cell->is_number)
    {
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
        json_node_set_int (node, cell->number);
      else
        fresh = json_node_init_int (json_node_alloc (), cell->number);
    }
  else if (cell->text == NULL)
    {
      if (!JSON_NODE_HOLDS_NULL (node))
        fresh = json_node_new (JSON_NODE_NULL);
    }
  else
    {
      g_autofree char *valid = NULL;
      const char *text = cell->text;

      if (!g_utf8_validate (text, -1, NULL))
        text = valid = g_utf8_make_valid (text, -1);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        json_node_set_string (node, text);
      else
        fresh = json_node_init_string (json_node_alloc (), text);
    }

  if (fresh != NULL)
    {
      json_object_set_member (json_node_get_object (self->root),
                              column_info[self->active[i]].name, fresh);
      self->json_values[i] = fresh;
    }
}

/* json-glib 1.6 escapes control characters below 0x1f only; a raw U+001F is not
 * JSON. The byte cannot occur in JSON's syntax or inside a multi-byte UTF-8
 * sequence, so each one found is a string character to escape. */
static void
escape_unit_separators (GString *out,
                        gsize    start)
{
  g_autoptr(GString) fixed = NULL;
  const char *p;
  const char *end;

  if (memchr (out->str + start, 0x1f, out->len - start) == NULL)
    return;

  fixed = g_string_sized_new (out->len - start + 64);
  end = out->str + out->len;
  for (p = out->str + start; p < end; p++)
    {
      if (*p == 0x1f)
        g_string_append (fixed, "\\u001f");
      else
        g_string_append_c (fixed, *p);
    }

  g_string_truncate (out, start);
  g_string_append_len (out, fixed->str, fixed->len);
}

static void
write_header (GleanerWriter *self)
{
  GString *out = self->buffer;

  switch (self->format)
    {
    case GLEANER_FORMAT_TSV:
    case GLEANER_FORMAT_CSV:
      for (guint i = 0; i < self->n_active; i++)
        {
          if (i > 0)
            g_string_append_c (out, self->format == GLEANER_FORMAT_TSV ? '\t' : ',');
          g_string_append (out, column_info[self->active[i]].name);
        }
      g_string_append (out, self->format == GLEANER_FORMAT_TSV ? "\n" : "\r\n");
      break;
    case GLEANER_FORMAT_JSON:
      g_string_append (out, "[\n");
      break;
    case GLEANER_FORMAT_HTML:
      g_string_append (out, html_header);
      break;
    case GLEANER_FORMAT_TITLES:
    case GLEANER_FORMAT_JSONL:
    case GLEANER_FORMAT_MARKDOWN:
    case GLEANER_FORMAT_ORG:
    default:
      break;
    }

  self->started = TRUE;
}

static void
write_table_row (GleanerWriter *self,
                 GleanerResult *result)
{
  GString *out = self->buffer;
  gboolean tsv = self->format == GLEANER_FORMAT_TSV;

  for (guint i = 0; i < self->n_active; i++)
    {
      Cell cell;

      fill_cell (&cell, self->active[i], result);

      if (i > 0)
        g_string_append_c (out, tsv ? '\t' : ',');

      if (cell.is_number)
        append_int (out, cell.number);
      else if (cell.text == NULL)
        ;
      else if (tsv)
        append_tsv_text (out, sanitize (self, cell.text, TRUE));
      else
        append_csv_text (out, sanitize (self, cell.text, TRUE));
    }

  g_string_append (out, tsv ? "\n" : "\r\n");
}

static void
write_json_row (GleanerWriter *self,
                GleanerResult *result)
{
  GString *out = self->buffer;
  gsize start;

  for (guint i = 0; i < self->n_active; i++)
    {
      Cell cell;

      fill_cell (&cell, self->active[i], result);
      set_json_value (self, i, &cell);
    }

  if (self->format == GLEANER_FORMAT_JSON && self->n_rows > 0)
    g_string_append (out, ",\n");

  start = out->len;
  json_generator_set_root (self->generator, self->root);
  json_generator_to_gstring (self->generator, out);
  escape_unit_separators (out, start);

  if (self->format == GLEANER_FORMAT_JSONL)
    g_string_append_c (out, '\n');
}

static void
write_link_row (GleanerWriter *self,
                GleanerResult *result)
{
  GString *out = self->buffer;
  const char *url = gleaner_result_get_url (result);
  gboolean link = is_http_url (url);
  const char *text;

  switch (self->format)
    {
    case GLEANER_FORMAT_MARKDOWN:
      g_string_append (out, link ? "- [" : "- ");
      append_markdown_text (out, link_text (self, result));
      if (link)
        {
          g_string_append (out, "](");
          append_url_encoded (out, url, "()<>\\");
          g_string_append_c (out, ')');
        }
      g_string_append_c (out, '\n');
      break;

    case GLEANER_FORMAT_HTML:
      if (link)
        {
          g_autoptr(GString) href = g_string_new (NULL);

          append_url_encoded (href, url, "");
          g_string_append (out, "<li><a href=\"");
          append_html_text (out, href->str);
          g_string_append (out, "\">");
        }
      else
        {
          g_string_append (out, "<li><a>");
        }
      append_html_text (out, link_text (self, result));
      g_string_append (out, "</a></li>\n");
      break;

    case GLEANER_FORMAT_ORG:
      text = link_text (self, result);
      if (link)
        {
          g_string_append (out, "- [[");
          append_url_encoded (out, url, "[]\\");
          g_string_append (out, "][");
          append_org_text (out, text);
          g_string_append (out, "]]\n");
        }
      else
        {
          g_string_append (out, "- ");
          append_org_text (out, text);
          g_string_append_c (out, '\n');
        }
      break;

    case GLEANER_FORMAT_TITLES:
    case GLEANER_FORMAT_TSV:
    case GLEANER_FORMAT_CSV:
    case GLEANER_FORMAT_JSON:
    case GLEANER_FORMAT_JSONL:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
fail (GleanerWriter  *self,
      GError         *failure,
      GError        **error)
{
  g_assert (self->failure == NULL);

  self->failure = g_error_copy (failure);
  g_propagate_error (error, failure);
  return FALSE;
}

static gboolean
write_all_to_fd (int         fd,
                 const char *data,
                 gsize       len,
                 int        *errsv)
{
  while (len > 0)
    {
      gssize n = write (fd, data, MIN (len, (gsize)G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          *errsv = n < 0 ? errno : ENOSPC;
          return FALSE;
        }
      data += n;
      len -= n;
    }

  return TRUE;
}

static gboolean
write_buffer (GleanerWriter  *self,
              GCancellable   *cancellable,
              GError        **error)
{
  GError *local_error = NULL;

  if (self->buffer->len == 0)
    return TRUE;

  if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    return fail (self, local_error, error);

  if (self->target != NULL)
    {
      int errsv = 0;

      if (!write_all_to_fd (self->target->fd, self->buffer->str, self->buffer->len, &errsv))
        {
          set_file_error (&local_error, self->target->display_name, errsv);
          return fail (self, local_error, error);
        }
    }
  else if (!g_output_stream_write_all (self->stream, self->buffer->str, self->buffer->len,
                                       NULL, cancellable, &local_error))
    {
      return fail (self, local_error, error);
    }

  g_string_truncate (self->buffer, 0);
  return TRUE;
}

static FileTarget *
file_target_open (GFile         *file,
                  GError       **error)
{
  g_autoptr(FileTarget) target = g_new0 (FileTarget, 1);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_name = NULL;
  struct stat st;

  target->fd = -1;
  target->display_name = g_file_get_parse_name (file);

  if (path == NULL)
    {
      g_set_error (error, GLEANER_ERROR, GLEANER_ERROR_WRITE,
                   _("Could not write “%s”: only local files can be written"),
                   target->display_name);
      return NULL;
    }

  /* Replace what a symlink points to, not the link itself. */
  if (lstat (path, &st) == 0 && S_ISLNK (st.st_mode))
    {
      char *real = realpath (path, NULL);

      if (real != NULL)
        {
          target->path = g_strdup (real);
          free (real);
        }
    }
  if (target->path == NULL)
    target->path = g_steal_pointer (&path);

  if (stat (target->path, &target->before) == 0)
    {
      /* Renaming over a device or a FIFO (think /dev/null as root) would
       * replace the node itself. */
      if (!S_ISREG (target->before.st_mode))
        {
          if (S_ISDIR (target->before.st_mode))
            set_file_error (error, target->display_name, EISDIR);
          else
            g_set_error (error, GLEANER_ERROR, GLEANER_ERROR_WRITE,
                         _("Could not write “%s”: not a regular file"), target->display_name);
          return NULL;
        }
      target->existed = TRUE;
    }
  else if (errno != ENOENT)
    {
      set_file_error (error, target->display_name, errno);
      return NULL;
    }

  dir = g_path_get_dirname (target->path);
  base = g_path_get_basename (target->path);
  if (strlen (base) > MAX_TMP_BASENAME)
    base[MAX_TMP_BASENAME] = '\0';
  tmp_name = g_strdup_printf (".%s.XXXXXX", base);
  target->tmp_path = g_build_filename (dir, tmp_name, NULL);

  /* Beside the target, so the rename stays on one file system. A file that
   * exists keeps its mode; the temporary file starts private so nobody can
   * open it before the mode is narrowed. */
  target->fd = g_mkstemp_full (target->tmp_path, O_WRONLY | O_CLOEXEC,
                               target->existed ? 0600 : 0644);
  if (target->fd < 0)
    {
      int errsv = errno;

      g_clear_pointer (&target->tmp_path, g_free);
      set_file_error (error, target->display_name, errsv);
      return NULL;
    }

  if (target->existed)
    {
      struct stat tmp_st;

      if (fstat (target->fd, &tmp_st) == 0 &&
          (tmp_st.st_uid != target->before.st_uid || tmp_st.st_gid != target->before.st_gid))
        {
          /* Best effort: only root may give a file away. */
          if (fchown (target->fd, target->before.st_uid, target->before.st_gid) != 0)
            g_debug ("Could not keep the owner of %s: %s", target->path, g_strerror (errno));
        }

      if (fchmod (target->fd, target->before.st_mode & 0777) != 0)
        {
          set_file_error (error, target->display_name, errno);
          return NULL;
        }
    }

  return g_steal_pointer (&target);
}

static gboolean
same_file_state (const struct stat *a,
                 const struct stat *b)
{
  return a->st_dev == b->st_dev &&
         a->st_ino == b->st_ino &&
         a->st_size == b->st_size &&
         a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
         a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static gboolean
file_target_commit (FileTarget    *target,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *dir = NULL;
  struct stat now;
  gboolean exists_now;
  int fd = target->fd;
  int dir_fd;

  target->fd = -1;

  if (fsync (fd) != 0 && errno != EINVAL)
    {
      int errsv = errno;

      close (fd);
      return set_file_error (error, target->display_name, errsv);
    }

  /* Some file systems (NFS) report write errors only here. */
  if (close (fd) != 0 && errno != EINTR)
    return set_file_error (error, target->display_name, errno);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Do not overwrite what somebody else saved there meanwhile. A race remains
   * between this check and the rename, but it is short. */
  exists_now = stat (target->path, &now) == 0;
  if (exists_now != target->existed ||
      (exists_now && !same_file_state (&now, &target->before)))
    {
      g_set_error (error, GLEANER_ERROR, GLEANER_ERROR_WRITE,
                   _("Could not write “%s”: it was changed by another program during the export"),
                   target->display_name);
      return FALSE;
    }

  if (g_rename (target->tmp_path, target->path) != 0)
    return set_file_error (error, target->display_name, errno);

  g_clear_pointer (&target->tmp_path, g_free);

  /* Make the rename itself durable; the data is already safe, so errors here
   * are not worth failing for. */
  dir = g_path_get_dirname (target->path);
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      if (fsync (dir_fd) != 0)
        g_debug ("Could not sync %s: %s", dir, g_strerror (errno));
      close (dir_fd);
    }

  return TRUE;
}

static GleanerWriter *
writer_new (GleanerFormat format,
            GleanerFields fields)
{
  GleanerWriter *self = g_new0 (GleanerWriter, 1);

  self->format = format;
  self->fields = (fields & GLEANER_FIELDS_ALL) | GLEANER_FIELD_TITLE;
  self->buffer = g_string_sized_new (BLOCK_SIZE + 4096);
  self->scratch = g_string_sized_new (256);
  self->bidi_stack = g_string_new (NULL);

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      if (column_info[i].fact == 0 || (self->fields & column_info[i].fact) != 0)
        self->active[self->n_active++] = i;
    }

  if (format == GLEANER_FORMAT_JSON || format == GLEANER_FORMAT_JSONL)
    {
      JsonObject *object = json_object_new ();

      /* The object is built once; each row only replaces the member values. */
      for (guint i = 0; i < self->n_active; i++)
        {
          const char *name = column_info[self->active[i]].name;

          json_object_set_null_member (object, name);
          self->json_values[i] = json_object_get_member (object, name);
        }

      self->root = json_node_init_object (json_node_alloc (), object);
      json_object_unref (object);
      self->generator = json_generator_new ();
    }

  return self;
}

/**
 * gleaner_format_from_string:
 * @name: a format name: "titles", "tsv", "csv", "json", "jsonl", "markdown",
 *   "html" or "org"
 * @format: (out) (optional): where to store the format
 *
 * Returns: whether @name is a format name
 */
gboolean
gleaner_format_from_string (const char    *name,
                            GleanerFormat *format)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < GLEANER_N_FORMATS; i++)
    {
      if (g_str_equal (name, format_info[i].name))
        {
          if (format != NULL)
            *format = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * gleaner_format_from_filename:
 * @filename: a file name or path, in the GLib file name encoding
 * @format: (out) (optional): where to store the format
 *
 * Guesses the format from the extension of @filename, ignoring case: txt, text,
 * tsv, tab, csv, json, jsonl, ndjson, md, markdown, html, htm and org.
 *
 * Returns: whether the extension names a format
 */
gboolean
gleaner_format_from_filename (const char    *filename,
                              GleanerFormat *format)
{
  static const struct
  {
    const char    *extension;
    GleanerFormat  format;
  } extensions[] = {
    { "txt", GLEANER_FORMAT_TITLES },
    { "text", GLEANER_FORMAT_TITLES },
    { "tsv", GLEANER_FORMAT_TSV },
    { "tab", GLEANER_FORMAT_TSV },
    { "csv", GLEANER_FORMAT_CSV },
    { "json", GLEANER_FORMAT_JSON },
    { "jsonl", GLEANER_FORMAT_JSONL },
    { "ndjson", GLEANER_FORMAT_JSONL },
    { "md", GLEANER_FORMAT_MARKDOWN },
    { "markdown", GLEANER_FORMAT_MARKDOWN },
    { "html", GLEANER_FORMAT_HTML },
    { "htm", GLEANER_FORMAT_HTML },
    { "org", GLEANER_FORMAT_ORG },
  };
  const char *base;
  const char *dot;

  g_return_val_if_fail (filename != NULL, FALSE);

  base = strrchr (filename, G_DIR_SEPARATOR);
  base = base != NULL ? base + 1 : filename;
  dot = strrchr (base, '.');
  if (dot == NULL || dot == base)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      if (g_ascii_strcasecmp (dot + 1, extensions[i].extension) == 0)
        {
          if (format != NULL)
            *format = extensions[i].format;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * gleaner_format_to_string:
 * @format: a format
 *
 * Returns: the name gleaner_format_from_string() accepts
 */
const char *
gleaner_format_to_string (GleanerFormat format)
{
  g_return_val_if_fail (format < GLEANER_N_FORMATS, NULL);

  return format_info[format].name;
}

/**
 * gleaner_format_get_extension:
 * @format: a format
 *
 * Returns: the usual file name extension, without a dot ("txt", "md", ...)
 */
const char *
gleaner_format_get_extension (GleanerFormat format)
{
  g_return_val_if_fail (format < GLEANER_N_FORMATS, NULL);

  return format_info[format].extension;
}

/**
 * gleaner_format_get_mime_type:
 * @format: a format
 *
 * JSON Lines is "application/jsonl", which shared-mime-info 2.2 does not know
 * yet: file choosers should filter it by the pattern "*.jsonl" as well.
 *
 * Returns: the MIME type of the format
 */
const char *
gleaner_format_get_mime_type (GleanerFormat format)
{
  g_return_val_if_fail (format < GLEANER_N_FORMATS, NULL);

  return format_info[format].mime_type;
}

/**
 * gleaner_format_get_label:
 * @format: a format
 *
 * Returns: a translated name for a format menu or a file chooser filter
 */
const char *
gleaner_format_get_label (GleanerFormat format)
{
  switch (format)
    {
    case GLEANER_FORMAT_TITLES:   return _("Plain titles");
    case GLEANER_FORMAT_TSV:      return _("Tab-separated values (TSV)");
    case GLEANER_FORMAT_CSV:      return _("Comma-separated values (CSV)");
    case GLEANER_FORMAT_JSON:     return _("JSON");
    case GLEANER_FORMAT_JSONL:    return _("JSON Lines");
    case GLEANER_FORMAT_MARKDOWN: return _("Markdown links");
    case GLEANER_FORMAT_HTML:     return _("Web page (HTML)");
    case GLEANER_FORMAT_ORG:      return _("Org mode links");
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * gleaner_export_get_columns:
 * @fields: the page facts a run extracts
 *
 * Returns: (transfer full) (array zero-terminated=1): the column names of the
 *   tsv and csv header rows, which are also the member names of json and jsonl
 *   objects, in their order
 */
char **
gleaner_export_get_columns (GleanerFields fields)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **columns;

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      if (column_info[i].fact == 0 || (fields & column_info[i].fact) != 0)
        g_strv_builder_add (builder, column_info[i].name);
    }

  columns = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return columns;
}

/**
 * gleaner_writer_new:
 * @format: the format to write
 * @fields: the page facts to add as columns (tsv, csv, json, jsonl)
 * @stream: where to write; the writer keeps a reference
 *
 * Creates a writer that streams rows to @stream. Rows are buffered and written in
 * blocks of 64 KiB or more; nothing is written before the first block fills, or
 * before gleaner_writer_flush() or gleaner_writer_finish().
 *
 * Use a writer from one thread at a time.
 *
 * Returns: (transfer full): a new writer
 */
GleanerWriter *
gleaner_writer_new (GleanerFormat  format,
                    GleanerFields  fields,
                    GOutputStream *stream)
{
  GleanerWriter *self;

  g_return_val_if_fail (format < GLEANER_N_FORMATS, NULL);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);

  self = writer_new (format, fields);
  self->stream = g_object_ref (stream);

  return self;
}

/**
 * gleaner_writer_new_for_file:
 * @format: the format to write
 * @fields: the page facts to add as columns (tsv, csv, json, jsonl)
 * @file: the file to create or replace; a local file
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Creates a writer that replaces @file atomically. It creates a temporary file
 * `.NAME.XXXXXX` in the directory of @file (of what @file points to, when it is
 * a symlink) with the mode of the file it replaces (new files: 0644 less the
 * umask); gleaner_writer_finish() syncs it and renames it over @file, unless
 * @file was changed meanwhile. Until then @file is untouched, and freeing the
 * writer removes the temporary file.
 *
 * May be called on any thread; use the writer on one thread at a time.
 *
 * Returns: (transfer full) (nullable): a new writer, or %NULL with @error set
 *   (%GLEANER_ERROR_WRITE, naming @file and the cause)
 */
GleanerWriter *
gleaner_writer_new_for_file (GleanerFormat   format,
                             GleanerFields   fields,
                             GFile          *file,
                             GCancellable   *cancellable,
                             GError        **error)
{
  GleanerWriter *self;
  FileTarget *target;

  g_return_val_if_fail (format < GLEANER_N_FORMATS, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  target = file_target_open (file, error);
  if (target == NULL)
    return NULL;

  self = writer_new (format, fields);
  self->target = target;

  return self;
}

/**
 * gleaner_writer_free:
 * @self: (nullable): a writer
 *
 * Frees @self. A file writer that did not finish successfully removes its
 * temporary file, leaving the target as it was. Does not close a stream.
 */
void
gleaner_writer_free (GleanerWriter *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->stream);
  g_clear_pointer (&self->target, file_target_free);
  g_clear_object (&self->generator);
  g_clear_pointer (&self->root, json_node_unref);
  g_string_free (self->buffer, TRUE);
  g_string_free (self->scratch, TRUE);
  g_string_free (self->bidi_stack, TRUE);
  g_clear_error (&self->failure);
  g_free (self);
}

/**
 * gleaner_writer_write:
 * @self: a writer
 * @result: the next row
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Adds one row. Writes to the stream or file only when a block is full.
 *
 * Returns: %TRUE, or %FALSE with @error set when writing failed (see
 *   gleaner_writer_new() and gleaner_writer_new_for_file() for the domains)
 */
gboolean
gleaner_writer_write (GleanerWriter  *self,
                      GleanerResult  *result,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (GLEANER_IS_RESULT (result), FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->failure != NULL)
    {
      g_propagate_error (error, g_error_copy (self->failure));
      return FALSE;
    }

  if (!self->started)
    write_header (self);

  switch (self->format)
    {
    case GLEANER_FORMAT_TITLES:
      {
        const char *title = gleaner_result_get_title (result);

        if (title != NULL)
          g_string_append (self->buffer, sanitize (self, title, FALSE));
        g_string_append_c (self->buffer, '\n');
      }
      break;
    case GLEANER_FORMAT_TSV:
    case GLEANER_FORMAT_CSV:
      write_table_row (self, result);
      break;
    case GLEANER_FORMAT_JSON:
    case GLEANER_FORMAT_JSONL:
      write_json_row (self, result);
      break;
    case GLEANER_FORMAT_MARKDOWN:
    case GLEANER_FORMAT_HTML:
    case GLEANER_FORMAT_ORG:
      write_link_row (self, result);
      break;
    default:
      g_assert_not_reached ();
    }

  self->n_rows++;

  if (self->buffer->len >= BLOCK_SIZE)
    return write_buffer (self, cancellable, error);

  return TRUE;
}

/**
 * gleaner_writer_flush:
 * @self: a writer
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Writes out what is buffered and flushes the stream, without a footer: for
 * a reader that wants rows as they come (a terminal, a pipe).
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
gleaner_writer_flush (GleanerWriter  *self,
                      GCancellable   *cancellable,
                      GError        **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->failure != NULL)
    {
      g_propagate_error (error, g_error_copy (self->failure));
      return FALSE;
    }

  if (!write_buffer (self, cancellable, error))
    return FALSE;

  if (self->stream != NULL && !g_output_stream_flush (self->stream, cancellable, &local_error))
    return fail (self, local_error, error);

  return TRUE;
}

/**
 * gleaner_writer_finish:
 * @self: a writer
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Writes the header if no row came, the footer (json's closing bracket, html's
 * closing tags), and flushes. A stream stays open. A file writer syncs its
 * temporary file and renames it over the target. Call it once; only
 * gleaner_writer_free() may follow.
 *
 * Returns: %TRUE, or %FALSE with @error set; after a failure a file writer's
 *   target is as it was
 */
gboolean
gleaner_writer_finish (GleanerWriter  *self,
                       GCancellable   *cancellable,
                       GError        **error)
{
  GError *local_error = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->finished, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->failure != NULL)
    {
      g_propagate_error (error, g_error_copy (self->failure));
      return FALSE;
    }

  if (!self->started)
    write_header (self);

  if (self->format == GLEANER_FORMAT_JSON)
    g_string_append (self->buffer, self->n_rows > 0 ? "\n]\n" : "]\n");
  else if (self->format == GLEANER_FORMAT_HTML)
    g_string_append (self->buffer, html_footer);

  if (!write_buffer (self, cancellable, error))
    return FALSE;

  if (self->stream != NULL)
    {
      if (!g_output_stream_flush (self->stream, cancellable, &local_error))
        return fail (self, local_error, error);
    }
  else if (!file_target_commit (self->target, cancellable, &local_error))
    {
      return fail (self, local_error, error);
    }

  self->finished = TRUE;
  return TRUE;
}

/**
 * gleaner_writer_get_n_rows:
 * @self: a writer
 *
 * Returns: how many rows were written (or buffered) so far
 */
guint64
gleaner_writer_get_n_rows (GleanerWriter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_rows;
}

/**
 * gleaner_export_to_file:
 * @file: the file to create or replace
 * @format: the format to write
 * @fields: the page facts to add as columns
 * @results: (element-type GleanerResult): the rows, in order
 * @cancellable: (nullable): a cancellable
 * @error: return location for an error
 *
 * Writes @results to @file atomically (see gleaner_writer_new_for_file()).
 * May run on any thread as long as nobody changes @results meanwhile.
 *
 * Returns: %TRUE, or %FALSE with @error set (%GLEANER_ERROR_WRITE, or
 *   %G_IO_ERROR_CANCELLED); @file is then as it was
 */
gboolean
gleaner_export_to_file (GFile          *file,
                        GleanerFormat   format,
                        GleanerFields   fields,
                        GPtrArray      *results,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_autoptr(GleanerWriter) writer = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (format < GLEANER_N_FORMATS, FALSE);
  g_return_val_if_fail (results != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  writer = gleaner_writer_new_for_file (format, fields, file, cancellable, error);
  if (writer == NULL)
    return FALSE;

  for (guint i = 0; i < results->len; i++)
    {
      if (!gleaner_writer_write (writer, g_ptr_array_index (results, i), cancellable, error))
        return FALSE;
    }

  return gleaner_writer_finish (writer, cancellable, error);
}

typedef struct
{
  GFile         *file;
  GPtrArray     *results;
  GleanerFormat  format;
  GleanerFields  fields;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->results, g_ptr_array_unref);
  g_free (data);
}

static void
export_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  GError *error = NULL;

  if (gleaner_export_to_file (data->file, data->format, data->fields, data->results,
                              cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * gleaner_export_to_file_async:
 * @file: the file to create or replace
 * @format: the format to write
 * @fields: the page facts to add as columns
 * @results: (element-type GleanerResult): the rows, in order; referenced, not
 *   copied: do not change it until @callback runs
 * @cancellable: (nullable): a cancellable
 * @callback: called on the thread-default main context of the caller
 * @user_data: data for @callback
 *
 * Runs gleaner_export_to_file() in a worker thread.
 */
void
gleaner_export_to_file_async (GFile               *file,
                              GleanerFormat        format,
                              GleanerFields        fields,
                              GPtrArray           *results,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (format < GLEANER_N_FORMATS);
  g_return_if_fail (results != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (ExportData, 1);
  data->file = g_object_ref (file);
  data->results = g_ptr_array_ref (results);
  data->format = format;
  data->fields = fields;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, gleaner_export_to_file_async);
  g_task_set_name (task, "[gleaner] export to file");
  g_task_set_task_data (task, data, (GDestroyNotify)export_data_free);
  /* Once renamed, the file is written: a late cancel must not report failure. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, export_worker);
}

/**
 * gleaner_export_to_file_finish:
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: %TRUE when the file was written, else %FALSE with @error set
 */
gboolean
gleaner_export_to_file_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == gleaner_export_to_file_async,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
