/* gleaner-url-list.c: turn pasted text (lists, Markdown, HTML, prose) into fetchable URLs
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What counts as a link
 * =====================
 *
 * Each line is scanned once, left to right, for candidates:
 *
 * - "scheme://…" anywhere a word may start (after a space, punctuation or a
 *   non-ASCII character): http and https are kept, any other scheme is an
 *   unsupported-scheme failure. "mailto:", "javascript:", "data:" and the other
 *   well-known schemes without "//" count too, so they can be reported.
 * - "http:example.org" and "http:/example.org" are read as a browser reads them,
 *   but only where a link is certain: the line is that one token, or it is an
 *   HTML attribute value, a Markdown destination "](…)" or an autolink "<…>".
 *   The same contexts accept protocol-relative "//example.org/x" (as https).
 * - A bare host, written without scheme, becomes https. Its host must be
 *   plausible: two or more labels of letters, digits and inner hyphens (each at
 *   most 63 bytes), a top-level label of at least two ASCII letters (or an IDN
 *   one, in Unicode or "xn--" form) that is not a common file extension ("txt",
 *   "html", "py", "md", …). IP addresses without a scheme are never links.
 *     * In prose (any line with more than one token, and attribute values) the
 *       host must also start with "www." or be followed by a path ("/", after
 *       an optional port): "example.org/x" and "www.example.org" are links,
 *       "e.g.", "version 1.2", "file.txt" or "see example.org" are not.
 *     * When the whole line is that one token (list markers "- ", "* ", "1. "
 *       and wrapping quotes or brackets aside), the plausible host alone is
 *       enough: "example.org" on its own line is a link.
 *
 * A link ends at whitespace (ASCII or Unicode), a control character, one of
 * < > " `, non-ASCII punctuation (“ ” « » 。…), a "]" that closes nothing, or
 * a ",", ";" or "|" directly followed by another "http(s)://". Then trailing
 * . , : ; ! ? ' * _ ~ | are dropped, and so are a ")" or "}" that close nothing
 * inside the link (Wikipedia's "Foo_(bar)" keeps its parenthesis) and an HTML
 * character reference such as "&gt;". A quoted href or src value ends at its
 * quote and keeps what is inside (spaces are percent-encoded). Character
 * references ("&amp;") are decoded in attribute values and in any link on a line
 * that holds HTML tags (its text is escaped too). An autolink ends at ">".
 * A link glued to non-ASCII letters on its left (Chinese or Japanese prose
 * without spaces) also ends at the first non-ASCII character.
 *
 * A candidate that is certainly meant as a link (a scheme, a certain context,
 * or a plausible bare host) and fails is the line's rejection, unless another
 * link on the line is accepted. The same link twice in a row on one line (an
 * HTML or Markdown link whose text is its own address) counts once.
 *
 * Normalisation is GUri's (g_uri_parse, relaxed, percent-encoding kept) and
 * g_hostname_to_ascii's: lower-case scheme and host, IDN to punycode (GLib's
 * IDNA, which maps a few characters such as "ß" differently from browsers),
 * default port dropped, empty path "/", dot segments removed, fragment dropped,
 * bytes a browser would escape in path and query percent-encoded. Userinfo is
 * dropped from accepted URLs: Gleaner does not do HTTP authentication from
 * URLs, and a password must never reach a result row, an export or a log.
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "gleaner-fingerprint-set.h"
#include "gleaner-url-list.h"

/* Looking further than this many bytes for 200 characters is never needed. */
#define TEXT_SCAN_BYTES (GLEANER_REJECTION_TEXT_MAX_CHARS * 4 + 4)

/* Longest scheme shown in a message. */
#define MESSAGE_SCHEME_MAX 32

/* Duplicates are found by fingerprint: SipHash-1-3 of the normalised URL with
 * a random key per list, kept in a GleanerFingerprintSet (about 9-11 bytes per
 * distinct URL, never the URL itself). Two different URLs share a fingerprint
 * with probability 2^-64 per pair, which nobody can aim at without the key: at
 * a million distinct URLs the chance that any URL is wrongly taken for a
 * duplicate is n(n-1)/2 * 2^-64 ≈ 2.7e-8. Telling every pair apart for certain
 * would mean keeping every URL's text, several times the memory. */

struct _GleanerUrlList
{
  /* owned */
  GPtrArray      *urls;          /* (element-type utf8): accepted, not yet taken */
  GPtrArray      *rejections;    /* (element-type GleanerRejection): not yet taken */
  GleanerFingerprintSet *seen;   /* NULL while keep_duplicates */
  GString        *buf;           /* scratch for candidates, reused for every line */
  GString        *out;

  guint64         key[2];        /* SipHash key of the fingerprints */
  guint64         n_lines;
  guint64         n_urls;
  guint64         n_duplicates;
  guint64         n_rejected;
  gboolean        pending_cr;    /* the last add_text() ended in "\r": a "\n" may follow */
};

G_DEFINE_BOXED_TYPE (GleanerRejection, gleaner_rejection,
                     gleaner_rejection_copy, gleaner_rejection_free)

/* ---- character classes --------------------------------------------------- */

enum
{
  CC_SPACE       = 1 << 0,  /* ASCII whitespace */
  CC_DELIM       = 1 << 1,  /* ends a link */
  CC_BOUNDARY    = 1 << 2,  /* a bare host may start after it */
  CC_TRAIL       = 1 << 3,  /* dropped from the end of a link */
  CC_SCHEME      = 1 << 4,  /* may be part of a scheme */
  CC_WRAP        = 1 << 5,  /* may open around a link */
  CC_CLOSE       = 1 << 6,  /* may close around a link */
  CC_TRANSPARENT = 1 << 7,  /* Markdown emphasis: keeps what precedes it */
};

#define CC_ALNUM (CC_SCHEME)

static const guint8 char_class[128] = {
  [0x00 ... 0x08] = CC_DELIM,
  ['\t' ... '\r'] = CC_SPACE | CC_DELIM | CC_BOUNDARY,
  [0x0e ... 0x1f] = CC_DELIM,
  [' ']  = CC_SPACE | CC_DELIM | CC_BOUNDARY,
  ['!']  = CC_BOUNDARY | CC_TRAIL,
  ['"']  = CC_DELIM | CC_BOUNDARY | CC_WRAP | CC_CLOSE,
  ['\''] = CC_BOUNDARY | CC_TRAIL | CC_WRAP | CC_CLOSE,
  ['(']  = CC_BOUNDARY | CC_WRAP,
  [')']  = CC_BOUNDARY | CC_CLOSE,
  ['*']  = CC_TRAIL | CC_WRAP | CC_CLOSE | CC_TRANSPARENT,
  ['+']  = CC_SCHEME,
  [',']  = CC_BOUNDARY | CC_TRAIL,
  ['-']  = CC_SCHEME,
  ['.']  = CC_SCHEME | CC_TRAIL,
  ['0' ... '9'] = CC_ALNUM,
  [':']  = CC_BOUNDARY | CC_TRAIL,
  [';']  = CC_BOUNDARY | CC_TRAIL,
  ['<']  = CC_DELIM | CC_BOUNDARY | CC_WRAP,
  ['=']  = CC_BOUNDARY,
  ['>']  = CC_DELIM | CC_BOUNDARY | CC_CLOSE,
  ['?']  = CC_TRAIL,
  ['A' ... 'Z'] = CC_ALNUM,
  ['[']  = CC_BOUNDARY | CC_WRAP,
  [']']  = CC_BOUNDARY | CC_CLOSE,
  ['_']  = CC_TRAIL | CC_WRAP | CC_CLOSE | CC_TRANSPARENT,
  ['`']  = CC_DELIM | CC_BOUNDARY | CC_WRAP | CC_CLOSE,
  ['a' ... 'z'] = CC_ALNUM,
  ['{']  = CC_BOUNDARY | CC_WRAP,
  ['|']  = CC_BOUNDARY | CC_TRAIL,
  ['}']  = CC_BOUNDARY | CC_CLOSE,
  ['~']  = CC_TRAIL,
  [0x7f] = CC_DELIM,
};

static inline gboolean
cc_is (guchar c,
       guint  cls)
{
  return c < 0x80 && (char_class[c] & cls) != 0;
}

typedef enum
{
  UC_LETTER,   /* letters, marks, digits: may be part of a host */
  UC_SPACE,    /* spaces, controls, invisible format characters */
  UC_PUNCT,    /* quotes, brackets, dashes, CJK full stops: end a link */
  UC_OTHER,    /* symbols and the rest: may be part of a path */
  UC_INVALID,  /* not UTF-8 */
} UnicodeKind;

static UnicodeKind
classify_unichar (gunichar u)
{
  switch (u)
    {
    case 0x00a0: case 0x1680: case 0x180e: case 0x2028: case 0x2029: case 0x202f:
    case 0x205f: case 0x2060: case 0x3000: case 0xfeff:
      return UC_SPACE;
    case 0x200c: case 0x200d:  /* ZWNJ and ZWJ occur inside IDN labels */
      return UC_LETTER;
    default:
      if (u >= 0x2000 && u <= 0x200f)
        return UC_SPACE;
      break;
    }

  switch (g_unichar_type (u))
    {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
      return UC_LETTER;
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SPACE_SEPARATOR:
      return UC_SPACE;
    case G_UNICODE_DASH_PUNCTUATION:
    case G_UNICODE_CLOSE_PUNCTUATION:
    case G_UNICODE_FINAL_PUNCTUATION:
    case G_UNICODE_INITIAL_PUNCTUATION:
    case G_UNICODE_OTHER_PUNCTUATION:
    case G_UNICODE_OPEN_PUNCTUATION:
      return UC_PUNCT;
    case G_UNICODE_CONNECT_PUNCTUATION:
    case G_UNICODE_CURRENCY_SYMBOL:
    case G_UNICODE_MODIFIER_SYMBOL:
    case G_UNICODE_MATH_SYMBOL:
    case G_UNICODE_OTHER_SYMBOL:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_UNASSIGNED:
    default:
      return UC_OTHER;
    }
}

/* Decodes the character at @p (which must be below @end); *len gets its size. */
static UnicodeKind
next_unichar (const char *p,
              const char *end,
              gsize      *len)
{
  gunichar u = g_utf8_get_char_validated (p, end - p);

  if (u == (gunichar)-1 || u == (gunichar)-2)
    {
      *len = 1;
      return UC_INVALID;
    }
  *len = g_utf8_next_char (p) - p;
  return classify_unichar (u);
}

static gboolean
is_space_at (const char *p,
             const char *end,
             gsize      *len)
{
  if ((guchar)*p < 0x80)
    {
      *len = 1;
      return cc_is (*p, CC_SPACE);
    }
  return next_unichar (p, end, len) == UC_SPACE;
}

/* Start of the character that ends just before @p (which is above @start). */
static const char *
prev_char_start (const char *start,
                 const char *p)
{
  const char *q = p - 1;

  while (q > start && p - q < 4 && ((guchar)*q & 0xc0) == 0x80)
    q--;
  return q;
}

static gboolean
ascii_equal (const char *s,
             gsize       len,
             const char *word)
{
  return strlen (word) == len && g_ascii_strncasecmp (s, word, len) == 0;
}

static gboolean
is_http_scheme (const char *s,
                gsize       len)
{
  return ascii_equal (s, len, "http") || ascii_equal (s, len, "https");
}

static gboolean
starts_with_http (const char *p,
                  const char *end)
{
  gsize n = end - p;

  return (n >= 7 && g_ascii_strncasecmp (p, "http://", 7) == 0) ||
         (n >= 8 && g_ascii_strncasecmp (p, "https://", 8) == 0);
}

static int
compare_words (const void *a,
               const void *b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

static gboolean
word_in_list (const char         *s,
              gsize               len,
              const char * const *list,
              gsize               n_list)
{
  char word[16];
  const char *key = word;

  if (len == 0 || len >= sizeof word)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    word[i] = g_ascii_tolower (s[i]);
  word[len] = '\0';
  return bsearch (&key, list, n_list, sizeof *list, compare_words) != NULL;
}

/* Schemes without "//" that are worth reporting as unsupported (sorted). */
static const char * const opaque_schemes[] = {
  "about", "blob", "chrome", "data", "file", "geo", "intent", "javascript", "magnet",
  "mailto", "news", "sip", "sms", "tel", "urn", "view-source", "vbscript", "xmpp",
};

/* Top-level labels that are file extensions in prose far more often than
 * domains (sorted). Some are real TLDs ("md", "py", "sh", "zip", "mov"); a bare
 * host ending in one needs its scheme written out. */
static const char * const file_extensions[] = {
  "asp", "aspx", "bak", "bat", "bmp", "cfg", "class", "conf", "cpp", "css", "csv", "deb",
  "dll", "dmg", "doc", "docx", "exe", "gif", "go", "gz", "h", "hpp", "htm", "html", "ico",
  "ini", "jar", "java", "jpeg", "jpg", "js", "json", "jsp", "jsx", "lock", "log", "md",
  "mjs", "mkv", "mov", "odt", "ogg", "pdf", "php", "png", "ppt", "pptx", "py", "pyc",
  "rar", "rb", "rpm", "rst", "scss", "sh", "sql", "svg", "swp", "tar", "tgz", "tmp",
  "toml", "ts", "tsx", "txt", "wasm", "wav", "webm", "webp", "xls", "xlsx", "xml", "xz",
  "yaml", "yml", "zip",
};

/* ---- fingerprints --------------------------------------------------------- */

#define ROTL64(x, b) (guint64)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                  \
  G_STMT_START {                                                                  \
    v0 += v1; v1 = ROTL64 (v1, 13); v1 ^= v0; v0 = ROTL64 (v0, 32);              \
    v2 += v3; v3 = ROTL64 (v3, 16); v3 ^= v2;                                     \
    v0 += v3; v3 = ROTL64 (v3, 21); v3 ^= v0;                                     \
    v2 += v1; v1 = ROTL64 (v1, 17); v1 ^= v2; v2 = ROTL64 (v2, 32);              \
  } G_STMT_END

/* SipHash-1-3 (Aumasson and Bernstein; the variant Rust's HashMap uses). */
static guint64
siphash13 (const guint64  key[2],
           const char    *data,
           gsize          len)
{
  guint64 v0 = G_GUINT64_CONSTANT (0x736f6d6570736575) ^ key[0];
  guint64 v1 = G_GUINT64_CONSTANT (0x646f72616e646f6d) ^ key[1];
  guint64 v2 = G_GUINT64_CONSTANT (0x6c7967656e657261) ^ key[0];
  guint64 v3 = G_GUINT64_CONSTANT (0x7465646279746573) ^ key[1];
  const guchar *p = (const guchar *)data;
  guint64 last = ((guint64)len) << 56;
  gsize tail = len & 7;

  for (gsize i = 0; i < len / 8; i++, p += 8)
    {
      guint64 m;

      memcpy (&m, p, 8);
      m = GUINT64_FROM_LE (m);
      v3 ^= m;
      SIPROUND;
      v0 ^= m;
    }
  for (gsize i = 0; i < tail; i++)
    last |= ((guint64)p[i]) << (8 * i);

  v3 ^= last;
  SIPROUND;
  v0 ^= last;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;

  return v0 ^ v1 ^ v2 ^ v3;
}

/* ---- normalising one candidate -------------------------------------------- */

typedef enum
{
  PROBLEM_NONE,
  PROBLEM_HOST_EMPTY,
  PROBLEM_HOST_CHARS,
  PROBLEM_HOST_LABEL_LONG,
  PROBLEM_HOST_TOO_LONG,
  PROBLEM_HOST_IDN,
  PROBLEM_HOST_IP,
  PROBLEM_NO_SCHEME,      /* "://example.org" */
  PROBLEM_NO_COLON,       /* "https//example.org" */
  PROBLEM_LINE_TOO_LONG,
} Problem;

typedef struct
{
  GleanerRejectReason reason;
  Problem             problem;
  char                scheme[MESSAGE_SCHEME_MAX + 4];  /* unsupported scheme, for the message */
} Failure;

typedef enum
{
  CANDIDATE_DECODE_ENTITIES = 1 << 0,  /* an HTML attribute value */
  CANDIDATE_BARE            = 1 << 1,  /* no scheme: "example.org/x" or "//example.org/x" */
} CandidateFlags;

static gboolean
fail (Failure             *failure,
      GleanerRejectReason  reason,
      Problem              problem)
{
  failure->reason = reason;
  failure->problem = problem;
  return FALSE;
}

/* Appends @text with HTML character references decoded (the few that occur in
 * URLs, and numeric ones), as a browser decodes an attribute value. */
static void
append_decoding_entities (GString    *buf,
                          const char *text,
                          gsize       len)
{
  static const struct { const char *name; char c; } entities[] = {
    { "amp", '&' }, { "apos", '\'' }, { "gt", '>' }, { "lt", '<' }, { "quot", '"' },
  };
  const char *end = text + len;
  const char *p = text;

  while (p < end)
    {
      const char *amp = memchr (p, '&', end - p);
      const char *semi;
      const char *name;
      gsize name_len;
      gboolean decoded = FALSE;

      if (amp == NULL)
        {
          g_string_append_len (buf, p, end - p);
          break;
        }
      g_string_append_len (buf, p, amp - p);
      name = amp + 1;
      semi = memchr (name, ';', MIN ((gsize)(end - name), 10));
      name_len = semi ? (gsize)(semi - name) : 0;

      if (name_len >= 2 && name[0] == '#')
        {
          gboolean hex = name[1] == 'x' || name[1] == 'X';
          const char *digits = name + (hex ? 2 : 1);
          guint64 value = 0;
          gboolean ok = digits < semi;

          for (const char *d = digits; ok && d < semi; d++)
            {
              int v = hex ? g_ascii_xdigit_value (*d) : g_ascii_digit_value (*d);

              ok = v >= 0;
              value = value * (hex ? 16 : 10) + MAX (v, 0);
            }
          if (ok && value > 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff))
            {
              g_string_append_unichar (buf, (gunichar)value);
              decoded = TRUE;
            }
        }
      else if (name_len > 0)
        {
          for (gsize i = 0; i < G_N_ELEMENTS (entities) && !decoded; i++)
            if (strlen (entities[i].name) == name_len &&
                memcmp (entities[i].name, name, name_len) == 0)
              {
                g_string_append_c (buf, entities[i].c);
                decoded = TRUE;
              }
        }

      if (decoded)
        {
          p = semi + 1;
        }
      else
        {
          g_string_append_c (buf, '&');
          p = amp + 1;
        }
    }
}

/* Percent-encodes what a browser encodes in a path (WHATWG path set) or a
 * query (special-query set); GUri already did spaces and non-ASCII. A "`" is
 * encoded in the query too: it would end the link when the URL is pasted into
 * Markdown, or back into Gleaner. */
static void
append_escaped (GString    *out,
                const char *s,
                gboolean    query)
{
  static const char hex[] = "0123456789ABCDEF";
  const guchar *run = (const guchar *)s;
  const guchar *p;

  for (p = run; *p != '\0'; p++)
    {
      gboolean escape;

      switch (*p)
        {
        case '"': case '<': case '>': case '`':
          escape = TRUE;
          break;
        case '{': case '}':
          escape = !query;
          break;
        case '\'':
          escape = query;
          break;
        default:
          escape = *p <= 0x20 || *p >= 0x7f;
          break;
        }
      if (escape)
        {
          g_string_append_len (out, (const char *)run, p - run);
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[*p >> 4]);
          g_string_append_c (out, hex[*p & 0xf]);
          run = p + 1;
        }
    }
  g_string_append_len (out, (const char *)run, p - run);
}

/* Checks an ASCII host from g_hostname_to_ascii(); appends it to @out. */
static gboolean
append_ascii_host (GString    *out,
                   const char *host,
                   Failure    *failure)
{
  gsize len = strlen (host);
  gsize n = len;
  gboolean has_idn = FALSE;
  const char *last_label = host;

  if (n > 0 && host[n - 1] == '.')
    n--;  /* one final dot: a fully qualified name, kept as written */
  if (n == 0)
    return fail (failure, GLEANER_REJECT_BAD_HOST, PROBLEM_HOST_EMPTY);
  if (n > 253)
    return fail (failure, GLEANER_REJECT_BAD_HOST, PROBLEM_HOST_TOO_LONG);

  for (const char *label = host; label < host + n;)
    {
      const char *dot = memchr (label, '.', host + n - label);
      const char *label_end = dot ? dot : host + n;
      gsize label_len = label_end - label;

      if (label_len == 0)
        return fail (failure, GLEANER_REJECT_BAD_HOST, PROBLEM_HOST_CHARS);
      if (label_len > 63)
        return fail (failure, GLEANER_REJECT_BAD_HOST, PROBLEM_HOST_LABEL_LONG);
      for (const char *c = label; c < label_end; c++)
        if (!(g_ascii_islower (*c) || g_ascii_isdigit (*c) || *c == '-' || *c == '_'))
          return fail (failure, GLEANER_REJECT_BAD_HOST, PROBLEM_HOST_CHARS);
      if (label_len >= 4 && g_ascii_strncasecmp (label, "xn--", 4) == 0)
        {
          if (label_len == 4)
            return fail (failure, GLEANER_REJECT_BAD_HOST, PROBLEM_HOST_IDN);
          has_idn = TRUE;
        }
      last_label = label;
      label = dot ? dot + 1 : label_end;
    }

  /* A name ending in a number must be an IPv4 address (WHATWG host parser). */
  if (g_ascii_isdigit (*last_label))
    {
      gboolean numeric = TRUE;

      for (const char *c = last_label; c < host + n && numeric; c++)
        numeric = g_ascii_isdigit (*c);
      if (numeric)
        {
          g_autofree char *ip = g_strndup (host, n);

          if (!g_hostname_is_ip_address (ip))
            return fail (failure, GLEANER_REJECT_BAD_HOST, PROBLEM_HOST_IP);
          g_string_append (out, ip);
          return TRUE;
        }
    }

  if (has_idn)
    {
      g_autofree char *unicode = g_hostname_to_unicode (host);

      if (unicode == NULL)
        return fail (failure, GLEANER_REJECT_BAD_HOST, PROBLEM_HOST_IDN);
    }

  g_string_append_len (out, host, len);
  return TRUE;
}

/* Normalises one candidate (see the top of the file). @buf and @out are
 * scratch space; on success @out holds the URL and TRUE is returned. */
static gboolean
normalize_candidate (GString        *buf,
                     GString        *out,
                     const char     *text,
                     gsize           len,
                     CandidateFlags  flags,
                     Failure        *failure)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ascii = NULL;
  const char *s;
  const char *e;
  const char *rest;
  const char *host;
  const char *path;
  const char *query;
  const char *hash;
  gboolean https = TRUE;
  gsize start;
  int port;

  if (len > GLEANER_URL_MAX_LENGTH)
    return fail (failure, GLEANER_REJECT_TOO_LONG, PROBLEM_NONE);
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '\0')
        return fail (failure, GLEANER_REJECT_NOT_TEXT, PROBLEM_NONE);
      if ((guchar)text[i] >= 0x80)
        {
          if (!g_utf8_validate_len (text + i, len - i, NULL))
            return fail (failure, GLEANER_REJECT_NOT_TEXT, PROBLEM_NONE);
          break;
        }
    }

  /* Attribute values are decoded before they are read as URLs, as in a browser. */
  s = text;
  e = text + len;
  if (flags & CANDIDATE_DECODE_ENTITIES)
    {
      g_string_truncate (buf, 0);
      append_decoding_entities (buf, text, len);
      s = buf->str;
      e = s + buf->len;
    }
  while (s < e && cc_is (*s, CC_SPACE))
    s++;
  while (e > s && cc_is (e[-1], CC_SPACE))
    e--;

  rest = s;
  if (!(flags & CANDIDATE_BARE))
    {
      const char *colon = s;

      if (colon < e && g_ascii_isalpha (*colon))
        while (colon < e && cc_is (*colon, CC_SCHEME))
          colon++;
      if (colon == s || colon == e || *colon != ':')
        return fail (failure, GLEANER_REJECT_MALFORMED, PROBLEM_NO_SCHEME);
      if (!is_http_scheme (s, colon - s))
        {
          gsize n = MIN ((gsize)(colon - s), MESSAGE_SCHEME_MAX);

          for (gsize i = 0; i < n; i++)
            failure->scheme[i] = g_ascii_tolower (s[i]);
          strcpy (failure->scheme + n, (gsize)(colon - s) > n ? "…" : "");
          return fail (failure, GLEANER_REJECT_UNSUPPORTED_SCHEME, PROBLEM_NONE);
        }
      https = colon - s == 5;
      rest = colon + 1;
    }

  /* As in WHATWG's special-scheme parsing: any run of slashes or backslashes
   * after the scheme introduces the host, and a backslash before the query is
   * a slash. The fragment never reaches the server: it goes. */
  g_string_truncate (out, 0);
  g_string_append (out, https ? "https://" : "http://");
  while (rest < e && (*rest == '/' || *rest == '\\'))
    rest++;
  hash = memchr (rest, '#', e - rest);
  if (hash != NULL)
    e = hash;
  start = out->len;
  g_string_append_len (out, rest, e - rest);
  for (char *r = out->str + start; *r != '\0' && *r != '?'; r++)
    if (*r == '\\')
      *r = '/';

  uri = g_uri_parse (out->str, G_URI_FLAGS_PARSE_RELAXED | G_URI_FLAGS_ENCODED, &error);
  if (uri == NULL)
    {
      if (g_error_matches (error, G_URI_ERROR, G_URI_ERROR_BAD_HOST))
        return fail (failure, GLEANER_REJECT_BAD_HOST, PROBLEM_HOST_CHARS);
      if (g_error_matches (error, G_URI_ERROR, G_URI_ERROR_BAD_PORT))
        return fail (failure, GLEANER_REJECT_BAD_PORT, PROBLEM_NONE);
      return fail (failure, GLEANER_REJECT_MALFORMED, PROBLEM_NONE);
    }

  host = g_uri_get_host (uri);
  port = g_uri_get_port (uri);
  path = g_uri_get_path (uri);
  query = g_uri_get_query (uri);
  if (host == NULL || host[0] == '\0')
    return fail (failure, GLEANER_REJECT_BAD_HOST, PROBLEM_HOST_EMPTY);
  if (port == 0 || port > 65535)
    return fail (failure, GLEANER_REJECT_BAD_PORT, PROBLEM_NONE);
  if (port == (https ? 443 : 80))
    port = -1;

  g_string_truncate (out, 0);
  g_string_append (out, https ? "https://" : "http://");
  if (strchr (host, ':') != NULL)
    {
      g_autoptr(GInetAddress) address = NULL;
      g_autofree char *canonical = NULL;

      /* Zone identifiers ("%eth0") mean nothing to a remote server. */
      if (strchr (host, '%') == NULL)
        address = g_inet_address_new_from_string (host);
      if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
        return fail (failure, GLEANER_REJECT_BAD_HOST, PROBLEM_HOST_IP);
      canonical = g_inet_address_to_string (address);
      g_string_append_c (out, '[');
      g_string_append (out, canonical);
      g_string_append_c (out, ']');
    }
  else
    {
      gboolean normal = TRUE;

      /* Lower case, and punycode for IDN. GUri converted most non-ASCII
       * hosts already, and a lower-case ASCII host is what
       * g_hostname_to_ascii() would return, so it is skipped for speed. */
      for (const char *c = host; *c != '\0' && normal; c++)
        normal = (guchar)*c < 0x80 && !g_ascii_isupper (*c);
      if (!normal)
        {
          ascii = g_hostname_to_ascii (host);
          if (ascii == NULL)
            return fail (failure, GLEANER_REJECT_BAD_HOST, PROBLEM_HOST_IDN);
          host = ascii;
        }
      if (!append_ascii_host (out, host, failure))
        return FALSE;
    }
  if (port > 0)
    g_string_append_printf (out, ":%d", port);

  if (path == NULL || path[0] == '\0')
    g_string_append_c (out, '/');
  else
    append_escaped (out, path, FALSE);
  if (query != NULL)
    {
      g_string_append_c (out, '?');
      append_escaped (out, query, TRUE);
    }

  if (out->len > GLEANER_URL_MAX_LENGTH)
    return fail (failure, GLEANER_REJECT_TOO_LONG, PROBLEM_NONE);
  return TRUE;
}

/* ---- scanning a line ------------------------------------------------------ */

typedef struct
{
  /* borrowed */
  GleanerUrlList *list;         /* NULL: collecting for gleaner_url_normalize() */
  GString        *buf;
  GString        *out;
  const guint64  *key;
  const char     *start;        /* the line, trimmed */
  const char     *end;
  const char     *token;        /* the whole-line token, list marker skipped */
  const char     *last_quote[2];/* last '"' and '\'' on the line, once looked up */

  gboolean        quotes_found;
  int             html;         /* -1: not looked at yet; else whether the line has tags */
  gboolean        whole_line;   /* the line is one token: permissive bare hosts */
  gboolean        saw_invalid;  /* bytes that are not UTF-8 outside any link */
  guint           n_found;      /* URLs accepted, duplicates included */
  guint64         prev_fp;
  gboolean        have_prev;

  /* the first candidate on the line that was meant as a link and failed */
  gboolean        failed;
  Failure         failure;
  const char     *fail_text;
  gsize           fail_len;

  /* gleaner_url_normalize(): the first URL (owned) */
  char           *first_url;
} LineScan;

typedef struct
{
  gboolean in_link;  /* attribute value, Markdown destination or autolink */
  gboolean decode;   /* HTML attribute value: decode character references */
  gboolean angle;    /* after '<': a '>' ends the link as written */
  char     quote;    /* quoted href/src value: its closing quote ends the link */
} LinkContext;

typedef struct
{
  const char *end;     /* the link is [start, end) */
  const char *resume;  /* scanning goes on from here */
} LinkEnd;

static const char *
last_quote (LineScan *scan,
            char      quote)
{
  if (!scan->quotes_found)
    {
      for (const char *q = scan->end; q > scan->start; q--)
        {
          if (q[-1] == '"' && scan->last_quote[0] == NULL)
            scan->last_quote[0] = q - 1;
          else if (q[-1] == '\'' && scan->last_quote[1] == NULL)
            scan->last_quote[1] = q - 1;
          if (scan->last_quote[0] != NULL && scan->last_quote[1] != NULL)
            break;
        }
      scan->quotes_found = TRUE;
    }
  return scan->last_quote[quote == '"' ? 0 : 1];
}

/* What precedes @p says whether a link certainly starts there. */
static void
link_context (LineScan    *scan,
              const char  *p,
              LinkContext *ctx)
{
  gsize i = p - scan->start;
  const char *s = scan->start;
  gsize name_end;
  gsize name_start;
  char quote = 0;

  memset (ctx, 0, sizeof *ctx);
  if (i == 0)
    return;
  if (s[i - 1] == '<')
    {
      ctx->in_link = ctx->angle = TRUE;
      return;
    }
  if (s[i - 1] == '(' && i >= 2 && s[i - 2] == ']')
    {
      ctx->in_link = TRUE;
      return;
    }

  if (s[i - 1] == '"' || s[i - 1] == '\'')
    quote = s[--i];
  while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
    i--;
  if (i == 0 || s[i - 1] != '=')
    return;
  i--;
  while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
    i--;
  name_end = i;
  while (i > 0 && (g_ascii_isalnum (s[i - 1]) || s[i - 1] == '-' || s[i - 1] == ':' ||
                   s[i - 1] == '_'))
    i--;
  name_start = i;
  if (name_start == name_end)
    return;

  ctx->in_link = ctx->decode = TRUE;
  if (quote != 0)
    {
      const char *name = s + name_start;
      gsize len = name_end - name_start;
      const char *closing = last_quote (scan, quote);

      if ((ascii_equal (name, len, "href") || ascii_equal (name, len, "src") ||
           (len > 5 && g_ascii_strncasecmp (name + len - 5, ":href", 5) == 0)) &&
          closing != NULL && closing >= p)
        ctx->quote = quote;
    }
}

static gboolean
is_entity_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '#';
}

static void
find_link_end (LineScan          *scan,
               const char        *p,
               const LinkContext *ctx,
               gboolean           glued,
               LinkEnd           *out)
{
  const char *end = scan->end;
  const char *q = p;
  guint brackets = 0;
  gsize opened[2] = { 0, 0 };  /* '(' and '{' */
  gsize closed[2] = { 0, 0 };

  if (ctx->quote != 0)
    {
      /* link_context() made sure the closing quote exists. */
      const char *closing = memchr (p, ctx->quote, end - p);

      g_assert (closing != NULL);
      out->resume = closing;
      while (closing > p && cc_is (closing[-1], CC_SPACE))
        closing--;
      out->end = closing;
      return;
    }

  if (ctx->angle)
    {
      /* "<…>" as CommonMark reads an autolink: up to '>', nothing trimmed. */
      while (q < end && !cc_is (*q, CC_DELIM))
        q++;
      if (q < end && *q == '>')
        {
          out->end = out->resume = q;
          return;
        }
      q = p;
    }

  while (q < end)
    {
      guchar c = *q;

      if (c < 0x80)
        {
          if (char_class[c] & CC_DELIM)
            break;
          switch (c)
            {
            case '[':
              brackets++;
              break;
            case ']':
              if (brackets == 0)
                goto done;
              brackets--;
              break;
            case '(':
              opened[0]++;
              break;
            case ')':
              closed[0]++;
              break;
            case '{':
              opened[1]++;
              break;
            case '}':
              closed[1]++;
              break;
            case ',': case ';': case '|':
              if (starts_with_http (q + 1, end))
                goto done;
              break;
            default:
              break;
            }
          q++;
        }
      else
        {
          gsize n;
          UnicodeKind kind;

          if (glued)
            break;
          kind = next_unichar (q, end, &n);
          if (kind == UC_SPACE || kind == UC_PUNCT)
            break;
          q += n;
        }
    }
done:

  while (q > p)
    {
      char c = q[-1];

      if (c == ';')
        {
          const char *r = q - 1;

          /* An HTML character reference ("&gt;") ends prose, not the URL. */
          while (r > p && q - r < 12 && is_entity_name_char (r[-1]))
            r--;
          q = (r > p && r[-1] == '&' && r < q - 1) ? r - 1 : q - 1;
        }
      else if (cc_is (c, CC_TRAIL))
        q--;
      else if (c == ')' && closed[0] > opened[0])
        q--, closed[0]--;
      else if (c == '}' && closed[1] > opened[1])
        q--, closed[1]--;
      else
        break;
    }
  out->end = out->resume = q;
}

static void
emit_url (LineScan *scan)
{
  GleanerUrlList *list = scan->list;
  guint64 fp = siphash13 (scan->key, scan->out->str, scan->out->len);

  if (scan->have_prev && fp == scan->prev_fp)
    return;
  scan->prev_fp = fp;
  scan->have_prev = TRUE;
  scan->n_found++;

  if (list == NULL)
    {
      if (scan->first_url == NULL)
        scan->first_url = g_strndup (scan->out->str, scan->out->len);
      return;
    }
  if (list->seen != NULL && !gleaner_fingerprint_set_add (list->seen, fp))
    {
      list->n_duplicates++;
      return;
    }
  list->n_urls++;
  g_ptr_array_add (list->urls, g_strndup (scan->out->str, scan->out->len));
}

static void
record_failure (LineScan      *scan,
                const char    *text,
                gsize          len,
                const Failure *failure)
{
  if (scan->failed)
    return;
  scan->failed = TRUE;
  scan->failure = *failure;
  scan->fail_text = text;
  scan->fail_len = len;
}

/* A line with HTML tags is HTML: its text content is escaped too, so the
 * "&amp;" in "<a href=…>https://x/?a=1&amp;b=2</a>" is a "&". A tag is "<name"
 * followed by a space, "/" or ">", or "</name"; an autolink "<https:…>" is not. */
static gboolean
line_has_tags (LineScan *scan)
{
  if (scan->html < 0)
    {
      const char *gt = scan->end;

      while (gt > scan->start && gt[-1] != '>')
        gt--;
      scan->html = FALSE;
      for (const char *lt = scan->start; lt + 2 < gt && !scan->html; lt++)
        {
          const char *name = lt + 1;

          if (*lt != '<')
            continue;
          if (*name == '/')
            {
              scan->html = g_ascii_isalpha (name[1]);
              continue;
            }
          while (name < gt && g_ascii_isalnum (*name))
            name++;
          scan->html = name > lt + 1 && g_ascii_isalpha (lt[1]) &&
                       (*name == '>' || *name == '/' || cc_is (*name, CC_SPACE));
        }
    }
  return scan->html;
}

static void
handle_candidate (LineScan       *scan,
                  const char     *text,
                  gsize           len,
                  CandidateFlags  flags)
{
  Failure failure = { 0, };

  if (!(flags & CANDIDATE_DECODE_ENTITIES) && memchr (text, '&', len) != NULL &&
      line_has_tags (scan))
    flags |= CANDIDATE_DECODE_ENTITIES;

  if (normalize_candidate (scan->buf, scan->out, text, len, flags, &failure))
    emit_url (scan);
  else
    record_failure (scan, text, len, &failure);
}

static gboolean
only_classes (const char *p,
              const char *end,
              guint       ascii_classes)
{
  while (p < end)
    {
      gsize n = 1;

      if ((guchar)*p < 0x80)
        {
          if (!cc_is (*p, ascii_classes))
            return FALSE;
        }
      else if (next_unichar (p, end, &n) != UC_PUNCT)
        {
          return FALSE;
        }
      p += n;
    }
  return TRUE;
}

typedef struct
{
  gboolean plausible;
  gboolean www;
} HostShape;

/* Judges a bare host [h, end) against the rules at the top of the file. */
static void
judge_bare_host (const char *h,
                 const char *end,
                 HostShape  *shape)
{
  guint n_labels = 0;
  const char *tld = NULL;
  gsize tld_len = 0;
  gboolean tld_ascii = TRUE;
  gboolean tld_alpha = TRUE;

  shape->plausible = FALSE;
  shape->www = end - h > 4 && g_ascii_strncasecmp (h, "www.", 4) == 0;

  for (const char *label = h; label <= end;)
    {
      const char *dot = memchr (label, '.', end - label);
      const char *label_end = dot ? dot : end;
      gboolean ascii = TRUE;
      gboolean alpha = TRUE;

      if (label_end == label || *label == '-' || label_end[-1] == '-')
        return;
      for (const char *c = label; c < label_end; c++)
        {
          if ((guchar)*c >= 0x80)
            ascii = FALSE;
          else if (!g_ascii_isalpha (*c))
            alpha = FALSE;
        }
      if (ascii && label_end - label > 63)
        return;
      n_labels++;
      tld = label;
      tld_len = label_end - label;
      tld_ascii = ascii;
      tld_alpha = alpha;
      if (dot == NULL)
        break;
      label = dot + 1;
    }

  if (n_labels < 2)
    return;
  if (tld_ascii)
    {
      gboolean punycode = tld_len > 4 && g_ascii_strncasecmp (tld, "xn--", 4) == 0;

      if (!punycode && (!tld_alpha || tld_len < 2 ||
                        word_in_list (tld, tld_len, file_extensions,
                                      G_N_ELEMENTS (file_extensions))))
        return;
    }
  else
    {
      /* An IDN top-level label is letters only (no digits, no hyphens). */
      for (const char *c = tld; c < tld + tld_len;)
        {
          gunichar u = g_utf8_get_char (c);

          if ((guchar)*c < 0x80 ? !g_ascii_isalpha (*c)
                                : !(g_unichar_isalpha (u) || g_unichar_ismark (u)))
            return;
          c = g_utf8_next_char (c);
        }
    }
  shape->plausible = TRUE;
}

/* A bare host (or "//host" when @protocol_relative) may start at @p. Returns
 * where scanning goes on, or NULL when nothing starts here. */
static const char *
try_bare (LineScan   *scan,
          const char *p,
          gboolean    protocol_relative)
{
  const char *end = scan->end;
  const char *h = protocol_relative ? p + 2 : p;
  const char *host_end = h;
  gboolean has_dot = FALSE;
  gboolean has_path = FALSE;
  gboolean strict;
  LinkContext ctx;
  LinkEnd link;
  HostShape shape;

  while (host_end < end)
    {
      guchar c = *host_end;
      gsize n = 1;

      if (c == '.')
        has_dot = TRUE;
      else if (c >= 0x80 ? next_unichar (host_end, end, &n) != UC_LETTER
                         : !(g_ascii_isalnum (c) || c == '-'))
        break;
      host_end += n;
    }
  while (host_end > h && host_end[-1] == '.')
    host_end--;
  if (!has_dot || host_end == h)
    return NULL;

  judge_bare_host (h, host_end, &shape);
  if (!shape.plausible)
    return NULL;

  if (host_end < end && *host_end == ':')
    {
      const char *d = host_end + 1;

      while (d < end && g_ascii_isdigit (*d))
        d++;
      has_path = d > host_end + 1 && d < end && *d == '/';
    }
  else
    {
      has_path = host_end < end && *host_end == '/';
    }
  strict = protocol_relative || shape.www || has_path;
  if (!strict && !scan->whole_line)
    return NULL;

  link_context (scan, p, &ctx);
  find_link_end (scan, p, &ctx, FALSE, &link);
  if (link.end <= h)
    return link.resume > p ? link.resume : NULL;
  if (host_end > link.end)
    host_end = link.end;
  if (host_end < link.end && strchr ("/:?#", *host_end) == NULL)
    return link.resume;  /* "name.example@…" and the like: not a host */
  if (!strict &&
      !(p >= scan->token && only_classes (scan->token, p, CC_WRAP) &&
        only_classes (link.end, end, CC_TRAIL | CC_CLOSE)))
    return link.resume;

  handle_candidate (scan, p, link.end - p,
                    CANDIDATE_BARE | (ctx.decode ? CANDIDATE_DECODE_ENTITIES : 0));
  return link.resume;
}

/* A link with a scheme starts at @p; @colon is the scheme's colon. */
static const char *
take_scheme_link (LineScan          *scan,
                  const char        *p,
                  const char        *colon,
                  const LinkContext *ctx,
                  gboolean           glued)
{
  LinkEnd link;

  find_link_end (scan, p, ctx, glued, &link);

  /* "https://" alone is prose talking about links. */
  if (!ctx->in_link && !scan->whole_line && link.end <= colon + 3 &&
      colon + 3 <= scan->end && memcmp (colon, "://", 3) == 0)
    return link.resume;

  handle_candidate (scan, p, link.end - p, ctx->decode ? CANDIDATE_DECODE_ENTITIES : 0);
  return link.resume;
}

/* A link may start at @p: returns where scanning goes on, or NULL. */
static const char *
try_link (LineScan   *scan,
          const char *p,
          gboolean    scheme_ok,
          gboolean    bare_ok,
          gboolean    glued)
{
  const char *end = scan->end;
  LinkContext ctx;

  if (scheme_ok && g_ascii_isalpha (*p))
    {
      const char *q = p + 1;
      const char *s = p;
      gsize len;

      while (q < end && cc_is (*q, CC_SCHEME))
        q++;
      len = q - s;

      /* "sentence.https://…": a missing space, not a scheme "sentence.https". */
      if (len > 5 && !is_http_scheme (s, len))
        {
          if (g_ascii_strncasecmp (q - 5, "https", 5) == 0 && !g_ascii_isalnum (q[-6]))
            s = q - 5;
          else if (g_ascii_strncasecmp (q - 4, "http", 4) == 0 && !g_ascii_isalnum (q[-5]))
            s = q - 4;
          len = q - s;
        }

      if (q < end && *q == ':')
        {
          gboolean slashes = end - q > 2 && q[1] == '/' && q[2] == '/';

          link_context (scan, s, &ctx);
          if (slashes ||
              (is_http_scheme (s, len) && (scan->whole_line || ctx.in_link)) ||
              (word_in_list (s, len, opaque_schemes, G_N_ELEMENTS (opaque_schemes)) &&
               q + 1 < end && !cc_is (q[1], CC_DELIM)))
            return take_scheme_link (scan, s, q, &ctx, glued);
        }
      else if (end - q > 2 && q[0] == '/' && q[1] == '/' && is_http_scheme (s, len))
        {
          /* "https//example.org": a link, but broken. */
          Failure failure = { 0, };
          LinkEnd link;

          link_context (scan, s, &ctx);
          find_link_end (scan, s, &ctx, glued, &link);
          fail (&failure, GLEANER_REJECT_MALFORMED, PROBLEM_NO_COLON);
          record_failure (scan, s, link.end - s, &failure);
          return link.resume;
        }
    }

  if (!bare_ok)
    return NULL;

  if (*p == '/')
    {
      if (end - p > 2 && p[1] == '/' && p[2] != '/')
        {
          link_context (scan, p, &ctx);
          if (ctx.in_link || scan->whole_line)
            return try_bare (scan, p, TRUE);
        }
      return NULL;
    }

  return try_bare (scan, p, FALSE);
}

static void
scan_links (LineScan *scan)
{
  const char *p = scan->start;
  const char *end = scan->end;
  gboolean bare_ok = TRUE;    /* a bare host may start here */
  gboolean scheme_ok = TRUE;  /* a scheme may start here */
  gboolean glued = FALSE;     /* a non-ASCII letter is just before */

  while (p < end)
    {
      guchar c = *p;

      if (c < 0x80)
        {
          guint8 cls = char_class[c];

          if ((scheme_ok || bare_ok) && (g_ascii_isalnum (c) || c == '/'))
            {
              const char *next = try_link (scan, p, scheme_ok, bare_ok, glued);

              if (next != NULL)
                {
                  g_assert (next > p);
                  p = next;
                  bare_ok = scheme_ok = TRUE;
                  glued = FALSE;
                  continue;
                }
            }
          else if (c == ':' && scheme_ok && end - p > 3 && p[1] == '/' && p[2] == '/' &&
                   !cc_is (p[3], CC_DELIM))
            {
              /* "://example.org": a link without its scheme. */
              Failure failure = { 0, };
              LinkContext ctx;
              LinkEnd link;

              link_context (scan, p, &ctx);
              find_link_end (scan, p, &ctx, glued, &link);
              fail (&failure, GLEANER_REJECT_MALFORMED, PROBLEM_NO_SCHEME);
              record_failure (scan, p, link.end - p, &failure);
              p = link.resume > p ? link.resume : p + 1;
              bare_ok = scheme_ok = TRUE;
              glued = FALSE;
              continue;
            }

          if (!(cls & CC_TRANSPARENT))
            bare_ok = (cls & CC_BOUNDARY) != 0;
          scheme_ok = !(cls & CC_SCHEME);
          glued = FALSE;
          p++;
        }
      else
        {
          gsize n;
          UnicodeKind kind = next_unichar (p, end, &n);

          if (kind == UC_LETTER && bare_ok)
            {
              const char *next = try_bare (scan, p, FALSE);

              if (next != NULL)
                {
                  g_assert (next > p);
                  p = next;
                  bare_ok = scheme_ok = TRUE;
                  glued = FALSE;
                  continue;
                }
            }
          if (kind == UC_INVALID)
            scan->saw_invalid = TRUE;
          bare_ok = kind == UC_SPACE || kind == UC_PUNCT || kind == UC_INVALID;
          scheme_ok = TRUE;
          glued = kind == UC_LETTER;
          p += n;
        }
    }
}

/* "- ", "* ", "+ ", "> ", "• ", "12. ", "3) " */
static const char *
skip_list_marker (const char *p,
                  const char *end)
{
  const char *q = p;
  gsize n;

  if (q < end && strchr ("-*+>", *q) != NULL && *q != '\0')
    q++;
  else if (end - q >= 3 && memcmp (q, "\xe2\x80\xa2", 3) == 0)
    q += 3;
  else
    {
      while (q < end && q - p < 9 && g_ascii_isdigit (*q))
        q++;
      if (q == p || q == end || (*q != '.' && *q != ')'))
        return p;
      q++;
    }
  if (q == end || !is_space_at (q, end, &n))
    return p;
  while (q < end && is_space_at (q, end, &n))
    q += n;
  return q;
}

static gboolean
has_space (const char *p,
           const char *end)
{
  gsize n;

  for (; p < end; p += n)
    if (is_space_at (p, end, &n))
      return TRUE;
  return FALSE;
}

/* Scans one line. Returns FALSE for a blank line; otherwise TRUE, and if
 * scan->n_found is 0, *failure and the text to show say why the line failed. */
static gboolean
scan_line (LineScan    *scan,
           const char  *line,
           gsize        len,
           Failure     *failure,
           const char **text,
           gsize       *text_len)
{
  const char *s = line;
  const char *e = line + len;
  gsize n;

  memset (failure, 0, sizeof *failure);
  *text = line;
  *text_len = len;
  if (len == 0)
    return FALSE;

  if (len > GLEANER_URL_LIST_MAX_LINE_LENGTH)
    {
      fail (failure, GLEANER_REJECT_TOO_LONG, PROBLEM_LINE_TOO_LONG);
      return TRUE;
    }
  if (memchr (line, '\0', len) != NULL)
    {
      fail (failure, GLEANER_REJECT_NOT_TEXT, PROBLEM_NONE);
      return TRUE;
    }

  while (s < e && is_space_at (s, e, &n))
    s += n;
  while (e > s)
    {
      const char *c = prev_char_start (s, e);

      if (!is_space_at (c, e, &n) || c + n != e)
        break;
      e = c;
    }
  if (s == e)
    return FALSE;

  scan->start = s;
  scan->end = e;
  scan->token = skip_list_marker (s, e);
  scan->whole_line = !has_space (scan->token, e);
  scan_links (scan);

  *text = s;
  *text_len = e - s;
  if (scan->failed)
    {
      *failure = scan->failure;
      *text = scan->fail_text;
      *text_len = scan->fail_len;
    }
  else if (scan->saw_invalid)
    {
      fail (failure, GLEANER_REJECT_NOT_TEXT, PROBLEM_NONE);
    }
  else
    {
      fail (failure, GLEANER_REJECT_NO_URL, PROBLEM_NONE);
    }
  return TRUE;
}

/* ---- rejections ----------------------------------------------------------- */

typedef struct
{
  gsize start;
  gsize end;
} Range;

/* Userinfo passwords: from the first ':' after the last '@' or "://" up to the
 * next '@', the text is masked. That also catches "user:pa/ss@host", and it
 * masks the odd "Note: mail me@example.org" too, which is the safe side. When
 * only the first @len of @full_len bytes were looked at and they end inside an
 * authority ("https://user:…"), everything after the colon is masked. */
static GArray *
find_password_ranges (const char *text,
                      gsize       len,
                      gsize       full_len)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  gsize colon = G_MAXSIZE;
  gboolean after_scheme = FALSE;

  if (len == full_len && memchr (text, '@', len) == NULL)
    return ranges;
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == ':' && i + 2 < len && text[i + 1] == '/' && text[i + 2] == '/')
        {
          colon = G_MAXSIZE;
          after_scheme = TRUE;
          i += 2;
        }
      else if (text[i] == ':' && colon == G_MAXSIZE)
        {
          colon = i;
        }
      else if (text[i] == '@')
        {
          if (colon != G_MAXSIZE && colon + 1 < i)
            {
              Range range = { colon + 1, i };

              g_array_append_val (ranges, range);
            }
          colon = G_MAXSIZE;
          after_scheme = FALSE;
        }
    }
  if (len < full_len && after_scheme && colon != G_MAXSIZE)
    {
      Range range = { colon + 1, full_len };

      g_array_append_val (ranges, range);
    }
  return ranges;
}

/* Valid UTF-8, no control characters, passwords masked, at most
 * GLEANER_REJECTION_TEXT_MAX_CHARS characters. */
static char *
make_display_text (const char *text,
                   gsize       len)
{
  gsize scanned = MIN (len, GLEANER_URL_LIST_MAX_LINE_LENGTH);
  g_autoptr(GArray) ranges = find_password_ranges (text, scanned, len);
  GString *s = g_string_sized_new (MIN (len, TEXT_SCAN_BYTES) + 8);
  const char *end = text + len;
  const char *p = text;
  guint n_chars = 0;
  guint next_range = 0;

  while (p < end && n_chars <= GLEANER_REJECTION_TEXT_MAX_CHARS)
    {
      gunichar u;
      gsize n;

      if (next_range < ranges->len &&
          (gsize)(p - text) >= g_array_index (ranges, Range, next_range).start)
        {
          g_string_append (s, "***");
          n_chars += 3;
          p = text + g_array_index (ranges, Range, next_range).end;
          next_range++;
          continue;
        }

      if ((guchar)*p >= 0x20 && (guchar)*p < 0x7f)
        {
          g_string_append_c (s, *p);
          n_chars++;
          p++;
          continue;
        }
      u = g_utf8_get_char_validated (p, end - p);
      n = (u == (gunichar)-1 || u == (gunichar)-2) ? 1 : (gsize)(g_utf8_next_char (p) - p);
      if (*p == '\t')
        g_string_append_c (s, ' ');
      else if (n == 1 || u < 0x20 || (u >= 0x7f && u < 0xa0))
        g_string_append (s, "\xef\xbf\xbd");  /* U+FFFD */
      else
        g_string_append_len (s, p, n);
      n_chars++;
      p += n;
    }

  if (n_chars > GLEANER_REJECTION_TEXT_MAX_CHARS || p < end)
    {
      const char *cut = g_utf8_offset_to_pointer (s->str,
                                                  MIN (n_chars,
                                                       GLEANER_REJECTION_TEXT_MAX_CHARS - 1));

      g_string_truncate (s, cut - s->str);
      g_string_append (s, "…");
    }
  return g_string_free (s, FALSE);
}

static char *
failure_message (const Failure *failure)
{
  g_autofree char *size = NULL;

  switch (failure->reason)
    {
    case GLEANER_REJECT_NO_URL:
      return g_strdup (_("No link found on this line"));

    case GLEANER_REJECT_UNSUPPORTED_SCHEME:
      /* Translators: %s is a URL scheme such as “ftp” or “mailto” */
      return g_strdup_printf (_("Unsupported scheme “%s”: only http and https links can be "
                                "fetched"), failure->scheme);

    case GLEANER_REJECT_BAD_HOST:
      switch (failure->problem)
        {
        case PROBLEM_HOST_EMPTY:
          return g_strdup (_("The link has no host name"));
        case PROBLEM_HOST_LABEL_LONG:
          return g_strdup (_("A part of the host name is longer than 63 characters"));
        case PROBLEM_HOST_TOO_LONG:
          return g_strdup (_("The host name is longer than 253 characters"));
        case PROBLEM_HOST_IDN:
          return g_strdup (_("The host name is not a valid internationalized domain name"));
        case PROBLEM_HOST_IP:
          return g_strdup (_("The host is not a valid IP address"));
        case PROBLEM_HOST_CHARS:
        case PROBLEM_NONE:
        case PROBLEM_NO_SCHEME:
        case PROBLEM_NO_COLON:
        case PROBLEM_LINE_TOO_LONG:
        default:
          return g_strdup (_("The host name contains characters a host name cannot have"));
        }

    case GLEANER_REJECT_BAD_PORT:
      return g_strdup (_("Invalid port: a port is a number from 1 to 65535"));

    case GLEANER_REJECT_MALFORMED:
      if (failure->problem == PROBLEM_NO_SCHEME)
        return g_strdup (_("The link has no scheme before “://”"));
      if (failure->problem == PROBLEM_NO_COLON)
        return g_strdup (_("The link lacks the colon after its scheme (“https://”)"));
      return g_strdup (_("The link is malformed"));

    case GLEANER_REJECT_TOO_LONG:
      if (failure->problem == PROBLEM_LINE_TOO_LONG)
        {
          size = g_format_size_full (GLEANER_URL_LIST_MAX_LINE_LENGTH, G_FORMAT_SIZE_IEC_UNITS);
          /* Translators: %s is a size such as “1.0 MiB” */
          return g_strdup_printf (_("The line is longer than %s and was not read"), size);
        }
      size = g_format_size_full (GLEANER_URL_MAX_LENGTH, G_FORMAT_SIZE_IEC_UNITS);
      /* Translators: %s is a size such as “8.0 KiB” */
      return g_strdup_printf (_("The link is longer than %s"), size);

    case GLEANER_REJECT_NOT_TEXT:
      return g_strdup (_("This is not text: it holds NUL bytes or invalid UTF-8"));

    default:
      return g_strdup (_("The line was rejected"));
    }
}

static void
line_scan_init (LineScan       *scan,
                GleanerUrlList *list,
                GString        *buf,
                GString        *out,
                const guint64  *key)
{
  memset (scan, 0, sizeof *scan);
  scan->list = list;
  scan->buf = buf;
  scan->out = out;
  scan->key = key;
  scan->html = -1;
}

static void
add_line (GleanerUrlList *self,
          const char     *line,
          gsize           len)
{
  GleanerRejection *rejection;
  LineScan scan;
  Failure failure;
  const char *text;
  gsize text_len;

  self->n_lines++;
  line_scan_init (&scan, self, self->buf, self->out, self->key);
  if (!scan_line (&scan, line, len, &failure, &text, &text_len) || scan.n_found > 0)
    return;

  rejection = g_new0 (GleanerRejection, 1);
  rejection->line = self->n_lines;
  rejection->reason = failure.reason;
  rejection->text = make_display_text (text, text_len);
  rejection->message = failure_message (&failure);
  g_ptr_array_add (self->rejections, rejection);
  self->n_rejected++;
}

/* ---- public API ------------------------------------------------------------ */

/**
 * gleaner_rejection_copy:
 * @rejection: a #GleanerRejection
 *
 * Returns: (transfer full): a deep copy of @rejection
 */
GleanerRejection *
gleaner_rejection_copy (const GleanerRejection *rejection)
{
  GleanerRejection *copy;

  g_return_val_if_fail (rejection != NULL, NULL);

  copy = g_new0 (GleanerRejection, 1);
  copy->line = rejection->line;
  copy->reason = rejection->reason;
  copy->text = g_strdup (rejection->text);
  copy->message = g_strdup (rejection->message);
  return copy;
}

/**
 * gleaner_rejection_free:
 * @rejection: (nullable): a #GleanerRejection
 */
void
gleaner_rejection_free (GleanerRejection *rejection)
{
  if (rejection == NULL)
    return;
  g_free (rejection->text);
  g_free (rejection->message);
  g_free (rejection);
}

/**
 * gleaner_reject_reason_to_string:
 * @reason: a #GleanerRejectReason
 *
 * Returns: a stable machine name ("no-url", "unsupported-scheme", "bad-host",
 *   "bad-port", "malformed", "too-long", "not-text"), for exports and scripts
 */
const char *
gleaner_reject_reason_to_string (GleanerRejectReason reason)
{
  switch (reason)
    {
    case GLEANER_REJECT_NO_URL:             return "no-url";
    case GLEANER_REJECT_UNSUPPORTED_SCHEME: return "unsupported-scheme";
    case GLEANER_REJECT_BAD_HOST:           return "bad-host";
    case GLEANER_REJECT_BAD_PORT:           return "bad-port";
    case GLEANER_REJECT_MALFORMED:          return "malformed";
    case GLEANER_REJECT_TOO_LONG:           return "too-long";
    case GLEANER_REJECT_NOT_TEXT:           return "not-text";
    default:                                return "unknown";
    }
}

/**
 * gleaner_url_normalize:
 * @text: one candidate URL (with or without scheme)
 * @len: length of @text, or -1 if nul-terminated
 * @reason: (out) (optional): why it was rejected
 *
 * Reads @text as a one-line list would (see the top of gleaner-url-list.c) and
 * returns its first URL, normalised. Any thread.
 *
 * Returns: (transfer full) (nullable): the normalised URL, or %NULL if rejected
 */
char *
gleaner_url_normalize (const char          *text,
                       gssize               len,
                       GleanerRejectReason *reason)
{
  static const guint64 key[2] = { 0, 0 };
  g_autoptr(GString) buf = NULL;
  g_autoptr(GString) out = NULL;
  LineScan scan;
  Failure failure;
  const char *shown;
  gsize shown_len;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  if (len < 0)
    len = strlen (text);
  buf = g_string_new (NULL);
  out = g_string_new (NULL);
  line_scan_init (&scan, NULL, buf, out, key);
  if (!scan_line (&scan, text, len, &failure, &shown, &shown_len))
    failure.reason = GLEANER_REJECT_NO_URL;

  if (scan.first_url == NULL && reason != NULL)
    *reason = failure.reason;
  return scan.first_url;
}

/**
 * gleaner_url_list_new:
 *
 * Returns: (transfer full): a new, empty list
 */
GleanerUrlList *
gleaner_url_list_new (void)
{
  GleanerUrlList *self = g_new0 (GleanerUrlList, 1);

  self->urls = g_ptr_array_new_with_free_func (g_free);
  self->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify)gleaner_rejection_free);
  self->buf = g_string_sized_new (256);
  self->out = g_string_sized_new (256);
  self->seen = gleaner_fingerprint_set_new ();
  for (guint i = 0; i < G_N_ELEMENTS (self->key); i++)
    self->key[i] = ((guint64)g_random_int () << 32) | g_random_int ();
  return self;
}

/**
 * gleaner_url_list_free:
 * @self: (nullable): a #GleanerUrlList
 */
void
gleaner_url_list_free (GleanerUrlList *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->urls, g_ptr_array_unref);
  g_clear_pointer (&self->rejections, g_ptr_array_unref);
  g_clear_pointer (&self->seen, gleaner_fingerprint_set_free);
  g_string_free (self->buf, TRUE);
  g_string_free (self->out, TRUE);
  g_free (self);
}

/**
 * gleaner_url_list_set_keep_duplicates:
 * @self: a #GleanerUrlList
 * @keep: %TRUE to pass duplicates through
 *
 * With @keep, no dedupe set is kept (constant memory) and every URL is
 * queued. Turning it off again starts an empty set: URLs seen before do not
 * count as duplicates of later ones.
 */
void
gleaner_url_list_set_keep_duplicates (GleanerUrlList *self,
                                      gboolean        keep)
{
  g_return_if_fail (self != NULL);

  if (keep)
    g_clear_pointer (&self->seen, gleaner_fingerprint_set_free);
  else if (self->seen == NULL)
    self->seen = gleaner_fingerprint_set_new ();
}

/**
 * gleaner_url_list_add_line:
 * @self: a #GleanerUrlList
 * @line: (array length=len): one line, without its line break; any bytes
 * @len: length of @line in bytes
 *
 * Numbers @line after the lines fed so far and scans it for links.
 */
void
gleaner_url_list_add_line (GleanerUrlList *self,
                           const char     *line,
                           gsize           len)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (line != NULL || len == 0);

  self->pending_cr = FALSE;
  add_line (self, line, len);
}

/**
 * gleaner_url_list_add_text:
 * @self: a #GleanerUrlList
 * @text: (array length=len): any bytes
 * @len: length of @text in bytes
 *
 * Splits @text into lines at "\n", "\r\n" and "\r" and adds each. The end of
 * @text ends a line; a "\r" at the end of one call and a "\n" at the start of
 * the next are one line break.
 */
void
gleaner_url_list_add_text (GleanerUrlList *self,
                           const char     *text,
                           gsize           len)
{
  const char *p = text;
  const char *end = text + len;

  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL || len == 0);

  if (len == 0)
    return;
  if (self->pending_cr && *p == '\n')
    p++;
  self->pending_cr = FALSE;

  while (p < end)
    {
      const char *nl = p;

      while (nl < end && *nl != '\n' && *nl != '\r')
        nl++;
      add_line (self, p, nl - p);
      if (nl == end)
        break;
      if (*nl == '\r')
        {
          if (nl + 1 < end && nl[1] == '\n')
            nl++;
          else if (nl + 1 == end)
            self->pending_cr = TRUE;
        }
      p = nl + 1;
    }
}

/**
 * gleaner_url_list_take_urls:
 * @self: a #GleanerUrlList
 *
 * Returns: (transfer container) (element-type utf8): the URLs accepted since
 *   the last call, in input order
 */
GPtrArray *
gleaner_url_list_take_urls (GleanerUrlList *self)
{
  GPtrArray *urls;

  g_return_val_if_fail (self != NULL, NULL);

  urls = g_steal_pointer (&self->urls);
  self->urls = g_ptr_array_new_with_free_func (g_free);
  return urls;
}

/**
 * gleaner_url_list_take_rejections:
 * @self: a #GleanerUrlList
 *
 * Returns: (transfer container) (element-type GleanerRejection): the
 *   rejections since the last call, in input order
 */
GPtrArray *
gleaner_url_list_take_rejections (GleanerUrlList *self)
{
  GPtrArray *rejections;

  g_return_val_if_fail (self != NULL, NULL);

  rejections = g_steal_pointer (&self->rejections);
  self->rejections = g_ptr_array_new_with_free_func ((GDestroyNotify)gleaner_rejection_free);
  return rejections;
}

/**
 * gleaner_url_list_get_n_lines:
 * @self: a #GleanerUrlList
 *
 * Returns: the number of lines fed so far, blank ones included
 */
guint64
gleaner_url_list_get_n_lines (GleanerUrlList *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_lines;
}

/**
 * gleaner_url_list_get_n_urls:
 * @self: a #GleanerUrlList
 *
 * Returns: the number of URLs accepted so far, duplicates not counted
 */
guint64
gleaner_url_list_get_n_urls (GleanerUrlList *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_urls;
}

/**
 * gleaner_url_list_get_n_duplicates:
 * @self: a #GleanerUrlList
 *
 * Returns: the number of URLs dropped because they were seen before (always 0
 *   while duplicates are kept)
 */
guint64
gleaner_url_list_get_n_duplicates (GleanerUrlList *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_duplicates;
}

/**
 * gleaner_url_list_get_n_rejected:
 * @self: a #GleanerUrlList
 *
 * Returns: the number of rejected lines (one rejection each)
 */
guint64
gleaner_url_list_get_n_rejected (GleanerUrlList *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_rejected;
}
